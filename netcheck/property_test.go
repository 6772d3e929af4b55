package netcheck

// Proof that the set evaluation is exact: random network ACLs, security
// groups and route tables, decided packet by packet by a brute-force
// evaluator that follows the rules' literal definition (no sets), over
// every rule boundary and random packets. The verdicts must agree 100%.
//
//	go test ./netcheck -run Property           (the fixed seeds, in make test)
//	go test ./netcheck -fuzz FuzzNaclAgainstBruteForce -fuzztime 5m
//	go test ./netcheck -fuzz FuzzSecurityGroupsAgainstBruteForce -fuzztime 5m
//	go test ./netcheck -fuzz FuzzRoutesAgainstBruteForce -fuzztime 5m

import (
	"fmt"
	"math/rand"
	"net/netip"
	"sort"
	"testing"
)

// propertySeeds run in make test (a few seconds in all).
const propertySeeds = 1000

// bruteNacl decides one packet: the rules of its direction in ascending
// number, the first that matches decides; none: denied (rule nil).
func bruteNacl(acl *NetworkAcl, egress bool, proto int, a netip.Addr, port int) (allow bool, rule *NaclEntry) {
	rules := append([]NaclEntry{}, acl.Entries...)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].RuleNumber < rules[j].RuleNumber })
	for i := range rules {
		e := rules[i]
		if e.Egress != egress {
			continue
		}
		if e.Protocol != -1 && e.Protocol != proto {
			continue
		}
		if !e.Cidr.Contains(a) {
			continue
		}
		if (e.Protocol == 6 || e.Protocol == 17) && (port < e.FromPort || port > e.ToPort) {
			continue
		}
		return e.Allow, &rules[i]
	}
	return false, nil
}

// bruteSg decides one packet: allowed when any rule of any group matches.
func bruteSg(groups []*SecurityGroup, proto int, a netip.Addr, port int) bool {
	for _, g := range groups {
		for _, r := range g.Egress {
			if r.Protocol != -1 && r.Protocol != proto {
				continue
			}
			if !r.Cidr.Contains(a) {
				continue
			}
			if (r.Protocol == 6 || r.Protocol == 17) && (port < r.FromPort || port > r.ToPort) {
				continue
			}
			return true
		}
	}
	return false
}

// bruteRoute picks the route for one address: the longest prefix that
// contains it.
func bruteRoute(routes []Route, a netip.Addr) *Route {
	var best *Route
	for i := range routes {
		r := &routes[i]
		if r.Destination.Contains(a) && (best == nil || r.Destination.Bits() > best.Destination.Bits()) {
			best = r
		}
	}
	return best
}

// gen makes random rules whose blocks overlap: they are cut from a few
// seed addresses at random lengths.
type gen struct {
	rng   *rand.Rand
	seeds []netip.Addr
	six   bool // this seed's main family is IPv6
}

func newGen(seed int64) *gen {
	g := &gen{rng: rand.New(rand.NewSource(seed))}
	for _, s := range []string{"0.0.0.0", "8.8.8.8", "10.0.3.7", "100.64.1.1", "128.0.0.0", "198.18.5.5", "203.0.113.9", "255.255.255.255",
		"2001:db8::1", "2600::1", "::"} {
		g.seeds = append(g.seeds, netip.MustParseAddr(s))
	}
	for i := 0; i < 3; i++ { // and a few random addresses
		var b [4]byte
		g.rng.Read(b[:])
		g.seeds = append(g.seeds, netip.AddrFrom4(b))
	}
	g.six = g.rng.Intn(5) == 0
	return g
}

func (g *gen) prefix(v6 bool) netip.Prefix {
	for {
		a := g.seeds[g.rng.Intn(len(g.seeds))]
		if a.Is6() != v6 {
			continue
		}
		bits := g.rng.Intn(a.BitLen() + 1)
		if g.rng.Intn(3) == 0 { // favour long prefixes near the seed
			bits = a.BitLen() - g.rng.Intn(9)
		}
		return netip.PrefixFrom(a, bits).Masked()
	}
}

// v6 picks the family of a block: mostly the seed's, now and then the
// other (rules of the other family must match nothing).
func (g *gen) v6() bool { return g.six != (g.rng.Intn(10) == 0) }

// wide is a short prefix of the seed's family, for destinations.
func (g *gen) wide() netip.Prefix {
	p := g.prefix(g.six)
	return netip.PrefixFrom(p.Addr(), g.rng.Intn(p.Addr().BitLen()/2+1)).Masked()
}

var boundaryPorts = []int{0, 1, 22, 53, 80, 443, 1023, 1024, 1025, 32767, 32768, 49151, 60999, 61000, 65534, 65535}

func (g *gen) ports() (int, int) {
	a, b := boundaryPorts[g.rng.Intn(len(boundaryPorts))], boundaryPorts[g.rng.Intn(len(boundaryPorts))]
	if g.rng.Intn(3) == 0 {
		a, b = g.rng.Intn(65536), g.rng.Intn(65536)
	}
	if a > b {
		a, b = b, a
	}
	return a, b
}

func (g *gen) proto() int { return []int{-1, 6, 17, 1, 6, 6}[g.rng.Intn(6)] }

func (g *gen) nacl() *NetworkAcl {
	acl := &NetworkAcl{ID: "acl"}
	used := map[[2]int]bool{}
	for i := g.rng.Intn(14); i >= 0; i-- {
		e := NaclEntry{RuleNumber: 1 + g.rng.Intn(32766), Egress: g.rng.Intn(2) == 0, Allow: g.rng.Intn(3) != 0, Protocol: g.proto(), Cidr: g.prefix(g.v6())}
		if g.rng.Intn(4) == 0 {
			e.RuleNumber = 100 * (1 + g.rng.Intn(5)) // collisions: kept unique per direction below
		}
		dir := 0
		if e.Egress {
			dir = 1
		}
		if used[[2]int{dir, e.RuleNumber}] {
			continue // AWS refuses two rules with one number in one direction
		}
		used[[2]int{dir, e.RuleNumber}] = true
		e.FromPort, e.ToPort = g.ports()
		e.ID = fmt.Sprintf("rule-%d", e.RuleNumber)
		acl.Entries = append(acl.Entries, e)
	}
	return acl
}

func (g *gen) groups() []*SecurityGroup {
	var out []*SecurityGroup
	for i := g.rng.Intn(3); i >= 0; i-- {
		sg := &SecurityGroup{ID: fmt.Sprintf("sg-%d", i)}
		for j := g.rng.Intn(5); j > 0; j-- {
			r := SgRule{ID: fmt.Sprintf("sg-%d/%d", i, j), Protocol: g.proto(), Cidr: g.prefix(g.v6())}
			r.FromPort, r.ToPort = g.ports()
			sg.Egress = append(sg.Egress, r)
		}
		out = append(out, sg)
	}
	return out
}

// space is a random set of packets: the internet or random blocks (with a
// hole now and then), with a random port range.
func (g *gen) space() Space {
	var addrs AddrSet
	internet := Internet4()
	if g.six {
		internet = Internet6()
	}
	switch g.rng.Intn(5) {
	case 0:
		addrs = internet
	case 1:
		addrs = internet.Intersect(PrefixSet(g.wide()))
	case 2:
		addrs = PrefixSet(g.prefix(g.six))
	default:
		addrs = PrefixSet(g.wide(), g.prefix(g.six)).Subtract(PrefixSet(g.prefix(g.six)))
	}
	lo, hi := g.ports()
	return Box(addrs, PortRange(lo, hi))
}

// samples are packets of space: every edge of every block the rules name
// and of the space itself, with every port edge, plus random packets.
func samples(rng *rand.Rand, s Space, blocks []netip.Prefix, portEdges []int) [][2]interface{} {
	var addrs []netip.Addr
	edge := func(a netip.Addr) {
		if a.IsValid() {
			addrs = append(addrs, a)
		}
	}
	for _, p := range blocks {
		if p.IsValid() {
			edge(p.Masked().Addr())
			edge(p.Masked().Addr().Prev())
			edge(lastAddr(p))
			edge(lastAddr(p).Next())
		}
	}
	for _, r := range s.Addrs().Ranges() {
		edge(r[0])
		edge(r[1])
		edge(r[0].Next())
		edge(r[1].Prev())
		// and a random address inside the range, for the middle.
		b := r[0].AsSlice()
		for i := range b {
			if rng.Intn(2) == 0 {
				b[i] = byte(rng.Intn(256))
			}
		}
		if a, ok := netip.AddrFromSlice(b); ok && a.Compare(r[0]) >= 0 && a.Compare(r[1]) <= 0 {
			edge(a)
		}
	}
	ports := append([]int{}, boundaryPorts...)
	for _, p := range portEdges {
		ports = append(ports, p-1, p, p+1)
	}
	for _, r := range s.Ports().Ranges() {
		ports = append(ports, r[0], r[1], r[0]+1, r[1]-1, r[0]+rng.Intn(r[1]-r[0]+1))
	}
	var out [][2]interface{}
	for _, a := range addrs {
		for _, p := range ports {
			if p >= 0 && p <= 65535 && s.Contains(a, p) {
				out = append(out, [2]interface{}{a, p})
			}
		}
	}
	return out
}

// witness is one packet of a non-empty set.
func witness(s Space) (netip.Addr, int) {
	p := s.Parts()[0]
	return p.Addrs.Ranges()[0][0], p.Ports.Ranges()[0][0]
}

func checkNaclSeed(t *testing.T, seed int64) {
	g := newGen(seed)
	acl := g.nacl()
	proto := []int{6, 17}[g.rng.Intn(2)]
	egress := g.rng.Intn(2) == 0
	space := g.space()
	pieces := EvalNacl(acl, egress, proto, space)

	// The pieces partition the space.
	var union Space
	for i, p := range pieces {
		if !union.Intersect(p.Space).IsEmpty() {
			t.Fatalf("seed %d: piece %d overlaps the others", seed, i)
		}
		union = union.Union(p.Space)
		// Each piece's verdict holds for a packet of it, by brute force.
		a, port := witness(p.Space)
		allow, rule := bruteNacl(acl, egress, proto, a, port)
		if allow != p.Allow || (rule == nil) != (p.Entry == nil) || (rule != nil && rule.RuleNumber != p.Entry.RuleNumber) {
			t.Fatalf("seed %d: piece %d (%v, rule %v) disagrees with brute force at (%s, %d): %v, %v", seed, i, p.Allow, p.Entry, a, port, allow, rule)
		}
	}
	if !union.Equal(space) {
		t.Fatalf("seed %d: the pieces do not cover the space", seed)
	}
	var blocks []netip.Prefix
	var edges []int
	for _, e := range acl.Entries {
		blocks = append(blocks, e.Cidr)
		edges = append(edges, e.FromPort, e.ToPort)
	}
	denied := false
	for _, s := range samples(g.rng, space, blocks, edges) {
		a, port := s[0].(netip.Addr), s[1].(int)
		allow, rule := bruteNacl(acl, egress, proto, a, port)
		denied = denied || !allow
		found := false
		for _, p := range pieces {
			if p.Space.Contains(a, port) {
				found = true
				if p.Allow != allow || (p.Entry == nil) != (rule == nil) || (rule != nil && p.Entry.RuleNumber != rule.RuleNumber) {
					t.Fatalf("seed %d: (%s, %d): analysis says allow=%v by %v, brute force allow=%v by %v\nrules %+v\nspace %s", seed, a, port, p.Allow, p.Entry, allow, rule, acl.Entries, space)
				}
			}
		}
		if !found {
			t.Fatalf("seed %d: (%s, %d) is in no piece", seed, a, port)
		}
	}
	// The verdict for the whole destination: blocked exactly when some
	// packet is denied (a denied piece has a witness, checked above).
	analysisDenied := false
	for _, p := range pieces {
		analysisDenied = analysisDenied || !p.Allow
	}
	if denied && !analysisDenied {
		t.Fatalf("seed %d: brute force found a denied packet, the analysis allows everything", seed)
	}
}

func checkSgSeed(t *testing.T, seed int64) {
	g := newGen(seed)
	groups := g.groups()
	proto := []int{6, 17}[g.rng.Intn(2)]
	space := g.space()
	allowed, denied := EvalSecurityGroups(groups, proto, space)
	union := denied
	for _, p := range allowed {
		if !union.Intersect(p.Space).IsEmpty() {
			t.Fatalf("seed %d: pieces overlap", seed)
		}
		union = union.Union(p.Space)
		if a, port := witness(p.Space); !bruteSg(groups, proto, a, port) || !bruteSg([]*SecurityGroup{{Egress: []SgRule{p.Rule}}}, proto, a, port) {
			t.Fatalf("seed %d: (%s, %d) is not allowed by %+v", seed, a, port, p.Rule)
		}
	}
	if !union.Equal(space) {
		t.Fatalf("seed %d: allowed and denied do not cover the space", seed)
	}
	if !denied.IsEmpty() {
		if a, port := witness(denied); bruteSg(groups, proto, a, port) {
			t.Fatalf("seed %d: (%s, %d) is denied by the analysis, allowed by brute force", seed, a, port)
		}
	}
	var blocks []netip.Prefix
	var edges []int
	for _, sg := range groups {
		for _, r := range sg.Egress {
			blocks = append(blocks, r.Cidr)
			edges = append(edges, r.FromPort, r.ToPort)
		}
	}
	for _, s := range samples(g.rng, space, blocks, edges) {
		a, port := s[0].(netip.Addr), s[1].(int)
		if want := bruteSg(groups, proto, a, port); want == denied.Contains(a, port) {
			t.Fatalf("seed %d: (%s, %d): brute force allow=%v, analysis denied=%v", seed, a, port, want, denied.Contains(a, port))
		}
	}
}

func checkRoutesSeed(t *testing.T, seed int64) {
	g := newGen(seed)
	var routes []Route
	seen := map[netip.Prefix]bool{}
	for i := g.rng.Intn(8); i >= 0; i-- {
		p := g.prefix(g.v6())
		if seen[p] {
			continue // one route per destination, as in AWS
		}
		seen[p] = true
		routes = append(routes, Route{ID: p.String(), Destination: p, Kind: TargetNatGateway, Target: p.String()})
	}
	dest := g.space().Addrs()
	pieces := RoutePieces(routes, dest)
	var union AddrSet
	for _, pc := range pieces {
		if !union.Intersect(pc.Addrs).IsEmpty() {
			t.Fatalf("seed %d: pieces overlap", seed)
		}
		union = union.Union(pc.Addrs)
	}
	if !union.Equal(dest) {
		t.Fatalf("seed %d: pieces do not cover the destination", seed)
	}
	var blocks []netip.Prefix
	for _, r := range routes {
		blocks = append(blocks, r.Destination)
	}
	for _, s := range samples(g.rng, Box(dest, PortRange(0, 0)), blocks, nil) {
		a := s[0].(netip.Addr)
		want := bruteRoute(routes, a)
		for _, pc := range pieces {
			if pc.Addrs.Contains(a) && (pc.Route == nil) != (want == nil) || pc.Addrs.Contains(a) && want != nil && pc.Route.ID != want.ID {
				t.Fatalf("seed %d: %s: analysis route %v, brute force %v", seed, a, pc.Route, want)
			}
		}
	}
}

func TestPropertyNaclAgainstBruteForce(t *testing.T) {
	for seed := int64(1); seed <= propertySeeds; seed++ {
		checkNaclSeed(t, seed)
	}
}

func TestPropertySecurityGroupsAgainstBruteForce(t *testing.T) {
	for seed := int64(1); seed <= propertySeeds; seed++ {
		checkSgSeed(t, seed)
	}
}

func TestPropertyRoutesAgainstBruteForce(t *testing.T) {
	for seed := int64(1); seed <= propertySeeds; seed++ {
		checkRoutesSeed(t, seed)
	}
}

func FuzzNaclAgainstBruteForce(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42} {
		f.Add(s)
	}
	f.Fuzz(checkNaclSeed)
}

func FuzzSecurityGroupsAgainstBruteForce(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42} {
		f.Add(s)
	}
	f.Fuzz(checkSgSeed)
}

func FuzzRoutesAgainstBruteForce(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42} {
		f.Add(s)
	}
	f.Fuzz(checkRoutesSeed)
}
