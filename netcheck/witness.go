package netcheck

// Witnesses: concrete packets that show a verdict. The analysis decides
// over sets of (address, port) pairs; every rule that takes part (a network
// ACL entry, a security-group rule, a route) matches an address by prefix
// and a port by range, so the destination splits into classes inside which
// every rule treats every packet alike: two addresses are in one class when
// the same prefixes of the facts contain them, two ports when the same
// ranges do. One packet of a class (its lowest address and port) therefore
// has the verdict of the whole class. For every class the subnet's path is
// evaluated again for that one packet: a "blocked" verdict has at least one
// blocked witness, and one allowed witness where part of the destination is
// allowed; a "reachable" verdict has one witness per class the rules
// separate. The VPC twin sends each witness as a real packet and must agree.

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Witness verdicts.
const (
	WitnessReachable = "reachable"
	WitnessBlocked   = "blocked"
	WitnessUnknown   = "unknown"
)

// Witness is one packet of the destination with the verdict of its class.
type Witness struct {
	Address  string `json:"address"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	// Verdict is the packet's fate from this subnet: reachable, blocked,
	// or unknown (with the check that could not decide in Reason).
	Verdict string `json:"verdict"`
	// Class is the set of packets it stands for.
	Class string `json:"class"`
	// Reason is what blocks it (the failing checks), or leaves it unknown.
	Reason string `json:"reason,omitempty"`
}

// packetChecks are the function-wide checks a packet shows: its security
// groups always, and for an IPv6 packet whether the function has an IPv6
// address. The role, the function's state and the VPC's tenancy decide
// whether Lambda runs the function at all: they are their own checks, not
// a packet's fate.
func packetCheck(name string, six bool) bool {
	return name == CheckSecurityGroup || (six && name == CheckFunctionIpv6)
}

// witnessClasses splits the destination into the classes every rule of the
// facts treats alike, and returns one representative (address, port) per
// class with the class's description.
type witnessClass struct {
	addr netip.Addr
	port int
	what string // the class: "tcp/443 to the internet outside 8.8.8.0/24"
}

func witnessClasses(f *Facts, dest Destination) []witnessClass {
	var prefixes []netip.Prefix
	var ranges [][2]int
	add := func(p netip.Prefix) {
		if p.IsValid() {
			prefixes = append(prefixes, p.Masked())
		}
	}
	add(ipv4All)
	add(ipv6All)
	for _, v := range f.Vpcs {
		add(v.Cidr)
		for _, c := range v.Ipv6Cidrs {
			add(c)
		}
	}
	for _, s := range f.Subnets {
		add(s.Cidr)
		add(s.Ipv6Cidr)
	}
	for _, acl := range f.NetworkAcls {
		for _, e := range acl.Entries {
			add(e.Cidr)
			if e.Protocol == dest.Protocol || e.Protocol == -1 {
				ranges = append(ranges, [2]int{e.FromPort, e.ToPort})
			}
		}
	}
	for _, sg := range f.SecurityGroups {
		for _, r := range append(append([]SgRule{}, sg.Egress...), sg.Ingress...) {
			add(r.Cidr)
			if r.Protocol == dest.Protocol || r.Protocol == -1 {
				ranges = append(ranges, [2]int{r.FromPort, r.ToPort})
			}
		}
	}
	for _, rt := range f.RouteTables {
		for _, r := range rt.Routes {
			add(r.Destination)
		}
	}
	addrClasses := splitAddrs(dest.Addrs(), prefixes)
	portClasses := splitPorts(dest.Ports(), ranges)
	n := namer{whole: dest.Addrs(), label: dest.Label()}
	var out []witnessClass
	for _, a := range addrClasses {
		for _, p := range portClasses {
			out = append(out, witnessClass{addr: a.Ranges()[0][0], port: p.Ranges()[0][0],
				what: fmt.Sprintf("%s/%s to %s", protoName(dest.Protocol), p, n.addrs(a, prefixes...))})
		}
	}
	return out
}

// splitAddrs splits addrs into the classes of addresses contained in the
// same prefixes, in address order of their lowest address.
func splitAddrs(addrs AddrSet, prefixes []netip.Prefix) []AddrSet {
	cuts := map[netip.Addr]bool{}
	for _, p := range prefixes {
		cuts[p.Addr()] = true
		if n := lastAddr(p).Next(); n.IsValid() {
			cuts[n] = true
		}
	}
	var cs []netip.Addr
	for c := range cuts {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Less(cs[j]) })
	classes := map[string]AddrSet{}
	var order []string
	for _, r := range addrs.Ranges() {
		lo := r[0]
		for lo.IsValid() && lo.Compare(r[1]) <= 0 {
			// The piece from lo to the next cut (or the range's end).
			hi := r[1]
			i := sort.Search(len(cs), func(i int) bool { return cs[i].Compare(lo) > 0 })
			if i < len(cs) && cs[i].Is4() == lo.Is4() && cs[i].Compare(r[1]) <= 0 {
				hi = cs[i].Prev()
			}
			key := ""
			for j, p := range prefixes {
				if p.Contains(lo) {
					key += fmt.Sprint(j, ",")
				}
			}
			if _, ok := classes[key]; !ok {
				order = append(order, key)
			}
			classes[key] = classes[key].Union(AddrRangeSet(lo, hi))
			lo = hi.Next()
		}
	}
	out := make([]AddrSet, 0, len(order))
	for _, k := range order {
		out = append(out, classes[k])
	}
	return out
}

// splitPorts splits ports into the classes of ports inside the same ranges.
func splitPorts(ports PortSet, ranges [][2]int) []PortSet {
	cuts := map[int]bool{}
	for _, r := range ranges {
		from, to := r[0], r[1]
		if from <= 0 && (to <= 0 || to >= 65535) {
			continue // all ports
		}
		if to < from {
			to = from
		}
		cuts[from], cuts[to+1] = true, true
	}
	classes := map[string]PortSet{}
	var order []string
	for _, r := range ports.Ranges() {
		for lo := r[0]; lo <= r[1]; {
			hi := r[1]
			for c := range cuts {
				if c > lo && c-1 < hi {
					hi = c - 1
				}
			}
			key := ""
			for j, x := range ranges {
				from, to := x[0], x[1]
				if to < from {
					to = from
				}
				if (from <= 0 && (to <= 0 || to >= 65535)) || (lo >= from && lo <= to) {
					key += fmt.Sprint(j, ",")
				}
			}
			if _, ok := classes[key]; !ok {
				order = append(order, key)
			}
			classes[key] = classes[key].Union(PortRange(lo, hi))
			lo = hi + 1
		}
	}
	out := make([]PortSet, 0, len(order))
	for _, k := range order {
		out = append(out, classes[k])
	}
	return out
}

// addWitnesses gives every subnet result of the report its witnesses
// (not for a gateway-endpoint service, whose addresses a template cannot
// know).
func addWitnesses(f *Facts, r *Report, dest Destination) {
	if dest.Service != "" {
		return
	}
	classes := witnessClasses(f, dest)
	// A class's subnet path is the same for every function in the subnet
	// (subnetCache), its security-group verdict for every function with
	// the same groups: each is computed once.
	paths := make([]subnetCache, len(classes))
	for i := range paths {
		paths[i] = subnetCache{}
	}
	groups := map[string]Check{}
	shared := map[string][]Witness{}
	for fi := range r.Functions {
		fr := &r.Functions[fi]
		var fn *Function
		for _, x := range f.Functions {
			if x.ID == fr.Function {
				fn = x
			}
		}
		if fn == nil {
			continue
		}
		for si := range fr.Subnets {
			sr := &fr.Subnets[si]
			// Functions with the same security groups in the same subnet
			// share the list, unless a path read the function itself.
			key := fmt.Sprint(sr.Subnet, fn.SecurityGroups)
			if ws, ok := shared[key]; ok {
				sr.Witnesses = ws
				continue
			}
			usedFn := false
			for i, c := range classes {
				sr.Witnesses = append(sr.Witnesses, witnessOf(f, fn, sr.Subnet, dest, c, paths[i], groups, i))
				usedFn = usedFn || paths[i][sr.Subnet].usedFn
			}
			if !usedFn {
				shared[key] = sr.Witnesses
			}
		}
	}
}

// witnessOf evaluates the path of one packet from one subnet.
func witnessOf(f *Facts, fn *Function, sid string, dest Destination, c witnessClass, paths subnetCache, groups map[string]Check, class int) Witness {
	bits := 32
	if c.addr.Is6() {
		bits = 128
	}
	point := Destination{Prefix: netip.PrefixFrom(c.addr, bits), Protocol: dest.Protocol, Port: c.port}
	w := Witness{Address: c.addr.String(), Port: c.port, Protocol: protoName(dest.Protocol), Verdict: WitnessReachable,
		Class: c.what}
	sr, _ := paths.analyze(f, fn, sid, point)
	key := fmt.Sprint(class, fn.SecurityGroups, f.unresolvedOf(fn.ID, "VpcConfig.SecurityGroupIds") != nil)
	sg, ok := groups[key]
	if !ok {
		sg, _ = checkSecurityGroups(f, fn, point)
		groups[key] = sg
	}
	v6, _ := checkFunctionIpv6(f, fn, point)
	checks := func(yield func(Check) bool) {
		for _, ch := range sr.Checks {
			if !yield(ch) {
				return
			}
		}
		if !yield(sg) {
			return
		}
		for _, ch := range v6 {
			if !yield(ch) {
				return
			}
		}
	}
	var fails, unknowns []string
	for ch := range checks {
		if ch.Name != CheckSecurityGroup && ch.Name != CheckFunctionIpv6 || packetCheck(ch.Name, c.addr.Is6()) {
			switch ch.Status {
			case Fail:
				fails = append(fails, ch.Name+" "+ch.Resource)
			case Unknown:
				unknowns = append(unknowns, ch.Name+" "+ch.Resource)
			}
		}
	}
	switch {
	case len(fails) > 0:
		w.Verdict, w.Reason = WitnessBlocked, strings.Join(fails, "; ")
	case len(unknowns) > 0:
		w.Verdict, w.Reason = WitnessUnknown, strings.Join(unknowns, "; ")
	}
	return w
}
