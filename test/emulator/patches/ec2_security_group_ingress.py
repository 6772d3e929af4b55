"""SecurityGroupIngress of AWS::EC2::SecurityGroup.

AWS: each inline ingress rule takes IpProtocol and, for tcp, udp and icmp
only, FromPort/ToPort (for IpProtocol "-1", all traffic, the ports are
omitted: that is what CDK writes for `Port.allTraffic()`); its source is
CidrIp, CidrIpv6, SourceSecurityGroupId or SourcePrefixListId, with an
optional Description.

moto 5.2.1 reads FromPort and ToPort unconditionally (an all-traffic rule
fails the stack with KeyError 'FromPort', HTTP 500) and ignores CidrIpv6,
SourcePrefixListId and Description, so an IPv6 source became a rule from
nowhere.

Patch: moto creates the group without its inline ingress; the patch then
authorizes each rule with the EC2 API as CloudFormation does (ports only
where given, every kind of source).
"""

from moto.ec2.models.security_groups import SecurityGroup


def apply() -> None:
    previous = SecurityGroup.create_from_cloudformation_json.__func__

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        rules = properties.get("SecurityGroupIngress") or []
        without = dict(cloudformation_json, Properties={k: v for k, v in properties.items() if k != "SecurityGroupIngress"})
        group = previous(cls, resource_name, without, account_id, region_name, **kwargs)
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        for rule in rules:
            description = rule.get("Description", "")
            ip_ranges = []
            if rule.get("CidrIp"):
                ip_ranges.append({"CidrIp": rule["CidrIp"], "Description": description})
            if rule.get("CidrIpv6"):
                ip_ranges.append({"CidrIpv6": rule["CidrIpv6"], "Description": description})
            source_groups = []
            if rule.get("SourceSecurityGroupId"):
                source_groups.append({"GroupId": rule["SourceSecurityGroupId"]})
            elif rule.get("SourceSecurityGroupName"):
                source_groups.append({"GroupName": rule["SourceSecurityGroupName"]})
            prefix_lists = [{"PrefixListId": rule["SourcePrefixListId"]}] if rule.get("SourcePrefixListId") else []
            backend.authorize_security_group_ingress(
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
