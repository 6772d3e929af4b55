"""Fn::GetAtt attributes CloudFormation documents for EC2 resources.

AWS: AWS::EC2::InternetGateway has the attribute InternetGatewayId,
RouteTable RouteTableId, NatGateway NatGatewayId, Subnet SubnetId,
AvailabilityZone, VpcId, CidrBlock and Ipv6CidrBlocks, EIP PublicIp and
AllocationId, and VPC Ipv6CidrBlocks (the IPv6 blocks associated with it,
e.g. by an AWS::EC2::VPCCidrBlock the reader DependsOn) (CDK's L1
constructs use them: AttrInternetGatewayId, AttrRouteTableId,
AttrNatGatewayId, AttrPublicIp, AttrIpv6CidrBlocks).

moto 5.2.1: InternetGateway, RouteTable and NatGateway have no attributes
(AttributeError, HTTP 500), Subnet none that works, EIP only
AllocationId, and VPC no Ipv6CidrBlocks (a template error).

Patch: add them.
"""

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.nat_gateways import NatGateway
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.subnets import Subnet
from moto.ec2.models.vpcs import VPC


def _id_attribute(cls, name):
    def has(klass, attr):
        return attr == name

    def get(self, attr):
        if attr == name:
            return self.id
        raise UnformattedGetAttTemplateException()

    cls.has_cfn_attr = classmethod(has)
    cls.get_cfn_attribute = get


def apply() -> None:
    _id_attribute(InternetGateway, "InternetGatewayId")
    _id_attribute(RouteTable, "RouteTableId")
    _id_attribute(NatGateway, "NatGatewayId")

    subnet_attributes = {
        "SubnetId": lambda s: s.id,
        "AvailabilityZone": lambda s: s.availability_zone,
        "VpcId": lambda s: s.vpc_id,
        "CidrBlock": lambda s: s.cidr_block,
        "Ipv6CidrBlocks": lambda s: [a["ipv6CidrBlock"] for a in s.ipv6_cidr_block_associations.values()
                                     if a.get("ipv6CidrBlockState", {}).get("State") == "associated"],
    }

    def subnet_has(cls, attr):
        return attr in subnet_attributes

    def subnet_get(self, attr):
        if attr in subnet_attributes:
            return subnet_attributes[attr](self)
        raise UnformattedGetAttTemplateException()

    Subnet.has_cfn_attr = classmethod(subnet_has)
    Subnet.get_cfn_attribute = subnet_get

    def eip_has(cls, attr):
        return attr in ("AllocationId", "PublicIp")

    def eip_get(self, attr):
        if attr == "AllocationId":
            return self.allocation_id
        if attr == "PublicIp":
            return self.public_ip
        raise UnformattedGetAttTemplateException()

    ElasticAddress.has_cfn_attr = classmethod(eip_has)
    ElasticAddress.get_cfn_attribute = eip_get

    vpc_get_original = VPC.get_cfn_attribute

    def vpc_get(self, attr):
        if attr == "Ipv6CidrBlocks":
            return [a["cidr_block"] for a in self.get_cidr_block_association_set(ipv6=True)
                    if a.get("cidr_block_state", {}).get("state") == "associated"]
        return vpc_get_original(self, attr)

    VPC.get_cfn_attribute = vpc_get
