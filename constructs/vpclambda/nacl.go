package vpclambda

// Network ACL rule numbers. Rules are evaluated lowest number first and the
// first match wins, so the gaps are room for rules of your own: a deny
// numbered below 100 overrides everything here; 300-399 is reserved for the
// IPv6 equivalents of these rules.
const (
	RuleFromVpc        = 100 // inbound: anything from the VPC CIDR
	RuleEphemeralTcpIn = 200 // inbound: TCP 1024-65535 from anywhere (replies via the NAT gateway)
	RuleEphemeralUdpIn = 210 // inbound: UDP 1024-65535 from anywhere (DNS/NTP replies from outside)
	RuleAllOutbound    = 100 // outbound: anything to anywhere
	// The IPv6 equivalents of the rules above, in the range 300-399.
	RuleFromVpcIpv6        = 300 // inbound: anything from the VPC's IPv6 block
	RuleEphemeralTcpInIpv6 = 310 // inbound: TCP 1024-65535 from ::/0
	RuleEphemeralUdpInIpv6 = 320 // inbound: UDP 1024-65535 from ::/0
	RuleAllOutboundIpv6    = 300 // outbound: anything to ::/0
	EphemeralPortFrom      = 1024
	EphemeralPortTo        = 65535
	ProtocolAll            = -1
	ProtocolTcp            = 6
	ProtocolUdp            = 17
	anyIpv4                = "0.0.0.0/0"
	naclPublicTierName     = "Public"
	naclPrivateTierName    = "Private"
)

// NaclRule is one entry of a network ACL created by the construct.
type NaclRule struct {
	Name       string // construct id suffix, e.g. "InboundEphemeralTcp"
	RuleNumber int    // evaluation order: lowest first, first match wins
	Egress     bool   // outbound (true) or inbound (false)
	Protocol   int    // ProtocolAll, ProtocolTcp or ProtocolUdp
	CidrBlock  string // the peer: destination when Egress, source otherwise
	FromPort   int    // first port, only for TCP and UDP
	ToPort     int    // last port, only for TCP and UDP
	Purpose    string // why the rule exists, for people
	Ipv6       bool   // CidrBlock is an IPv6 block (an Ipv6CidrBlock entry)
}

// PrivateNaclRules are the rules of the private tier's network ACL (the
// function's subnets). The network ACL is stateless, so return traffic of
// every outbound request needs its own inbound rule: replies from the
// internet arrive through the NAT gateway on the ephemeral port the
// function's connection used.
func PrivateNaclRules(vpcCidr string) []NaclRule {
	return []NaclRule{
		{"InboundFromVpc", RuleFromVpc, false, ProtocolAll, vpcCidr, 0, 0, "traffic from inside the VPC (other subnets, VPC endpoints)", false},
		{"InboundEphemeralTcp", RuleEphemeralTcpIn, false, ProtocolTcp, anyIpv4, EphemeralPortFrom, EphemeralPortTo, "TCP replies from the internet through the NAT device", false},
		{"InboundEphemeralUdp", RuleEphemeralUdpIn, false, ProtocolUdp, anyIpv4, EphemeralPortFrom, EphemeralPortTo, "UDP replies (DNS, NTP) from the internet through the NAT device", false},
		{"OutboundAll", RuleAllOutbound, true, ProtocolAll, anyIpv4, 0, 0, "the function's outbound requests", false},
	}
}

// PublicNaclRules are the rules of the public tier's network ACL (the NAT
// gateway's subnet): the private subnets' requests come in from the VPC and
// leave for the internet; the internet's replies come in on ephemeral ports
// and leave again towards the private subnets. Nothing from the internet is
// allowed in on a well-known port.
func PublicNaclRules(vpcCidr string) []NaclRule {
	return []NaclRule{
		{"InboundFromVpc", RuleFromVpc, false, ProtocolAll, vpcCidr, 0, 0, "requests from the private subnets to be forwarded by the NAT device", false},
		{"InboundEphemeralTcp", RuleEphemeralTcpIn, false, ProtocolTcp, anyIpv4, EphemeralPortFrom, EphemeralPortTo, "TCP replies from the internet to the NAT device", false},
		{"InboundEphemeralUdp", RuleEphemeralUdpIn, false, ProtocolUdp, anyIpv4, EphemeralPortFrom, EphemeralPortTo, "UDP replies from the internet to the NAT device", false},
		{"OutboundAll", RuleAllOutbound, true, ProtocolAll, anyIpv4, 0, 0, "requests forwarded to the internet and replies back to the private subnets", false},
	}
}

// NaclRulesIpv6 are the IPv6 equivalents of the rules of either tier, for
// a dual-stack VPC, numbered 300-399:
// anything from the VPC's IPv6 block, TCP and UDP replies on the ephemeral
// ports from anywhere, and everything out. Nothing on the internet can open
// a connection to a private subnet over IPv6 anyway: the egress-only
// internet gateway lets only replies in.
func NaclRulesIpv6(vpcIpv6Cidr string) []NaclRule {
	return []NaclRule{
		{"InboundFromVpcIpv6", RuleFromVpcIpv6, false, ProtocolAll, vpcIpv6Cidr, 0, 0, "IPv6 traffic from inside the VPC", true},
		{"InboundEphemeralTcpIpv6", RuleEphemeralTcpInIpv6, false, ProtocolTcp, anyIpv6, EphemeralPortFrom, EphemeralPortTo, "TCP replies from the internet over IPv6", true},
		{"InboundEphemeralUdpIpv6", RuleEphemeralUdpInIpv6, false, ProtocolUdp, anyIpv6, EphemeralPortFrom, EphemeralPortTo, "UDP replies (DNS, NTP) from the internet over IPv6", true},
		{"OutboundAllIpv6", RuleAllOutboundIpv6, true, ProtocolAll, anyIpv6, 0, 0, "outbound requests over IPv6", true},
	}
}
