"""SecurityGroupEgress of AWS::EC2::SecurityGroup.

AWS: a security group starts with one egress rule, all traffic to
0.0.0.0/0; when the template gives SecurityGroupEgress, CloudFormation
replaces that default rule with the given ones (CDK writes a "disallow all
traffic" placeholder rule, icmp 252-86 to 255.255.255.255/32, when a group
must have no egress at all).

moto 5.2.1 ignores SecurityGroupEgress: every group keeps allow-all egress,
so a restricted template looks open.

Patch: after moto creates the group, revoke the default rule and authorize
the template's rules.
"""

from moto.ec2.models.security_groups import SecurityGroup


def apply() -> None:
    original = SecurityGroup.create_from_cloudformation_json.__func__

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        group = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        rules = cloudformation_json["Properties"].get("SecurityGroupEgress")
        if not rules:
            return group
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        group.egress_rules = []
        for rule in rules:
            ip_ranges = []
            if rule.get("CidrIp"):
                ip_ranges.append({"CidrIp": rule["CidrIp"], "Description": rule.get("Description", "")})
            if rule.get("CidrIpv6"):
                ip_ranges.append({"CidrIpv6": rule["CidrIpv6"], "Description": rule.get("Description", "")})
            source_groups = [{"GroupId": rule["DestinationSecurityGroupId"]}] if rule.get("DestinationSecurityGroupId") else []
            prefix_lists = [{"PrefixListId": rule["DestinationPrefixListId"]}] if rule.get("DestinationPrefixListId") else []
            backend.authorize_security_group_egress(
                group_name_or_id=group.id,
                ip_protocol=str(rule["IpProtocol"]),
                from_port=rule.get("FromPort"),
                to_port=rule.get("ToPort"),
                ip_ranges=ip_ranges,
                source_groups=source_groups,
                prefix_list_ids=prefix_lists,
                vpc_id=group.vpc_id,
            )
        return group

    SecurityGroup.create_from_cloudformation_json = create_from_cloudformation_json
