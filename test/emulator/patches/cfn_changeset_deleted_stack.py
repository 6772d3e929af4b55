"""Deleting a stack deletes its change sets.

AWS: a change set belongs to its stack, and deleting the stack deletes its
change sets; a change set name is looked up within the stack named in the
request. Deploying a stack again under the name of a deleted one (cdk
deploy after cdk destroy, with the CLI's fixed change set name
cdk-deploy-change-set) works.

moto 5.2.1 keeps the change sets of deleted stacks and looks change sets
up by name alone, across all stacks: the second deploy of a name found
the deleted stack's change set first, and ExecuteChangeSet failed with
KeyError on the deleted stack's id (HTTP 500).

Patch: DeleteStack drops the deleted stacks' change sets.
"""

from moto.cloudformation import models


def apply() -> None:
    original = models.CloudFormationBackend.delete_stack

    def delete_stack(self, name_or_stack_id):
        before = set(self.stacks)
        result = original(self, name_or_stack_id)
        gone = before - set(self.stacks)
        for key in [k for k, cs in self.change_sets.items() if cs.stack_id in gone]:
            del self.change_sets[key]
        return result

    models.CloudFormationBackend.delete_stack = delete_stack
