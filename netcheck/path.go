package netcheck

// The path from one subnet of a function to the destination, hop by hop:
// the subnet's routes, the NAT gateway, the NAT gateway's subnet and its
// routes, the internet gateway, and the network ACLs on the way, each
// evaluated over every packet of the destination (eval.go).

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// partlyPublic starts the reason of a subnet that routes only part of the
// destination to an internet gateway.
const partlyPublic = "the subnet is public for part of the destination"

// subnetPath collects the checks and hops of one subnet's path.
type subnetPath struct {
	f    *Facts
	fn   *Function
	dest Destination
	s    *Subnet
	sr   SubnetResult
	// usedFn is set when the path read the function itself (its security
	// groups as a NAT instance rule's source): then it is not the same for
	// every function in the subnet.
	usedFn bool
	// direct is the part of the destination that leaves the VPC from the
	// function's subnet itself (an egress-only or, over IPv6, an internet
	// gateway, a gateway endpoint) or through a regional NAT gateway, which
	// sits in no subnet: only the subnet's network ACL is on its way.
	direct AddrSet
}

func (p *subnetPath) add(c Check) {
	if c.Status == Fail || c.Status == Unknown {
		p.sr.Reachable = false
	}
	p.sr.Checks = append(p.sr.Checks, c)
}

func (p *subnetPath) hop(h Hop) { p.sr.Hops = append(p.sr.Hops, h) }

// namer for parts of the destination.
func (p *subnetPath) namer() namer { return namer{whole: p.dest.Addrs(), label: p.dest.Label()} }

// natNamer names parts of what the route table sends to one NAT device:
// the destination, or when other routes take some of it, "the internet
// via NAT gateway X".
func (p *subnetPath) natNamer(dev *natDevice, addrs AddrSet) namer {
	if addrs.Equal(p.dest.Addrs()) {
		return p.namer()
	}
	return namer{whole: addrs, label: p.dest.Label() + " via " + dev.what + " " + dev.id}
}

// analyzeSubnetWith follows the path from one subnet of fn (in p); it returns the NAT
// devices the path uses.
func analyzeSubnetWith(p *subnetPath, f *Facts, fn *Function, sid string, dest Destination) (SubnetResult, []*natDevice) {
	*p = subnetPath{f: f, fn: fn, dest: dest, sr: SubnetResult{Subnet: sid, Reachable: true}}
	p.s = f.Subnets[sid]
	if c, bad := badSubnet(fn, sid); bad && p.s == nil {
		p.add(c)
		return p.sr, nil
	}
	if p.s == nil {
		p.add(Check{Name: CheckSubnet, Status: Unknown, Resource: sid, Reason: "the subnet is not defined here, so its routes cannot be checked",
			Fix: "check the template that defines it, or the deployed network"})
		return p.sr, nil
	}
	if p.s.Defect != "" {
		p.add(Check{Name: CheckSubnet, Status: Fail, Resource: sid, Reason: "subnet " + sid + " cannot be created: " + p.s.Defect,
			Fix: fmt.Sprintf("write the network address, %s", p.s.Cidr)})
		return p.sr, nil
	}
	p.sr.AZ, p.sr.Cidr = p.s.AZ, p.s.Cidr.String()
	if !p.s.Cidr.IsValid() {
		p.sr.Cidr = ""
		if u := f.unresolvedOf(sid, "CidrBlock"); u != nil {
			p.sr.Cidr = u.Expr
		}
	}

	rt, note := routeTableOf(f, p.s)
	if rt == nil {
		p.add(Check{Name: CheckRoute, Status: Fail, Resource: sid, Reason: "the subnet's route table does not exist" + note,
			Fix: "associate the subnet with a route table that sends 0.0.0.0/0 to a NAT gateway"})
		p.hop(Hop{From: sid, FromKind: KindSubnet, Label: "no route table", Status: Fail})
		return p.sr, nil
	}
	if dest.IsIPv6() {
		p.subnetIpv6()
	}
	nats := p.subnetRoutes(rt, note)
	var devs []*natDevice
	for _, g := range nats {
		devs = append(devs, g.dev)
		if g.dev.kind == KindNatGateway {
			p.followNat(rt, g.dev, g.addrs)
		} else {
			p.followNatInstance(rt, g.dev, g.addrs)
		}
	}
	if !p.direct.IsEmpty() {
		p.directNacls()
	}
	return p.sr, devs
}

// natGroup is the part of the destination a route table sends to one NAT
// device.
type natGroup struct {
	dev   *natDevice
	addrs AddrSet
}

// addToGroup adds addrs to the NAT device's group (several routes can
// lead to one NAT device).
func addToGroup(groups []natGroup, dev *natDevice, addrs AddrSet) []natGroup {
	for i := range groups {
		if groups[i].dev.id == dev.id {
			groups[i].addrs = groups[i].addrs.Union(addrs)
			return groups
		}
	}
	return append(groups, natGroup{dev: dev, addrs: addrs})
}

// routesOf is a route table's routes with the VPC's implicit local route.
func routesOf(f *Facts, rt *RouteTable) []Route {
	routes := append([]Route{}, rt.Routes...)
	if v := f.Vpcs[rt.VpcID]; v != nil {
		for _, c := range append([]netip.Prefix{v.Cidr}, v.Ipv6Cidrs...) {
			if c.IsValid() {
				routes = append(routes, Route{Destination: c, Kind: TargetLocal, Target: "local"})
			}
		}
	}
	return routes
}

// subnetRoutes checks where the subnet's route table sends each part of
// the destination (longest prefix match); it returns the parts that go to
// NAT gateways, to be followed.
func (p *subnetPath) subnetRoutes(rt *RouteTable, note string) []natGroup {
	n := p.namer()
	routes := routesOf(p.f, rt)
	if p.dest.Service != "" && p.serviceEndpoint(rt, routes, note) {
		return nil
	}
	if c, open := p.openVpcRoute(rt); open {
		p.add(c)
	}
	for _, c := range p.openRoutes(rt) {
		p.add(c)
	}
	pieces := RoutePieces(routes, p.dest.Addrs())
	whole := len(pieces) == 1
	var groups []natGroup
	public := false
	var checks []Check
	for _, pc := range pieces {
		part := n.addrs(pc.Addrs, hintsOf(pc.Route, routes)...)
		r := pc.Route
		switch {
		case r == nil:
			checks = append(checks, Check{Name: CheckRoute, Status: Fail, Resource: rt.ID,
				Reason: fmt.Sprintf("route table %s has no route for %s%s", rt.ID, part, note),
				Fix:    fmt.Sprintf("add a route %s -> %s to %s, or associate the subnet with the private route table", n.cidrs(pc.Addrs), wayOut(pc.Addrs), rt.ID)})
			p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Label: "", Status: Fail})
			p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, Label: "no route", Status: Fail})
		case r.Kind == TargetLocal:
			checks = append(checks, Check{Name: CheckRoute, Status: Pass, Resource: rt.ID, Reason: fmt.Sprintf("%s is inside the VPC: local route", part)})
		case r.Kind == TargetNatGateway && !pc.Addrs.Intersect(PrefixSet(ipv6All)).IsEmpty():
			checks = append(checks, Check{Name: CheckRoute, Status: Unknown, Resource: routeID(r, rt),
				Reason: fmt.Sprintf("route %s sends %s to NAT gateway %s: netcheck does not follow IPv6 through a NAT gateway (NAT64)", r.Destination, part, r.Target),
				Fix:    "check this path by hand, or route ::/0 to an egress-only internet gateway"})
			p.deadEnd(rt, r, Unknown)
		case r.Kind == TargetNatGateway:
			groups = addToGroup(groups, &natDevice{kind: KindNatGateway, what: "NAT gateway", id: r.Target}, pc.Addrs)
			p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Status: Pass})
			checks = append(checks, Check{Name: CheckRoute, Status: Pass, Resource: routeID(r, rt),
				Reason: fmt.Sprintf("%s -> NAT gateway %s (route table %s)%s", routeWhat(part, r, whole), r.Target, rt.ID, note)})
		case (r.Kind == TargetNetworkInterface || r.Kind == TargetInstance) && !p.dest.IsIPv6():
			dev := p.natInstanceDevice(r)
			groups = addToGroup(groups, dev, pc.Addrs)
			p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Status: Pass})
			checks = append(checks, Check{Name: CheckRoute, Status: Pass, Resource: routeID(r, rt),
				Reason: fmt.Sprintf("%s -> %s %s (route table %s)%s", routeWhat(part, r, whole), r.Kind, r.Target, rt.ID, note)})
		case r.Kind == TargetEgressOnlyInternetGateway || (r.Kind == TargetInternetGateway && pc.Addrs.Intersect(PrefixSet(ipv4All)).IsEmpty()):
			checks = append(checks, p.directGateway(rt, r, part, whole, note, pc.Addrs)...)
		case p.dest.IsIPv6() && r.Kind != TargetMissing:
			checks = append(checks, Check{Name: CheckRoute, Status: Unknown, Resource: routeID(r, rt),
				Reason: fmt.Sprintf("route %s sends %s to %s %s: netcheck does not follow IPv6 paths yet", r.Destination, part, r.Kind, r.Target),
				Fix:    "check this path by hand"})
			p.deadEnd(rt, r, Unknown)
		case r.Kind == TargetInternetGateway:
			public = true
			reason := fmt.Sprintf("the subnet is public: route table %s sends %s to internet gateway %s%s, and a Lambda network interface has no public IP", rt.ID, routeWhat(part, r, whole), r.Target, note)
			if !whole {
				reason = fmt.Sprintf(partlyPublic+": route table %s sends %s to internet gateway %s (a more specific route than the rest takes)%s, and a Lambda network interface has no public IP, so that part is unreachable", rt.ID, routeWhat(part, r, whole), r.Target, note)
			}
			checks = append(checks, Check{Name: CheckSubnetPrivate, Status: Fail, Resource: routeID(r, rt), Reason: reason,
				Fix: "route the function's subnets to a NAT gateway, or attach the function to private subnets"})
			p.deadEnd(rt, r, Fail)
		case r.Kind == TargetMissing:
			state := "points at a target that does not exist"
			if r.State != "" {
				state = "is in state " + r.State + " (its target is gone)"
			}
			checks = append(checks, Check{Name: CheckRoute, Status: Fail, Resource: routeID(r, rt),
				Reason: fmt.Sprintf("blackhole: route %s -> %s in %s %s; it carries %s", r.Destination, r.Target, rt.ID, state, part),
				Fix:    "point the route at an existing NAT gateway"})
			p.deadEnd(rt, r, Fail)
		case p.f.unresolvedOf(r.ID, "") != nil:
			checks = append(checks, unknownCheck(CheckRoute, routeID(r, rt), fmt.Sprintf("route %s carries %s, and its target is open", r.Destination, part), p.f.unresolvedOf(r.ID, "")))
			p.deadEnd(rt, r, Unknown)
		default:
			checks = append(checks, Check{Name: CheckRoute, Status: Unknown, Resource: routeID(r, rt),
				Reason: fmt.Sprintf("route %s sends %s to %s %s, which this checker does not follow", r.Destination, part, r.Kind, r.Target),
				Fix:    "verify that target forwards to the internet, or route to a NAT gateway"})
			p.deadEnd(rt, r, Unknown)
		}
	}
	if len(groups) > 0 && !public {
		p.add(Check{Name: CheckSubnetPrivate, Status: Pass, Resource: p.s.ID, Reason: "the subnet is private (no route sends the destination to an internet gateway)"})
	}
	for _, c := range checks {
		p.add(c)
	}
	return groups
}

// routeWhat names the part a route carries: the whole destination by the
// route's own block when they agree, else "part via route".
func routeWhat(part string, r *Route, whole bool) string {
	if part == r.Destination.String() {
		return part
	}
	return fmt.Sprintf("%s via route %s", part, r.Destination)
}

// hintsOf are the blocks that name a route's part: its own destination
// first, then every route's (the more specific ones take parts of it).
func hintsOf(r *Route, routes []Route) []netip.Prefix {
	var out []netip.Prefix
	if r != nil {
		out = append(out, r.Destination)
	}
	for _, x := range routes {
		out = append(out, x.Destination)
	}
	return out
}

// deadEnd draws a route that leads nowhere the path can continue.
func (p *subnetPath) deadEnd(rt *RouteTable, r *Route, st Status) {
	kind := KindOther
	if r.Kind == TargetInternetGateway {
		kind = KindInternetGateway
	}
	to := r.Target
	if r.Kind == TargetMissing {
		to, kind = "", ""
	}
	p.hop(Hop{From: p.s.ID, FromKind: KindSubnet, To: rt.ID, ToKind: KindRouteTable, Status: st})
	p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: to, ToKind: kind, Label: r.Destination.String(), Status: st})
}

// followNat checks the path through one NAT gateway for the part of the
// destination the subnet's route table sends to it.
func (p *subnetPath) followNat(rt *RouteTable, dev *natDevice, addrs AddrSet) {
	f := p.f
	natID := dev.id
	nat := f.NatGateways[natID]
	if nat != nil && nat.Regional {
		p.followRegionalNat(rt, dev, nat, addrs) // path_regional.go
		return
	}
	if nat != nil {
		dev.subnet = nat.SubnetID // for the warnings, even when the gateway fails
	}
	var natCheck Check
	switch {
	case nat == nil:
		natCheck = Check{Name: CheckNatGateway, Status: Fail, Resource: natID, Reason: "blackhole: the NAT gateway the route names does not exist", Fix: "create the NAT gateway or fix the route"}
	case !nat.Public:
		natCheck = Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID, Reason: "the NAT gateway is private (ConnectivityType private) and cannot reach the internet", Fix: "use a public NAT gateway with an Elastic IP"}
	case nat.Allocation == "":
		natCheck = Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID, Reason: "the NAT gateway has no Elastic IP", Fix: "give it an Elastic IP (AllocationId)"}
	case nat.State != "" && nat.State != "available":
		natCheck = Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID, Reason: "the NAT gateway is " + nat.State, Fix: "wait for it to become available, or replace it"}
	default:
		natCheck = Check{Name: CheckNatGateway, Status: Pass, Resource: nat.ID, Reason: "public NAT gateway with Elastic IP " + nat.Allocation}
	}
	p.add(natCheck)
	routeStatus := Pass
	for _, c := range p.sr.Checks {
		if c.Name == CheckRoute && c.Status != Pass {
			routeStatus = Fail
		}
	}
	p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: natID, ToKind: KindNatGateway, Label: routeLabel(rt, natID), Status: worst(routeStatus, natCheck.Status)})
	if natCheck.Status != Pass {
		return
	}
	p.natTail(dev, addrs)
}

// natTail follows the path from a NAT device to the internet: its
// subnet's routes, the internet gateway, the network ACLs on the way.
func (p *subnetPath) natTail(dev *natDevice, addrs AddrSet) {
	ns := p.f.Subnets[dev.subnet]
	if ns == nil {
		p.add(Check{Name: CheckNatSubnetPublic, Status: Unknown, Resource: dev.subnet, Reason: "the " + dev.what + "'s subnet is not defined here"})
		return
	}
	igws := p.natRoutes(dev, ns, addrs)
	if igws == nil {
		return
	}
	for _, id := range igws {
		p.internetGateway(ns, id)
	}
	p.nacls(dev, ns, addrs)
}

// routeLabel is the route of rt to a NAT gateway, for the picture.
func routeLabel(rt *RouteTable, target string) string {
	var out []string
	for _, r := range rt.Routes {
		if r.Target == target {
			out = append(out, r.Destination.String())
		}
	}
	return strings.Join(out, ", ")
}

// natRoutes checks that the NAT gateway's subnet sends every part of addrs
// to an internet gateway; it returns those gateways (nil when it fails).
func (p *subnetPath) natRoutes(dev *natDevice, ns *Subnet, addrs AddrSet) []string {
	n := p.natNamer(dev, addrs)
	nrt, nnote := routeTableOf(p.f, ns)
	if nrt == nil {
		p.add(Check{Name: CheckNatSubnetPublic, Status: Fail, Resource: ns.ID,
			Reason: fmt.Sprintf("the %s sits in subnet %s, which is not public: it has no route table%s", dev.what, ns.ID, nnote),
			Fix:    "put the " + dev.what + " in a public subnet whose route table sends 0.0.0.0/0 to an attached internet gateway"})
		p.hop(Hop{From: dev.id, FromKind: dev.kind, Label: "no route table", Status: Fail})
		return nil
	}
	routes := routesOf(p.f, nrt)
	pieces := RoutePieces(routes, addrs)
	var igws, passes []string
	failed := false
	for _, pc := range pieces {
		part := n.addrs(pc.Addrs, hintsOf(pc.Route, routes)...)
		r := pc.Route
		if r != nil && r.Kind == TargetInternetGateway {
			if !contains(igws, r.Target) {
				igws = append(igws, r.Target)
			}
			passes = append(passes, fmt.Sprintf("%s -> internet gateway %s", routeWhat(part, r, len(pieces) == 1), r.Target))
			continue
		}
		failed = true
		what, res := "no route for "+part, ns.ID
		if r != nil {
			what, res = fmt.Sprintf("%s goes to %s %s (route %s)", part, r.Kind, r.Target, r.Destination), routeID(r, nrt)
		}
		p.add(Check{Name: CheckNatSubnetPublic, Status: Fail, Resource: res,
			Reason: fmt.Sprintf("the %s sits in subnet %s, which is not public: %s%s", dev.what, ns.ID, what, nnote),
			Fix:    "put the " + dev.what + " in a public subnet whose route table sends 0.0.0.0/0 to an attached internet gateway"})
	}
	if failed {
		p.hop(Hop{From: dev.id, FromKind: dev.kind, To: nrt.ID, ToKind: KindRouteTable, Label: "not public", Status: Fail})
		return nil
	}
	p.add(Check{Name: CheckNatSubnetPublic, Status: Pass, Resource: routeID(pieces[0].Route, nrt), Reason: fmt.Sprintf("NAT subnet %s routes %s", ns.ID, strings.Join(passes, "; "))})
	p.hop(Hop{From: dev.id, FromKind: dev.kind, To: nrt.ID, ToKind: KindRouteTable, Status: Pass})
	return igws
}

// internetGateway checks that an internet gateway the NAT subnet routes to
// exists and is attached to the VPC.
func (p *subnetPath) internetGateway(ns *Subnet, id string) {
	nrt, _ := routeTableOf(p.f, ns)
	p.internetGatewayOf(nrt, ns.VpcID, id)
}

// nacls checks both network ACLs on the path in both directions: they are
// stateless, so the reply (to an ephemeral port) needs its own rules.
func (p *subnetPath) nacls(dev *natDevice, ns *Subnet, addrs AddrSet) {
	fnAcl, natAcl := naclOf(p.f, p.s), naclOf(p.f, ns)
	n := p.natNamer(dev, addrs)
	block, open := p.subnetBlock()
	sub := namer{whole: PrefixSet(block), label: block.String()}
	proto, ports := p.dest.Protocol, p.dest.Ports()
	eph := PortRange(EphemeralFrom, EphemeralTo)
	natEph, natEphWhat := eph, ""
	if dev.kind == KindNatInstance {
		// The replies come back to the ports of the connections the
		// instance translated (path_egress.go, NatInstanceReplyFrom).
		natEph = PortRange(NatInstanceReplyFrom, NatInstanceReplyTo)
		natEphWhat = fmt.Sprintf(" (on the function's source ports, which the instance's masquerade keeps, %d-%d)", NatInstanceReplyFrom, NatInstanceReplyTo)
	}
	d := dev.what
	type step struct {
		name   string
		acl    *NetworkAcl
		egress bool
		peers  AddrSet
		n      namer
		ports  PortSet
		what   string
	}
	steps := []step{
		{CheckNaclOut, fnAcl, true, addrs, n, ports, "the request leaving the function's subnet"},
		{CheckNaclReplyIn, fnAcl, false, addrs, n, eph, "the reply coming back to the function's subnet"},
		{CheckNatNaclIn, natAcl, false, PrefixSet(block), sub, ports, "the request arriving at the " + d + "'s subnet from the function's subnet"},
		{CheckNatNaclOut, natAcl, true, addrs, n, ports, "the request leaving the " + d + "'s subnet for the internet"},
		{CheckNatNaclReplyIn, natAcl, false, addrs, n, natEph, "the reply coming back from the internet to the " + d + natEphWhat},
		{CheckNatNaclReplyOut, natAcl, true, PrefixSet(block), sub, eph, "the reply leaving the " + d + "'s subnet for the function's subnet"},
	}
	var labels [2][]string
	st := [2]Status{Pass, Pass}
	shortNames := []string{"out", "reply in", "in", "out", "reply in", "reply out"}
	for i, s := range steps {
		c, short := naclCheck(s.name, s.acl, s.egress, s.n, Box(s.peers, s.ports), proto, s.what)
		if s.name == CheckNatNaclIn || s.name == CheckNatNaclReplyOut {
			c = openSource(c, open)
		}
		p.add(c)
		side := 0 // the function's subnet's ACL
		if i >= 2 {
			side = 1 // the NAT gateway's
		}
		labels[side] = append(labels[side], shortNames[i]+" "+short)
		st[side] = worst(st[side], c.Status)
	}
	// The function's subnet's ACL on the hop out of it, the NAT's on the
	// hop into the NAT gateway.
	for i := range p.sr.Hops {
		h := &p.sr.Hops[i]
		if h.From == p.s.ID {
			h.Label = aclLabel(labels[0])
			h.Status = worst(h.Status, st[0])
		}
		if h.To == dev.id && h.FromKind == KindRouteTable {
			h.Label = strings.TrimSpace(h.Label + "\nNAT subnet " + aclLabel(labels[1]))
			h.Status = worst(h.Status, st[1])
		}
	}
}

// aclLabel is a network ACL's verdicts for the picture: "ACL out 100,
// reply in 200" (the ACL itself is named on its subnet).
func aclLabel(parts []string) string {
	per := 2 // the NAT subnet's four verdicts on two lines
	if len(parts) <= 2 {
		per = 1
	}
	var lines []string
	for i := 0; i < len(parts); i += per {
		lines = append(lines, strings.Join(parts[i:min(i+per, len(parts))], ", "))
	}
	return "ACL " + strings.Join(lines, ",\n")
}

// worst of two verdicts: FAIL, then UNKNOWN, then PASS.
func worst(a, b Status) Status {
	rank := map[Status]int{Pass: 0, Warn: 1, Unknown: 2, Fail: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// naclCheck evaluates one direction of a network ACL over space (the
// peers' addresses with the packets' destination ports) and names exactly
// which part each deny decides. It also returns a short label for the
// picture: the deciding rules ("100", "150 DENIES", "* DENIES" for the
// implicit deny).
func naclCheck(name string, acl *NetworkAcl, egress bool, n namer, space Space, proto int, what string) (Check, string) {
	dir := "inbound"
	if egress {
		dir = "outbound"
	}
	if acl == nil {
		return Check{Name: name, Status: Unknown, Reason: "the subnet's network ACL is not defined here"}, "?"
	}
	if acl.Default && len(acl.Entries) == 0 {
		return Check{Name: name, Status: Pass, Resource: acl.ID, Reason: "the VPC's default network ACL allows all traffic"}, "default"
	}
	if len(openEntries(acl)) > 0 {
		return naclCheckOpen(name, acl, egress, n, space, proto, what)
	}
	pieces := EvalNacl(acl, egress, proto, space)
	var allowed, denied []AclPiece
	for _, pc := range pieces {
		if pc.Allow {
			allowed = append(allowed, pc)
		} else {
			denied = append(denied, pc)
		}
	}
	all := n.packets(proto, space, dirWord(egress))
	if len(denied) == 0 {
		rules := ruleNumbers(allowed)
		return Check{Name: name, Status: Pass, Resource: acl.ID,
			Reason: fmt.Sprintf("%s allowed by %s %s %s", all, dir, plural(len(strings.Split(rules, ", ")), "rule", "rules"), rules)}, rules
	}
	var clauses []string
	resource, fix := acl.ID, ""
	for _, pc := range denied {
		if pc.Entry == nil {
			var hints []netip.Prefix
			for _, e := range RulesOf(acl, egress) {
				if !NaclMatch(e, proto).IsEmpty() {
					hints = append(hints, e.Cidr)
				}
			}
			clauses = append(clauses, fmt.Sprintf("%s %s to the implicit deny (no %s rule matches)", packetsPorts(n, proto, pc.Space, egress, hints), fallVerb(pc.Space), dir))
			if fix == "" {
				fix = fmt.Sprintf("add an %s allow rule for %s/%s %s %s", dir, protoName(proto), pc.Space.Ports(), dirWord(egress), n.cidrs(pc.Space.Addrs()))
			}
			continue
		}
		clauses = append(clauses, fmt.Sprintf("%s is denied by %s rule %d of %s", n.packets(proto, pc.Space, dirWord(egress), pc.Entry.Cidr), dir, pc.Entry.RuleNumber, acl.ID))
		if resource == acl.ID {
			resource = pc.Entry.ID
			fix = fmt.Sprintf("remove %s rule %d, or allow %s/%s %s %s with a lower-numbered rule", dir, pc.Entry.RuleNumber, protoName(proto), pc.Space.Ports(), dirWord(egress), n.cidrs(pc.Space.Addrs()))
		}
	}
	reason := fmt.Sprintf("%s: %s", what, strings.Join(clauses, "; "))
	if len(allowed) > 0 {
		rules := ruleNumbers(allowed)
		reason += fmt.Sprintf("; the rest of %s is allowed by %s %s", all, plural(len(strings.Split(rules, ", ")), "rule", "rules"), rules)
	}
	var denyRules []string
	for _, pc := range denied {
		if pc.Entry != nil {
			denyRules = append(denyRules, fmt.Sprint(pc.Entry.RuleNumber))
		} else {
			denyRules = append(denyRules, "*")
		}
	}
	return Check{Name: name, Status: Fail, Resource: resource, Reason: reason, Fix: fix}, strings.Join(uniqStrings(denyRules), ",") + " DENIES"
}

// packetsPorts writes a set for the implicit deny: "tcp ports 1024-65535
// from the internet".
func packetsPorts(n namer, proto int, s Space, egress bool, hints []netip.Prefix) string {
	ports := s.Ports()
	word := "ports"
	if r := ports.Ranges(); len(r) == 1 && r[0][0] == r[0][1] {
		word = "port"
	}
	if s.Equal(Box(s.Addrs(), ports)) {
		return fmt.Sprintf("%s %s %s %s %s", protoName(proto), word, ports, dirWord(egress), n.addrs(s.Addrs(), hints...))
	}
	return n.packets(proto, s, dirWord(egress), hints...)
}

func fallVerb(s Space) string {
	if r := s.Ports().Ranges(); len(r) == 1 && r[0][0] == r[0][1] {
		return "falls"
	}
	return "fall"
}

func dirWord(egress bool) string {
	if egress {
		return "to"
	}
	return "from"
}

func uniqStrings(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// routeTableOf returns a subnet's route table: the associated one, or the
// VPC's main route table.
func routeTableOf(f *Facts, s *Subnet) (*RouteTable, string) {
	if s.RouteTable != "" {
		return f.RouteTables[s.RouteTable], ""
	}
	v := f.Vpcs[s.VpcID]
	if v == nil {
		return nil, ""
	}
	return f.RouteTables[v.MainRouteTable], " (the subnet has no route table association, so it uses the VPC's main route table)"
}

func naclOf(f *Facts, s *Subnet) *NetworkAcl {
	if s.NetworkAcl != "" {
		return f.NetworkAcls[s.NetworkAcl]
	}
	if v := f.Vpcs[s.VpcID]; v != nil {
		return f.NetworkAcls[v.DefaultNetworkAcl]
	}
	return nil
}

func routeID(r *Route, rt *RouteTable) string {
	if r != nil && r.ID != "" {
		return r.ID
	}
	return rt.ID
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// wayOut names the target a missing route should have: a NAT gateway for
// IPv4, an egress-only internet gateway for IPv6.
func wayOut(a AddrSet) string {
	if a.Intersect(PrefixSet(ipv4All)).IsEmpty() {
		return "egress-only internet gateway"
	}
	return "NAT gateway"
}

// subnetCache keeps each subnet's path for the functions that share it
// (a template of many functions in the same subnets computes each once).
type subnetCache map[string]cachedPath

type cachedPath struct {
	sr     SubnetResult
	nats   []*natDevice
	usedFn bool
	fn     *Function
}

func (c subnetCache) analyze(f *Facts, fn *Function, sid string, dest Destination) (SubnetResult, []*natDevice) {
	// The result's lists are shared between the functions: nothing
	// changes them in place afterwards (acknowledge copies first).
	if e, ok := c[sid]; ok && (!e.usedFn || e.fn == fn) && !contains(keysOf(fn.BadSubnets), sid) {
		return e.sr, e.nats
	}
	p := &subnetPath{}
	sr, nats := analyzeSubnetWith(p, f, fn, sid, dest)
	if dest.needsDns() && p.s != nil && p.s.Defect == "" {
		dns, used := subnetDns(f, fn, p.s)
		for _, c := range dns {
			if c.Status == Fail || c.Status == Unknown {
				sr.Reachable = false
			}
		}
		sr.Checks = append(sr.Checks, dns...)
		p.usedFn = p.usedFn || used
	}
	sr.Checks = slices.Clip(sr.Checks)
	sr.Hops = slices.Clip(sr.Hops)
	c[sid] = cachedPath{sr: sr, nats: nats, usedFn: p.usedFn, fn: fn}
	return sr, nats
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
