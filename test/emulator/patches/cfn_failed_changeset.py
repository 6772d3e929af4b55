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


class ResourceFailed(Exception):
    def __init__(self, logical_id, resource_type, reason):
        super().__init__(f"{logical_id} ({resource_type}): {reason}")
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.reason = reason


def _wrap(fn):
    def wrapped(logical_id, resource_json, *args, **kwargs):
        try:
            return fn(logical_id, resource_json, *args, **kwargs)
        except ResourceFailed:
            raise
        except Exception as e:  # noqa: BLE001
            reason = getattr(e, "message", None) or str(e) or type(e).__name__
            raise ResourceFailed(logical_id, resource_json.get("Type", "?"), reason) from e

    return wrapped


def _resource_event(stack, status, logical_id, resource_type, reason):
    event = models.Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=logical_id,
        physical_resource_id="",
        resource_type=resource_type,
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=None,
    )
    stack.events.append(event)


def apply() -> None:
    parsing.parse_and_create_resource = _wrap(parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _wrap(parsing.parse_and_update_resource)

    original = models.CloudFormationBackend.execute_change_set

    def execute_change_set(self, change_set_name, stack_name=None):
        try:
            return original(self, change_set_name, stack_name)
        except Exception as e:  # noqa: BLE001
            change_set = self.change_sets.get(change_set_name) or next(
                (c for c in self.change_sets.values() if c.change_set_name == change_set_name), None)
            if change_set is None:
                raise
            stack = self.stacks[change_set.stack_id]
            if isinstance(e, ResourceFailed):
                logical_id, resource_type, reason = e.logical_id, e.resource_type, e.reason
            else:
                logical_id, resource_type, reason = stack.name, "AWS::CloudFormation::Stack", repr(e)
                traceback.print_exc()
            change_set.execution_status = "EXECUTE_FAILED"
            creating = change_set.change_set_type == "CREATE"
            _resource_event(stack, "CREATE_FAILED" if creating else "UPDATE_FAILED",
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
