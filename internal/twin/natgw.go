package twin

import (
	"fmt"
	"net/netip"

	"github.com/vpclambda/vpclambda/netcheck"
)

// natGateway is a NAT gateway: a private address in its subnet that
// translates every flow it forwards to that address, on ports 1024-65535,
// and the Elastic IP the internet gateway maps to that address (a public
// NAT gateway with an allocation).
type natGateway struct {
	*node
	gw  *netcheck.NatGateway
	eip netip.Addr // invalid: no Elastic IP (a private NAT gateway)
	// perAz is a regional NAT gateway's public address by AZ
	// (natgw_regional.go); nil for a zonal one.
	perAz map[string]netip.Addr
}

func (t *Twin) addNatGateway(gw *netcheck.NatGateway) error {
	sn := t.facts.Subnets[gw.SubnetID]
	if sn == nil || !sn.Cidr.IsValid() {
		t.notef("NAT gateway %s: its subnet %s is not in the facts; routes to it are blackholes", gw.ID, gw.SubnetID)
		return nil
	}
	addr, err := t.hostAddr(sn.Cidr)
	if err != nil {
		return err
	}
	n, err := t.newNode("nat", sn.ID, addr, true)
	if err != nil {
		return err
	}
	ng := &natGateway{node: n, gw: gw}
	if gw.Public && gw.Allocation != "" {
		ng.eip = t.elasticIP(gw.Allocation)
		t.publicIPs[addr] = ng.eip
	}
	rules := fmt.Sprintf(`table ip natgw {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "v" ip saddr != %[1]s meta l4proto { tcp, udp } snat to %[1]s:%d-%d
    oifname "v" ip saddr != %[1]s snat to %[1]s
  }
}
`, addr, netcheck.EphemeralFrom, netcheck.EphemeralTo)
	if err := n.ns.nft(rules); err != nil {
		return err
	}
	t.natGateways[gw.ID] = ng
	return nil
}

// usable reports whether routes to the gateway carry traffic (a deployed
// gateway that is not available is a blackhole).
func (ng *natGateway) usable() bool { return ng.gw.State == "" || ng.gw.State == "available" }
