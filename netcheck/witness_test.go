package netcheck

import (
	"net/netip"
	"strings"
	"testing"
)

// Witnesses of a network ACL that blocks part of the internet: a blocked
// and an allowed packet, each checked again on its own; a reachable path
// has one witness per class the rules separate.
func TestWitnesses(t *testing.T) {
	pfx := netip.MustParsePrefix
	acl := func(entries ...NaclEntry) func(f *Facts) {
		return func(f *Facts) {
			f.NetworkAcls["acl-private"] = &NetworkAcl{ID: "acl-private", VpcID: "vpc-1", Entries: entries}
			for _, id := range []string{"subnet-a", "subnet-b"} {
				f.Subnets[id].NetworkAcl = "acl-private"
			}
		}
	}
	allOut := NaclEntry{ID: "out", RuleNumber: 100, Egress: true, Allow: true, Protocol: -1, Cidr: pfx("0.0.0.0/0")}
	allIn := NaclEntry{ID: "in", RuleNumber: 100, Allow: true, Protocol: -1, Cidr: pfx("0.0.0.0/0")}
	for _, c := range []struct {
		name      string
		change    func(f *Facts)
		dest      Destination
		reachable bool
		want      map[string]string // address:port -> verdict
	}{
		{"default ACL", nil, DefaultDestination, true, map[string]string{"1.0.0.0:443": WitnessReachable}},
		{"a /24 denied outbound", acl(NaclEntry{ID: "deny", RuleNumber: 99, Egress: true, Protocol: -1, Cidr: pfx("8.8.8.0/24")}, allOut, allIn),
			DefaultDestination, false, map[string]string{"1.0.0.0:443": WitnessReachable, "8.8.8.0:443": WitnessBlocked}},
		{"replies from half the internet denied", acl(NaclEntry{ID: "deny", RuleNumber: 99, Protocol: -1, Cidr: pfx("128.0.0.0/1")}, allOut, allIn),
			DefaultDestination, false, map[string]string{"1.0.0.0:443": WitnessReachable, "128.0.0.0:443": WitnessBlocked}},
		{"a port sub-range denied", acl(NaclEntry{ID: "deny", RuleNumber: 99, Egress: true, Protocol: 6, FromPort: 2000, ToPort: 2999, Cidr: pfx("0.0.0.0/0")}, allOut, allIn),
			Destination{Internet: IPv4, Protocol: 6, Port: 1024, ToPort: 4000}, false,
			// Both sides of the denied range are one class: the rules treat
			// them alike.
			map[string]string{"1.0.0.0:1024": WitnessReachable, "1.0.0.0:2000": WitnessBlocked}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := deployedFacts()
			if c.change != nil {
				c.change(f)
			}
			r, err := Analyze(f, c.dest, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Reachable != c.reachable {
				t.Fatalf("reachable %v, want %v:\n%s", r.Reachable, c.reachable, reportText(r))
			}
			for _, s := range r.Functions[0].Subnets {
				got := map[string]string{}
				blocked, open := false, false
				for _, w := range s.Witnesses {
					got[netip.AddrPortFrom(netip.MustParseAddr(w.Address), uint16(w.Port)).String()] = w.Verdict
					blocked = blocked || w.Verdict == WitnessBlocked
					open = open || w.Verdict == WitnessReachable
					if w.Verdict == WitnessBlocked && w.Reason == "" {
						t.Errorf("blocked witness %+v names no check", w)
					}
				}
				for k, v := range c.want {
					if got[k] != v {
						t.Errorf("%s: witness %s %q, want %q (all: %v)", s.Subnet, k, got[k], v, got)
					}
				}
				if len(got) != len(c.want) {
					t.Errorf("%s: witnesses %v, want %v", s.Subnet, got, c.want)
				}
				if s.Reachable == blocked || (!s.Reachable && !open) {
					t.Errorf("%s: reachable %v, but witnesses %v", s.Subnet, s.Reachable, got)
				}
			}
		})
	}
}

// Every packet of a class has its witness's verdict: random packets of the
// destination, each analyzed alone, agree with the witness of their class.
func TestWitnessClassesAreExact(t *testing.T) {
	pfx := netip.MustParsePrefix
	f := deployedFacts()
	f.NetworkAcls["acl-private"] = &NetworkAcl{ID: "acl-private", VpcID: "vpc-1", Entries: []NaclEntry{
		{ID: "d1", RuleNumber: 90, Egress: true, Protocol: 6, FromPort: 443, ToPort: 443, Cidr: pfx("52.0.0.0/8")},
		{ID: "a1", RuleNumber: 95, Egress: true, Allow: true, Protocol: 6, FromPort: 400, ToPort: 500, Cidr: pfx("52.1.0.0/16")},
		{ID: "out", RuleNumber: 100, Egress: true, Allow: true, Protocol: -1, Cidr: pfx("0.0.0.0/0")},
		{ID: "d2", RuleNumber: 90, Protocol: 6, FromPort: 1024, ToPort: 65535, Cidr: pfx("100.0.0.0/6")},
		{ID: "in", RuleNumber: 100, Allow: true, Protocol: -1, Cidr: pfx("0.0.0.0/0")},
	}}
	f.Subnets["subnet-a"].NetworkAcl = "acl-private"
	dest := Destination{Internet: IPv4, Protocol: 6, Port: 440, ToPort: 450}
	r, err := Analyze(f, dest, "")
	if err != nil {
		t.Fatal(err)
	}
	s := r.Functions[0].Subnets[0]
	classes := witnessClasses(f, dest)
	if len(classes) != len(s.Witnesses) {
		t.Fatalf("%d classes, %d witnesses", len(classes), len(s.Witnesses))
	}
	for _, probe := range []string{"52.1.2.3:443", "52.2.0.1:441", "52.1.0.0:440", "101.2.3.4:445", "104.0.0.1:443", "8.8.8.8:450", "223.255.255.255:449"} {
		ap := netip.MustParseAddrPort(probe)
		alone := witnessOf(f, f.Functions[0], "subnet-a", dest, witnessClass{addr: ap.Addr(), port: int(ap.Port())}, subnetCache{}, map[string]Check{}, 0)
		// Its class's witness: the one whose class the rules treat alike.
		var mine *Witness
		for i, c := range classes {
			one := Destination{Prefix: netip.PrefixFrom(ap.Addr(), 32), Protocol: 6, Port: int(ap.Port())}
			if sameClass(f, c, one) {
				mine = &s.Witnesses[i]
			}
		}
		if mine == nil {
			t.Errorf("%s: in no class", probe)
			continue
		}
		if mine.Verdict != alone.Verdict {
			t.Errorf("%s: %s alone, but its class's witness %s:%d is %s (%s)", probe, alone.Verdict, mine.Address, mine.Port, mine.Verdict, mine.Class)
		}
	}
	if !strings.Contains(reportText(r), "NOT reachable") {
		t.Errorf("the report must block:\n%s", reportText(r))
	}
}

// sameClass reports whether one packet is in the class of c: the same
// prefixes and port ranges of the facts contain it and c's witness.
func sameClass(f *Facts, c witnessClass, one Destination) bool {
	for _, acl := range f.NetworkAcls {
		for _, e := range acl.Entries {
			if e.Cidr.IsValid() && e.Cidr.Contains(c.addr) != e.Cidr.Contains(one.Prefix.Addr()) {
				return false
			}
			if e.Protocol == 6 && (c.port >= e.FromPort && c.port <= e.ToPort) != (one.Port >= e.FromPort && one.Port <= e.ToPort) {
				return false
			}
		}
	}
	return true
}
