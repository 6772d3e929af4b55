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


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFoundException"

    def __init__(self, name):
        super().__init__(f"ChangeSet [{name}] does not exist")


def _find(backend, name):
    if name in backend.change_sets:
        return name
    for key, change_set in backend.change_sets.items():
        if change_set.change_set_name == name:
            return key
    raise ChangeSetNotFound(name)


def apply() -> None:
    def delete_change_set(self, change_set_name):
        try:
            del self.change_sets[_find(self, change_set_name)]
        except ChangeSetNotFound:
            pass

    def describe_change_set(self, change_set_name):
        return self.change_sets[_find(self, change_set_name)]

    models.CloudFormationBackend.delete_change_set = delete_change_set
    models.CloudFormationBackend.describe_change_set = describe_change_set
