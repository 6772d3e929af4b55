"""A change set whose execution fails must fail the stack, not complete it.

AWS: ExecuteChangeSet returns at once; when a resource fails, the stack
goes to ROLLBACK_COMPLETE (a new stack: what was created is deleted) or
UPDATE_ROLLBACK_COMPLETE, with a *_FAILED event naming the resource and
the reason, which is what `cdk deploy` prints.

moto 5.2.1 runs the change set inside the request; an exception becomes an
HTTP 500, the CLI retries, and the stack ends CREATE_COMPLETE with part of
its resources: a broken template looks deployed.

Patch: catch the failure, record a failed event for the resource that
failed, undo a new stack's resources, and set the rolled-back status. An
update cannot be rolled back here, so it ends UPDATE_ROLLBACK_FAILED (the
CLI reports a failed deployment either way).
"""

import traceback

from moto.cloudformation import models, parsing

from ._cfn import ResourceFailed, find_change_set, resource_event


def _wrap(fn):
    def wrapped(logical_id, resource_json, *args, **kwargs):
        try:
            return fn(logical_id, resource_json, *args, **kwargs)
        except Exception as e:  # noqa: BLE001
            raise ResourceFailed.of(e, logical_id, resource_json.get("Type", "?")) from e

    return wrapped


def apply() -> None:
    parsing.parse_and_create_resource = _wrap(parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _wrap(parsing.parse_and_update_resource)

    original = models.CloudFormationBackend.execute_change_set

    def execute_change_set(self, change_set_name, stack_name=None):
        try:
            return original(self, change_set_name, stack_name)
        except Exception as e:  # noqa: BLE001
            key = find_change_set(self, change_set_name)
            if key is None:
                raise
            change_set = self.change_sets[key]
            stack = self.stacks[change_set.stack_id]
            if isinstance(e, ResourceFailed):
                logical_id, resource_type, reason = e.logical_id, e.resource_type, e.reason
            else:
                logical_id, resource_type, reason = stack.name, "AWS::CloudFormation::Stack", repr(e)
                traceback.print_exc()
            change_set.execution_status = "EXECUTE_FAILED"
            creating = change_set.change_set_type == "CREATE"
            resource_event(stack, "CREATE_FAILED" if creating else "UPDATE_FAILED",
                            logical_id, resource_type, reason)
            if creating:
                stack._add_stack_event("ROLLBACK_IN_PROGRESS",
                                       resource_status_reason=f"The following resource(s) failed to create: [{logical_id}].")
                try:
                    stack.resource_map.delete()
                except Exception:  # noqa: BLE001
                    traceback.print_exc()
                # moto creates resources lazily when the map is read: a
                # rolled-back stack has none left to create.
                stack.resource_map._resource_json_map = {}
                stack.status = "ROLLBACK_COMPLETE"
                stack._add_stack_event("ROLLBACK_COMPLETE")
            else:
                stack.status = "UPDATE_ROLLBACK_FAILED"
                stack._add_stack_event("UPDATE_ROLLBACK_FAILED",
                                       resource_status_reason=f"{logical_id} failed to update: {reason} "
                                       "(the emulator cannot roll an update back)")
            return None

    models.CloudFormationBackend.execute_change_set = execute_change_set
