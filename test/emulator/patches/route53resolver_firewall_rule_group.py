"""AWS::Route53Resolver::FirewallRuleGroup.

AWS: a DNS Firewall rule group holds FirewallRules, each with a priority
unique in the group, an Action of ALLOW, BLOCK or ALERT (BLOCK with a
BlockResponse of NODATA, NXDOMAIN or OVERRIDE, OVERRIDE with its
BlockOverride* settings) and an existing FirewallDomainListId; an invalid
rule is refused. Ref and Fn::GetAtt Id are its id (rslvr-frg-...); the
rules change in place; a group still associated with a VPC cannot be
deleted. ListFirewallRules reads the rules.

moto 5.2.1 has no DNS Firewall: the resource is skipped (CREATE_COMPLETE,
nothing created).

Patch: a model kept in _dnsfw's state, with AWS's validation, the in-use
check on delete, ListFirewallRules and ListFirewallRuleGroups.
"""

from moto.core.common_models import CloudFormationModel

from . import _dnsfw

ACTIONS = {"ALLOW", "BLOCK", "ALERT"}
BLOCK_RESPONSES = {"NODATA", "NXDOMAIN", "OVERRIDE"}
REDIRECTIONS = {"INSPECT_REDIRECTION_DOMAIN", "TRUST_REDIRECTION_DOMAIN"}


class RuleGroup(_dnsfw.Resource):
    def __init__(self, account_id, region_name, p):
        self.id = _dnsfw.new_id("rslvr-frg-")
        self.account_id, self.region_name = account_id, region_name
        self.name = p.get("Name") or self.id
        self.set(p)

    def set(self, p):
        st = _dnsfw.state(self.account_id, self.region_name)
        rules = p.get("FirewallRules") or []
        seen = set()
        for i, r in enumerate(rules):
            where = f"FirewallRules[{i}]"
            action = r.get("Action")
            if action not in ACTIONS:
                raise _dnsfw.invalid(f"{where}: Action {action!r} is not ALLOW, BLOCK or ALERT")
            try:
                prio = int(r.get("Priority"))
            except (TypeError, ValueError):
                raise _dnsfw.invalid(f"{where}: Priority {r.get('Priority')!r} is not a number")
            if prio in seen:
                raise _dnsfw.invalid(f"{where}: Priority {prio} is used by another rule of the group")
            seen.add(prio)
            if action == "BLOCK":
                resp = r.get("BlockResponse")
                if resp not in BLOCK_RESPONSES:
                    raise _dnsfw.invalid(f"{where}: a BLOCK rule needs a BlockResponse of NODATA, NXDOMAIN or OVERRIDE, not {resp!r}")
                if resp == "OVERRIDE" and not (r.get("BlockOverrideDomain") and r.get("BlockOverrideDnsType") and r.get("BlockOverrideTtl") is not None):
                    raise _dnsfw.invalid(f"{where}: OVERRIDE needs BlockOverrideDomain, BlockOverrideDnsType and BlockOverrideTtl")
            red = r.get("FirewallDomainRedirectionAction")
            if red is not None and red not in REDIRECTIONS:
                raise _dnsfw.invalid(f"{where}: FirewallDomainRedirectionAction {red!r} is not one of {sorted(REDIRECTIONS)}")
            dl = r.get("FirewallDomainListId")
            if not dl:
                raise _dnsfw.invalid(f"{where}: no FirewallDomainListId (DNS Firewall Advanced rules are not emulated)")
            if dl not in st["lists"]:
                raise _dnsfw.not_found(f"{where}: domain list {dl} does not exist")
        self.rules = [dict(r) for r in rules]

    @property
    def physical_resource_id(self):
        return self.id

    @property
    def arn(self):
        return _dnsfw.arn(self.region_name, self.account_id, "firewall-rule-group", self.id)

    def get_cfn_attribute(self, attr):
        return _dnsfw.get_att(self, attr, {"Id": lambda r: r.id, "Arn": lambda r: r.arn, "Name": lambda r: r.name,
                                           "RuleCount": lambda r: len(r.rules)})

    def describe(self):
        return {"Id": self.id, "Arn": self.arn, "Name": self.name, "RuleCount": len(self.rules), "Status": "COMPLETE"}

    def describe_rules(self):
        out = []
        for r in self.rules:
            d = {"FirewallRuleGroupId": self.id, "Name": r.get("Name", f"rule-{r['Priority']}"), "Priority": int(r["Priority"]),
                 "Action": r["Action"], "FirewallDomainListId": r["FirewallDomainListId"]}
            for k in ("BlockResponse", "BlockOverrideDomain", "BlockOverrideDnsType", "BlockOverrideTtl", "Qtype", "FirewallDomainRedirectionAction"):
                if r.get(k) is not None:
                    d[k] = int(r[k]) if k == "BlockOverrideTtl" else r[k]
            out.append(d)
        return out

    def delete(self, account_id, region_name):
        st = _dnsfw.state(account_id, region_name)
        for a in st["assocs"].values():
            if a.group == self.id:
                raise _dnsfw.in_use(f"rule group {self.id} is still associated with VPC {a.vpc} ({a.id})")
        st["groups"].pop(self.id, None)


class CfnFirewallRuleGroup(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Route53Resolver::FirewallRuleGroup"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Id", "Arn", "Name", "RuleCount")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        g = RuleGroup(account_id, region_name, cloudformation_json.get("Properties", {}))
        _dnsfw.state(account_id, region_name)["groups"][g.id] = g
        return g

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        original_resource.set(cloudformation_json.get("Properties", {}))
        return original_resource


def apply() -> None:
    import json

    def list_firewall_rules(self):
        gid = self._get_param("FirewallRuleGroupId")
        g = _dnsfw.response_state(self)["groups"].get(gid)
        if g is None:
            raise _dnsfw.not_found(f"rule group {gid} does not exist")
        return json.dumps({"FirewallRules": g.describe_rules()})

    def list_firewall_rule_groups(self):
        return json.dumps({"FirewallRuleGroups": [g.describe() for g in _dnsfw.response_state(self)["groups"].values()]})

    _dnsfw.add_api("list_firewall_rules", list_firewall_rules)
    _dnsfw.add_api("list_firewall_rule_groups", list_firewall_rule_groups)
