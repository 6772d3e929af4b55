"""A modified resource whose type has no update handler must not vanish.

AWS: a resource whose properties change is updated in place or replaced
(a new physical resource, then the old one deleted); a resource whose
properties did not change (only DependsOn, Metadata, ...) is left alone.

moto 5.2.1: for a type without update_from_cloudformation_json (subnets,
route tables, routes, NAT gateways, network ACL entries, ...), the update
returns None and the resource is dropped from the stack: it still exists,
but the stack forgets it, so later updates and the delete skip it.

Patch: keep any resource whose Properties are unchanged (moto would
otherwise replace a security group whose DependsOn changed); for a type
without an update handler, replace the resource (create the new one, then
delete the old one), which is what AWS does for properties that require
replacement.
"""

import logging

from moto.cloudformation import parsing

log = logging.getLogger("emulator")


def apply() -> None:
    original_update = parsing.ResourceMap.update

    def update(self, template, parameters=None):
        self._emulator_old_json = dict(self._resource_json_map)
        try:
            return original_update(self, template, parameters)
        finally:
            self._emulator_old_json = None

    parsing.ResourceMap.update = update

    original = parsing.parse_and_update_resource

    def parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name):
        old_json = (getattr(resources_map, "_emulator_old_json", None) or {}).get(logical_id, {})
        old_resource = resources_map._parsed_resources.get(logical_id)
        if old_json.get("Properties") == resource_json.get("Properties") and old_resource is not None:
            return old_resource
        resource_class = parsing.resource_class_from_type(resource_json["Type"])
        if resource_class is None or not hasattr(
                resource_class.update_from_cloudformation_json, "__isabstractmethod__"):
            return original(logical_id, resource_json, resources_map, account_id, region_name)
        log.warning("replacing %s (%s): its properties changed", logical_id, resource_json["Type"])
        new_resource = parsing.parse_and_create_resource(
            logical_id, resource_json, resources_map, account_id, region_name)
        if old_resource is not None and not isinstance(old_resource, str):
            resources_map._delete_resource(old_resource, old_json)
        return new_resource

    parsing.parse_and_update_resource = parse_and_update_resource
