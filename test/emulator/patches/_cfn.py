"""Helpers shared by the CloudFormation patches (not a patch itself)."""

from moto.cloudformation import models


class ResourceFailed(Exception):
    """A resource's create, update or delete failed: which one and why."""

    def __init__(self, logical_id, resource_type, reason):
        super().__init__(f"{logical_id} ({resource_type}): {reason}")
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.reason = reason

    @classmethod
    def of(cls, e, logical_id, resource_type):
        if isinstance(e, cls):
            return e
        return cls(logical_id, resource_type, reason(e))


def reason(e: Exception) -> str:
    """The message CloudFormation would show for an error."""
    if isinstance(e, ResourceFailed):
        return str(e)
    return getattr(e, "message", None) or str(e) or type(e).__name__


def find_change_set(backend, name):
    """The key of a change set given by ARN or name, or None."""
    if name in backend.change_sets:
        return name
    for key, change_set in backend.change_sets.items():
        if change_set.change_set_name == name:
            return key
    return None


def resource_event(stack, status, logical_id, resource_type, reason_text):
    """Add a stack event about one resource (moto's own helper names only the stack)."""
    stack.events.append(models.Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=logical_id,
        physical_resource_id="",
        resource_type=resource_type,
        resource_status=status,
        resource_status_reason=reason_text,
        resource_properties=None,
    ))
