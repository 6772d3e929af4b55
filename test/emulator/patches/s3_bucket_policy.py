"""AWS::S3::BucketPolicy.

AWS: the stack puts the policy on the bucket (GetBucketPolicy shows it)
and removes it when the resource is deleted. `cdk bootstrap` creates one
on the staging bucket (deny requests that do not use TLS).

moto 5.2.1 has no CloudFormation model for it: skipped with
CREATE_COMPLETE, nothing applied.

Patch: a CloudFormation model on top of moto's PutBucketPolicy.
"""

import json

from moto.core.common_models import CloudFormationModel


class CfnBucketPolicy(CloudFormationModel):
    def __init__(self, bucket_name):
        self.bucket_name = bucket_name

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.s3.models import s3_backends
        from moto.utilities.utils import get_partition

        p = cloudformation_json["Properties"]
        document = p["PolicyDocument"]
        if not isinstance(document, str):
            document = json.dumps(document)
        s3_backends[account_id][get_partition(region_name)].put_bucket_policy(p["Bucket"], document.encode())
        return cls(p["Bucket"])

    @property
    def physical_resource_id(self):
        return self.bucket_name

    def delete(self, account_id, region_name):
        from moto.s3.models import s3_backends
        from moto.utilities.utils import get_partition

        backend = s3_backends[account_id][get_partition(region_name)]
        if self.bucket_name in backend.buckets:
            backend.delete_bucket_policy(self.bucket_name)


def apply() -> None:
    pass
