"""Ipv6CidrBlock and AssignIpv6AddressOnCreation of AWS::EC2::Subnet.

AWS: a subnet created with Ipv6CidrBlock gets that /64 (it must be a /64
inside an IPv6 block associated with the VPC, else InvalidSubnet.Range),
shown in DescribeSubnets (Ipv6CidrBlockAssociationSet) and in Fn::GetAtt
Ipv6CidrBlocks; AssignIpv6AddressOnCreation gives new interfaces an IPv6
address. A Lambda function allowed IPv6 for dual-stack needs every subnet
it is attached to to have such a block.

Both are updated in place (only VpcId, the Availability Zone, CidrBlock,
Ipv6Native and the IPAM settings require replacement), so turning IPv6 on
in a deployed stack keeps its subnets.

moto 5.2.1's CloudFormation model ignores both properties: every subnet of
a dual-stack template is IPv4-only; a subnet has no update, so any change
replaced it and the replacement's CIDR conflicted with the old subnet's
(the update failed); and DescribeSubnets shows an associated block's
Ipv6CidrBlockState.State as a Python repr ("{'State': 'associated'}")
instead of "associated".

Patch: after moto creates the subnet, check and associate the IPv6 block
(AssociateSubnetCidrBlock) and set AssignIpv6AddressOnCreation; update
them in place (replace the subnet only for a create-only property);
describe the block's state as AWS does.
"""

import ipaddress

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.subnets import Subnet


def _vpc_ipv6_blocks(vpc):
    return [ipaddress.ip_network(a["cidr_block"]) for a in vpc.get_cidr_block_association_set(ipv6=True)
            if a.get("cidr_block_state", {}).get("state") == "associated"]


def apply() -> None:
    previous = Subnet.create_from_cloudformation_json.__func__

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        p = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        ipv6 = p.get("Ipv6CidrBlock")
        if ipv6:
            try:
                block = ipaddress.IPv6Network(str(ipv6))
            except ValueError:
                raise EC2ClientError("InvalidSubnet.Range", f"The CIDR '{ipv6}' is invalid.")
            vpc = backend.get_vpc(p["VpcId"])
            if block.prefixlen != 64 or not any(block.subnet_of(b) for b in _vpc_ipv6_blocks(vpc)):
                raise EC2ClientError(
                    "InvalidSubnet.Range",
                    f"The CIDR '{ipv6}' is invalid: a subnet's IPv6 block is a /64 of an IPv6 block of {vpc.id} "
                    f"({', '.join(str(b) for b in _vpc_ipv6_blocks(vpc)) or 'it has none'})")
        subnet = previous(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        if ipv6:
            backend.associate_subnet_cidr_block(subnet.id, str(ipaddress.IPv6Network(str(ipv6))))
        if str(p.get("AssignIpv6AddressOnCreation", False)).lower() == "true":
            if not ipv6:
                raise EC2ClientError("InvalidParameterValue",
                                     "AssignIpv6AddressOnCreation needs the subnet to have an IPv6 block")
            subnet.assign_ipv6_address_on_creation = True
        subnet._emulator_properties = dict(p)
        return subnet

    Subnet.create_from_cloudformation_json = create_from_cloudformation_json

    create_only = ("VpcId", "AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "OutpostArn", "Ipv6Native",
                   "Ipv4IpamPoolId", "Ipv4NetmaskLength", "Ipv6IpamPoolId", "Ipv6NetmaskLength")

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        p = cloudformation_json["Properties"]
        old = original_resource
        before = getattr(old, "_emulator_properties", None)
        if before is None or any(p.get(k) != before.get(k) for k in create_only):
            # Replacement: the new subnet first (a CIDR still in use fails,
            # as in AWS), then the old one deleted.
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            backend.delete_subnet(old.id)
            return new
        wanted = str(ipaddress.IPv6Network(str(p["Ipv6CidrBlock"]))) if p.get("Ipv6CidrBlock") else None
        current = {a["ipv6CidrBlock"]: aid for aid, a in old.ipv6_cidr_block_associations.items()
                   if a["ipv6CidrBlockState"]["State"] == "associated"}
        if wanted not in current:
            for association_id in current.values():
                backend.disassociate_subnet_cidr_block(association_id)
            if wanted:
                if not any(ipaddress.IPv6Network(wanted).subnet_of(b) for b in _vpc_ipv6_blocks(backend.get_vpc(old.vpc_id))):
                    raise EC2ClientError("InvalidSubnet.Range", f"The CIDR '{wanted}' is invalid.")
                backend.associate_subnet_cidr_block(old.id, wanted)
        assign = str(p.get("AssignIpv6AddressOnCreation", False)).lower() == "true"
        if assign and not wanted:
            raise EC2ClientError("InvalidParameterValue",
                                 "AssignIpv6AddressOnCreation needs the subnet to have an IPv6 block")
        old.assign_ipv6_address_on_creation = assign
        old.map_public_ip_on_launch = str(p.get("MapPublicIpOnLaunch", False)).lower() == "true"
        old._emulator_properties = dict(p)
        return old

    Subnet.update_from_cloudformation_json = update_from_cloudformation_json

    def ipv6_cidr_block_association_set(self):
        return [
            {
                "ipv6CidrBlock": a["ipv6CidrBlock"],
                "associationId": a["associationId"],
                "ipv6CidrBlockState": {"state": a["ipv6CidrBlockState"]["State"]},
            }
            for a in self.ipv6_cidr_block_associations.values()
            if a["ipv6CidrBlockState"]["State"] == "associated"
        ]

    Subnet.ipv6_cidr_block_association_set = property(ipv6_cidr_block_association_set)
