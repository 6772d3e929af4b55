package netcheck

// Exact set algebra for the analysis: sets of addresses (IPv4 and IPv6 in
// one set), sets of ports, and sets of (address, port) pairs. Network ACLs,
// security groups and route tables are evaluated over these sets, so a
// verdict holds for every packet of the destination, not for a sample.

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// point is an ordered value with a successor and a predecessor inside its
// domain (an address of one family, a port).
type point[T any] interface {
	cmp(T) int
	next() (T, bool) // false at the top of the domain
	prev() (T, bool) // false at the bottom of the domain
}

// span is the inclusive interval lo..hi.
type span[T point[T]] struct{ lo, hi T }

// spans is a canonical set: sorted, disjoint and non-adjacent intervals.
type spans[T point[T]] []span[T]

func maxOf[T point[T]](a, b T) T {
	if a.cmp(b) >= 0 {
		return a
	}
	return b
}

func minOf[T point[T]](a, b T) T {
	if a.cmp(b) <= 0 {
		return a
	}
	return b
}

// adjacent reports whether b starts right after a ends.
func adjacent[T point[T]](a, b span[T]) bool {
	n, ok := a.hi.next()
	return ok && n.cmp(b.lo) == 0
}

func (s spans[T]) union(o spans[T]) spans[T] {
	out := spans[T]{}
	i, j := 0, 0
	push := func(x span[T]) {
		if k := len(out) - 1; k >= 0 && (out[k].hi.cmp(x.lo) >= 0 || adjacent(out[k], x)) {
			out[k].hi = maxOf(out[k].hi, x.hi)
			return
		}
		out = append(out, x)
	}
	for i < len(s) || j < len(o) {
		if j == len(o) || (i < len(s) && s[i].lo.cmp(o[j].lo) <= 0) {
			push(s[i])
			i++
		} else {
			push(o[j])
			j++
		}
	}
	return out
}

func (s spans[T]) intersect(o spans[T]) spans[T] {
	out := spans[T]{}
	i, j := 0, 0
	for i < len(s) && j < len(o) {
		lo, hi := maxOf(s[i].lo, o[j].lo), minOf(s[i].hi, o[j].hi)
		if lo.cmp(hi) <= 0 {
			out = append(out, span[T]{lo, hi})
		}
		if s[i].hi.cmp(o[j].hi) < 0 {
			i++
		} else {
			j++
		}
	}
	return out
}

func (s spans[T]) subtract(o spans[T]) spans[T] {
	out := spans[T]{}
	j := 0
	for _, x := range s {
		cur, live := x.lo, true
		for j < len(o) && o[j].hi.cmp(cur) < 0 {
			j++
		}
		for k := j; live && k < len(o) && o[k].lo.cmp(x.hi) <= 0; k++ {
			if o[k].lo.cmp(cur) > 0 {
				p, _ := o[k].lo.prev()
				out = append(out, span[T]{cur, p})
			}
			if o[k].hi.cmp(x.hi) >= 0 {
				live = false
				break
			}
			if o[k].hi.cmp(cur) >= 0 {
				cur, live = o[k].hi.next()
			}
		}
		if live {
			out = append(out, span[T]{cur, x.hi})
		}
	}
	return out
}

func (s spans[T]) contains(v T) bool {
	for _, x := range s {
		if x.lo.cmp(v) <= 0 && v.cmp(x.hi) <= 0 {
			return true
		}
	}
	return false
}

func (s spans[T]) equal(o spans[T]) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i].lo.cmp(o[i].lo) != 0 || s[i].hi.cmp(o[i].hi) != 0 {
			return false
		}
	}
	return true
}

// addr is a netip.Addr as a point: its domain is its own family.
type addr struct{ a netip.Addr }

func (x addr) cmp(y addr) int { return x.a.Compare(y.a) }
func (x addr) next() (addr, bool) {
	n := x.a.Next()
	return addr{n}, n.IsValid()
}
func (x addr) prev() (addr, bool) {
	p := x.a.Prev()
	return addr{p}, p.IsValid()
}

// port is a port number as a point: its domain is 0-65535.
type port int

func (x port) cmp(y port) int { return int(x) - int(y) }
func (x port) next() (port, bool) {
	return x + 1, x < 65535
}
func (x port) prev() (port, bool) {
	return x - 1, x > 0
}

// AddrSet is a set of IPv4 and IPv6 addresses. The zero value is empty.
type AddrSet struct{ s spans[addr] }

// PrefixSet is the set of every address of the prefixes.
func PrefixSet(ps ...netip.Prefix) AddrSet {
	var out AddrSet
	for _, p := range ps {
		if !p.IsValid() {
			continue
		}
		p = p.Masked()
		out.s = out.s.union(spans[addr]{{addr{p.Addr()}, addr{lastAddr(p)}}})
	}
	return out
}

// AddrRangeSet is the set of the addresses from..to (one family).
func AddrRangeSet(from, to netip.Addr) AddrSet {
	if !from.IsValid() || !to.IsValid() || from.Is4() != to.Is4() || from.Compare(to) > 0 {
		return AddrSet{}
	}
	return AddrSet{spans[addr]{{addr{from}, addr{to}}}}
}

// lastAddr is the highest address of a prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := range b {
		for bit := 0; bit < 8; bit++ {
			if i*8+bit >= p.Bits() {
				b[i] |= 0x80 >> bit
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func (s AddrSet) Union(o AddrSet) AddrSet     { return AddrSet{s.s.union(o.s)} }
func (s AddrSet) Intersect(o AddrSet) AddrSet { return AddrSet{s.s.intersect(o.s)} }
func (s AddrSet) Subtract(o AddrSet) AddrSet  { return AddrSet{s.s.subtract(o.s)} }
func (s AddrSet) IsEmpty() bool               { return len(s.s) == 0 }
func (s AddrSet) Equal(o AddrSet) bool        { return s.s.equal(o.s) }
func (s AddrSet) Contains(a netip.Addr) bool  { return s.s.contains(addr{a}) }

// Covers reports whether every address of o is in s.
func (s AddrSet) Covers(o AddrSet) bool { return o.Subtract(s).IsEmpty() }

// Ranges returns the set's ranges in order, each as its first and last
// address.
func (s AddrSet) Ranges() [][2]netip.Addr {
	out := make([][2]netip.Addr, len(s.s))
	for i, x := range s.s {
		out[i] = [2]netip.Addr{x.lo.a, x.hi.a}
	}
	return out
}

// Prefixes returns the fewest CIDR blocks whose union is the set, in order.
func (s AddrSet) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, x := range s.s {
		out = append(out, rangePrefixes(x.lo.a, x.hi.a)...)
	}
	return out
}

func rangePrefixes(lo, hi netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for lo.IsValid() && lo.Compare(hi) <= 0 {
		// The shortest prefix that starts at lo and ends at or before hi.
		var p netip.Prefix
		for bits := 0; bits <= lo.BitLen(); bits++ {
			c := netip.PrefixFrom(lo, bits)
			if c.Masked().Addr() == lo && lastAddr(c).Compare(hi) <= 0 {
				p = c
				break
			}
		}
		out = append(out, p)
		lo = lastAddr(p).Next()
	}
	return out
}

// String lists the set's CIDR blocks.
func (s AddrSet) String() string {
	if s.IsEmpty() {
		return "(none)"
	}
	var parts []string
	for _, p := range s.Prefixes() {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ", ")
}

// PortSet is a set of ports (0-65535). The zero value is empty.
type PortSet struct{ s spans[port] }

// PortRange is the set from..to (clipped to 0-65535).
func PortRange(from, to int) PortSet {
	from, to = max(from, 0), min(to, 65535)
	if from > to {
		return PortSet{}
	}
	return PortSet{spans[port]{{port(from), port(to)}}}
}

// AllPorts is 0-65535.
var AllPorts = PortRange(0, 65535)

func (s PortSet) Union(o PortSet) PortSet     { return PortSet{s.s.union(o.s)} }
func (s PortSet) Intersect(o PortSet) PortSet { return PortSet{s.s.intersect(o.s)} }
func (s PortSet) Subtract(o PortSet) PortSet  { return PortSet{s.s.subtract(o.s)} }
func (s PortSet) IsEmpty() bool               { return len(s.s) == 0 }
func (s PortSet) Equal(o PortSet) bool        { return s.s.equal(o.s) }
func (s PortSet) Contains(p int) bool         { return s.s.contains(port(p)) }

// Ranges returns the set's ranges in order.
func (s PortSet) Ranges() [][2]int {
	out := make([][2]int, len(s.s))
	for i, x := range s.s {
		out[i] = [2]int{int(x.lo), int(x.hi)}
	}
	return out
}

// String writes the set as "443" or "1024-65535" or "80, 443".
func (s PortSet) String() string {
	if s.IsEmpty() {
		return "(none)"
	}
	var parts []string
	for _, r := range s.Ranges() {
		if r[0] == r[1] {
			parts = append(parts, fmt.Sprint(r[0]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", r[0], r[1]))
		}
	}
	return strings.Join(parts, ", ")
}

// Space is a set of (address, port) pairs, e.g. the packets of one
// protocol a network ACL rule matches. It is kept as a list of port ranges,
// each with the set of addresses paired with every port of the range:
// sorted, disjoint, never empty, and two adjacent ranges never carry the
// same addresses (so equal sets have equal representations).
type Space struct{ parts []SpacePart }

// SpacePart is one block of a Space: every address of Addrs with every
// port of Ports.
type SpacePart struct {
	Ports PortSet // a single range
	Addrs AddrSet
}

// Box is the set addrs x ports.
func Box(addrs AddrSet, ports PortSet) Space {
	var out Space
	if addrs.IsEmpty() {
		return out
	}
	for _, r := range ports.s {
		out.parts = append(out.parts, SpacePart{Ports: PortSet{spans[port]{r}}, Addrs: addrs})
	}
	return out
}

func (s Space) lo(i int) int { return int(s.parts[i].Ports.s[0].lo) }
func (s Space) hi(i int) int { return int(s.parts[i].Ports.s[0].hi) }

// combine applies op to the address sets of a and b port by port.
func combine(a, b Space, op func(x, y AddrSet) AddrSet) Space {
	// The ports where either operand changes.
	cuts := map[int]bool{0: true, 65536: true}
	for _, s := range []Space{a, b} {
		for i := range s.parts {
			cuts[s.lo(i)], cuts[s.hi(i)+1] = true, true
		}
	}
	var bounds []int
	for c := range cuts {
		bounds = append(bounds, c)
	}
	sort.Ints(bounds)
	at := func(s Space, i *int, p int) AddrSet {
		for *i < len(s.parts) && s.hi(*i) < p {
			*i++
		}
		if *i < len(s.parts) && s.lo(*i) <= p {
			return s.parts[*i].Addrs
		}
		return AddrSet{}
	}
	var out Space
	i, j := 0, 0
	for k := 0; k+1 < len(bounds); k++ {
		lo, hi := bounds[k], bounds[k+1]-1
		r := op(at(a, &i, lo), at(b, &j, lo))
		if r.IsEmpty() {
			continue
		}
		if n := len(out.parts) - 1; n >= 0 && out.hi(n)+1 == lo && out.parts[n].Addrs.Equal(r) {
			out.parts[n].Ports = PortRange(out.lo(n), hi)
			continue
		}
		out.parts = append(out.parts, SpacePart{Ports: PortRange(lo, hi), Addrs: r})
	}
	return out
}

func (s Space) Union(o Space) Space     { return combine(s, o, AddrSet.Union) }
func (s Space) Intersect(o Space) Space { return combine(s, o, AddrSet.Intersect) }
func (s Space) Subtract(o Space) Space  { return combine(s, o, AddrSet.Subtract) }
func (s Space) IsEmpty() bool           { return len(s.parts) == 0 }

// Equal reports whether both hold the same pairs.
func (s Space) Equal(o Space) bool {
	if len(s.parts) != len(o.parts) {
		return false
	}
	for i := range s.parts {
		if !s.parts[i].Ports.Equal(o.parts[i].Ports) || !s.parts[i].Addrs.Equal(o.parts[i].Addrs) {
			return false
		}
	}
	return true
}

// Contains reports whether the pair (a, p) is in the set.
func (s Space) Contains(a netip.Addr, p int) bool {
	for _, x := range s.parts {
		if x.Ports.Contains(p) {
			return x.Addrs.Contains(a)
		}
	}
	return false
}

// Parts returns the set's blocks in port order.
func (s Space) Parts() []SpacePart { return append([]SpacePart{}, s.parts...) }

// Addrs is every address that appears in the set with some port.
func (s Space) Addrs() AddrSet {
	var out AddrSet
	for _, x := range s.parts {
		out = out.Union(x.Addrs)
	}
	return out
}

// Ports is every port that appears in the set with some address.
func (s Space) Ports() PortSet {
	var out PortSet
	for _, x := range s.parts {
		out = out.Union(x.Ports)
	}
	return out
}

// String writes the set as "ports P: blocks; ports Q: blocks".
func (s Space) String() string {
	if s.IsEmpty() {
		return "(none)"
	}
	var parts []string
	for _, x := range s.parts {
		parts = append(parts, fmt.Sprintf("ports %s: %s", x.Ports, x.Addrs))
	}
	return strings.Join(parts, "; ")
}
