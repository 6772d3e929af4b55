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
		if ng := t.natGateways[r.Target]; ng != nil && ng.usable() {
			return fmt.Sprintf("via %s dev %s onlink", ng.addr, ng.routerIf), ""
		}
		return "blackhole", ""
	case netcheck.TargetInternetGateway:
		if g := t.igws[r.Target]; g != nil && attached(t.facts.InternetGateways[r.Target].AttachedVpcs, vpc.ID) {
			return fmt.Sprintf("via %s dev %s onlink", g.vpcAddr, g.routerIf), ""
		}
		return "blackhole", ""
	case netcheck.TargetNetworkInterface, netcheck.TargetInstance:
		if ni := t.natInstances[r.Target]; ni != nil {
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

// buildRouter writes every route table as a kernel table, the rules that
// choose it per link, and the network ACLs.
func (t *Twin) buildRouter(vpc *netcheck.Vpc) error {
	tables := map[string]int{}
	tableFor := func(rt *netcheck.RouteTable) int {
		id := ""
		if rt != nil {
			id = rt.ID
		}
		if n, ok := tables[id]; ok {
			return n
		}
		n := 100 + len(tables)
		tables[id] = n
		return n
	}
	var batch []string
	addTable := func(n int, rt *netcheck.RouteTable) {
		for _, nd := range t.nodes {
			batch = append(batch, fmt.Sprintf("route add %s/32 dev %s table %d", nd.addr, nd.routerIf, n))
		}
		batch = append(batch, fmt.Sprintf("route add unreachable %s table %d", vpc.Cidr.Masked(), n))
		if rt == nil {
			return
		}
		for _, r := range rt.Routes {
			if !r.Destination.IsValid() || !r.Destination.Addr().Is4() || r.PrefixList != "" {
				if r.PrefixList != "" || r.Kind == netcheck.TargetVpcEndpoint {
					t.notef("route table %s: route to %s through %s: gateway endpoints are not modelled by the twin", rt.ID, r.PrefixList, r.Target)
				}
				continue
			}
			if vpc.Cidr.Contains(r.Destination.Addr()) && r.Destination.Bits() >= vpc.Cidr.Bits() {
				continue // within the local route, which AWS does not let a route narrow here
			}
			via, note := t.routeTarget(r, vpc)
			if note != "" {
				t.notef("route table %s: %s", rt.ID, note)
			}
			if via == "blackhole" {
				batch = append(batch, fmt.Sprintf("route add blackhole %s table %d", r.Destination.Masked(), n))
			} else {
				batch = append(batch, fmt.Sprintf("route add %s %s table %d", r.Destination.Masked(), via, n))
			}
		}
	}
	done := map[int]bool{}
	for _, nd := range t.nodes {
		n := tableFor(t.routeTableOf(t.facts.Subnets[nd.subnet]))
		if !done[n] {
			done[n] = true
			addTable(n, t.routeTableOf(t.facts.Subnets[nd.subnet]))
		}
		batch = append(batch, fmt.Sprintf("rule add iif %s table %d pref 100", nd.routerIf, n))
	}
	// Traffic in from an internet gateway follows the local route only.
	edge := 99
	for _, nd := range t.nodes {
		batch = append(batch, fmt.Sprintf("route add %s/32 dev %s table %d", nd.addr, nd.routerIf, edge))
	}
	for _, g := range t.igws {
		batch = append(batch, fmt.Sprintf("rule add iif %s table %d pref 100", g.routerIf, edge))
	}
	if err := runIn([]byte(strings.Join(batch, "\n")+"\n"), "ip", "-n", t.router.name, "-batch", "-"); err != nil {
		return err
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
		cidr := t.facts.Subnets[nd.subnet].Cidr.Masked()
		n := chains[nd.subnet]
		fmt.Fprintf(&b, "    iifname %q ip daddr != %s jump nacl_out_%d\n", nd.routerIf, cidr, n)
		fmt.Fprintf(&b, "    oifname %q ip saddr != %s jump nacl_in_%d\n", nd.routerIf, cidr, n)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// expectedNat is the NAT device a subnet's route table sends the test
// internet host to (longest prefix match), and its Elastic IP.
func (t *Twin) expectedNat(sn *netcheck.Subnet) (string, netip.Addr) {
	rt := t.routeTableOf(sn)
	if rt == nil {
		return "", netip.Addr{}
	}
	host := netip.MustParseAddr(InternetHost)
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
			return route.Target, ng.eip
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
