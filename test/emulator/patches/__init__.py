"""Patches that correct moto 5.2.1 toward AWS's real behaviour.

Each module fixes one defect that a CDK deployment of this project runs
into, says what AWS does and what moto does instead, and has an apply()
function. A patch may only make the emulator behave more like AWS: none of
them accepts a template that AWS would reject or skips a resource.

The launcher (../launch.py) applies them all before the server starts.
"""

import importlib

# In the order they are applied.
PATCHES = [
    "cfn_failed_changeset",       # a failed change set leaves the stack CREATE_COMPLETE
    "cfn_delete_gone",            # deleting a resource that is already gone fails the stack delete
    "cfn_failed_delete",          # a failed stack delete makes the stack vanish, its resources left behind
    "cfn_changeset_outputs",      # stacks created through a change set have no Outputs
    "cfn_changeset_not_found",    # Describe/DeleteChangeSet on a missing change set: wrong error / HTTP 500
    "cfn_changeset_deleted_stack",  # a deleted stack's change sets are found by the next deploy of its name
    "cfn_previous_parameter",     # UsePreviousValue on a defaulted parameter: KeyError (HTTP 500)
    "cfn_update_cleanup_order",   # an update deletes removed resources first, before adding and modifying
    "cfn_update_unsupported",     # a modified resource without an update handler is dropped
    "cfn_update_removed_resources",  # a removed resource stays in the stack: adding its logical id back creates nothing
    "cfn_custom_resource",        # Lambda-backed custom resources hang forever
    "cfn_depends_on",             # a resource created early through a Ref ignores its own DependsOn
    "cfn_fn_cidr",                # Fn::Cidr not evaluated
    "ec2_getatt",                 # Fn::GetAtt InternetGateway.InternetGatewayId / EIP.PublicIp unsupported
    "ec2_cfn_delete",             # no CloudFormation delete for routes, route tables, NAT, EIP, IGW, attachment
    "ec2_nat_private_ip",         # a NAT gateway's private IP is a random 10.x address outside its subnet
    "ec2_nat_secondary_addresses",  # NatGateway SecondaryAllocationIds ignored; no in-place update
    "ec2_nat_regional",           # no regional NAT gateway (AvailabilityMode regional): KeyError on SubnetId
    "ec2_network_interface",      # NetworkInterface: GroupSet and SourceDestCheck ignored; never deleted
    "ec2_eip_association",        # AWS::EC2::EIPAssociation silently skipped
    "ec2_instance",               # Instance: NetworkInterfaces, MetadataOptions ignored (launched in the default VPC)
    "ec2_instance_architecture",  # an arm64 image launches on an x86_64 instance type
    "ec2_vpc_cidr_block",         # AWS::EC2::VPCCidrBlock silently skipped (no IPv6 block on the VPC)
    "ec2_subnet_ipv6",            # Subnet Ipv6CidrBlock, AssignIpv6AddressOnCreation ignored
    "ec2_egress_only_internet_gateway",  # AWS::EC2::EgressOnlyInternetGateway silently skipped
    "ec2_route_destinations",     # Route DestinationIpv6CidrBlock / DestinationPrefixListId ignored
    "ec2_vpc_endpoint",           # VPCEndpoint never deleted; DescribePrefixLists without Cidrs
    "ec2_vpc_delete",             # DeleteVpc skips dependency checks and leaves the default network ACL behind
    "ec2_route_table_association",  # CFN route table associations invisible in DescribeRouteTables
    "ec2_network_acl",            # NetworkAcl, NetworkAclEntry, SubnetNetworkAclAssociation silently skipped
    "ec2_security_group_egress",  # SecurityGroupEgress of AWS::EC2::SecurityGroup ignored
    "ec2_security_group_ingress",  # inline ingress: KeyError without ports (all traffic); CidrIpv6 ignored
    "ec2_security_group_rule_resources",  # SecurityGroupEgress skipped; SecurityGroupIngress ignores CidrIpv6
    "iam_role",                   # ManagedPolicyArns ignored; inline policies stored as Python objects
    "iam_managed_policy",         # no CloudFormation delete for AWS::IAM::ManagedPolicy
    "ec2_flow_log_delete",        # no CloudFormation delete for AWS::EC2::FlowLog
    "cloudwatch_alarm",           # AWS::CloudWatch::Alarm silently skipped
    "lambda_vpc_config",          # VpcConfig.VpcId always "vpc-123abc"
    "lambda_invoke_twin",         # Invoke needs Docker: answered by the function in the VPC twin instead
    "ec2_eip_documentation_range",  # Elastic IPs are 127.x loopback addresses, no internet routes them
    "s3_bucket_policy",           # AWS::S3::BucketPolicy silently skipped
    "s3_secure_transport",        # aws:SecureTransport conditions ignored: TLS-only policy denies everything
    "route53resolver_firewall_domain_list",  # no DNS Firewall: AWS::Route53Resolver::FirewallDomainList unknown
    "route53resolver_firewall_rule_group",   # no DNS Firewall: AWS::Route53Resolver::FirewallRuleGroup unknown
    "route53resolver_firewall_rule_group_association",  # no DNS Firewall: ...::FirewallRuleGroupAssociation unknown
    "route53resolver_firewall_config",       # no DNS Firewall: AWS::Route53Resolver::FirewallConfig unknown
]


def apply_all() -> None:
    for name in PATCHES:
        importlib.import_module(f"{__name__}.{name}").apply()
    # moto caches the CloudFormation type -> model map; new models must be in it.
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
