package netcheck

// The check catalogue: what each check is, once, for every report format
// (text, JSON, SARIF, the CDK validation plugin). A new check needs one
// entry here and nothing in any format; a test fails when a Check*
// constant has none.

// Rule describes one check.
type Rule struct {
	Name string `json:"check"`
	// Title is a short sentence: what must be true.
	Title string `json:"title"`
	// Help says what the check verifies, why it matters and how it is
	// usually fixed (each finding carries its own, exact fix).
	Help string `json:"help"`
	// Warning is true for a check that only ever warns (a path it
	// reports on still works): its findings never fail a build.
	Warning bool `json:"warning,omitempty"`
	// Properties name, by resource type, the properties that decide the
	// check, most telling first: a finding's location points at the first
	// one the resource writes.
	Properties map[string][]string `json:"-"`
}

// DefaultLevel is the rule's level when it does not pass: "error" or
// "warning".
func (r Rule) DefaultLevel() string {
	if r.Warning {
		return "warning"
	}
	return "error"
}

const (
	typeFunction   = "AWS::Lambda::Function"
	typeSubnet     = "AWS::EC2::Subnet"
	typeRoute      = "AWS::EC2::Route"
	typeRouteTable = "AWS::EC2::RouteTable"
	typeVpc        = "AWS::EC2::VPC"
	typeNat        = "AWS::EC2::NatGateway"
	typeIgw        = "AWS::EC2::InternetGateway"
	typeAttachment = "AWS::EC2::VPCGatewayAttachment"
	typeNaclEntry  = "AWS::EC2::NetworkAclEntry"
	typeNacl       = "AWS::EC2::NetworkAcl"
	typeSg         = "AWS::EC2::SecurityGroup"
	typeSgEgress   = "AWS::EC2::SecurityGroupEgress"
	typeSgIngress  = "AWS::EC2::SecurityGroupIngress"
	typeRole       = "AWS::IAM::Role"
	typePolicy     = "AWS::IAM::Policy"
	typeInstance   = "AWS::EC2::Instance"
	typeEni        = "AWS::EC2::NetworkInterface"
	typeEoigw      = "AWS::EC2::EgressOnlyInternetGateway"
	typeEndpoint   = "AWS::EC2::VPCEndpoint"

	typeDhcp         = "AWS::EC2::DHCPOptions"
	typeDhcpAssoc    = "AWS::EC2::VPCDHCPOptionsAssociation"
	typeFwDomainList = "AWS::Route53Resolver::FirewallDomainList"
	typeFwRuleGroup  = "AWS::Route53Resolver::FirewallRuleGroup"
	typeFwAssoc      = "AWS::Route53Resolver::FirewallRuleGroupAssociation"
	typeFwConfig     = "AWS::Route53Resolver::FirewallConfig"
)

var naclProps = map[string][]string{typeNaclEntry: {"CidrBlock", "Ipv6CidrBlock", "PortRange", "RuleAction", "Protocol"}, typeSubnet: {"NetworkAclId"}}

var catalogue = []Rule{
	{Name: CheckSubnet, Title: "The function's subnets exist and are known",
		Help:       "Every subnet in the function's VpcConfig must be a subnet of the templates or an AWS subnet id, and the function must have at least one; Lambda refuses anything else.",
		Properties: map[string][]string{typeFunction: {"VpcConfig"}, typeSubnet: {"CidrBlock", "VpcId"}}},
	{Name: CheckSubnetPrivate, Title: "The function's subnets are private",
		Help:       "A Lambda function's network interfaces never get a public IP address, so a subnet that routes the destination to an internet gateway is a dead end for it: its subnets must route the destination to a NAT device instead.",
		Properties: map[string][]string{typeRoute: {"GatewayId", "DestinationCidrBlock"}, typeSubnet: {"MapPublicIpOnLaunch"}}},
	{Name: CheckRoute, Title: "The subnet's route table routes the destination out",
		Help:       "The route table associated with each of the function's subnets (or the VPC's main route table) must have a route that covers the whole destination and leads to a NAT gateway, a NAT instance, an egress-only internet gateway or a gateway endpoint.",
		Properties: map[string][]string{typeRoute: {"NatGatewayId", "InstanceId", "NetworkInterfaceId", "EgressOnlyInternetGatewayId", "GatewayId", "DestinationCidrBlock", "DestinationIpv6CidrBlock"}, typeRouteTable: {"VpcId"}, typeVpc: {"CidrBlock"}}},
	{Name: CheckNatGateway, Title: "The NAT gateway exists, is public and has an address",
		Help:       "The route's NAT gateway must be defined, public (ConnectivityType public) and have an Elastic IP allocation, or it cannot translate the function's traffic to the internet.",
		Properties: map[string][]string{typeNat: {"AllocationId", "ConnectivityType", "SubnetId"}}},
	{Name: CheckNatSubnetPublic, Title: "The NAT device is in a public subnet",
		Help:       "A NAT gateway or instance sends the traffic on through its own subnet's route table, which must route the destination to an internet gateway attached to the VPC.",
		Properties: map[string][]string{typeNat: {"SubnetId"}, typeRoute: {"GatewayId", "DestinationCidrBlock"}, typeInstance: {"SubnetId", "NetworkInterfaces"}}},
	{Name: CheckInternetGateway, Title: "The internet gateway is attached to the VPC",
		Help:       "The public subnet's route must lead to an internet gateway that a VPCGatewayAttachment attaches to the same VPC.",
		Properties: map[string][]string{typeAttachment: {"InternetGatewayId", "VpcId"}, typeIgw: {}}},
	{Name: CheckNaclOut, Title: "The function subnet's network ACL lets the request out",
		Help: "Network ACLs are stateless: the ACL of the function's subnet needs an outbound allow rule, ahead of any deny, for the whole destination and port.", Properties: naclProps},
	{Name: CheckNaclReplyIn, Title: "The function subnet's network ACL lets the reply in",
		Help: "Network ACLs are stateless: the ACL of the function's subnet needs an inbound allow rule for the replies, from the destination to the ephemeral ports 1024-65535.", Properties: naclProps},
	{Name: CheckNatNaclIn, Title: "The NAT subnet's network ACL lets the request in",
		Help: "The ACL of the NAT device's subnet needs an inbound allow rule for the function's subnet on the destination port.", Properties: naclProps},
	{Name: CheckNatNaclOut, Title: "The NAT subnet's network ACL lets the request out",
		Help: "The ACL of the NAT device's subnet needs an outbound allow rule for the whole destination and port.", Properties: naclProps},
	{Name: CheckNatNaclReplyIn, Title: "The NAT subnet's network ACL lets the reply in",
		Help: "The ACL of the NAT device's subnet needs an inbound allow rule for the replies from the destination to the ephemeral ports 1024-65535.", Properties: naclProps},
	{Name: CheckNatNaclReplyOut, Title: "The NAT subnet's network ACL lets the reply back to the function",
		Help: "The ACL of the NAT device's subnet needs an outbound allow rule for the replies to the function's subnet on the ephemeral ports 1024-65535.", Properties: naclProps},
	{Name: CheckSecurityGroup, Title: "The function's security groups allow the egress",
		Help:       "Security groups are stateful: the union of the egress rules of the function's security groups must allow the whole destination on its protocol and port; replies need nothing.",
		Properties: map[string][]string{typeSg: {"SecurityGroupEgress"}, typeSgEgress: {"CidrIp", "CidrIpv6", "IpProtocol", "FromPort"}, typeFunction: {"VpcConfig"}}},
	{Name: CheckRoleVpcAccess, Title: "The execution role lets Lambda create the network interfaces",
		Help:       "Lambda creates the function's network interfaces with its execution role, which needs AWSLambdaVPCAccessExecutionRole or the same EC2 permissions (ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface, ...).",
		Properties: map[string][]string{typeRole: {"ManagedPolicyArns", "Policies"}, typeFunction: {"Role"}}},
	{Name: CheckRoleDeny, Title: "The function's code is denied the network interface APIs", Warning: true,
		Help:       "AWS recommends denying the function's own code the EC2 network interface actions with a lambda:SourceFunctionArn condition, so code running with the role cannot create or delete interfaces.",
		Properties: map[string][]string{typeRole: {"Policies"}, typePolicy: {"PolicyDocument"}}},
	{Name: CheckVpcTenancy, Title: "The VPC has default instance tenancy",
		Help:       "Lambda cannot attach a function to a VPC with dedicated instance tenancy.",
		Properties: map[string][]string{typeVpc: {"InstanceTenancy"}}},
	{Name: CheckFunctionState, Title: "The deployed function is Active",
		Help: "A deployed function that is Pending, Inactive or Failed has no ready network interfaces, and its invocations fail until it is Active."},
	{Name: CheckSingleNat, Title: "Each AZ has its own NAT device", Warning: true,
		Help:       "One NAT gateway or instance serving subnets in several AZs is a single point of failure: if its AZ fails, the function loses internet access in every AZ.",
		Properties: map[string][]string{typeNat: {"SubnetId"}, typeInstance: {"SubnetId"}}},
	{Name: CheckSingleAz, Title: "The function's subnets span at least two AZs", Warning: true,
		Help:       "A function attached to subnets of one AZ stops when that AZ fails.",
		Properties: map[string][]string{typeFunction: {"VpcConfig"}}},
	{Name: CheckPublicSubnet, Title: "The function is not attached to a public subnet", Warning: true,
		Help:       "A Lambda function's network interfaces have no public IP, so a public subnet gives it no internet access; attach it only to private subnets.",
		Properties: map[string][]string{typeSubnet: {"MapPublicIpOnLaunch"}}},
	{Name: CheckNatInstance, Title: "The NAT instance exists, is in the VPC and has a public address",
		Help:       "A route to a NAT instance needs the instance (or its network interface) defined, running, in the VPC and with a public IP address.",
		Properties: map[string][]string{typeInstance: {"NetworkInterfaces", "SubnetId"}, typeEni: {"SubnetId"}}},
	{Name: CheckSourceDestCheck, Title: "The NAT instance's source/destination check is off",
		Help:       "EC2 drops traffic an instance forwards unless its network interface's source/destination check is disabled.",
		Properties: map[string][]string{typeInstance: {"SourceDestCheck", "NetworkInterfaces"}, typeEni: {"SourceDestCheck"}}},
	{Name: CheckNatInstanceSgIn, Title: "The NAT instance's security group lets the function's subnet in",
		Help:       "The NAT instance's security groups must allow inbound traffic from the function's subnet on the destination port.",
		Properties: map[string][]string{typeSg: {"SecurityGroupIngress"}, typeSgIngress: {"CidrIp", "SourceSecurityGroupId", "IpProtocol", "FromPort"}}},
	{Name: CheckNatInstanceSgOut, Title: "The NAT instance's security group lets the destination out",
		Help:       "The NAT instance's security groups must allow outbound traffic to the whole destination.",
		Properties: map[string][]string{typeSg: {"SecurityGroupEgress"}, typeSgEgress: {"CidrIp", "IpProtocol", "FromPort"}}},
	{Name: CheckNatInstanceSpof, Title: "The NAT instance is not a single point of failure", Warning: true,
		Help:       "A NAT instance has no managed failover: while it stops, is impaired or is patched, the subnets it serves lose internet access.",
		Properties: map[string][]string{typeInstance: {"InstanceType"}}},
	{Name: CheckEgressOnlyGateway, Title: "The egress-only internet gateway exists and is in the VPC",
		Help:       "An IPv6 route to an egress-only internet gateway needs the gateway defined for the same VPC.",
		Properties: map[string][]string{typeEoigw: {"VpcId"}, typeRoute: {"EgressOnlyInternetGatewayId"}}},
	{Name: CheckSubnetIpv6, Title: "The function's subnet is dual-stack",
		Help:       "IPv6 destinations need an IPv6 block on each of the function's subnets.",
		Properties: map[string][]string{typeSubnet: {"Ipv6CidrBlock", "AssignIpv6AddressOnCreation"}}},
	{Name: CheckSubnetPublicIpv6, Title: "The function's subnet does not route IPv6 to an internet gateway", Warning: true,
		Help:       "A route of ::/0 to an internet gateway makes the subnet's IPv6 addresses reachable from the internet; private subnets use an egress-only internet gateway.",
		Properties: map[string][]string{typeRoute: {"GatewayId", "DestinationIpv6CidrBlock"}}},
	{Name: CheckFunctionIpv6, Title: "The function sends IPv6 traffic",
		Help:       "A function reaches IPv6 destinations only with VpcConfig.Ipv6AllowedForDualStack true and dual-stack subnets.",
		Properties: map[string][]string{typeFunction: {"VpcConfig"}}},
	{Name: CheckDnsResolver, Title: "The function's VPC resolver answers",
		Help:       "The function resolves names through the VPC's DHCP options: the Amazon-provided resolver (the VPC's base address plus two, 169.254.169.253), which does not answer when the VPC has EnableDnsSupport false, or the custom servers listed (docs/dns.md).",
		Properties: map[string][]string{typeVpc: {"EnableDnsSupport"}, typeDhcp: {"DomainNameServers"}, typeDhcpAssoc: {"DhcpOptionsId"}}},
	{Name: CheckDnsServerPath, Title: "The custom DNS server is routed and let through the network ACLs",
		Help:       "A custom DNS server of the DHCP options is reached like any destination: UDP and TCP 53 must be routed from the function's subnet and allowed both ways by the network ACLs of the function's and the server's subnets.",
		Properties: map[string][]string{typeDhcp: {"DomainNameServers"}, typeRoute: {"DestinationCidrBlock", "NatGatewayId"}, typeNaclEntry: {"CidrBlock", "PortRange", "RuleAction", "Protocol"}}},
	{Name: CheckDnsServerSg, Title: "The function's security group lets DNS to the custom server out",
		Help:       "Security groups do not filter the Amazon-provided resolver, but they do filter a custom DNS server: the function's security groups must allow UDP and TCP 53 to it.",
		Properties: map[string][]string{typeSg: {"SecurityGroupEgress"}, typeSgEgress: {"CidrIp", "IpProtocol", "FromPort"}}},
	{Name: CheckDnsFirewall, Title: "DNS Firewall lets the name resolve",
		Help:       "Route 53 Resolver DNS Firewall evaluates the rule groups associated with the VPC by association priority and their rules by priority; the first rule whose domain list matches the name decides: BLOCK fails the lookup.",
		Properties: map[string][]string{typeFwRuleGroup: {"FirewallRules"}, typeFwDomainList: {"Domains", "DomainFileUrl"}, typeFwAssoc: {"Priority", "FirewallRuleGroupId"}}},
	{Name: CheckDnsFailOpen, Title: "DNS Firewall fails closed", Warning: true,
		Help:       "With FirewallFailOpen ENABLED, Route 53 Resolver answers queries unfiltered when DNS Firewall cannot evaluate them: an allow-list then holds only while DNS Firewall works.",
		Properties: map[string][]string{typeFwConfig: {"FirewallFailOpen"}}},
	{Name: CheckGatewayEndpoint, Title: "The subnet reaches the service through its gateway endpoint",
		Help:       "An S3 or DynamoDB destination is reached through a gateway endpoint whose RouteTableIds include the subnet's route table (or else through the internet path).",
		Properties: map[string][]string{typeEndpoint: {"RouteTableIds", "ServiceName"}, typeRoute: {"DestinationPrefixListId"}}},
}

var catalogueIndex = func() map[string]int {
	m := map[string]int{}
	for i, r := range catalogue {
		m[r.Name] = i
	}
	return m
}()

// Rules is the catalogue, in a stable order.
func Rules() []Rule { return append([]Rule(nil), catalogue...) }

// RuleOf is the catalogue's rule for a check name; a name it does not know
// (which a test prevents) gets a rule that names it.
func RuleOf(name string) Rule {
	if i, ok := catalogueIndex[name]; ok {
		return catalogue[i]
	}
	return Rule{Name: name, Title: name, Help: "netcheck step " + name}
}
