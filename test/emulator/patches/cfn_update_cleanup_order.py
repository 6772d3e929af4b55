"""A stack update removes resources last, in its cleanup phase.

AWS: UpdateStack (and ExecuteChangeSet) first creates the resources the
new template adds and updates (or replaces) the ones it changes, and only
then, in the cleanup phase, deletes the resources the template no longer
has (and the replaced originals). So a route that moves from a NAT gateway
the update removes to one it adds points at the new gateway before the old
one is deleted, and never at a deleted one.

moto 5.2.1 deletes the removed resources first, then adds and modifies:
between the two, routes point at a NAT gateway that is already deleted
(and a removed resource that another still references by dependency is
retried until the reference is gone).

Patch: the same steps in AWS's order: add, modify, then remove (with
moto's own retries for dependencies in each step). Each step done is
logged ("cloudformation update: modify ID (TYPE)"), so a test can check
the order in the emulator's log.
"""

import logging

from moto.cloudformation import parsing

log = logging.getLogger("emulator")


def _done(action, logical_name, resource_json):
    log.warning("cloudformation update: %s %s (%s)", action, logical_name, resource_json.get("Type", "?"))


def apply() -> None:
    def update(self, template, parameters=None):
        resource_names_by_action = self.build_resource_diff(template, parameters)
        old_json_map = dict(self._resource_json_map)

        self._template = template
        if parameters:
            self.input_parameters = parameters
        self.load_mapping()
        self.load_parameters()
        self.load_conditions()
        self._resource_json_map = template["Resources"]

        for logical_name in resource_names_by_action["Add"]:
            _ = self[logical_name]  # moto's indexer creates the resource
            _done("add", logical_name, self._resource_json_map[logical_name])

        last_exception = None
        tries = 1
        while resource_names_by_action["Modify"] and tries < parsing.MAX_UPDATE_ATTEMPTS:
            for logical_name in resource_names_by_action["Modify"].copy():
                try:
                    changed = parsing.parse_and_update_resource(
                        logical_name, self._resource_json_map[logical_name], self,
                        account_id=self._account_id, region_name=self._region_name)
                except Exception as e:  # noqa: BLE001 - a dependency not ready yet: next pass
                    last_exception = e
                else:
                    self._parsed_resources[logical_name] = changed
                    resource_names_by_action["Modify"].remove(logical_name)
                    _done("modify", logical_name, self._resource_json_map[logical_name])
            tries += 1
        if resource_names_by_action["Modify"]:
            raise last_exception

        # Cleanup: what the new template no longer has.
        tries = 1
        while resource_names_by_action["Remove"] and tries < parsing.MAX_UPDATE_ATTEMPTS:
            for logical_name in resource_names_by_action["Remove"].copy():
                try:
                    resource = self._parsed_resources.get(logical_name)
                    if resource is not None and not isinstance(resource, str):
                        self._delete_resource(resource, old_json_map[logical_name])
                except Exception as e:  # noqa: BLE001 - still a dependency of another: next pass
                    last_exception = e
                else:
                    resource_names_by_action["Remove"].remove(logical_name)
                    _done("remove", logical_name, old_json_map[logical_name])
            tries += 1
        if resource_names_by_action["Remove"]:
            raise last_exception

    parsing.ResourceMap.update = update
