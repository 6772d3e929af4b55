"""Deleting a resource that is already gone succeeds.

AWS: CloudFormation's delete handlers treat "not found" as deleted: a
route, subnet or role removed by hand before the stack is deleted does not
make the stack's deletion fail.

moto 5.2.1 passes the NotFound error through, and the stack delete fails
(e.g. InvalidRoute.NotFound after a route was deleted with the EC2 API).

Patch: a delete that fails with a NotFound-type error counts as done.
"""

from moto.cloudformation import parsing
from moto.core.exceptions import ServiceException

_GONE = ("NotFound", "NoSuchEntity", "ResourceNotFoundException", "NoSuchBucket")


def _gone(e: Exception) -> bool:
    code = getattr(e, "code", "") or getattr(e, "error_type", "") or ""
    return isinstance(e, ServiceException) and any(code.endswith(g) for g in _GONE)


def apply() -> None:
    original = parsing.ResourceMap._delete_resource

    def _delete_resource(self, parsed_resource, resource_json):
        try:
            return original(self, parsed_resource, resource_json)
        except Exception as e:  # noqa: BLE001
            if _gone(e):
                return None
            raise

    parsing.ResourceMap._delete_resource = _delete_resource
