package twin

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
)

// resolver is the VPC's DNS resolver (the Amazon DNS server at the VPC's
// base address + 2), in the router's namespace: it answers A (or, for the
// IPv6 question, AAAA) queries for the test internet's names with the test
// internet host, and NXDOMAIN for
// any other name (the twin has no other internet). Network ACLs do not
// filter it, as in AWS: its address is the router's own, so its packets are
// never forwarded across a subnet boundary.
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
}

func (t *Twin) startResolver(vpc netip.Prefix, names []string) (netip.Addr, error) {
	a := vpc.Masked().Addr().Next().Next()
	if err := t.router.ip("addr", "add", a.String()+"/32", "dev", "lo"); err != nil {
		return a, err
	}
	c, err := t.router.listenPacket("udp4", net.JoinHostPort(a.String(), "53"))
	if err != nil {
		return a, err
	}
	r := &resolver{conn: c, names: map[string]bool{}, host: netip.MustParseAddr(InternetHost), host6: netip.MustParseAddr(InternetHost6),
		services: map[string]netip.Addr{}}
	for svc, ns := range serviceNames {
		for _, n := range ns {
			r.services[n] = netip.MustParseAddr(Services[svc])
		}
	}
	t.resolver = r
	for _, n := range names {
		r.names[strings.ToLower(strings.TrimSuffix(n, "."))] = true
	}
	t.closers = append(t.closers, c)
	go r.serve()
	return a, nil
}

func (r *resolver) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
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
