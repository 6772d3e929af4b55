"""A stack created or updated through a change set must get its Outputs.

AWS: Outputs (and exports) are evaluated when the change set has been
executed; `cdk deploy` prints them and `cdk bootstrap` reads BucketName
and BootstrapVersion from the CDKToolkit stack's outputs.

moto 5.2.1 builds the output map when the Stack object is created, which for
a change set is before any resource exists (an empty template), and never
again.

Patch: rebuild the output map (and the backend's exports) after the change
set has been applied.
"""

from moto.cloudformation import models

from ._cfn import find_change_set


def apply() -> None:
    original = models.CloudFormationBackend.execute_change_set

    def execute_change_set(self, change_set_name, stack_name=None):
        result = original(self, change_set_name, stack_name)
        key = find_change_set(self, change_set_name)
        change_set = self.change_sets.get(key)
        if change_set is not None and change_set.execution_status == "EXECUTE_COMPLETE":
            stack = self.stacks[change_set.stack_id]
            stack._parse_template()
            for export in stack.exports:
                self.exports.pop(export.name, None)
            stack.output_map = stack._create_output_map()
            for export in stack.exports:
                self.exports[export.name] = export
        return result

    models.CloudFormationBackend.execute_change_set = execute_change_set
