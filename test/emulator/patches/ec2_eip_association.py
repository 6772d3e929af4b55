"""AWS::EC2::EIPAssociation.

AWS: associates an Elastic IP (AllocationId) with a network interface
(NetworkInterfaceId, optionally a PrivateIpAddress of it) or an instance
(InstanceId); the address is then the interface's public IP, shown by
DescribeNetworkInterfaces (Association.PublicIp) and DescribeAddresses.
AWS refuses it when the interface's VPC has no internet gateway attached
(Gateway.NotAttached) or when the address is already associated and
reassociation is not allowed. Its Ref is the association id; deleting it
disassociates the address.

moto 5.2.1 has no CloudFormation model for the type: it is skipped with
CREATE_COMPLETE, and the NAT instance has no public address.

Patch: a model on top of moto's AssociateAddress / DisassociateAddress.
"""

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import EC2ClientError


def _backend(account_id, region_name):
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


class CfnEIPAssociation(CloudFormationModel):
    def __init__(self, association_id, public_ip):
        self.id, self.public_ip = association_id, public_ip

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::EIPAssociation"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        backend = _backend(account_id, region_name)
        if not (p.get("AllocationId") or p.get("EIP")):
            raise EC2ClientError("MissingParameter", "AllocationId (or EIP) is required")
        eni = instance = None
        if p.get("NetworkInterfaceId"):
            eni = backend.get_network_interface(p["NetworkInterfaceId"])
            vpc_id = eni.subnet.vpc_id
        elif p.get("InstanceId"):
            instance = backend.get_instance_by_id(p["InstanceId"])
            if instance is None:
                raise EC2ClientError("InvalidInstanceID.NotFound", f"The instance ID '{p['InstanceId']}' does not exist")
            vpc_id = instance.vpc_id
        else:
            raise EC2ClientError("MissingParameter", "NetworkInterfaceId or InstanceId is required")
        if not any(igw.vpc is not None and igw.vpc.id == vpc_id for igw in backend.internet_gateways.values()):
            raise EC2ClientError("Gateway.NotAttached", f"Network {vpc_id} is not attached to any internet gateway")
        if p.get("PrivateIpAddress") and eni is not None and p["PrivateIpAddress"] != eni.private_ip_address:
            raise EC2ClientError("InvalidParameterValue",
                                 "the emulator associates Elastic IPs with an interface's primary private IP only")
        eip = backend.associate_address(
            instance=instance, eni=eni,
            address=None if p.get("AllocationId") else p.get("EIP"),
            allocation_id=p.get("AllocationId"),
        )
        return cls(eip.association_id, eip.public_ip)

    @property
    def physical_resource_id(self):
        return self.id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Id"

    def get_cfn_attribute(self, attr):
        if attr == "Id":
            return self.id
        raise UnformattedGetAttTemplateException()

    def delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        if any(a.association_id == self.id for a in backend.addresses):
            backend.disassociate_address(association_id=self.id)


def apply() -> None:
    # Defining the class registered it as a CloudFormation model; the
    # package clears moto's type map cache after all patches.
    pass
