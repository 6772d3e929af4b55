"""AWS::Route53Resolver::FirewallConfig.

AWS: a VPC's DNS Firewall configuration: FirewallFailOpen ENABLED,
DISABLED (AWS's default: fail closed) or USE_LOCAL_RESOURCE_SETTING, for
an existing VPC (ResourceId); it changes in place. GetFirewallConfig
answers for any VPC of the account, DISABLED when nothing was set.

moto 5.2.1 has no DNS Firewall: the resource is skipped (CREATE_COMPLETE,
nothing created), and GetFirewallConfig does not exist.

Patch: a model kept in _dnsfw's state with AWS's checks; deleting it
returns the VPC to the default; GetFirewallConfig.
"""

from moto.core.common_models import CloudFormationModel

from . import _dnsfw

VALUES = {"ENABLED", "DISABLED", "USE_LOCAL_RESOURCE_SETTING"}


class Config(_dnsfw.Resource):
    def __init__(self, account_id, region_name, p):
        self.id = _dnsfw.new_id("rslvr-fc-")
        self.account_id, self.region_name = account_id, region_name
        self.vpc = p.get("ResourceId")
        if not _dnsfw.vpc_exists(account_id, region_name, self.vpc):
            raise _dnsfw.invalid(f"ResourceId: VPC {self.vpc} does not exist")
        self.set(p)

    def set(self, p):
        v = p.get("FirewallFailOpen")
        if v not in VALUES:
            raise _dnsfw.invalid(f"FirewallFailOpen {v!r} is not one of {sorted(VALUES)}")
        self.fail_open = v

    @property
    def physical_resource_id(self):
        return self.id

    def get_cfn_attribute(self, attr):
        return _dnsfw.get_att(self, attr, {"Id": lambda r: r.id, "OwnerId": lambda r: r.account_id})

    def describe(self):
        return {"Id": self.id, "ResourceId": self.vpc, "OwnerId": self.account_id, "FirewallFailOpen": self.fail_open}

    def delete(self, account_id, region_name):
        _dnsfw.state(account_id, region_name)["configs"].pop(self.vpc, None)


class CfnFirewallConfig(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::Route53Resolver::FirewallConfig"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Id", "OwnerId")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        c = Config(account_id, region_name, cloudformation_json.get("Properties", {}))
        _dnsfw.state(account_id, region_name)["configs"][c.vpc] = c
        return c

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        p = cloudformation_json.get("Properties", {})
        if p.get("ResourceId") != original_resource.vpc:
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        original_resource.set(p)
        return original_resource


def apply() -> None:
    import json

    def get_firewall_config(self):
        vpc = self._get_param("ResourceId")
        st = _dnsfw.response_state(self)
        c = st["configs"].get(vpc)
        if c is not None:
            return json.dumps({"FirewallConfig": c.describe()})
        if not _dnsfw.vpc_exists(self.current_account, self.region, vpc):
            raise _dnsfw.not_found(f"VPC {vpc} does not exist")
        return json.dumps({"FirewallConfig": {"Id": "rslvr-fc-default", "ResourceId": vpc, "OwnerId": self.current_account, "FirewallFailOpen": "DISABLED"}})

    _dnsfw.add_api("get_firewall_config", get_firewall_config)
