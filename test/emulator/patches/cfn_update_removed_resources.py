"""A resource an update removes is gone from the stack.

AWS: once an update has deleted a resource the new template no longer
has, the stack no longer knows it; a later update whose template has that
logical id again creates a new resource.

moto 5.2.1 deletes the resource but keeps it in the stack's resource map:
a later update that adds the logical id back finds the deleted resource
there and creates nothing (e.g. one zonal NAT gateway -> regional -> zonal
again leaves the private route pointing at the first, deleted, gateway).

Patch: after an update, forget the resources it removed.
"""

from moto.cloudformation import parsing


def apply() -> None:
    original = parsing.ResourceMap.update

    def update(self, template, parameters=None):
        before = set(self._resource_json_map)
        result = original(self, template, parameters)
        for logical_name in before - set(template["Resources"]):
            self._parsed_resources.pop(logical_name, None)
        return result

    parsing.ResourceMap.update = update
