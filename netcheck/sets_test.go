package netcheck

import (
	"math/rand"
	"net/netip"
	"testing"
)

// A small universe where every member can be enumerated: the 256
// addresses of base/24 (or base/120 for IPv6).
func universe(base string) []netip.Addr {
	a := netip.MustParseAddr(base)
	var out []netip.Addr
	for i := 0; i < 256; i++ {
		out = append(out, a)
		a = a.Next()
	}
	return out
}

func randomSmallPrefix(rng *rand.Rand, u []netip.Addr) netip.Prefix {
	a := u[rng.Intn(len(u))]
	bits := a.BitLen() - rng.Intn(9) // /24../32 or /120../128
	return netip.PrefixFrom(a, bits).Masked()
}

func randomAddrSet(rng *rand.Rand, u []netip.Addr) (AddrSet, func(netip.Addr) bool) {
	var ps []netip.Prefix
	for i := rng.Intn(4); i >= 0; i-- {
		ps = append(ps, randomSmallPrefix(rng, u))
	}
	return PrefixSet(ps...), func(a netip.Addr) bool {
		for _, p := range ps {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
}

func TestAddrSetAlgebraAgainstMembership(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, base := range []string{"10.0.0.0", "2001:db8::", "255.255.255.0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00", "0.0.0.0"} {
		u := universe(base)
		for i := 0; i < 300; i++ {
			a, inA := randomAddrSet(rng, u)
			b, inB := randomAddrSet(rng, u)
			ops := []struct {
				name string
				got  AddrSet
				want func(netip.Addr) bool
			}{
				{"union", a.Union(b), func(x netip.Addr) bool { return inA(x) || inB(x) }},
				{"intersect", a.Intersect(b), func(x netip.Addr) bool { return inA(x) && inB(x) }},
				{"subtract", a.Subtract(b), func(x netip.Addr) bool { return inA(x) && !inB(x) }},
			}
			for _, op := range ops {
				for _, x := range u {
					if op.got.Contains(x) != op.want(x) {
						t.Fatalf("%s of %s and %s: %s: got %v", op.name, a, b, x, op.got.Contains(x))
					}
				}
				// Canonical: the blocks it lists make the same set, and
				// equal sets compare equal however they were built.
				if !PrefixSet(op.got.Prefixes()...).Equal(op.got) {
					t.Fatalf("%s: Prefixes() %v do not rebuild the set", op.name, op.got.Prefixes())
				}
			}
			if !a.Subtract(b).Union(a.Intersect(b)).Equal(a) {
				t.Fatalf("(a-b) u (a n b) != a for %s, %s", a, b)
			}
		}
	}
}

func TestAddrSetFamiliesAndEdges(t *testing.T) {
	all4, all6 := PrefixSet(netip.MustParsePrefix("0.0.0.0/0")), PrefixSet(netip.MustParsePrefix("::/0"))
	both := all4.Union(all6)
	if !both.Subtract(all6).Equal(all4) || !both.Intersect(all4).Equal(all4) || !all4.Intersect(all6).IsEmpty() {
		t.Fatal("IPv4 and IPv6 must stay apart in one set")
	}
	top := PrefixSet(netip.MustParsePrefix("255.255.255.255/32"))
	rest := all4.Subtract(top)
	if rest.Contains(netip.MustParseAddr("255.255.255.255")) || !rest.Contains(netip.MustParseAddr("255.255.255.254")) {
		t.Fatal("subtracting the top address")
	}
	if got := rest.Union(top); !got.Equal(all4) {
		t.Fatalf("adjacent ranges must merge: %v", got)
	}
	if got := AddrRangeSet(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.6")).String(); got != "10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32" {
		t.Fatalf("fewest blocks: %s", got)
	}
	halves := PrefixSet(netip.MustParsePrefix("0.0.0.0/1"), netip.MustParsePrefix("128.0.0.0/1"))
	if !halves.Equal(all4) || halves.String() != "0.0.0.0/0" {
		t.Fatalf("two halves are the whole: %s", halves)
	}
}

func TestPortSetAndSpace(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	u := universe("192.0.2.0")
	ports := []int{0, 1, 2, 5, 7, 8, 9, 10, 100, 65534, 65535}
	randomPorts := func() (PortSet, func(int) bool) {
		lo := ports[rng.Intn(len(ports))]
		hi := lo + rng.Intn(12)
		if rng.Intn(5) == 0 {
			hi = 65535
		}
		return PortRange(lo, hi), func(p int) bool { return p >= lo && p <= min(hi, 65535) }
	}
	randomSpace := func() (Space, func(netip.Addr, int) bool) {
		var s Space
		var members []func(netip.Addr, int) bool
		for i := rng.Intn(3); i >= 0; i-- {
			a, inA := randomAddrSet(rng, u)
			p, inP := randomPorts()
			s = s.Union(Box(a, p))
			members = append(members, func(x netip.Addr, q int) bool { return inA(x) && inP(q) })
		}
		return s, func(x netip.Addr, q int) bool {
			for _, m := range members {
				if m(x, q) {
					return true
				}
			}
			return false
		}
	}
	for i := 0; i < 300; i++ {
		a, inA := randomSpace()
		b, inB := randomSpace()
		for _, op := range []struct {
			name string
			got  Space
			want func(netip.Addr, int) bool
		}{
			{"union", a.Union(b), func(x netip.Addr, q int) bool { return inA(x, q) || inB(x, q) }},
			{"intersect", a.Intersect(b), func(x netip.Addr, q int) bool { return inA(x, q) && inB(x, q) }},
			{"subtract", a.Subtract(b), func(x netip.Addr, q int) bool { return inA(x, q) && !inB(x, q) }},
		} {
			for _, x := range u {
				for q := 0; q < 25; q++ {
					if op.got.Contains(x, q) != op.want(x, q) {
						t.Fatalf("%s: (%s, %d) got %v\na = %s\nb = %s\n= %s", op.name, x, q, op.got.Contains(x, q), a, b, op.got)
					}
				}
				for _, q := range []int{99, 100, 101, 65534, 65535} {
					if op.got.Contains(x, q) != op.want(x, q) {
						t.Fatalf("%s: (%s, %d)", op.name, x, q)
					}
				}
			}
		}
		if !a.Subtract(b).Union(a.Intersect(b)).Equal(a) {
			t.Fatal("Space equality must not depend on how a set was built")
		}
	}
	if got := PortRange(1024, 65535).Subtract(PortRange(32768, 60999)).String(); got != "1024-32767, 61000-65535" {
		t.Fatalf("ports: %s", got)
	}
}

func TestInternetTables(t *testing.T) {
	in4, in6 := Internet4(), Internet6()
	for addr, want := range map[string]bool{
		"1.1.1.1": true, "8.8.8.8": true, "52.94.0.1": true, "192.0.0.9": true, "192.0.0.10": true, "192.88.99.1": true, "223.255.255.255": true,
		"0.1.2.3": false, "10.1.2.3": false, "100.64.0.1": false, "100.127.255.255": false, "127.0.0.1": false, "169.254.169.254": false,
		"172.16.0.1": false, "172.31.255.255": false, "192.0.0.8": false, "192.0.2.1": false, "192.168.1.1": false, "198.18.0.1": false,
		"198.19.255.255": false, "198.51.100.1": false, "203.0.113.1": false, "224.0.0.1": false, "240.0.0.1": false, "255.255.255.255": false,
		"2606:4700:4700::1111": true, "2001:4860:4860::8888": true, "2001:4:112::1": true, "2001:20::1": true, "2002::1": true,
		"2001:db8::1": false, "2001::1": false, "2001:2::1": false, "3fff::1": false, "fe80::1": false, "fc00::1": false, "::1": false, "ff02::1": false,
	} {
		a := netip.MustParseAddr(addr)
		set := in4
		if a.Is6() {
			set = in6
		}
		if set.Contains(a) != want {
			t.Errorf("%s on the internet: got %v, want %v", addr, !want, want)
		}
		if want == (SpecialBlockOf(a) != nil) && (a.Is4() || GlobalUnicast6.Contains(a)) {
			t.Errorf("SpecialBlockOf(%s) disagrees with the set", addr)
		}
	}
}
