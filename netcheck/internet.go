package netcheck

import (
	"net/netip"
	"sync"
)

// What "the internet" means to netcheck: the unicast address space less
// every block that IANA's special-purpose address registries mark "Globally
// Reachable: False" (RFC 6890, updated by RFC 8190), which no host on the
// internet can be reached at. The registries are
//   https://www.iana.org/assignments/iana-ipv4-special-registry/
//   https://www.iana.org/assignments/iana-ipv6-special-registry/
// and multicast (RFC 5771 for IPv4) is not unicast. Blocks the registries
// mark globally reachable (AS112, AMT, PCP and TURN anycast, ORCHIDv2, DRIP)
// stay in, as do blocks marked "N/A" (the deprecated 6to4 relay anycast
// 192.88.99.0/24, 6to4 2002::/16, Teredo 2001::/32 is inside 2001::/23 and
// goes with it). A deny for a block listed here does not block "the
// internet"; a deny for any other part of it does.

// SpecialBlock is one entry of the table: a block that is not on the
// internet, except the sub-blocks the registry marks globally reachable.
type SpecialBlock struct {
	Prefix netip.Prefix
	Name   string
	Source string
	Except []netip.Prefix
}

func sb(p, name, source string, except ...string) SpecialBlock {
	b := SpecialBlock{Prefix: netip.MustParsePrefix(p), Name: name, Source: source}
	for _, e := range except {
		b.Except = append(b.Except, netip.MustParsePrefix(e))
	}
	return b
}

// SpecialPurpose4 lists the IPv4 blocks that are not on the internet.
var SpecialPurpose4 = []SpecialBlock{
	sb("0.0.0.0/8", "this network", "RFC 791, RFC 1122"),
	sb("10.0.0.0/8", "private use", "RFC 1918"),
	sb("100.64.0.0/10", "shared address space (carrier-grade NAT)", "RFC 6598"),
	sb("127.0.0.0/8", "loopback", "RFC 1122"),
	sb("169.254.0.0/16", "link local", "RFC 3927"),
	sb("172.16.0.0/12", "private use", "RFC 1918"),
	// 192.0.0.0/24 holds DS-Lite (192.0.0.0/29), the dummy address
	// (192.0.0.8/32), NAT64/DNS64 discovery (192.0.0.170/31); the PCP and
	// TURN anycast addresses are globally reachable.
	sb("192.0.0.0/24", "IETF protocol assignments", "RFC 6890", "192.0.0.9/32", "192.0.0.10/32"),
	sb("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737"),
	sb("192.168.0.0/16", "private use", "RFC 1918"),
	sb("198.18.0.0/15", "benchmarking", "RFC 2544"),
	sb("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737"),
	sb("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737"),
	sb("224.0.0.0/4", "multicast", "RFC 5771"),
	sb("240.0.0.0/4", "reserved (includes limited broadcast 255.255.255.255/32)", "RFC 1112, RFC 919"),
}

// GlobalUnicast6 is IPv6's global unicast space, the IPv6 internet's
// starting point (RFC 4291).
var GlobalUnicast6 = netip.MustParsePrefix("2000::/3")

// SpecialPurpose6 lists the blocks of 2000::/3 that are not on the
// internet (the registry's other entries, ::1, fc00::/7, fe80::/10,
// 64:ff9b:1::/48, 100::/64, 5f00::/16, ..., lie outside 2000::/3).
var SpecialPurpose6 = []SpecialBlock{
	sb("2001::/23", "IETF protocol assignments (Teredo, benchmarking 2001:2::/48, deprecated ORCHID)", "RFC 2928, RFC 4380, RFC 5180",
		"2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28", "2001:30::/28"),
	sb("2001:db8::/32", "documentation", "RFC 3849"),
	sb("3fff::/20", "documentation", "RFC 9637"),
}

func internetOf(all netip.Prefix, table []SpecialBlock) AddrSet {
	s := PrefixSet(all)
	for _, b := range table {
		s = s.Subtract(PrefixSet(b.Prefix).Subtract(PrefixSet(b.Except...)))
	}
	return s
}

// The internets are computed once (every path asks for them, and the
// tables do not change); callers get their own copy of the spans.
var (
	internet4 = sync.OnceValue(func() AddrSet { return internetOf(netip.MustParsePrefix("0.0.0.0/0"), SpecialPurpose4) })
	internet6 = sync.OnceValue(func() AddrSet { return internetOf(GlobalUnicast6, SpecialPurpose6) })
)

// Internet4 is the IPv4 internet: 0.0.0.0/0 less SpecialPurpose4.
func Internet4() AddrSet { return internet4().clone() }

// Internet6 is the IPv6 internet: 2000::/3 less SpecialPurpose6.
func Internet6() AddrSet { return internet6().clone() }

func (s AddrSet) clone() AddrSet { return AddrSet{append(spans[addr](nil), s.s...)} }

// SpecialBlockOf returns the table entry that takes a out of the internet,
// nil when a is on it (or outside the family's table).
func SpecialBlockOf(a netip.Addr) *SpecialBlock {
	table := SpecialPurpose4
	if a.Is6() {
		table = SpecialPurpose6
	}
	for i, b := range table {
		if b.Prefix.Contains(a) && !PrefixSet(b.Except...).Contains(a) {
			return &table[i]
		}
	}
	return nil
}
