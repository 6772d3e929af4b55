"""AWS::IAM::Role: managed policies and inline policy documents.

AWS: ManagedPolicyArns are attached to the role (ListAttachedRolePolicies
shows them); GetRolePolicy returns the inline policy document as
URL-encoded JSON.

moto 5.2.1: ManagedPolicyArns of a role created by CloudFormation are
ignored, and inline Policies keep the template's parsed object, which
GetRolePolicy then returns as a Python repr ("{'Version': ...}") that no
JSON parser reads.

Deleting the role fails with "must detach all policies first" once the
managed policies are attached, because moto's CloudFormation delete only
removes inline policies; AWS detaches managed policies too.

Patch: attach the managed policies (after the role exists, as AWS does),
store inline documents as JSON text, and detach the managed policies
before the role is deleted.
"""

import json

from moto.iam import models as iam_models
from moto.utilities.utils import get_partition


def apply() -> None:
    original_put = iam_models.Role.put_policy

    def put_policy(self, policy_name, policy_json):
        if not isinstance(policy_json, str):
            policy_json = json.dumps(policy_json)
        return original_put(self, policy_name, policy_json)

    iam_models.Role.put_policy = put_policy

    original_create = iam_models.Role.create_from_cloudformation_json.__func__

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        role = original_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = iam_models.iam_backends[account_id][get_partition(region_name)]
        for arn in cloudformation_json["Properties"].get("ManagedPolicyArns", []):
            backend.attach_role_policy(arn, role.name)
        return role

    iam_models.Role.create_from_cloudformation_json = create_from_cloudformation_json

    original_delete = iam_models.Role.delete_from_cloudformation_json.__func__

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        backend = iam_models.iam_backends[account_id][get_partition(region_name)]
        role = next((r for r in backend.roles.values() if r.name == resource_name), None)
        if role is not None:
            for arn in list(role.managed_policies.keys()):
                backend.detach_role_policy(arn, role.name)
        return original_delete(cls, resource_name, cloudformation_json, account_id, region_name)

    iam_models.Role.delete_from_cloudformation_json = delete_from_cloudformation_json
