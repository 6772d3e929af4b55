"""AWS::EC2::SecurityGroupEgress and AWS::EC2::SecurityGroupIngress resources.

AWS: a standalone rule resource adds one rule to the group GroupId:
IpProtocol, FromPort/ToPort (omitted for "-1", all traffic), and one
peer: CidrIp, CidrIpv6, a security group (DestinationSecurityGroupId /
SourceSecurityGroupId) or a prefix list (DestinationPrefixListId /
SourcePrefixListId), with an optional Description. Deleting the resource
revokes exactly that rule.

moto 5.2.1 has no model for SecurityGroupEgress (skipped with
CREATE_COMPLETE: the rule never exists), and its SecurityGroupIngress
ignores CidrIpv6 and prefix lists (an IPv6-only rule fails an assertion,
HTTP 500) and is never revoked.

Patch: one model for each type on top of moto's Authorize/Revoke
SecurityGroupIngress/Egress.
"""

from moto.core.common_models import CloudFormationModel
from moto.ec2.models.security_groups import SecurityGroupIngress


def _backend(account_id, region_name):
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


def _rule(p, egress):
    description = p.get("Description", "")
    ip_ranges = []
    if p.get("CidrIp"):
        ip_ranges.append({"CidrIp": p["CidrIp"], "Description": description})
    if p.get("CidrIpv6"):
        ip_ranges.append({"CidrIpv6": p["CidrIpv6"], "Description": description})
    group_key = "DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"
    prefix_key = "DestinationPrefixListId" if egress else "SourcePrefixListId"
    source_groups = [{"GroupId": p[group_key]}] if p.get(group_key) else []
    prefix_lists = [{"PrefixListId": p[prefix_key]}] if p.get(prefix_key) else []
    peers = len(ip_ranges) + len(source_groups) + len(prefix_lists)
    if peers != 1:
        from moto.ec2.exceptions import EC2ClientError

        raise EC2ClientError("InvalidParameterCombination",
                             f"a security group rule needs exactly one peer (CIDR, security group or prefix list); {peers} given")
    return dict(ip_protocol=str(p["IpProtocol"]), from_port=p.get("FromPort"), to_port=p.get("ToPort"),
                ip_ranges=ip_ranges, source_groups=source_groups, prefix_list_ids=prefix_lists)


class _Rule:
    """One rule resource (the CloudFormation models below create these)."""

    EGRESS = False

    def __init__(self, group_id, vpc_id, rule, rule_ids):
        self.group_id, self.vpc_id, self.rule, self.rule_ids = group_id, vpc_id, rule, rule_ids

    @classmethod
    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        backend = _backend(account_id, region_name)
        if p.get("GroupId"):
            group = backend.get_security_group_from_id(p["GroupId"])
        else:
            group = backend.get_security_group_from_name(p.get("GroupName"))
        if group is None:
            from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError

            raise InvalidSecurityGroupNotFoundError(p.get("GroupId") or p.get("GroupName"))
        rule = _rule(p, cls.EGRESS)
        authorize = backend.authorize_security_group_egress if cls.EGRESS else backend.authorize_security_group_ingress
        added, _ = authorize(group_name_or_id=group.id, vpc_id=group.vpc_id, **rule)
        return cls(group.id, group.vpc_id, rule, [r.id for r in added])

    @property
    def physical_resource_id(self):
        return self.rule_ids[0] if self.rule_ids else ""

    def delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        group = backend.get_security_group_from_id(self.group_id)
        if group is None:
            return
        rules = group.egress_rules if self.EGRESS else group.ingress_rules
        if not any(r.id in self.rule_ids for r in rules):
            return
        revoke = backend.revoke_security_group_egress if self.EGRESS else backend.revoke_security_group_ingress
        revoke(group_name_or_id=self.group_id, ip_protocol=None, from_port=None, to_port=None, ip_ranges=[],
               security_rule_ids=[r for r in self.rule_ids if any(x.id == r for x in rules)], vpc_id=self.vpc_id)


class _EgressRule(_Rule):
    EGRESS = True


class CfnSecurityGroupEgress(CloudFormationModel):
    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::SecurityGroupEgress"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        return _EgressRule.create(resource_name, cloudformation_json, account_id, region_name)


def apply() -> None:
    # moto's own AWS::EC2::SecurityGroupIngress model creates an ingress _Rule.
    @classmethod
    def create_ingress(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        return _Rule.create(resource_name, cloudformation_json, account_id, region_name)

    SecurityGroupIngress.create_from_cloudformation_json = create_ingress
