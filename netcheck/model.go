// Package netcheck decides whether a VPC-attached Lambda function can reach
// a destination on the internet, subnet by subnet, the way AWS's runbook for
// "my VPC Lambda has no internet access" does: private subnet, route to an
// available NAT gateway, NAT gateway in a public subnet routed to an
// attached internet gateway, network ACLs that let the request out and the
// reply back in on the function's and the NAT gateway's subnets, a security
// group that allows the egress, and an execution role Lambda can use.
//
// The analysis runs on Facts, which can come from a CloudFormation template
// (FromTemplate, before anything is deployed) or from a deployed account:
// one model, several sources.
//
// The package owns that model (Facts, model.go), the template reader
// (template*.go: intrinsic functions, IPv6 placeholders, the ways out), the
// exact analysis (Analyze; path*.go over the set algebra of sets.go and
// eval.go, and the internet's definition in internet.go), the Report and
// its formats (text in report.go, JSON, Graphviz DOT in dot.go) and the
// netcheck command's logic (RunCLI). Facts flow one way: source, Facts,
// Analyze, Report, format. A deployed stack's Facts come from the awsfacts
// package; the VPC twin (internal/twin) builds packets from the same Facts.
package netcheck

import (
	"fmt"
	"net/netip"
)

// Facts is the network as the analysis sees it. Every id is the source's
// own: logical ids for a template, AWS ids for a deployed network.
type Facts struct {
	Source           string // e.g. the template's path
	Vpcs             map[string]*Vpc
	Subnets          map[string]*Subnet
	RouteTables      map[string]*RouteTable
	InternetGateways map[string]*InternetGateway
	NatGateways      map[string]*NatGateway
	NetworkAcls      map[string]*NetworkAcl
	SecurityGroups   map[string]*SecurityGroup
	Roles            map[string]*Role
	Functions        []*Function

	// The ways out besides a NAT gateway (all may be empty):

	// NetworkInterfaces are the network interfaces routes name (a NAT
	// instance's), by id.
	NetworkInterfaces map[string]*NetworkInterface
	// Instances are the EC2 instances routes or network interfaces name
	// (NAT instances), by id.
	Instances map[string]*Instance
	// EgressOnlyInternetGateways carry IPv6 traffic out of a VPC (and
	// nothing in), by id.
	EgressOnlyInternetGateways map[string]*EgressOnlyInternetGateway
	// VpcEndpoints are the VPCs' gateway endpoints (S3, DynamoDB), by id.
	// Their routes are in the route tables too (Route.PrefixList).
	VpcEndpoints map[string]*VpcEndpoint

	// DhcpOptions are the DHCP option sets VPCs are associated with, by
	// id (dns.go): they name the DNS servers a function uses.
	DhcpOptions map[string]*DhcpOptions
	// DnsFirewall is Route 53 Resolver DNS Firewall: domain lists, rule
	// groups and their associations with VPCs (dns.go).
	DnsFirewall DnsFirewall

	// Unresolved lists, by resource id, the values a template leaves
	// open (a parameter without a value, an import from a template not
	// given): the analysis reports the steps that read them as UNKNOWN.
	Unresolved map[string][]Unresolved
	// Suppressions are the checks acknowledged in the template, by the
	// resource whose Metadata acknowledges them.
	Suppressions map[string][]Suppression
	// Origins say, by resource id, where each resource of a template is
	// written (file, logical id, line): reports point at it. Empty for a
	// deployed stack.
	Origins map[string]Origin
	// Cases are the facts of each assignment of the conditions the
	// given values leave undecided (empty when every condition is
	// decided): the analysis checks each and reports where they differ.
	Cases []Case
	// CaseFix is what decides the cases (--parameter ...).
	CaseFix string
}

// Case is the network under one assignment of undecided conditions.
type Case struct {
	// Assume names the assignment: "IsProd=true, UseNat=false".
	Assume string
	Facts  *Facts
}

// Unresolved is a value a template does not decide.
type Unresolved struct {
	Where string // the resource and property: "Vpc.CidrBlock"
	Expr  string // the expression as the template writes it: "!Ref VpcCidr"
	Why   string // "parameter VpcCidr has no default and no value was given"
	Fix   string // "--parameter VpcCidr=VALUE", "" when nothing here can resolve it
}

func (u Unresolved) String() string {
	s := fmt.Sprintf("%s is %s", u.Where, u.Expr)
	if u.Why != "" {
		s += " (" + u.Why + ")"
	}
	return s
}

// Suppression acknowledges a check on a resource, with the reason the
// report prints.
type Suppression struct {
	Check  string
	Reason string
}

// NewFacts returns empty Facts.
func NewFacts(source string) *Facts {
	return &Facts{
		Source:           source,
		Vpcs:             map[string]*Vpc{},
		Subnets:          map[string]*Subnet{},
		RouteTables:      map[string]*RouteTable{},
		InternetGateways: map[string]*InternetGateway{},
		NatGateways:      map[string]*NatGateway{},
		NetworkAcls:      map[string]*NetworkAcl{},
		SecurityGroups:   map[string]*SecurityGroup{},
		Roles:            map[string]*Role{},

		NetworkInterfaces:          map[string]*NetworkInterface{},
		Instances:                  map[string]*Instance{},
		EgressOnlyInternetGateways: map[string]*EgressOnlyInternetGateway{},
		VpcEndpoints:               map[string]*VpcEndpoint{},
		DhcpOptions:                map[string]*DhcpOptions{},
		DnsFirewall:                NewDnsFirewall(),
		Unresolved:                 map[string][]Unresolved{},
		Suppressions:               map[string][]Suppression{},
	}
}

// Vpc is a VPC. A subnet without an explicit association uses the VPC's
// main route table and default network ACL.
type Vpc struct {
	ID                string
	Cidr              netip.Prefix
	MainRouteTable    string
	DefaultNetworkAcl string
	// InstanceTenancy is "default" or "dedicated" ("" when the source does
	// not say, which means default). Lambda cannot attach a function to a
	// VPC with dedicated tenancy.
	InstanceTenancy string
	// Ipv6Cidrs are the VPC's IPv6 blocks (an Amazon-provided /56, or a
	// block from an IPv6 pool); empty when it has none.
	Ipv6Cidrs []netip.Prefix
	// Ipv6Placeholder is true when Ipv6Cidrs are not the real blocks but
	// stand-ins (a template cannot know the /56 AWS assigns at deploy
	// time: FromTemplate uses one /56 per VPC of the documentation block
	// 2001:db8::/32, which is never part of the IPv6 internet). Subnets'
	// IPv6 blocks carved from them are placeholders too.
	Ipv6Placeholder bool
	// DnsSupportOff is EnableDnsSupport false: the Amazon-provided
	// resolver does not answer the VPC's resources (EC2's default is
	// on, also when the source does not say).
	DnsSupportOff bool
	// DhcpOptions is the id of the DHCP option set associated with the
	// VPC; "" for the set EC2 gives a new VPC (AmazonProvidedDNS).
	DhcpOptions string
}

// Subnet is a subnet.
type Subnet struct {
	ID, VpcID, AZ string
	Cidr          netip.Prefix
	RouteTable    string // explicitly associated route table, "" for the main one
	NetworkAcl    string // explicitly associated network ACL, "" for the default one
	// Ipv6Cidr is the subnet's IPv6 block (a /64), invalid when the
	// subnet is IPv4-only. A dual-stack subnet has both.
	Ipv6Cidr netip.Prefix
	// Defect is why EC2 would refuse to create the subnet as the
	// template writes it ("" when it would not): the function cannot use
	// it.
	Defect string
}

// TargetKind is what a route sends traffic to.
type TargetKind string

const (
	TargetLocal            TargetKind = "local"
	TargetInternetGateway  TargetKind = "internet-gateway"
	TargetNatGateway       TargetKind = "nat-gateway"
	TargetNetworkInterface TargetKind = "network-interface"
	TargetInstance         TargetKind = "instance"
	// TargetEgressOnlyInternetGateway is an egress-only internet gateway
	// (IPv6 only, outbound-initiated only).
	TargetEgressOnlyInternetGateway TargetKind = "egress-only-internet-gateway"
	// TargetVpcEndpoint is a gateway endpoint; the route's destination is
	// its service's prefix list (Route.PrefixList), not a CIDR block.
	TargetVpcEndpoint TargetKind = "vpc-endpoint"
	TargetOther       TargetKind = "other"
	// TargetMissing is a route whose target does not exist: a blackhole.
	TargetMissing TargetKind = "missing"
)

// Route is one route of a route table.
type Route struct {
	ID          string // the route's own id, "" when it has none (local)
	Destination netip.Prefix
	Kind        TargetKind
	Target      string
	// State is the route's state in a deployed network ("active",
	// "blackhole"), "" from a template. A blackhole route has Kind
	// TargetMissing.
	State string
	// PrefixList is set for a route whose destination is a prefix list
	// instead of a CIDR block (Destination is then invalid): the prefix
	// list's id in a deployed network (pl-...), or in a template, where a
	// gateway endpoint's routes are implicit, "service:" and the endpoint
	// service's short name (service:s3). Such a route applies to that
	// service's addresses only; longest prefix match ignores it for any
	// other destination.
	PrefixList string
}

// RouteTable is a route table with its routes (without the implicit local
// route, which the analysis adds from the VPC's CIDR).
type RouteTable struct {
	ID, VpcID string
	Main      bool
	Routes    []Route
}

// InternetGateway is an internet gateway and the VPCs it is attached to.
type InternetGateway struct {
	ID           string
	AttachedVpcs []string
}

// NatGateway is a NAT gateway: zonal (in one subnet, the default) or
// regional.
type NatGateway struct {
	ID, SubnetID string
	Public       bool   // ConnectivityType public (a private NAT gateway cannot reach the internet)
	Allocation   string // the Elastic IP's allocation, "" when none
	State        string // "available" in a deployed network, "" from a template

	// Regional is a regional NAT gateway (AvailabilityMode regional): one
	// for a whole VPC, in no subnet of it (SubnetID is ""), highly
	// available across AZs by itself. Its traffic leaves through the VPC's
	// internet gateway, by a route table AWS creates and manages for it.
	Regional bool
	// VpcID is a regional gateway's VPC (VpcId); "" for a zonal one, whose
	// VPC is its subnet's.
	VpcID string
	// Manual is true for a regional gateway in manual mode: in a template,
	// AvailabilityZoneAddresses is set; in a deployed network,
	// AutoProvisionZones is disabled. It then serves only the AZs of Zones.
	// In automatic mode AWS serves every AZ where the VPC has a network
	// interface.
	Manual bool
	// Zones are a regional gateway's AZs: from a template, the
	// AvailabilityZoneAddresses of manual mode (nil in automatic mode);
	// from a deployed network, the AZs it has addresses in, with them.
	Zones []NatZone
	// RouteTable is a deployed regional gateway's own route table
	// (RouteTableId: AWS creates it with a route to the internet gateway);
	// "" from a template, where it does not exist yet.
	RouteTable string
}

// NatZone is one AZ of a regional NAT gateway and its addresses.
type NatZone struct {
	// AZ is the zone's name ("us-east-1a"; in a template also what
	// Fn::GetAZs stands in for, "az1"), AZID its id ("use1-az1"); either
	// may be "" when the source names the zone the other way only.
	AZ, AZID string
	// Allocations are the Elastic IPs' allocation ids (in a template, the
	// logical id of an AWS::EC2::EIP of the same template).
	Allocations []string
	// PublicIPs are the gateway's public addresses in the zone, in a
	// deployed network.
	PublicIPs []string
}

// NetworkAcl is a network ACL with its entries. A default network ACL
// without explicit entries allows everything.
type NetworkAcl struct {
	ID, VpcID string
	Default   bool
	Entries   []NaclEntry
}

// NaclEntry is one rule of a network ACL.
type NaclEntry struct {
	ID         string
	RuleNumber int
	Egress     bool
	Allow      bool
	Protocol   int          // -1 all, 6 TCP, 17 UDP, 1 ICMP, ...
	Cidr       netip.Prefix // IPv4 (CidrBlock) or IPv6 (Ipv6CidrBlock)
	FromPort   int          // for TCP and UDP; 0-65535 otherwise
	ToPort     int
	// Unresolved is set (and Cidr invalid) when the template leaves the
	// entry's block open: the expression and why.
	Unresolved string
	// Ipv6 tells, for an unresolved block, which family it is.
	Ipv6 bool
}

// SecurityGroup is a security group's rules (it is stateful, so the reply
// to an allowed request is always allowed back).
type SecurityGroup struct {
	ID, VpcID string
	Egress    []SgRule
	// Ingress are the inbound rules. The analysis reads them for a NAT
	// instance's group (what it lets in from the function's subnets);
	// Cidr is then the packets' source block.
	Ingress []SgRule
}

// SgRule is one rule to (egress) or from (ingress) a CIDR block (CidrIp,
// or CidrIpv6), or, for ingress, from the members of a security group.
type SgRule struct {
	ID       string
	Protocol int // -1 all
	Cidr     netip.Prefix
	FromPort int
	ToPort   int
	// SourceGroup is set (and Cidr invalid) for an ingress rule that
	// allows traffic from the network interfaces of another security
	// group (SourceSecurityGroupId).
	SourceGroup string
	// Unresolved is set (and Cidr invalid) when the template leaves the
	// rule's block open: the expression and why.
	Unresolved string
	Ipv6       bool
}

// NetworkInterface is an elastic network interface: here, the one a NAT
// instance forwards through (AWS's guidance: route to the interface).
type NetworkInterface struct {
	ID, SubnetID   string
	SecurityGroups []string
	// SourceDestCheck is EC2's source/destination check: a NAT instance
	// forwards other hosts' packets only when it is off.
	SourceDestCheck bool
	// PublicIP is the interface's public IPv4 address, or in a template
	// the Elastic IP associated with it ("" when none).
	PublicIP string
	// Instance is the instance the interface is attached to ("" when
	// detached), with its device index.
	Instance    string
	DeviceIndex int
	// Status is "in-use", "available", ... in a deployed network, "" from
	// a template.
	Status string
	// Existing is true for an interface created on its own
	// (AWS::EC2::NetworkInterface) and attached to an instance at launch:
	// EC2 auto-assigns public IPv4 addresses only to interfaces it
	// creates at launch, so it is public only through an Elastic IP.
	Existing bool
}

// Instance is an EC2 instance (a NAT instance).
type Instance struct {
	ID, SubnetID string
	// NetworkInterfaces are the instance's interfaces, the primary one
	// (device index 0) first.
	NetworkInterfaces []string
	// State is "running", "stopped", ... in a deployed network, "" from a
	// template.
	State string
}

// EgressOnlyInternetGateway is an egress-only internet gateway and the VPCs
// it is attached to (one; AWS keeps the attachment for its lifetime).
type EgressOnlyInternetGateway struct {
	ID           string
	AttachedVpcs []string
}

// VpcEndpoint is a VPC endpoint; the analysis follows gateway endpoints.
type VpcEndpoint struct {
	ID, VpcID string
	Type      string // "Gateway", "Interface", ...
	// ServiceName is the full name (com.amazonaws.us-east-1.s3; in a
	// template the region may be "${Ref AWS::Region}"), Service its last
	// label (s3, dynamodb).
	ServiceName, Service string
	RouteTables          []string
	// PrefixList is the service's prefix list (pl-...) in a deployed
	// network, "" from a template.
	PrefixList string
	State      string // "available", ... in a deployed network, "" from a template
}

// Role is a function's execution role.
type Role struct {
	ID              string
	ManagedPolicies []string // ARNs or names
	// DenyFor lists the functions (their ids) the ENI deny statement names
	// in its lambda:SourceFunctionArn condition.
	DenyFor []string
	// Grants are the statements of the role's inline and customer-managed
	// policies that allow network-interface actions (besides managed
	// policies named by ARN).
	Grants []EniGrant
}

// EniGrant is an Allow statement that grants some of the network-interface
// actions Lambda needs.
type EniGrant struct {
	Policy  string   // the policy's id (or the role's inline policy name)
	Actions []string // the actions it grants, of EniRequired
	// Limits says what narrows the statement ("Condition ...", "Resource
	// ..."), "" when it applies to every resource unconditionally.
	Limits string
}

// Function is a Lambda function with a VPC configuration.
type Function struct {
	ID, Name       string
	SubnetIDs      []string
	SecurityGroups []string
	Role           string
	// State is the function's state in a deployed account ("Active",
	// "Pending" while Lambda creates its network interfaces, "Inactive"
	// after weeks without invocations, "Failed"), "" from a template.
	State       string
	StateReason string
	// Ipv6AllowedForDualStack is the VpcConfig setting that gives the
	// function's network interfaces IPv6 addresses in dual-stack subnets
	// (off by default): without it the function has no IPv6 path.
	Ipv6AllowedForDualStack bool
	// BadSubnets are subnet ids that are neither a subnet of the
	// template nor an AWS subnet id (a literal such as "PrivateSubnet1ID":
	// a missing !Ref), with what they may have meant.
	BadSubnets map[string]string
	// CapacityProvider is the Lambda capacity provider the function runs
	// on (Lambda Managed Instances): its VPC configuration is the
	// function's, and its instances' network interfaces are not the
	// execution role's to create.
	CapacityProvider string
}

// Destination is what the function must reach: a set of addresses (the
// internet, one block, one address) and ports of one protocol.
type Destination struct {
	// Prefix is the destination block (a single address is a /32 or
	// /128). It is ignored when Internet is set.
	Prefix netip.Prefix
	// Internet is IPv4 or IPv6 for "the internet" of that family: its
	// unicast space without the special-purpose blocks (internet.go).
	Internet Family
	// Service is a gateway-endpoint service ("s3", "dynamodb"): the
	// destination is that service's addresses in the function's region.
	// A template cannot know them (AWS publishes them as a prefix list),
	// so Addrs is the IPv4 internet: every address the service could use.
	// A route to the service's prefix list applies to all of them. With
	// Prefix set too, the service's addresses are that block (known
	// prefix-list blocks, or the VPC twin's stand-in).
	Service  string
	Protocol int // 6 TCP, 17 UDP
	Port     int // the first (or only) destination port
	ToPort   int // the last port of a range; 0 when Port is the only one
	// Name is the destination's DNS name when it is given as one
	// (api.example.com): the function must resolve it through its VPC's
	// resolver and DNS Firewall first. Its addresses are not resolved
	// (Internet says which internet they are checked for).
	Name string
}

// Family is an IP address family.
type Family int

const (
	IPv4 Family = 4
	IPv6 Family = 6
)

// DefaultDestination is TCP 443 anywhere on the (IPv4) internet.
var DefaultDestination = Destination{Internet: IPv4, Protocol: 6, Port: 443}

// Addrs is the set of the destination's addresses.
func (d Destination) Addrs() AddrSet {
	if d.Service != "" {
		if d.Prefix.IsValid() {
			return PrefixSet(d.Prefix)
		}
		return Internet4()
	}
	switch d.Internet {
	case IPv4:
		return Internet4()
	case IPv6:
		return Internet6()
	}
	return PrefixSet(d.Prefix)
}

// Ports is the set of the destination's ports.
func (d Destination) Ports() PortSet {
	if d.ToPort > d.Port {
		return PortRange(d.Port, d.ToPort)
	}
	return PortRange(d.Port, d.Port)
}

// Label names the destination's addresses: "the internet", "the IPv6
// internet" or the block.
func (d Destination) Label() string {
	if d.Name != "" && d.Internet == 0 && d.Prefix.IsValid() {
		return fmt.Sprintf("%s (at %s)", d.Name, d.Prefix)
	}
	if d.Name != "" {
		return d.Name + " (its addresses checked as the internet)"
	}
	switch d.Internet {
	case IPv4:
		return "the internet"
	case IPv6:
		return "the IPv6 internet"
	}
	if d.Service != "" {
		return d.Service + "'s addresses"
	}
	return d.Prefix.String()
}

// IsIPv6 reports whether the destination is IPv6.
func (d Destination) IsIPv6() bool {
	return d.Internet == IPv6 || (d.Internet == 0 && d.Prefix.Addr().Is6())
}

// Ephemeral ports on which replies come back, as AWS's guidance for NAT
// gateways requires them to be open.
const (
	EphemeralFrom = 1024
	EphemeralTo   = 65535
)

// Ephemeral ports of Linux (net.ipv4.ip_local_port_range): the source
// ports of the connections an instance opens itself. The replies to the
// connections a NAT instance forwards come back on other ports
// (NatInstanceReplyFrom).
const (
	LinuxEphemeralFrom = 32768
	LinuxEphemeralTo   = 60999
)

// VpcAccessPolicy is the managed policy a VPC function's role needs.
const VpcAccessPolicy = "AWSLambdaVPCAccessExecutionRole"
