"""AWS::Route53Resolver::FirewallDomainList.

AWS: a DNS Firewall domain list holds domain specifications (Domains, or
a file in S3 given by DomainFileUrl); each is an optional leading *, then
letters, digits, hyphens and dots between labels, 1 to 255 characters,
and a malformed one is refused. Ref and Fn::GetAtt Id are its id
(rslvr-fdl-...), Arn its ARN; Domains change in place; a list a rule
still uses cannot be deleted. GetFirewallDomainList and ListFirewallDomains
read it.

moto 5.2.1 has no DNS Firewall (no API, no CloudFormation model): the
resource is skipped (CREATE_COMPLETE, nothing created), so an allow-list
would look deployed and filter nothing.

Patch: a model kept in _dnsfw's state, with AWS's validation, the in-use
check on delete, and the two read APIs (plus ListFirewallDomainLists).
"""

from moto.core.common_models import CloudFormationModel

from . import _dnsfw


class DomainList(_dnsfw.Resource):
    def __init__(self, account_id, region_name, p):
        self.id = _dnsfw.new_id("rslvr-fdl-")
        self.account_id, self.region_name = account_id, region_name
        self.name = p.get("Name") or self.id
        self.set(p)

    def set(self, p):
        domains = p.get("Domains") or []
        for d in domains:
            _dnsfw.check_domain(d)
        if not domains and not p.get("DomainFileUrl"):
            # AWS accepts an empty list; it matches nothing.
            domains = []
        self.domains = list(domains)
        self.file_url = p.get("DomainFileUrl")

    @property
    def physical_resource_id(self):
        return self.id

    @property
    def arn(self):
        return _dnsfw.arn(self.region_name, self.account_id, "firewall-domain-list", self.id)

    def get_cfn_attribute(self, attr):
        return _dnsfw.get_att(self, attr, {"Id": lambda r: r.id, "Arn": lambda r: r.arn, "Name": lambda r: r.name,
                                           "DomainCount": lambda r: len(r.domains)})

    def describe(self):
        return {"Id": self.id, "Arn": self.arn, "Name": self.name, "DomainCount": len(self.domains), "Status": "COMPLETE"}

    def delete(self, account_id, region_name):
        st = _dnsfw.state(account_id, region_name)
        for g in st["groups"].values():
            if any(r.get("FirewallDomainListId") == self.id for r in g.rules):
                raise _dnsfw.in_use(f"domain list {self.id} is used by a rule of rule group {g.id}")
        st["lists"].pop(self.id, None)


class CfnFirewallDomainList(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Route53Resolver::FirewallDomainList"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Id", "Arn", "Name", "DomainCount")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        dl = DomainList(account_id, region_name, cloudformation_json.get("Properties", {}))
        _dnsfw.state(account_id, region_name)["lists"][dl.id] = dl
        return dl

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        original_resource.set(cloudformation_json.get("Properties", {}))
        return original_resource


def _list(st, resp):
    dl = st["lists"].get(resp._get_param("FirewallDomainListId"))
    if dl is None:
        raise _dnsfw.not_found(f"domain list {resp._get_param('FirewallDomainListId')} does not exist")
    return dl


def apply() -> None:
    import json

    def get_firewall_domain_list(self):
        return json.dumps({"FirewallDomainList": _list(_dnsfw.response_state(self), self).describe()})

    def list_firewall_domains(self):
        return json.dumps({"Domains": _list(_dnsfw.response_state(self), self).domains})

    def list_firewall_domain_lists(self):
        return json.dumps({"FirewallDomainLists": [d.describe() for d in _dnsfw.response_state(self)["lists"].values()]})

    _dnsfw.add_api("get_firewall_domain_list", get_firewall_domain_list)
    _dnsfw.add_api("list_firewall_domains", list_firewall_domains)
    _dnsfw.add_api("list_firewall_domain_lists", list_firewall_domain_lists)
