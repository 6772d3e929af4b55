"""DescribeChangeSet and DeleteChangeSet on a missing change set.

AWS: DeleteChangeSet succeeds when the stack exists, whether or not the
change set does (the CDK CLI deletes a possibly leftover change set before
every `cdk diff` and `cdk deploy` and counts on that);
DescribeChangeSet answers ChangeSetNotFound.

moto 5.2.1: DeleteChangeSet raises UnboundLocalError (HTTP 500, which the
CLI retries for about 40 s, then falls back to a template-only diff);
DescribeChangeSet answers ValidationError, which makes updates fail.

Patch: DeleteChangeSet of a missing change set does nothing;
DescribeChangeSet raises ChangeSetNotFoundException.
"""

from moto.cloudformation import models
from moto.cloudformation.exceptions import CloudFormationError

from ._cfn import find_change_set


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFoundException"

    def __init__(self, name):
        super().__init__(f"ChangeSet [{name}] does not exist")


def apply() -> None:
    def delete_change_set(self, change_set_name):
        self.change_sets.pop(find_change_set(self, change_set_name), None)

    def describe_change_set(self, change_set_name):
        key = find_change_set(self, change_set_name)
        if key is None:
            raise ChangeSetNotFound(change_set_name)
        return self.change_sets[key]

    models.CloudFormationBackend.delete_change_set = delete_change_set
    models.CloudFormationBackend.describe_change_set = describe_change_set
