"""AWS::EC2::EgressOnlyInternetGateway.

AWS: an egress-only internet gateway lets IPv6 traffic out of a VPC (a
route ::/0 -> EgressOnlyInternetGatewayId) and no connection in; it is
created attached to its VpcId, its Ref and Fn::GetAtt Id are its id, and
deleting the stack deletes it (before the VPC: DeleteVpc refuses a VPC
that still has one).

moto 5.2.1 has the EC2 API but no CloudFormation model for the type: it is
skipped with CREATE_COMPLETE, and a route to it then fails or points
nowhere.

Patch: a model on top of moto's CreateEgressOnlyInternetGateway /
DeleteEgressOnlyInternetGateway.
"""

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.ec2.models.internet_gateways import EgressOnlyInternetGateway


class CfnEgressOnlyInternetGateway(CloudFormationModel):
    """The type's model; the resource it creates is moto's own gateway object."""

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::EgressOnlyInternetGateway"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        p = cloudformation_json["Properties"]
        tags = {t["Key"]: t["Value"] for t in p.get("Tags", [])}
        return ec2_backends[account_id][region_name].create_egress_only_internet_gateway(p["VpcId"], tags)


def apply() -> None:
    def get_cfn_attribute(self, attr):
        if attr == "Id":
            return self.id
        raise UnformattedGetAttTemplateException()

    def delete(self, account_id, region_name):
        from moto.ec2.models import ec2_backends

        ec2_backends[account_id][region_name].delete_egress_only_internet_gateway(self.id)

    EgressOnlyInternetGateway.get_cfn_attribute = get_cfn_attribute
    EgressOnlyInternetGateway.delete = delete
