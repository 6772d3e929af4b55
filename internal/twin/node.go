package twin

import (
	"fmt"
	"net/netip"

	"github.com/vpclambda/vpclambda/netcheck"
)

// routerAddr is the VPC router's address on every link to an interface's
// namespace (link-local, like the VPC router's implicit next hop), and
// routerAddr6 its IPv6 link-local address there; peerAddr6 is the other
// end's on a link between the router or the test internet and a gateway.
const (
	routerAddr  = "169.254.0.1"
	routerAddr6 = "fe80::1"
	peerAddr6   = "fe80::2"
)

// node is a network interface in a subnet (a function's, a NAT device's):
// its own namespace, joined to the VPC router by a veth pair whose router
// end is routerIf.
type node struct {
	ns       ns
	routerIf string
	addr     netip.Addr
	addr6    netip.Addr // its IPv6 address in a dual-stack subnet, invalid when none
	subnet   string
	// srcDstCheck is EC2's source/destination check, enforced by the
	// router on the interface's link (a function's or NAT gateway's
	// interface has none that matters).
	srcDstCheck bool
	// A node in no subnet (subnet "": a regional NAT gateway) has the
	// route table of its own traffic here and may have further addresses.
	table *netcheck.RouteTable
	extra []netip.Addr
}

// newNode creates the namespace of an interface with address addr in
// subnet and links it to the router.
func (t *Twin) newNode(label, subnet string, addr netip.Addr, forward bool) (*node, error) {
	n, err := t.newNS(label, forward)
	if err != nil {
		return nil, err
	}
	rif := fmt.Sprintf("n%d", len(t.nodes))
	if err := veth(t.router, rif, n, "v"); err != nil {
		return nil, err
	}
	steps := [][]string{
		{"addr", "add", addr.String() + "/32", "dev", "v"},
		{"route", "add", routerAddr + "/32", "dev", "v", "scope", "link"},
		{"route", "add", "default", "via", routerAddr, "dev", "v"},
	}
	for _, s := range steps {
		if err := n.ip(s...); err != nil {
			return nil, err
		}
	}
	if err := t.router.ip("addr", "add", routerAddr+"/32", "dev", rif); err != nil {
		return nil, err
	}
	if err := t.router.ip("route", "add", addr.String()+"/32", "dev", rif); err != nil {
		return nil, err
	}
	if err := t.router.ip("-6", "addr", "add", routerAddr6+"/64", "dev", rif, "nodad"); err != nil {
		return nil, err
	}
	nd := &node{ns: n, routerIf: rif, addr: addr, subnet: subnet}
	t.nodes = append(t.nodes, nd)
	return nd, nil
}

// setIPv6 gives the interface an IPv6 address (routed by the router's
// link-local address).
func (t *Twin) setIPv6(nd *node, addr6 netip.Addr) error {
	steps := [][]string{
		{"-6", "addr", "add", addr6.String() + "/128", "dev", "v", "nodad"},
		{"-6", "route", "add", "default", "via", routerAddr6, "dev", "v"},
	}
	for _, s := range steps {
		if err := nd.ns.ip(s...); err != nil {
			return err
		}
	}
	nd.addr6 = addr6
	return t.router.ip("-6", "route", "add", addr6.String()+"/128", "dev", nd.routerIf)
}

// hostAddr allocates the next free address of a subnet: AWS reserves the
// first four and the last, so the twin starts at base+4.
func (t *Twin) hostAddr(subnet netip.Prefix) (netip.Addr, error) {
	next, ok := t.nextAddr[subnet]
	if !ok {
		next = subnet.Masked().Addr()
		for i := 0; i < 4; i++ {
			next = next.Next()
		}
	}
	for t.reserved[next] {
		next = next.Next()
	}
	if !subnet.Contains(next.Next()) {
		return netip.Addr{}, fmt.Errorf("subnet %s has no free address left", subnet)
	}
	t.nextAddr[subnet] = next.Next()
	return next, nil
}
