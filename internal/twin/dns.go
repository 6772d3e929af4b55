package twin

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/vpclambda/vpclambda/netcheck"
)

// resolver is the VPC's DNS resolver (the Amazon DNS server at the VPC's
// base address + 2), in the router's namespace: it answers A (or, for the
// IPv6 question, AAAA) queries for the test internet's names with the test
// internet host, and NXDOMAIN for
// any other name (the twin has no other internet). Network ACLs do not
// filter it, as in AWS: its address is the router's own, so its packets are
// never forwarded across a subnet boundary. It does not answer at all when
// the VPC has EnableDnsSupport false, and applies the VPC's DNS Firewall
// rules (netcheck's DnsFirewall.Decide: the same first match). A custom DNS
// server of the DHCP options is a resolver of the same kind, without DNS
// Firewall, at its own address (startCustomDNS).
type resolver struct {
	conn  net.PacketConn
	names map[string]bool
	host  netip.Addr
	host6 netip.Addr
	// ipv6 is the question the twin asks: the test internet's names
	// resolve to its IPv6 address only (else to its IPv4 address only).
	ipv6 atomic.Bool
	// services are the gateway-endpoint services' names, answered with
	// their stand-ins (A only).
	services map[string]netip.Addr
	// service, when set, is the stand-in of the service the twin asks
	// about: the test internet's names resolve to it (the function's
	// connection then goes where the service's would).
	service atomic.Pointer[netip.Addr]
	// off is EnableDnsSupport false: the Amazon-provided resolver does
	// not answer (the function's lookups time out).
	off bool
	// firewall decides a name as the VPC's DNS Firewall does (nil for a
	// custom DNS server, which Route 53 Resolver does not front).
	firewall func(name string) netcheck.FirewallVerdict
}

func (t *Twin) startResolver(vpc *netcheck.Vpc, names []string) (netip.Addr, error) {
	a := vpc.Cidr.Masked().Addr().Next().Next()
	if err := t.router.ip("addr", "add", a.String()+"/32", "dev", "lo"); err != nil {
		return a, err
	}
	r, err := t.newResolver(t.router, a, names)
	if err != nil {
		return a, err
	}
	r.off = vpc.DnsSupportOff
	if r.off {
		t.notef("VPC %s has EnableDnsSupport false: the Amazon-provided resolver does not answer", vpc.ID)
	}
	fw, id := t.facts.DnsFirewall, vpc.ID
	if fw.NotRead != "" {
		// Nothing is known of DNS Firewall here (netcheck says UNKNOWN):
		// the twin resolves unfiltered rather than failing every name.
		t.notef("DNS Firewall was not read (%s): the twin resolves names unfiltered", fw.NotRead)
	} else {
		r.firewall = func(name string) netcheck.FirewallVerdict { return fw.Decide(id, name) }
	}
	t.resolver = r
	return a, nil
}

// newResolver serves the test internet's names on UDP port 53 of address
// a in namespace n.
func (t *Twin) newResolver(n ns, a netip.Addr, names []string) (*resolver, error) {
	c, err := n.listenPacket("udp4", net.JoinHostPort(a.String(), "53"))
	if err != nil {
		return nil, err
	}
	r := &resolver{conn: c, names: map[string]bool{}, host: netip.MustParseAddr(InternetHost), host6: netip.MustParseAddr(InternetHost6),
		services: map[string]netip.Addr{}}
	for svc, ns := range serviceNames {
		for _, n := range ns {
			r.services[n] = netip.MustParseAddr(Services[svc])
		}
	}
	for _, n := range names {
		r.names[strings.ToLower(strings.TrimSuffix(n, "."))] = true
	}
	t.resolvers = append(t.resolvers, r)
	t.closers = append(t.closers, c)
	go r.serve()
	return r, nil
}

// startCustomDNS runs a resolver at each DNS server the VPC's DHCP options
// name besides AmazonProvidedDNS: inside the VPC as an interface of the
// subnet that holds its address (the function reaches it through its
// security group, the routes and the network ACLs like any host), outside
// it as a host of the test internet (reached through the NAT device). It
// answers like the Amazon-provided one, without DNS Firewall (Route 53
// Resolver does not front it). It returns the function's name servers,
// in the DHCP options' order.
func (t *Twin) startCustomDNS(vpc *netcheck.Vpc, names []string) ([]netip.Addr, error) {
	servers, set, why := t.facts.DnsServers(vpc)
	if why != "" {
		return nil, fmt.Errorf("the twin cannot know the function's DNS servers: %s", why)
	}
	amazon := vpc.Cidr.Masked().Addr().Next().Next()
	var out []netip.Addr
	for _, s := range servers {
		if strings.EqualFold(s, netcheck.AmazonProvidedDNS) {
			out = append(out, amazon)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() {
			return nil, fmt.Errorf("DHCP option set %s names DNS server %q: the twin runs IPv4 servers only", set, s)
		}
		out = append(out, a)
		if a == amazon {
			continue
		}
		n := t.internet.ns
		where := "on the test internet"
		if vpc.Cidr.Contains(a) {
			sn := t.subnetHolding(vpc, a)
			if sn == nil {
				return nil, fmt.Errorf("DNS server %s is in VPC %s but in none of its subnets", a, vpc.ID)
			}
			t.reserved[a] = true
			nd, err := t.newNode("dns", sn.ID, a, false)
			if err != nil {
				return nil, err
			}
			n, where = nd.ns, "in subnet "+sn.ID
		} else {
			if err := n.ip("addr", "add", a.String()+"/32", "dev", "lo"); err != nil {
				return nil, err
			}
			// The test internet answers every other address with its
			// echo service (witnesses): not this server's port 53.
			if err := n.nft(fmt.Sprintf("insert rule inet witness pre ip daddr %s meta l4proto { tcp, udp } th dport 53 return\n", a)); err != nil {
				return nil, err
			}
		}
		if _, err := t.newResolver(n, a, names); err != nil {
			return nil, err
		}
		t.notef("DNS server %s (DHCP option set %s) runs %s, answering over UDP", a, set, where)
	}
	return out, nil
}

// subnetHolding is the VPC's subnet whose block holds a (nil when none).
func (t *Twin) subnetHolding(vpc *netcheck.Vpc, a netip.Addr) *netcheck.Subnet {
	var ids []string
	for id, sn := range t.facts.Subnets {
		if sn.VpcID == vpc.ID && sn.Cidr.IsValid() && sn.Cidr.Contains(a) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return nil
	}
	return t.facts.Subnets[ids[0]]
}

func (r *resolver) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if r.off {
			continue // EnableDnsSupport false: no answer
		}
		if resp := r.answer(buf[:n]); resp != nil {
			r.conn.WriteTo(resp, from)
		}
	}
}

// answer builds the response to one query (RFC 1035: one question).
func (r *resolver) answer(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil
	}
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l > 63 || i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i+1 : i+3])
	question := q[12 : i+5]
	name := strings.ToLower(strings.Join(labels, "."))
	resp := make([]byte, 12, 12+len(question)+16)
	copy(resp, q[:2])
	flags := uint16(0x8180) // response, recursion desired and available
	host := r.host
	if a := r.service.Load(); a != nil {
		host = *a
	}
	known := r.names[name]
	if a, ok := r.services[name]; ok {
		known, host = true, a
	}
	if !known {
		flags |= 3 // NXDOMAIN
	}
	if r.firewall != nil {
		switch v := r.firewall(name); v.Status {
		case netcheck.Fail:
			// A BLOCK rule: NXDOMAIN, or for NODATA (and OVERRIDE, whose
			// override domain the twin has no host for) an empty answer.
			known = false
			flags &^= 0xf
			if v.Block == "" || strings.EqualFold(v.Block, "NXDOMAIN") {
				flags |= 3
			}
		case netcheck.Unknown:
			known = false
			flags = flags&^0xf | 2 // SERVFAIL: the twin cannot know the verdict either
		}
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	resp = append(resp, question...)
	switch six := r.ipv6.Load(); {
	case known && qtype == 1 && (!six || host != r.host):
		binary.BigEndian.PutUint16(resp[6:], 1)
		ip := host.As4()
		resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
		resp = append(resp, ip[:]...)
	case known && qtype == 28 && six && host == r.host:
		binary.BigEndian.PutUint16(resp[6:], 1)
		ip := r.host6.As16()
		resp = append(resp, 0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16)
		resp = append(resp, ip[:]...)
	}
	return resp
}
