"""AWS::EC2::VPCCidrBlock.

AWS: associates another CIDR block with a VPC: a secondary IPv4 block
(CidrBlock) or an Amazon-provided IPv6 /56 (AmazonProvidedIpv6CidrBlock:
true), which then shows in DescribeVpcs (Ipv6CidrBlockAssociationSet), in
the VPC's Fn::GetAtt Ipv6CidrBlocks, and as a local route in every route
table of the VPC. Its Ref is the association id. Deleting it disassociates
the block, which AWS refuses while a subnet of the VPC still has an IPv6
block inside it (a CloudFormation template orders that with DependsOn).

moto 5.2.1 has the EC2 API (AssociateVpcCidrBlock) but no CloudFormation
model for the type: it is skipped with CREATE_COMPLETE, the VPC has no IPv6
block, and everything built on it (the subnets' /64s) has nothing to come
from.

Patch: a model on top of moto's AssociateVpcCidrBlock /
DisassociateVpcCidrBlock, with the subnet check on delete. moto also
writes the Amazon-provided block with leading zeros (2400:6500:0c94:9300::/56)
where AWS writes the canonical form (2400:6500:c94:9300::/56), so the
VPC's block and the /64s cut from it did not read alike: blocks are made
canonical.
"""

import ipaddress

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import EC2ClientError


def _backend(account_id, region_name):
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


class CfnVPCCidrBlock(CloudFormationModel):
    def __init__(self, association_id, vpc_id, cidr_block):
        self.id, self.vpc_id, self.cidr_block = association_id, vpc_id, cidr_block

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::VPCCidrBlock"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        amazon_ipv6 = str(p.get("AmazonProvidedIpv6CidrBlock", False)).lower() == "true"
        if amazon_ipv6 == bool(p.get("CidrBlock")):
            raise EC2ClientError("InvalidParameterCombination",
                                 "give exactly one of CidrBlock and AmazonProvidedIpv6CidrBlock")
        for unsupported in ("Ipv6CidrBlock", "Ipv6Pool", "Ipv4IpamPoolId", "Ipv6IpamPoolId"):
            if p.get(unsupported):
                raise EC2ClientError("InvalidParameterValue", f"the emulator does not support {unsupported}")
        association = _backend(account_id, region_name).associate_vpc_cidr_block(
            p["VpcId"], p.get("CidrBlock"), amazon_ipv6)
        return cls(association["association_id"], p["VpcId"], association["cidr_block"])

    @property
    def physical_resource_id(self):
        return self.id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Id", "Ipv6CidrBlock")

    def get_cfn_attribute(self, attr):
        if attr == "Id":
            return self.id
        if attr == "Ipv6CidrBlock" and ":" in self.cidr_block:
            return self.cidr_block
        raise UnformattedGetAttTemplateException()

    def delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        vpc = backend.vpcs.get(self.vpc_id)
        if vpc is None:
            return
        if ":" in self.cidr_block:
            block = ipaddress.ip_network(self.cidr_block)
            users = []
            for subnets in backend.subnets.values():
                for subnet in subnets.values():
                    if subnet.vpc_id != self.vpc_id:
                        continue
                    for a in subnet.ipv6_cidr_block_associations.values():
                        if (a.get("ipv6CidrBlockState", {}).get("State") == "associated"
                                and ipaddress.ip_network(a["ipv6CidrBlock"]).subnet_of(block)):
                            users.append(subnet.id)
            if users:
                raise EC2ClientError(
                    "DependencyViolation",
                    f"The IPv6 CIDR block {self.cidr_block} is in use by subnets {', '.join(sorted(users))}")
        backend.disassociate_vpc_cidr_block(self.id)


def apply() -> None:
    # Defining the class registered it as a CloudFormation model; the
    # package clears moto's type map cache after all patches.
    from moto.ec2.models import vpcs

    random_ipv6_cidr = vpcs.random_ipv6_cidr
    vpcs.random_ipv6_cidr = lambda: str(ipaddress.ip_network(random_ipv6_cidr()))
