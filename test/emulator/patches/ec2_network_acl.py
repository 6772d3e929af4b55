"""AWS::EC2::NetworkAcl, NetworkAclEntry and SubnetNetworkAclAssociation.

AWS: a stack creates the network ACL, its numbered entries and the subnet
associations; DescribeNetworkAcls shows them; deleting an association puts
the subnet back on the VPC's default network ACL.

moto 5.2.1 supports network ACLs in its EC2 API but not in CloudFormation:
the three types are skipped with CREATE_COMPLETE and nothing is created,
so every subnet keeps the default allow-all network ACL and no rule of the
template is ever in force.

Patch: CloudFormation models for the three types on top of moto's EC2
network ACL API.
"""

from moto.core.common_models import CloudFormationModel
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


def _backend(account_id, region_name):
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


class CfnNetworkAcl(CloudFormationModel):
    def __init__(self, acl, account_id, region_name):
        self.acl = acl
        self.id = acl.id
        self._account_id, self._region_name = account_id, region_name

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::NetworkAcl"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        acl = _backend(account_id, region_name).create_network_acl(vpc_id=properties["VpcId"])
        for tag in properties.get("Tags", []):
            acl.add_tag(tag["Key"], tag["Value"])
        return cls(acl, account_id, region_name)

    @property
    def physical_resource_id(self):
        return self.id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Id",)

    def get_cfn_attribute(self, attr):
        if attr == "Id":
            return self.id
        raise UnformattedGetAttTemplateException()

    def delete(self, account_id, region_name):
        _backend(account_id, region_name).delete_network_acl(self.id)


class CfnNetworkAclEntry(CloudFormationModel):
    def __init__(self, network_acl_id, rule_number, egress):
        self.network_acl_id, self.rule_number, self.egress = network_acl_id, rule_number, egress

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::NetworkAclEntry"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        egress = str(p.get("Egress", False)).lower() == "true"
        rule_number = int(p["RuleNumber"])
        port_range = p.get("PortRange") or {}
        icmp = p.get("Icmp") or {}
        _backend(account_id, region_name).create_network_acl_entry(
            network_acl_id=p["NetworkAclId"],
            rule_number=rule_number,
            protocol=str(p["Protocol"]),
            rule_action=p["RuleAction"],
            egress=egress,
            cidr_block=p.get("CidrBlock"),
            icmp_code=icmp.get("Code"),
            icmp_type=icmp.get("Type"),
            port_range_from=port_range.get("From"),
            port_range_to=port_range.get("To"),
            ipv6_cidr_block=p.get("Ipv6CidrBlock"),
        )
        return cls(p["NetworkAclId"], rule_number, egress)

    @property
    def physical_resource_id(self):
        return f"{self.network_acl_id}|{'egress' if self.egress else 'ingress'}|{self.rule_number}"

    def delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        if self.network_acl_id in backend.network_acls:
            backend.delete_network_acl_entry(self.network_acl_id, self.rule_number, self.egress)


class CfnSubnetNetworkAclAssociation(CloudFormationModel):
    def __init__(self, association_id, subnet_id, network_acl_id):
        self.id, self.subnet_id, self.network_acl_id = association_id, subnet_id, network_acl_id

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::SubnetNetworkAclAssociation"

    @staticmethod
    def _current_association(backend, subnet_id):
        for acl in backend.network_acls.values():
            for association_id, association in acl._associations.items():
                if association.subnet_id == subnet_id:
                    return acl, association_id
        return None, None

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        backend = _backend(account_id, region_name)
        backend.get_subnet(p["SubnetId"])
        _, association_id = cls._current_association(backend, p["SubnetId"])
        if association_id is None:
            raise RuntimeError(f"subnet {p['SubnetId']} has no network ACL association")
        association = backend.replace_network_acl_association(association_id, p["NetworkAclId"])
        return cls(association.id, p["SubnetId"], p["NetworkAclId"])

    @property
    def physical_resource_id(self):
        return self.id

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("AssociationId",)

    def get_cfn_attribute(self, attr):
        if attr == "AssociationId":
            return self.id
        raise UnformattedGetAttTemplateException()

    def delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        acl, association_id = self._current_association(backend, self.subnet_id)
        if acl is None or association_id != self.id:
            return
        vpc_id = acl.vpc_id
        default = next((a for a in backend.network_acls.values() if a.default and a.vpc_id == vpc_id), None)
        if default is not None:
            backend.replace_network_acl_association(association_id, default.id)
        else:
            del acl._associations[association_id]


def apply() -> None:
    # Defining the classes registered them as CloudFormation models; the
    # package clears moto's type map cache after all patches.
    pass
