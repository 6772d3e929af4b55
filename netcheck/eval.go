package netcheck

// Exact evaluation of network ACLs, security groups and route tables over
// sets of packets (sets.go): what each rule or route decides for every
// (address, port) pair of a destination.

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// NaclMatch is the set of (peer address, destination port) pairs of
// protocol proto that entry e matches: its CIDR block with its port range
// (TCP and UDP), or with every port (protocol -1 and the others).
func NaclMatch(e NaclEntry, proto int) Space {
	if e.Protocol != -1 && e.Protocol != proto {
		return Space{}
	}
	ports := AllPorts
	if e.Protocol == 6 || e.Protocol == 17 {
		ports = PortRange(e.FromPort, e.ToPort)
	}
	return Box(PrefixSet(e.Cidr), ports)
}

// AclPiece is a part of an evaluated set and the rule that decided it.
type AclPiece struct {
	Space Space
	Entry *NaclEntry // nil: the implicit final deny
	Allow bool
}

// RulesOf returns an ACL's rules of one direction in evaluation order.
func RulesOf(acl *NetworkAcl, egress bool) []NaclEntry {
	var rules []NaclEntry
	for _, e := range acl.Entries {
		if e.Egress == egress {
			rules = append(rules, e)
		}
	}
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].RuleNumber < rules[j].RuleNumber })
	return rules
}

// EvalNacl decides every packet of space, pairs of (peer address, the
// packet's destination port) of protocol proto, by one direction of a
// network ACL: rules in ascending number, the first rule that matches a
// packet decides it, a packet no rule matches is denied. The pieces
// partition space; they come in rule order, the implicit deny last.
func EvalNacl(acl *NetworkAcl, egress bool, proto int, space Space) []AclPiece {
	var out []AclPiece
	rest := space
	for _, e := range RulesOf(acl, egress) {
		if rest.IsEmpty() {
			break
		}
		m := rest.Intersect(NaclMatch(e, proto))
		if m.IsEmpty() {
			continue
		}
		e := e
		out = append(out, AclPiece{Space: m, Entry: &e, Allow: e.Allow})
		rest = rest.Subtract(m)
	}
	if !rest.IsEmpty() {
		out = append(out, AclPiece{Space: rest})
	}
	return out
}

// SgMatch is the set of (destination address, port) pairs of protocol
// proto that a security group rule allows.
func SgMatch(r SgRule, proto int) Space {
	if r.Protocol != -1 && r.Protocol != proto {
		return Space{}
	}
	ports := AllPorts
	if r.Protocol == 6 || r.Protocol == 17 {
		ports = PortRange(r.FromPort, r.ToPort)
	}
	return Box(PrefixSet(r.Cidr), ports)
}

// SgPiece is a part of an evaluated set and the first rule that allows it
// (others may allow it too: security group rules are a union).
type SgPiece struct {
	Space Space
	Group string
	Rule  SgRule
}

// EvalSecurityGroups splits space into what the groups' egress rules allow
// (a union: any rule of any group allows a packet) and what none allows.
func EvalSecurityGroups(groups []*SecurityGroup, proto int, space Space) (allowed []SgPiece, denied Space) {
	rest := space
	for _, g := range groups {
		for _, r := range g.Egress {
			m := rest.Intersect(SgMatch(r, proto))
			if m.IsEmpty() {
				continue
			}
			allowed = append(allowed, SgPiece{Space: m, Group: g.ID, Rule: r})
			rest = rest.Subtract(m)
		}
	}
	return allowed, rest
}

// RoutePiece is the part of a destination a route carries; Route is nil
// for the part no route carries.
type RoutePiece struct {
	Route *Route
	Addrs AddrSet
}

// RoutePieces splits dest by longest prefix match over routes: each
// address goes to the most specific route that contains it. The pieces
// come most specific route first, the unrouted part last.
func RoutePieces(routes []Route, dest AddrSet) []RoutePiece {
	order := make([]int, 0, len(routes))
	for i, r := range routes {
		if r.Destination.IsValid() {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		return routes[order[a]].Destination.Bits() > routes[order[b]].Destination.Bits()
	})
	var out []RoutePiece
	rest := dest
	for _, i := range order {
		m := rest.Intersect(PrefixSet(routes[i].Destination))
		if m.IsEmpty() {
			continue
		}
		out = append(out, RoutePiece{Route: &routes[i], Addrs: m})
		rest = rest.Subtract(m)
	}
	if !rest.IsEmpty() {
		out = append(out, RoutePiece{Addrs: rest})
	}
	return out
}

// namer writes sets of addresses and packets for people, never claiming
// more than the set holds: the whole destination by its name, a block a
// rule names by that block (or "the internet within" it), anything else as
// its CIDR blocks.
type namer struct {
	whole AddrSet
	label string // the whole set's name: "the internet", "10.0.0.0/20", ...
}

const maxListed = 6

func (n namer) addrs(a AddrSet, hints ...netip.Prefix) string {
	if a.Equal(n.whole) {
		return n.label
	}
	var valid []netip.Prefix
	for _, h := range hints {
		if h.IsValid() && !contains(prefixStrings(valid), h.Masked().String()) {
			valid = append(valid, h.Masked())
		}
	}
	// A part one rule or route names: that block, or the whole within it;
	// or that less the parts more specific blocks take; or the whole less
	// every block (what the rules leave over).
	name := func(h netip.Prefix) string {
		hs := PrefixSet(h)
		switch {
		case hs.Covers(n.whole):
			return n.label
		case n.whole.Covers(hs):
			return h.String()
		}
		return fmt.Sprintf("%s within %s", n.label, h)
	}
	outside := func(base AddrSet, others []netip.Prefix) (AddrSet, []netip.Prefix) {
		var used []netip.Prefix
		for _, o := range others {
			if !base.Intersect(PrefixSet(o)).IsEmpty() {
				base = base.Subtract(PrefixSet(o))
				used = append(used, o)
			}
		}
		return base, used
	}
	for _, h := range valid {
		base := n.whole.Intersect(PrefixSet(h))
		if a.Equal(base) {
			return name(h)
		}
		var specific []netip.Prefix
		for _, o := range valid {
			if o.Bits() > h.Bits() {
				specific = append(specific, o)
			}
		}
		if rest, used := outside(base, specific); len(used) > 0 && a.Equal(rest) {
			return fmt.Sprintf("%s outside %s", name(h), strings.Join(prefixStrings(used), ", "))
		}
	}
	if rest, used := outside(n.whole, valid); len(used) > 0 && a.Equal(rest) && n.label != "" {
		return fmt.Sprintf("%s outside %s", n.label, strings.Join(prefixStrings(used), ", "))
	}
	return listPrefixes(a.Prefixes())
}

func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func listPrefixes(ps []netip.Prefix) string {
	parts := prefixStrings(ps)
	if len(parts) > maxListed {
		parts = append(parts[:maxListed], fmt.Sprintf("and %d more blocks", len(ps)-maxListed))
	}
	return strings.Join(parts, ", ")
}

// cidrs names a set for a fix: the family's /0 for the whole internet (or
// a part of it too long to list), otherwise its blocks.
func (n namer) cidrs(a AddrSet) string {
	ps := a.Prefixes()
	switch {
	case a.Equal(Internet4()):
		return "0.0.0.0/0"
	case a.Equal(Internet6()):
		return "::/0"
	case len(ps) > maxListed && Internet4().Covers(a):
		return "0.0.0.0/0"
	case len(ps) > maxListed && Internet6().Covers(a):
		return "::/0"
	}
	return listPrefixes(ps)
}

// packets writes a set of packets: "tcp/443 to 198.18.0.0/15", several
// groups separated by commas (dir is "to" or "from").
func (n namer) packets(proto int, s Space, dir string, hints ...netip.Prefix) string {
	type group struct {
		addrs AddrSet
		ports PortSet
	}
	var groups []*group
	for _, p := range s.Parts() {
		found := false
		for _, g := range groups {
			if g.addrs.Equal(p.Addrs) {
				g.ports = g.ports.Union(p.Ports)
				found = true
			}
		}
		if !found {
			groups = append(groups, &group{p.Addrs, p.Ports})
		}
	}
	var out []string
	for _, g := range groups {
		out = append(out, fmt.Sprintf("%s/%s %s %s", protoName(proto), g.ports, dir, n.addrs(g.addrs, hints...)))
	}
	return strings.Join(out, ", ")
}

// ruleNumbers lists the rule numbers of pieces, in order, without repeats.
func ruleNumbers(pieces []AclPiece) string {
	var out []string
	seen := map[int]bool{}
	for _, p := range pieces {
		if p.Entry != nil && !seen[p.Entry.RuleNumber] {
			seen[p.Entry.RuleNumber] = true
			out = append(out, fmt.Sprint(p.Entry.RuleNumber))
		}
	}
	return strings.Join(out, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
