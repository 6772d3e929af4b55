"""AWS::Route53Resolver::FirewallRuleGroupAssociation.

AWS: associates an existing rule group with an existing VPC at a
Priority between 100 and 9900 (exclusive), unique among the VPC's
associations; a rule group is associated with a VPC once. Ref and
Fn::GetAtt Id are its id (rslvr-frgassoc-...); Priority and Name change
in place. ListFirewallRuleGroupAssociations (filtered by VpcId,
FirewallRuleGroupId) reads it, with Status COMPLETE.

moto 5.2.1 has no DNS Firewall: the resource is skipped (CREATE_COMPLETE,
nothing created).

Patch: a model kept in _dnsfw's state with AWS's checks, and the list API.
"""

from moto.core.common_models import CloudFormationModel

from . import _dnsfw


class Association(_dnsfw.Resource):
    def __init__(self, account_id, region_name, p):
        self.id = _dnsfw.new_id("rslvr-frgassoc-")
        self.account_id, self.region_name = account_id, region_name
        st = _dnsfw.state(account_id, region_name)
        self.group, self.vpc = p.get("FirewallRuleGroupId"), p.get("VpcId")
        if self.group not in st["groups"]:
            raise _dnsfw.not_found(f"rule group {self.group} does not exist")
        if not _dnsfw.vpc_exists(account_id, region_name, self.vpc):
            raise _dnsfw.invalid(f"VPC {self.vpc} does not exist")
        for a in st["assocs"].values():
            if a.vpc == self.vpc and a.group == self.group:
                raise _dnsfw.invalid(f"rule group {self.group} is already associated with VPC {self.vpc} ({a.id})")
        self.name = p.get("Name") or self.id
        self.mutation = p.get("MutationProtection", "DISABLED")
        self.set_priority(p.get("Priority"))

    def set_priority(self, value):
        try:
            prio = int(value)
        except (TypeError, ValueError):
            raise _dnsfw.invalid(f"Priority {value!r} is not a number")
        if not 100 < prio < 9900:
            raise _dnsfw.invalid(f"Priority {prio}: an association's priority is between 100 and 9900, exclusive")
        for a in _dnsfw.state(self.account_id, self.region_name)["assocs"].values():
            if a is not self and a.vpc == self.vpc and a.priority == prio:
                raise _dnsfw.invalid(f"Priority {prio} is used by association {a.id} of VPC {self.vpc}")
        self.priority = prio

    @property
    def physical_resource_id(self):
        return self.id

    @property
    def arn(self):
        return _dnsfw.arn(self.region_name, self.account_id, "firewall-rule-group-association", self.id)

    def get_cfn_attribute(self, attr):
        return _dnsfw.get_att(self, attr, {"Id": lambda r: r.id, "Arn": lambda r: r.arn, "Name": lambda r: r.name})

    def describe(self):
        return {"Id": self.id, "Arn": self.arn, "FirewallRuleGroupId": self.group, "VpcId": self.vpc, "Name": self.name,
                "Priority": self.priority, "MutationProtection": self.mutation, "Status": "COMPLETE"}

    def delete(self, account_id, region_name):
        _dnsfw.state(account_id, region_name)["assocs"].pop(self.id, None)


class CfnFirewallRuleGroupAssociation(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Route53Resolver::FirewallRuleGroupAssociation"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Id", "Arn", "Name")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        a = Association(account_id, region_name, cloudformation_json.get("Properties", {}))
        _dnsfw.state(account_id, region_name)["assocs"][a.id] = a
        return a

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        p = cloudformation_json.get("Properties", {})
        if p.get("FirewallRuleGroupId") != original_resource.group or p.get("VpcId") != original_resource.vpc:
            # Both require replacement: a new association, then the old one deleted.
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        original_resource.set_priority(p.get("Priority"))
        return original_resource


def apply() -> None:
    import json

    def list_firewall_rule_group_associations(self):
        vpc, group = self._get_param("VpcId"), self._get_param("FirewallRuleGroupId")
        out = [a.describe() for a in _dnsfw.response_state(self)["assocs"].values()
               if (vpc is None or a.vpc == vpc) and (group is None or a.group == group)]
        return json.dumps({"FirewallRuleGroupAssociations": out})

    _dnsfw.add_api("list_firewall_rule_group_associations", list_firewall_rule_group_associations)
