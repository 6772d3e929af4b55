package twin

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/netcheck"
)

// The VPC router: one namespace every interface's link ends in. Traffic is
// routed per source subnet with that subnet's route table (a kernel routing
// table chosen by the link it came in on: longest prefix match, the local
// route as one /32 per interface of the VPC and unreachable for the rest of
// the VPC's block, blackhole routes for targets that do not exist or carry
// nothing), and filtered at every subnet boundary by the network ACLs of the
// subnet it leaves and the subnet it enters.

// routeTableOf is the route table a subnet uses (its own, or the VPC's
// main one).
func (t *Twin) routeTableOf(sn *netcheck.Subnet) *netcheck.RouteTable {
	if sn.RouteTable != "" {
		return t.facts.RouteTables[sn.RouteTable]
	}
	if v := t.facts.Vpcs[sn.VpcID]; v != nil {
		return t.facts.RouteTables[v.MainRouteTable]
	}
	return nil
}

// naclOf is the network ACL a subnet uses (its own, or the VPC's default).
func (t *Twin) naclOf(sn *netcheck.Subnet) *netcheck.NetworkAcl {
	if sn.NetworkAcl != "" {
		return t.facts.NetworkAcls[sn.NetworkAcl]
	}
	if v := t.facts.Vpcs[sn.VpcID]; v != nil {
		return t.facts.NetworkAcls[v.DefaultNetworkAcl]
	}
	return nil
}

// routeTarget is a route's next hop in the twin: "via ADDR dev IF" or
// "blackhole", with a note when the twin does not model the target.
func (t *Twin) routeTarget(r netcheck.Route, vpc *netcheck.Vpc) (string, string) {
	switch r.Kind {
	case netcheck.TargetNatGateway:
		if ng := t.natGateways[r.Target]; ng != nil && ng.usable() && r.Destination.Addr().Is4() {
			return fmt.Sprintf("via %s dev %s onlink", ng.addr, ng.routerIf), ""
		}
		return "blackhole", ""
	case netcheck.TargetInternetGateway:
		g := t.igws[r.Target]
		switch {
		case g == nil || !attached(t.facts.InternetGateways[r.Target].AttachedVpcs, vpc.ID):
			return "blackhole", ""
		case r.Destination.Addr().Is6():
			return fmt.Sprintf("via %s dev %s", peerAddr6, g.routerIf), ""
		}
		return fmt.Sprintf("via %s dev %s onlink", g.vpcAddr, g.routerIf), ""
	case netcheck.TargetEgressOnlyInternetGateway:
		if g := t.eigws[r.Target]; g != nil && r.Destination.Addr().Is6() {
			return fmt.Sprintf("via %s dev %s", peerAddr6, g.routerIf), ""
		}
		return "blackhole", ""
	case netcheck.TargetNetworkInterface, netcheck.TargetInstance:
		if ni := t.natInstances[r.Target]; ni != nil && r.Destination.Addr().Is4() {
			return fmt.Sprintf("via %s dev %s onlink", ni.addr, ni.routerIf), ""
		}
		return "blackhole", ""
	case netcheck.TargetMissing:
		return "blackhole", ""
	}
	return "blackhole", fmt.Sprintf("route %s to %s %s: not modelled by the twin, a blackhole here", r.Destination, r.Kind, r.Target)
}

func attached(vpcs []string, id string) bool {
	for _, v := range vpcs {
		if v == id {
			return true
		}
	}
	return false
}

// routeBatch collects a family's ip(8) commands for the router.
type routeBatch struct {
	v4, v6 []string
}

func (b *routeBatch) add(six bool, format string, a ...interface{}) {
	if six {
		b.v6 = append(b.v6, fmt.Sprintf(format, a...))
	} else {
		b.v4 = append(b.v4, fmt.Sprintf(format, a...))
	}
}

// localRoutes is the local route in a kernel table: each interface's
// address, and nothing else of the VPC's blocks.
func (t *Twin) localRoutes(b *routeBatch, vpc *netcheck.Vpc, n int) {
	for _, nd := range t.nodes {
		b.add(false, "route add %s/32 dev %s table %d", nd.addr, nd.routerIf, n)
		for _, a := range nd.extra {
			b.add(false, "route add %s/32 dev %s table %d", a, nd.routerIf, n)
		}
		if nd.addr6.IsValid() {
			b.add(true, "route add %s/128 dev %s table %d", nd.addr6, nd.routerIf, n)
		}
	}
	if n == edgeTable {
		return
	}
	b.add(false, "route add unreachable %s table %d", vpc.Cidr.Masked(), n)
	for _, p := range vpc.Ipv6Cidrs {
		b.add(true, "route add unreachable %s table %d", p.Masked(), n)
	}
}

// edgeTable routes traffic in from a gateway: the local route only.
const edgeTable = 99

// routeTable writes one route table as kernel table n.
func (t *Twin) routeTable(b *routeBatch, vpc *netcheck.Vpc, n int, rt *netcheck.RouteTable) {
	t.localRoutes(b, vpc, n)
	if rt == nil {
		return
	}
	for _, r := range rt.Routes {
		if r.PrefixList != "" && r.Kind == netcheck.TargetVpcEndpoint {
			t.endpointRoute(b, rt, r, vpc, n)
			continue
		}
		if !r.Destination.IsValid() || r.PrefixList != "" {
			if r.PrefixList != "" || r.Kind == netcheck.TargetVpcEndpoint {
				t.notef("route table %s: route to %s through %s: not modelled by the twin (only gateway endpoints' prefix lists are)", rt.ID, r.PrefixList, r.Target)
			}
			continue
		}
		if t.withinLocal(vpc, r.Destination) {
			continue // within the local route, which a route cannot narrow here
		}
		six := r.Destination.Addr().Is6()
		via, note := t.routeTarget(r, vpc)
		if note != "" {
			t.notef("route table %s: %s", rt.ID, note)
		}
		if via == "blackhole" {
			b.add(six, "route add blackhole %s table %d", r.Destination.Masked(), n)
		} else {
			b.add(six, "route add %s %s table %d", r.Destination.Masked(), via, n)
		}
	}
}

func (t *Twin) withinLocal(vpc *netcheck.Vpc, p netip.Prefix) bool {
	for _, b := range append([]netip.Prefix{vpc.Cidr}, vpc.Ipv6Cidrs...) {
		if b.Contains(p.Addr()) && p.Bits() >= b.Bits() {
			return true
		}
	}
	return false
}

// buildRouter writes every route table as a kernel table (both families),
// the rules that choose it per link, and the network ACLs.
func (t *Twin) buildRouter(vpc *netcheck.Vpc) error {
	tables := map[*netcheck.RouteTable]int{}
	var b routeBatch
	for _, nd := range t.nodes {
		rt := t.nodeTable(nd)
		n, ok := tables[rt]
		if !ok {
			n = 100 + len(tables)
			tables[rt] = n
			t.routeTable(&b, vpc, n, rt)
		}
		b.add(false, "rule add iif %s table %d pref 100", nd.routerIf, n)
		b.add(true, "rule add iif %s table %d pref 100", nd.routerIf, n)
	}
	t.localRoutes(&b, vpc, edgeTable)
	for _, g := range t.igws {
		b.add(false, "rule add iif %s table %d pref 100", g.routerIf, edgeTable)
		b.add(true, "rule add iif %s table %d pref 100", g.routerIf, edgeTable)
	}
	for _, g := range t.eigws {
		b.add(true, "rule add iif %s table %d pref 100", g.routerIf, edgeTable)
	}
	for _, s := range t.services {
		b.add(false, "rule add iif %s table %d pref 100", s.routerIf, edgeTable)
	}
	if err := runIn([]byte(strings.Join(b.v4, "\n")+"\n"), "ip", "-n", t.router.name, "-batch", "-"); err != nil {
		return err
	}
	if len(b.v6) > 0 {
		if err := runIn([]byte(strings.Join(b.v6, "\n")+"\n"), "ip", "-6", "-n", t.router.name, "-batch", "-"); err != nil {
			return err
		}
	}
	return t.router.nft(t.naclRuleset())
}

// naclRuleset is the router's filter table: for every interface's link,
// packets leaving its subnet for another address go through the subnet's
// outbound rules, packets entering it from another address through its
// inbound rules.
func (t *Twin) naclRuleset() string {
	var b strings.Builder
	b.WriteString("table inet nacl {\n")
	chains := map[string]int{}
	var subnets []string
	for _, nd := range t.nodes {
		if nd.subnet == "" {
			continue // in no subnet: no network ACL
		}
		if _, ok := chains[nd.subnet]; !ok {
			chains[nd.subnet] = len(chains)
			subnets = append(subnets, nd.subnet)
		}
	}
	sort.Strings(subnets)
	for _, s := range subnets {
		naclChains(&b, chains[s], t.naclOf(t.facts.Subnets[s]))
	}
	b.WriteString("  chain forward {\n    type filter hook forward priority 0; policy accept;\n")
	for _, nd := range t.nodes {
		if nd.srcDstCheck {
			fmt.Fprintf(&b, "    iifname %q ip saddr != %s drop\n", nd.routerIf, nd.addr)
			fmt.Fprintf(&b, "    oifname %q ip daddr != %s drop\n", nd.routerIf, nd.addr)
		}
	}
	for _, nd := range t.nodes {
		if nd.subnet == "" {
			continue
		}
		cidr := t.facts.Subnets[nd.subnet].Cidr.Masked()
		n := chains[nd.subnet]
		fmt.Fprintf(&b, "    iifname %q ip daddr != %s jump nacl_out_%d\n", nd.routerIf, cidr, n)
		fmt.Fprintf(&b, "    oifname %q ip saddr != %s jump nacl_in_%d\n", nd.routerIf, cidr, n)
		if c6 := t.facts.Subnets[nd.subnet].Ipv6Cidr; nd.addr6.IsValid() && c6.IsValid() {
			fmt.Fprintf(&b, "    iifname %q ip6 daddr != %s jump nacl_out_%d\n", nd.routerIf, c6.Masked(), n)
			fmt.Fprintf(&b, "    oifname %q ip6 saddr != %s jump nacl_in_%d\n", nd.routerIf, c6.Masked(), n)
		}
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// expectedNat is the NAT device a subnet's route table sends host (the
// test internet's, or a service's stand-in) to (longest prefix match), and its Elastic IP.
func (t *Twin) expectedNat(sn *netcheck.Subnet, host netip.Addr) (string, netip.Addr) {
	rt := t.routeTableOf(sn)
	if rt == nil {
		return "", netip.Addr{}
	}
	best := -1
	var route netcheck.Route
	for _, r := range rt.Routes {
		if r.Destination.IsValid() && r.Destination.Contains(host) && r.Destination.Bits() > best {
			best, route = r.Destination.Bits(), r
		}
	}
	switch {
	case best < 0:
		return "", netip.Addr{}
	case route.Kind == netcheck.TargetNatGateway:
		if ng := t.natGateways[route.Target]; ng != nil {
			return route.Target, ng.eipFor(sn.AZ)
		}
	case route.Kind == netcheck.TargetNetworkInterface || route.Kind == netcheck.TargetInstance:
		if ni := t.natInstances[route.Target]; ni != nil {
			return route.Target, ni.eip
		}
	default:
		return "", netip.Addr{}
	}
	return route.Target, netip.Addr{}
}

// expectedGateway6 is the gateway a subnet's route table sends the test
// internet's IPv6 host to, "" when none.
func (t *Twin) expectedGateway6(sn *netcheck.Subnet) string {
	rt := t.routeTableOf(sn)
	if rt == nil {
		return ""
	}
	host := netip.MustParseAddr(InternetHost6)
	best := -1
	var route netcheck.Route
	for _, r := range rt.Routes {
		if r.Destination.IsValid() && r.Destination.Contains(host) && r.Destination.Bits() > best {
			best, route = r.Destination.Bits(), r
		}
	}
	if best < 0 || (route.Kind != netcheck.TargetEgressOnlyInternetGateway && route.Kind != netcheck.TargetInternetGateway) {
		return ""
	}
	return route.Target
}

// natNode is the interface of a NAT device by the id a route names.
func (t *Twin) natNode(id string) *node {
	if ng := t.natGateways[id]; ng != nil {
		return ng.node
	}
	if ni := t.natInstances[id]; ni != nil {
		return ni.node
	}
	return nil
}
