package netcheck

// The ways out besides a NAT gateway: a NAT instance (a route to its
// network interface or to the instance), IPv6 through an egress-only
// internet gateway (or an internet gateway), and gateway endpoints (a
// route to a service's prefix list).

import (
	"fmt"
	"net/netip"
	"strings"
)

var (
	ipv4All = netip.MustParsePrefix("0.0.0.0/0")
	ipv6All = netip.MustParsePrefix("::/0")
)

// natDevice is a NAT gateway or a NAT instance on a path.
type natDevice struct {
	kind   string // KindNatGateway or KindNatInstance
	what   string // "NAT gateway", "NAT instance"
	id     string // the route's target: the NAT gateway, or the instance's network interface (or the instance)
	subnet string // where it sits, once known
	// regional is a regional NAT gateway: one for the whole VPC, in no
	// subnet (path_regional.go).
	regional bool
	// For a NAT instance: its network interface and instance, when known.
	eni  *NetworkInterface
	inst *Instance
}

// natInstanceDevice resolves a route to a network interface or an

// The ports the replies from the internet come back to at a NAT instance.
// AWS's network ACL guide: the client that initiates a connection chooses
// its ephemeral port range (Lambda functions and NAT gateways 1024-65535,
// many Linux kernels 32768-60999). A NAT instance is not the client of the
// connections it forwards: the function is. The construct's instance (and
// the VPC twin's) translates them with nftables' masquerade, which keeps
// the function's source port, or on a clash picks another one of 1024-65535
// (Linux's NAT for source ports above 1023); its own ephemeral range serves
// only the connections the instance opens itself. So the replies arrive on
// 1024-65535, the range the instance's subnet's network ACL must let in.
const (
	NatInstanceReplyFrom = EphemeralFrom
	NatInstanceReplyTo   = EphemeralTo
)

// instance: the instance's primary interface carries the traffic.
func (p *subnetPath) natInstanceDevice(r *Route) *natDevice {
	dev := &natDevice{kind: KindNatInstance, what: "NAT instance", id: r.Target}
	if r.Kind == TargetInstance {
		dev.inst = p.f.Instances[r.Target]
		if dev.inst != nil && len(dev.inst.NetworkInterfaces) > 0 {
			dev.eni = p.f.NetworkInterfaces[dev.inst.NetworkInterfaces[0]]
		}
		return dev
	}
	dev.eni = p.f.NetworkInterfaces[r.Target]
	if dev.eni != nil {
		dev.inst = p.f.Instances[dev.eni.Instance]
	}
	return dev
}

// followNatInstance checks a NAT instance: it exists and runs, its
// interface forwards (source/destination check off) and has a public
// address, its security group lets the function's subnet in and the
// destination out; then the path from its subnet, as for a NAT gateway.
func (p *subnetPath) followNatInstance(rt *RouteTable, dev *natDevice, addrs AddrSet) {
	c := p.natInstanceCheck(dev)
	p.add(c)
	if dev.eni != nil {
		dev.subnet = dev.eni.SubnetID // for the warnings, even when the instance fails
	}
	routeStatus := Pass
	for _, x := range p.sr.Checks {
		if x.Name == CheckRoute && x.Status != Pass {
			routeStatus = Fail
		}
	}
	p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: dev.id, ToKind: KindNatInstance, Label: routeLabel(rt, dev.id), Status: worst(routeStatus, c.Status)})
	if c.Status != Pass {
		return
	}
	src := Check{Name: CheckSourceDestCheck, Status: Pass, Resource: dev.eni.ID, Reason: "source/destination check is off on network interface " + dev.eni.ID + ": the instance can forward the function's packets"}
	if dev.eni.SourceDestCheck {
		src = Check{Name: CheckSourceDestCheck, Status: Fail, Resource: dev.eni.ID,
			Reason: "source/destination check is on for network interface " + dev.eni.ID + ": EC2 drops the packets the NAT instance would forward (they are neither from nor to it)",
			Fix:    "set SourceDestCheck to false on the NAT instance's network interface"}
	}
	p.add(src)
	before := len(p.sr.Checks)
	p.natInstanceGroups(dev, addrs)
	// The hop into the instance shows what stops traffic there.
	hop := &p.sr.Hops[len(p.sr.Hops)-1]
	hop.Status = worst(hop.Status, src.Status)
	if src.Status != Pass {
		hop.Label = strings.TrimSpace(hop.Label + "\nsource/dest check ON")
	}
	for _, x := range p.sr.Checks[before:] {
		hop.Status = worst(hop.Status, x.Status)
		if x.Status == Fail {
			hop.Label = strings.TrimSpace(hop.Label + "\nNAT security group blocks (" + strings.TrimPrefix(x.Name, "nat-instance-sg-") + ")")
		}
	}
	if src.Status != Pass {
		return
	}
	p.natTail(dev, addrs)
}

// natInstanceCheck: the interface and the instance exist, are attached,
// the instance runs, the interface has a public IPv4 address.
func (p *subnetPath) natInstanceCheck(dev *natDevice) Check {
	c := Check{Name: CheckNatInstance, Resource: dev.id}
	external := strings.HasPrefix(dev.id, "eni-") || strings.HasPrefix(dev.id, "i-")
	switch {
	case dev.eni == nil && external && p.f.NetworkInterfaces[dev.id] == nil && p.f.Instances[dev.id] == nil:
		c.Status, c.Reason, c.Fix = Unknown, "the route's target is not defined here, so the NAT instance cannot be checked", "check the deployed network"
	case dev.eni == nil && dev.inst != nil:
		c.Status, c.Reason, c.Fix = Fail, "instance "+dev.inst.ID+" has no network interface here", "give the NAT instance a network interface in a public subnet"
	case dev.eni == nil:
		c.Status, c.Reason, c.Fix = Fail, "blackhole: the network interface or instance the route names does not exist", "create the NAT instance or fix the route"
	case dev.inst == nil:
		c.Status, c.Reason, c.Fix = Fail, fmt.Sprintf("network interface %s is not attached to an instance: nothing forwards the traffic (a blackhole)", dev.eni.ID),
			"attach the interface to the NAT instance (device index 0), or route to a NAT gateway"
	case dev.inst.State != "" && dev.inst.State != "running":
		c.Status, c.Resource, c.Reason, c.Fix = Fail, dev.inst.ID, fmt.Sprintf("NAT instance %s is %s", dev.inst.ID, dev.inst.State), "start it, or replace it"
	case dev.eni.PublicIP == "":
		c.Status, c.Resource, c.Reason, c.Fix = Fail, dev.eni.ID, fmt.Sprintf("network interface %s of NAT instance %s has no public IPv4 address: the internet cannot answer it", dev.eni.ID, dev.inst.ID),
			"associate an Elastic IP with the interface (AWS::EC2::EIPAssociation)"
	default:
		c.Status, c.Resource = Pass, dev.inst.ID
		c.Reason = fmt.Sprintf("NAT instance %s forwards through network interface %s (subnet %s) with public address %s", dev.inst.ID, dev.eni.ID, dev.eni.SubnetID, dev.eni.PublicIP)
	}
	return c
}

// natInstanceGroups checks the NAT instance's security groups, over every
// packet: inbound, the requests from the function's subnet (or from the
// function's security groups); outbound, the requests to the destination.
// They are stateful: replies need nothing.
func (p *subnetPath) natInstanceGroups(dev *natDevice, addrs AddrSet) {
	var groups []*SecurityGroup
	for _, id := range dev.eni.SecurityGroups {
		g := p.f.SecurityGroups[id]
		if g == nil {
			p.add(Check{Name: CheckNatInstanceSgIn, Status: Unknown, Resource: id, Reason: "the NAT instance's security group is not defined here"})
			return
		}
		groups = append(groups, g)
	}
	proto, ports := p.dest.Protocol, p.dest.Ports()
	res := strings.Join(dev.eni.SecurityGroups, ",")
	if res == "" {
		res = dev.eni.ID
	}
	// Inbound: the source is any address of the function's subnet.
	block, open := p.subnetBlock()
	in := Box(PrefixSet(block), ports)
	var allowedBy []string
	for _, g := range groups {
		for _, r := range g.Ingress {
			m := SgMatch(r, proto)
			if r.SourceGroup != "" {
				p.usedFn = true
			}
			if r.SourceGroup != "" && p.fn != nil && contains(p.fn.SecurityGroups, r.SourceGroup) {
				m = SgMatch(SgRule{Protocol: r.Protocol, Cidr: block, FromPort: r.FromPort, ToPort: r.ToPort}, proto)
			}
			if hit := in.Intersect(m); !hit.IsEmpty() {
				in = in.Subtract(hit)
				allowedBy = append(allowedBy, ingressDesc(r))
			}
		}
	}
	sub := namer{whole: PrefixSet(block), label: block.String()}
	if in.IsEmpty() {
		p.add(Check{Name: CheckNatInstanceSgIn, Status: Pass, Resource: res,
			Reason: fmt.Sprintf("the NAT instance's security group lets in %s (%s)", sub.packets(proto, Box(PrefixSet(block), ports), "from"), strings.Join(uniqStrings(allowedBy), "; "))})
	} else {
		p.add(openSource(Check{Name: CheckNatInstanceSgIn, Status: Fail, Resource: res,
			Reason: fmt.Sprintf("no inbound rule of the NAT instance's security group allows %s: the instance never sees those requests", sub.packets(proto, in, "from")),
			Fix:    fmt.Sprintf("add an inbound rule for %s/%s from %s (the function's subnet) to the NAT instance's security group", protoName(proto), in.Ports(), sub.cidrs(in.Addrs()))}, open))
	}
	// Outbound: what it forwards keeps its destination.
	n := p.natNamer(dev, addrs)
	space := Box(addrs, ports)
	allowed, denied := EvalSecurityGroups(groups, proto, space)
	var by []string
	for _, a := range allowed {
		by = append(by, ruleDesc(a.Rule))
	}
	if denied.IsEmpty() {
		p.add(Check{Name: CheckNatInstanceSgOut, Status: Pass, Resource: res,
			Reason: fmt.Sprintf("the NAT instance's security group lets out %s (%s)", n.packets(proto, space, "to"), strings.Join(uniqStrings(by), "; "))})
		return
	}
	p.add(Check{Name: CheckNatInstanceSgOut, Status: Fail, Resource: res,
		Reason: fmt.Sprintf("no outbound rule of the NAT instance's security group allows %s", n.packets(proto, denied, "to")),
		Fix:    fmt.Sprintf("add an outbound rule for %s/%s to %s to the NAT instance's security group", protoName(proto), denied.Ports(), n.cidrs(denied.Addrs()))})
}

func ingressDesc(r SgRule) string {
	from := r.Cidr.String()
	if r.SourceGroup != "" {
		from = "security group " + r.SourceGroup
	}
	if r.Protocol == -1 {
		return "rule all traffic from " + from
	}
	return fmt.Sprintf("rule %s/%s from %s", protoName(r.Protocol), PortRange(r.FromPort, r.ToPort), from)
}

// directGateway checks a route that takes part of the destination out of
// the VPC from the function's subnet itself: to an egress-only internet
// gateway (IPv6), or over IPv6 to an internet gateway. Either needs the
// function's interfaces to have IPv6 addresses (checked per subnet and
// function-wide).
func (p *subnetPath) directGateway(rt *RouteTable, r *Route, part string, whole bool, note string, addrs AddrSet) []Check {
	var out []Check
	vpc := p.s.VpcID
	p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Status: Pass})
	if r.Kind == TargetEgressOnlyInternetGateway {
		g := p.f.EgressOnlyInternetGateways[r.Target]
		c := Check{Name: CheckEgressOnlyGateway, Status: Pass, Resource: r.Target, Reason: "attached to VPC " + vpc}
		switch {
		case g == nil:
			c = Check{Name: CheckEgressOnlyGateway, Status: Fail, Resource: r.Target, Reason: "blackhole: the egress-only internet gateway does not exist", Fix: "create it in the VPC or fix the route"}
		case !contains(g.AttachedVpcs, vpc):
			c = Check{Name: CheckEgressOnlyGateway, Status: Fail, Resource: r.Target, Reason: fmt.Sprintf("egress-only internet gateway %s belongs to VPC %s, not to the subnet's VPC %s", r.Target, strings.Join(g.AttachedVpcs, ","), vpc),
				Fix: "route ::/0 to an egress-only internet gateway of the subnet's VPC"}
		}
		out = append(out, Check{Name: CheckRoute, Status: Pass, Resource: routeID(r, rt),
			Reason: fmt.Sprintf("%s -> egress-only internet gateway %s (route table %s)%s", routeWhat(part, r, whole), r.Target, rt.ID, note)}, c)
		p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: r.Target, ToKind: KindEgressOnlyGateway, Label: r.Destination.String(), Status: c.Status})
		p.hop(Hop{From: r.Target, FromKind: KindEgressOnlyGateway, To: KindInternet, ToKind: KindInternet, Label: "outbound only", Status: c.Status})
		if c.Status == Pass {
			p.direct = p.direct.Union(addrs)
		}
		return out
	}
	// IPv6 to an internet gateway: the interface's IPv6 address is a
	// global one, so no NAT is needed; but the subnet is public for IPv6.
	out = append(out, Check{Name: CheckRoute, Status: Pass, Resource: routeID(r, rt),
		Reason: fmt.Sprintf("%s -> internet gateway %s (route table %s)%s: IPv6 needs no NAT, the function's interfaces have global IPv6 addresses", routeWhat(part, r, whole), r.Target, rt.ID, note)})
	out = append(out, Check{Name: CheckSubnetPublicIpv6, Status: Warn, Resource: routeID(r, rt),
		Reason: fmt.Sprintf("the subnet is public for IPv6 (%s -> internet gateway %s): hosts on the internet can open connections to the function's IPv6 addresses; only its security group (no inbound rules) and network ACL stop them", r.Destination, r.Target),
		Fix:    "route ::/0 from the function's subnets to an egress-only internet gateway (outbound-initiated only), as AWS recommends for private subnets"})
	before := len(p.sr.Checks)
	p.internetGatewayOf(rt, vpc, r.Target)
	c := p.sr.Checks[len(p.sr.Checks)-1]
	p.sr.Checks = p.sr.Checks[:before]
	out = append(out, c)
	if c.Status == Pass {
		p.direct = p.direct.Union(addrs)
	}
	return out
}

// directNacls checks the function's subnet's network ACL for the part of
// the destination that leaves the VPC from the subnet itself: the request
// out, the reply (to an ephemeral port) back in.
func (p *subnetPath) directNacls() {
	acl := naclOf(p.f, p.s)
	n := p.namer()
	if !p.direct.Equal(p.dest.Addrs()) {
		n = namer{whole: p.direct, label: p.dest.Label() + " leaving from the subnet"}
	}
	proto := p.dest.Protocol
	eph := PortRange(EphemeralFrom, EphemeralTo)
	out, s1 := naclCheck(CheckNaclOut, acl, true, n, Box(p.direct, p.dest.Ports()), proto, "the request leaving the function's subnet")
	in, s2 := naclCheck(CheckNaclReplyIn, acl, false, n, Box(p.direct, eph), proto, "the reply coming back to the function's subnet")
	p.add(out)
	p.add(in)
	for i := range p.sr.Hops {
		h := &p.sr.Hops[i]
		if h.From == p.s.ID && h.Label == "" {
			h.Label = aclLabel([]string{"out " + s1, "reply in " + s2})
			h.Status = worst(h.Status, worst(out.Status, in.Status))
		}
	}
}

// internetGatewayOf checks that an internet gateway exists and is attached
// to the VPC, drawing the hop from rt.
func (p *subnetPath) internetGatewayOf(rt *RouteTable, vpc, id string) {
	igw := p.f.InternetGateways[id]
	var c Check
	switch {
	case igw == nil:
		c = Check{Name: CheckInternetGateway, Status: Fail, Resource: id, Reason: "blackhole: the internet gateway does not exist", Fix: "create and attach an internet gateway"}
	case !contains(igw.AttachedVpcs, vpc):
		c = Check{Name: CheckInternetGateway, Status: Fail, Resource: igw.ID, Reason: fmt.Sprintf("internet gateway %s is not attached to VPC %s", igw.ID, vpc), Fix: "attach it (AWS::EC2::VPCGatewayAttachment)"}
	default:
		c = Check{Name: CheckInternetGateway, Status: Pass, Resource: igw.ID, Reason: "attached to VPC " + vpc}
	}
	p.add(c)
	p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: id, ToKind: KindInternetGateway, Label: routeLabel(rt, id), Status: c.Status})
	label := "attached"
	if c.Status != Pass {
		label = "not attached"
	}
	p.hop(Hop{From: id, FromKind: KindInternetGateway, To: KindInternet, ToKind: KindInternet, Label: label, Status: c.Status})
}

// subnetIpv6 checks that the subnet is dual-stack, for an IPv6
// destination: Lambda gives the function's interface an IPv6 address from
// the subnet's block.
func (p *subnetPath) subnetIpv6() {
	s := p.s
	if !s.Ipv6Cidr.IsValid() {
		p.add(Check{Name: CheckSubnetIpv6, Status: Fail, Resource: s.ID,
			Reason: "the subnet has no IPv6 block: the function's network interface there has no IPv6 address",
			Fix:    "give the VPC an IPv6 block and the subnet a /64 of it (dual-stack)"})
		return
	}
	c := Check{Name: CheckSubnetIpv6, Status: Pass, Resource: s.ID, Reason: "dual-stack: IPv6 block " + s.Ipv6Cidr.String()}
	if v := p.f.Vpcs[s.VpcID]; v != nil && v.Ipv6Placeholder {
		c.Reason += fmt.Sprintf(" (a placeholder: AWS assigns the VPC's /56 at deploy time; netcheck stands in %s, a documentation block, for it)", strings.Join(prefixStrings(v.Ipv6Cidrs), ", "))
	}
	p.add(c)
}

// serviceOf is the service a prefix-list route leads to ("" when not
// known): from a template, "service:NAME"; from a deployed network, the
// gateway endpoint the route targets.
func serviceOf(f *Facts, r Route) string {
	if r.PrefixList == "" {
		return ""
	}
	if s, ok := strings.CutPrefix(r.PrefixList, "service:"); ok {
		return s
	}
	if ep := f.VpcEndpoints[r.Target]; ep != nil {
		return ep.Service
	}
	return ""
}

// serviceEndpoint follows a service destination (--dest s3) through the
// subnet's gateway endpoint; it returns false when the route table has no
// endpoint route for the service (the other routes then decide).
func (p *subnetPath) serviceEndpoint(rt *RouteTable, routes []Route, note string) bool {
	svc := p.dest.Service
	var r *Route
	for i := range routes {
		if routes[i].Kind == TargetVpcEndpoint && serviceOf(p.f, routes[i]) == svc {
			r = &routes[i]
			break
		}
	}
	if r == nil {
		if ep := p.vpcEndpointFor(svc); ep != nil {
			p.add(Check{Name: CheckGatewayEndpoint, Status: Fail, Resource: ep.ID,
				Reason: fmt.Sprintf("the VPC has gateway endpoint %s for %s, but not on route table %s%s: this subnet's traffic to %s goes through its other routes (the NAT device, with its per-GB charge) instead, and policies that require the endpoint (aws:sourceVpce) deny it", ep.ID, svc, rt.ID, note, svc),
				Fix:    fmt.Sprintf("add route table %s to the endpoint's RouteTableIds", rt.ID)})
			p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Status: Fail})
			p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, Label: "no route to endpoint " + ep.ID, Status: Fail})
			return true
		}
		p.add(Check{Name: CheckGatewayEndpoint, Status: Warn, Resource: rt.ID,
			Reason: fmt.Sprintf("route table %s has no gateway endpoint route for %s%s: traffic to %s follows its other routes (the default route, through the NAT device, which charges per GB)", rt.ID, svc, note, svc),
			Fix:    fmt.Sprintf("add a gateway endpoint for %s on this route table (free)", svc)})
		return false
	}
	p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Status: Pass})
	ep := p.f.VpcEndpoints[r.Target]
	c := Check{Name: CheckGatewayEndpoint, Status: Pass, Resource: r.Target}
	switch {
	case ep == nil:
		c.Status, c.Reason, c.Fix = Fail, "blackhole: the gateway endpoint the route names does not exist", "create the endpoint or remove the route"
	case ep.VpcID != "" && ep.VpcID != p.s.VpcID:
		c.Status, c.Reason, c.Fix = Fail, fmt.Sprintf("endpoint %s is in VPC %s, not in the subnet's VPC %s", ep.ID, ep.VpcID, p.s.VpcID), "use an endpoint of the subnet's VPC"
	case ep.State != "" && !strings.EqualFold(ep.State, "available"):
		c.Status, c.Reason, c.Fix = Fail, fmt.Sprintf("endpoint %s is %s", ep.ID, ep.State), "wait until it is available, or replace it"
	default:
		c.Reason = fmt.Sprintf("route table %s%s sends %s's prefix list to gateway endpoint %s (a prefix-list route is more specific than 0.0.0.0/0, so it takes all of %s's traffic in the region); the endpoint's policy is not checked", rt.ID, note, svc, ep.ID, svc)
	}
	p.add(c)
	// A CIDR route more specific than the prefix list's blocks would take
	// part of the service's traffic: the blocks are not known here. When
	// they are (the destination names them), only a route inside them and
	// more specific than them can.
	for _, o := range routes {
		if known := p.dest.Prefix; known.IsValid() && o.Destination.IsValid() && (!o.Destination.Overlaps(known) || o.Destination.Bits() <= known.Bits()) {
			continue
		}
		if o.Destination.IsValid() && o.Kind != TargetLocal && o.Destination.Bits() > 0 && !PrefixSet(o.Destination).Intersect(Internet4()).IsEmpty() {
			p.add(Check{Name: CheckRoute, Status: Unknown, Resource: routeID(&o, rt),
				Reason: fmt.Sprintf("route %s -> %s %s may be more specific than some of %s's prefix-list blocks and take that part of its traffic: the blocks are not known here", o.Destination, o.Kind, o.Target, svc),
				Fix:    "compare it with the prefix list's blocks (aws ec2 get-managed-prefix-list-entries), or remove it"})
		}
	}
	p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: r.Target, ToKind: KindVpcEndpoint, Label: svc + " prefix list", Status: c.Status})
	p.hop(Hop{From: r.Target, FromKind: KindVpcEndpoint, To: svc, ToKind: KindService, Label: "", Status: c.Status})
	if c.Status == Pass {
		p.direct = p.dest.Addrs()
	}
	return true
}

// checkFunctionIpv6: Lambda gives a function's interfaces IPv6 addresses
// only with Ipv6AllowedForDualStack, and then every subnet of the function
// must be dual-stack (Lambda does not support IPv6-only subnets, and
// rejects the setting when a subnet has no IPv6 block). For an IPv6
// destination the setting is needed; for any destination, dual-stack
// subnets without it earn a warning.
func checkFunctionIpv6(f *Facts, fn *Function, dest Destination) (checks, warnings []Check) {
	var noV6, withV6 []string
	for _, sid := range fn.SubnetIDs {
		s := f.Subnets[sid]
		switch {
		case s == nil:
		case s.Ipv6Cidr.IsValid():
			withV6 = append(withV6, sid)
		default:
			noV6 = append(noV6, sid)
		}
	}
	switch {
	case fn.Ipv6AllowedForDualStack && len(noV6) > 0:
		checks = append(checks, Check{Name: CheckFunctionIpv6, Status: Fail, Resource: fn.ID,
			Reason: fmt.Sprintf("the function allows IPv6 for dual-stack subnets (Ipv6AllowedForDualStack), but subnet(s) %s have no IPv6 block: Lambda requires every subnet of the function to be dual-stack", strings.Join(noV6, ", ")),
			Fix:    "give every subnet of the function an IPv6 block, or turn Ipv6AllowedForDualStack off"})
	case dest.IsIPv6() && !fn.Ipv6AllowedForDualStack:
		checks = append(checks, Check{Name: CheckFunctionIpv6, Status: Fail, Resource: fn.ID,
			Reason: "the function does not allow IPv6 for dual-stack subnets (VpcConfig.Ipv6AllowedForDualStack is off, Lambda's default): its network interfaces have no IPv6 address, so it has no IPv6 path",
			Fix:    "set VpcConfig.Ipv6AllowedForDualStack to true (every subnet of the function must be dual-stack)"})
	case fn.Ipv6AllowedForDualStack:
		checks = append(checks, Check{Name: CheckFunctionIpv6, Status: Pass, Resource: fn.ID,
			Reason: "the function allows IPv6 for dual-stack subnets, and every one of its subnets is dual-stack"})
	}
	if !fn.Ipv6AllowedForDualStack && len(withV6) > 0 && len(noV6) == 0 {
		warnings = append(warnings, Check{Name: CheckFunctionIpv6, Status: Warn, Resource: fn.ID,
			Reason: "IPv6 is enabled on the function's subnets but not on the function (Ipv6AllowedForDualStack is off): it uses only IPv4, through the NAT device and its per-GB charge",
			Fix:    "set VpcConfig.Ipv6AllowedForDualStack to true to use the subnets' IPv6 path"})
	}
	return checks, warnings
}

// vpcEndpointFor is a gateway endpoint for the service in the subnet's
// VPC, nil when there is none.
func (p *subnetPath) vpcEndpointFor(svc string) *VpcEndpoint {
	for _, id := range sortedKeys(p.f.VpcEndpoints) {
		ep := p.f.VpcEndpoints[id]
		if ep.Service == svc && strings.EqualFold(ep.Type, "Gateway") && (ep.VpcID == "" || ep.VpcID == p.s.VpcID) {
			return ep
		}
	}
	return nil
}
