"""AWS::EC2::NetworkInterface: security groups, source/destination check, delete.

AWS: the interface gets the security groups of GroupSet (the VPC's default
group when GroupSet is absent) and SourceDestCheck as given (false for a
NAT instance's interface: it forwards traffic that is neither from nor to
itself); Fn::GetAtt gives Id, PrimaryPrivateIpAddress and
SecondaryPrivateIpAddresses; deleting the stack deletes the interface,
which AWS refuses while it is still attached to an instance
(InvalidNetworkInterface.InUse), so CloudFormation deletes the instance
first; deleting it releases its Elastic IP association.

moto 5.2.1 reads the groups from a "SecurityGroups" property that the type
does not have (GroupSet is ignored: the interface gets the default group),
ignores SourceDestCheck (always true: a NAT instance could not forward),
has no attributes, no update (any change made a second interface while
the instance kept the first), and its delete() takes no arguments, so the
stack's delete skips it: the interface is left behind.

Patch: create the interface with GroupSet, SourceDestCheck, Description and
Tags; update those in place (AWS replaces the interface only for another
SubnetId, PrivateIpAddress or InterfaceType); add the attributes; delete
it through the EC2 API, refusing while it is attached and disassociating
its Elastic IP.
"""

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.elastic_network_interfaces import NetworkInterface


def _bool(value, default):
    if value is None:
        return default
    return str(value).lower() == "true"


def apply() -> None:
    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        p = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        eni = backend.create_network_interface(
            backend.get_subnet(p["SubnetId"]),
            p.get("PrivateIpAddress"),
            group_ids=list(p.get("GroupSet") or []),
            description=p.get("Description"),
        )
        eni.source_dest_check = _bool(p.get("SourceDestCheck"), True)
        for tag in p.get("Tags", []):
            eni.add_tag(tag["Key"], tag["Value"])
        return eni

    attributes = {
        "Id": lambda e: e.id,
        "PrimaryPrivateIpAddress": lambda e: e.private_ip_address,
        "SecondaryPrivateIpAddresses": lambda e: [
            p["PrivateIpAddress"] for p in e.private_ip_addresses if not p.get("Primary")],
    }

    def has_cfn_attr(cls, attr):
        return attr in attributes

    def get_cfn_attribute(self, attr):
        if attr in attributes:
            return attributes[attr](self)
        raise UnformattedGetAttTemplateException()

    original_delete = NetworkInterface.delete

    def delete(self, account_id=None, region_name=None):
        if account_id is None:  # moto's own callers (instance termination)
            return original_delete(self)
        if self.instance is not None:
            raise EC2ClientError(
                "InvalidNetworkInterface.InUse",
                f"Interface: [{self.id}] in use by instance {self.instance.id}")
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        for address in list(backend.addresses):
            if address.eni is self:  # released with the interface, as in AWS
                backend.disassociate_address(address=address.public_ip)
        original_delete(self)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        p = cloudformation_json["Properties"]
        old = original_resource
        if (p["SubnetId"] != old.subnet.id
                or (p.get("PrivateIpAddress") and p["PrivateIpAddress"] != old.private_ip_address)
                or p.get("InterfaceType", "interface") != "interface"):
            # Replacement: the new interface first, then the old one deleted
            # (refused while it is attached, as in AWS).
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            old.delete(account_id, region_name)
            return new
        groups = list(p.get("GroupSet") or [])
        if not groups:
            default = backend.get_security_group_from_name("default", vpc_id=old.subnet.vpc_id)
            groups = [default.id] if default else []
        old._group_set = [backend.get_security_group_from_id(g) for g in groups]
        old.source_dest_check = _bool(p.get("SourceDestCheck"), True)
        old.description = p.get("Description")
        return old

    NetworkInterface.create_from_cloudformation_json = create_from_cloudformation_json
    NetworkInterface.update_from_cloudformation_json = update_from_cloudformation_json
    NetworkInterface.has_cfn_attr = classmethod(has_cfn_attr)
    NetworkInterface.get_cfn_attribute = get_cfn_attribute
    NetworkInterface.delete = delete
