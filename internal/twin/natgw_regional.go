package twin

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/netcheck"
)

// A regional NAT gateway (AvailabilityMode regional) is one gateway for the
// whole VPC, in no subnet of it. AWS gives it an address in each AZ it
// serves (every AZ with a network interface of the VPC in automatic mode,
// the listed ones in manual mode), translates a flow from an AZ to that
// AZ's address, and routes its traffic to the VPC's internet gateway by a
// route table of its own. The twin models it as one namespace with one
// private address per AZ it serves, outside every subnet of the VPC (no
// network ACL applies to it), each mapped by the internet gateway to the
// AZ's public address; its traffic uses the gateway's own route table (a
// deployed network's, or from a template the one AWS creates: the
// destination to the VPC's internet gateway). A new flow from an AZ it
// does not serve is dropped.

// addRegionalNatGateway adds a regional NAT gateway of the twin's VPC.
func (t *Twin) addRegionalNatGateway(gw *netcheck.NatGateway, vpc *netcheck.Vpc) error {
	if gw.VpcID != vpc.ID {
		t.notef("regional NAT gateway %s belongs to VPC %s, not %s; routes to it are blackholes", gw.ID, gw.VpcID, vpc.ID)
		return nil
	}
	served := t.regionalZones(gw, vpc)
	if len(served) == 0 {
		t.notef("regional NAT gateway %s serves none of the VPC's AZs; routes to it are blackholes", gw.ID)
		return nil
	}
	var azs []string
	for az := range served {
		if len(t.azCidrs(vpc, az)) > 0 { // a listed AZ where the VPC has no subnet carries nothing
			azs = append(azs, az)
		}
	}
	sort.Strings(azs)
	if len(azs) == 0 {
		t.notef("regional NAT gateway %s serves none of the AZs of the VPC's subnets; routes to it are blackholes", gw.ID)
		return nil
	}
	addrs := map[string]netip.Addr{}
	taken := map[netip.Addr]bool{}
	for _, az := range azs {
		a, ok := t.outsideSubnets(vpc, taken)
		if !ok {
			// The subnets fill the VPC's block (aws-cdk's Vpc does that):
			// a free address of a subnet of the AZ, taken from it. Only its
			// uniqueness matters in the twin; no network ACL applies to it.
			var err error
			if a, err = t.hostAddr(netip.MustParsePrefix(t.azCidrs(vpc, az)[0])); err != nil {
				return fmt.Errorf("regional NAT gateway %s: %w", gw.ID, err)
			}
		}
		addrs[az], taken[a] = a, true
	}
	n, err := t.newNode("rnat", "", addrs[azs[0]], true)
	if err != nil {
		return err
	}
	n.table = t.regionalRouteTable(gw, vpc)
	ng := &natGateway{node: n, gw: gw, perAz: map[string]netip.Addr{}}
	var snat []string
	var sources []string
	for _, az := range azs {
		a := addrs[az]
		if a != n.addr {
			if err := n.ns.ip("addr", "add", a.String()+"/32", "dev", "v"); err != nil {
				return err
			}
			if err := t.router.ip("route", "add", a.String()+"/32", "dev", n.routerIf); err != nil {
				return err
			}
			n.extra = append(n.extra, a)
		}
		eip := t.elasticIP(served[az])
		t.publicIPs[a] = eip
		ng.perAz[az] = eip
		cidrs := strings.Join(t.azCidrs(vpc, az), ", ")
		sources = append(sources, cidrs)
		snat = append(snat,
			fmt.Sprintf(`    oifname "v" ip saddr { %s } meta l4proto { tcp, udp } snat to %s:%d-%d`, cidrs, a, netcheck.EphemeralFrom, netcheck.EphemeralTo),
			fmt.Sprintf(`    oifname "v" ip saddr { %s } snat to %s`, cidrs, a))
	}
	rules := fmt.Sprintf(`table ip natgw {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
%s
  }
  chain filter {
    type filter hook forward priority 0; policy accept;
    ct state new ip saddr != { %s } drop
  }
}
`, strings.Join(snat, "\n"), strings.Join(sources, ", "))
	if err := n.ns.nft(rules); err != nil {
		return err
	}
	t.natGateways[gw.ID] = ng
	return nil
}

// regionalZones are the AZs the gateway serves, each with the allocation
// its address comes from: in automatic mode every AZ of the VPC's subnets
// (from a template AWS's address is not known: a stand-in per AZ); in
// manual mode the zones listed by name.
func (t *Twin) regionalZones(gw *netcheck.NatGateway, vpc *netcheck.Vpc) map[string]string {
	listed := map[string]string{}
	for _, z := range gw.Zones {
		if z.AZ == "" {
			t.notef("regional NAT gateway %s lists a zone by id only (%s): the twin cannot tell which AZ it is and serves none for it", gw.ID, z.AZID)
			continue
		}
		switch {
		case len(z.PublicIPs) > 0 && len(z.Allocations) > 0:
			listed[z.AZ] = z.Allocations[0] + " (" + z.PublicIPs[0] + ")"
		case len(z.PublicIPs) > 0:
			listed[z.AZ] = z.PublicIPs[0]
		case len(z.Allocations) > 0:
			listed[z.AZ] = z.Allocations[0]
		}
	}
	if gw.Manual {
		return listed
	}
	served := map[string]string{}
	for _, sn := range t.facts.Subnets {
		if sn.VpcID != vpc.ID || sn.AZ == "" {
			continue
		}
		if a, ok := listed[sn.AZ]; ok {
			served[sn.AZ] = a
		} else {
			served[sn.AZ] = gw.ID + " in " + sn.AZ // AWS's address, not known here: a stand-in
		}
	}
	return served
}

// azCidrs are the IPv4 blocks of the VPC's subnets in an AZ, sorted.
func (t *Twin) azCidrs(vpc *netcheck.Vpc, az string) []string {
	var out []string
	for _, sn := range t.facts.Subnets {
		if sn.VpcID == vpc.ID && sn.AZ == az && sn.Cidr.IsValid() {
			out = append(out, sn.Cidr.Masked().String())
		}
	}
	sort.Strings(out)
	return out
}

// regionalRouteTable is the route table of the gateway's own traffic: the
// deployed one, or from a template the one AWS creates, which sends
// everything to the VPC's internet gateway.
func (t *Twin) regionalRouteTable(gw *netcheck.NatGateway, vpc *netcheck.Vpc) *netcheck.RouteTable {
	if gw.RouteTable != "" {
		if rt := t.facts.RouteTables[gw.RouteTable]; rt != nil {
			return rt
		}
		t.notef("regional NAT gateway %s: its route table %s is not in the facts; its traffic goes nowhere", gw.ID, gw.RouteTable)
		return &netcheck.RouteTable{ID: gw.RouteTable, VpcID: vpc.ID}
	}
	rt := &netcheck.RouteTable{ID: gw.ID + " (the route table AWS creates for it)", VpcID: vpc.ID}
	var igws []string
	for id, igw := range t.facts.InternetGateways {
		if attached(igw.AttachedVpcs, vpc.ID) {
			igws = append(igws, id)
		}
	}
	sort.Strings(igws)
	if len(igws) > 0 {
		rt.Routes = []netcheck.Route{{Destination: netip.MustParsePrefix("0.0.0.0/0"), Kind: netcheck.TargetInternetGateway, Target: igws[0]}}
	} else {
		t.notef("regional NAT gateway %s: no internet gateway is attached to VPC %s, so its traffic goes nowhere", gw.ID, vpc.ID)
	}
	return rt
}

// outsideSubnets picks a free address of the VPC's block that is in none
// of its subnets, from the end of the block down, not one of taken; false
// when there is none.
func (t *Twin) outsideSubnets(vpc *netcheck.Vpc, taken map[netip.Addr]bool) (netip.Addr, bool) {
	used := map[netip.Addr]bool{}
	for a := range taken {
		used[a] = true
	}
	for _, nd := range t.nodes {
		used[nd.addr] = true
		for _, a := range nd.extra {
			used[a] = true
		}
	}
	block := vpc.Cidr.Masked()
	last := block.Addr()
	for i := 0; i < (1<<(32-block.Bits()))-1; i++ {
		last = last.Next()
	}
	for a := last.Prev(); block.Contains(a) && a != block.Addr(); a = a.Prev() {
		if used[a] {
			continue
		}
		inSubnet := false
		for _, sn := range t.facts.Subnets {
			if sn.VpcID == vpc.ID && sn.Cidr.IsValid() && sn.Cidr.Contains(a) {
				inSubnet = true
				break
			}
		}
		if !inSubnet {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// eipFor is the public address a flow from a subnet in az leaves by: a
// regional gateway's address for that AZ (invalid when it does not serve
// it), a zonal gateway's Elastic IP.
func (ng *natGateway) eipFor(az string) netip.Addr {
	if ng.perAz != nil {
		return ng.perAz[az]
	}
	return ng.eip
}

// nodeTable is the route table of a node's traffic: its subnet's, or for
// a node in no subnet (a regional NAT gateway) its own.
func (t *Twin) nodeTable(nd *node) *netcheck.RouteTable {
	if nd.subnet == "" {
		return nd.table
	}
	return t.routeTableOf(t.facts.Subnets[nd.subnet])
}
