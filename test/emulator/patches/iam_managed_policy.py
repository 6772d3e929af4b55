"""Deleting a stack must delete its customer managed policies.

AWS: deleting an AWS::IAM::ManagedPolicy detaches it from the roles, users
and groups it is attached to and deletes it with all its versions;
GetPolicy then answers NoSuchEntity.

moto 5.2.1 creates the policy (and attaches it to Roles, Users, Groups) from
CloudFormation but has no delete for it: the stack delete skips it and the
policy stays in the account.

Patch: a delete() that detaches the policy everywhere, deletes its
non-default versions and then the policy, the order IAM requires.
"""

from moto.iam import models as iam_models
from moto.utilities.utils import get_partition


def apply() -> None:
    def delete(self, account_id, region_name):
        backend = iam_models.iam_backends[account_id][get_partition(region_name)]
        if self.arn not in backend.managed_policies:
            return
        for role in list(backend.roles.values()):
            if self.arn in role.managed_policies:
                backend.detach_role_policy(self.arn, role.name)
        for user in list(backend.users.values()):
            if self.arn in user.managed_policies:
                backend.detach_user_policy(self.arn, user.name)
        for group in list(backend.groups.values()):
            if self.arn in group.managed_policies:
                backend.detach_group_policy(self.arn, group.name)
        for version in list(self.versions):
            if not version.is_default:
                backend.delete_policy_version(self.arn, version.version_id)
        backend.delete_policy(self.arn)

    iam_models.ManagedPolicy.delete = delete
