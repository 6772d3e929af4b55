"""A stack whose deletion fails must stay, as DELETE_FAILED.

AWS: when a resource cannot be deleted, the stack ends DELETE_FAILED with a
failed event naming the resource and the reason; the stack and the
resources not yet deleted remain, so the user can fix the cause and delete
again.

moto 5.2.1 removes the stack from its list before deleting the resources:
when one fails, DeleteStack answers the error, and the stack is gone while
its remaining resources are left behind with nothing pointing at them.

Patch: on failure, put the stack back with DELETE_FAILED and the event,
and answer DeleteStack normally (the failure shows in the stack's status).
"""

from moto.cloudformation import models

from moto.cloudformation import parsing

from ._cfn import ResourceFailed, reason, resource_event


def apply() -> None:
    original_delete_resource = parsing.ResourceMap._delete_resource

    def _delete_resource(self, parsed_resource, resource_json):
        try:
            return original_delete_resource(self, parsed_resource, resource_json)
        except Exception as e:  # noqa: BLE001
            raise ResourceFailed.of(e, getattr(parsed_resource, "logical_resource_id", "?"),
                                    resource_json.get("Type", "?")) from e

    parsing.ResourceMap._delete_resource = _delete_resource

    original = models.CloudFormationBackend.delete_stack

    def delete_stack(self, name_or_stack_id):
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None)
        if stack is None:
            return original(self, name_or_stack_id)
        try:
            return original(self, name_or_stack_id)
        except Exception as e:  # noqa: BLE001
            self.stacks[stack.stack_id] = stack
            self.deleted_stacks.pop(stack.stack_id, None)
            stack.status = "DELETE_FAILED"
            resource_event(stack, "DELETE_FAILED", stack.name, "AWS::CloudFormation::Stack",
                           f"The following resource(s) failed to delete: {reason(e)}")
            return None

    models.CloudFormationBackend.delete_stack = delete_stack
