package twin

import (
	"fmt"

	"github.com/vpclambda/vpclambda/netcheck"
)

// egressOnlyGateway is an egress-only internet gateway: IPv6 only, it
// forwards what the VPC sends to the internet and lets back only the
// replies to those flows (stateful: nothing the internet starts comes in).
// IPv6 addresses are public: there is no translation.
type egressOnlyGateway struct {
	ns       ns
	routerIf string
}

func (t *Twin) addEgressOnlyGateway(g *netcheck.EgressOnlyInternetGateway, vpc *netcheck.Vpc) error {
	n, err := t.newNS("eigw", true)
	if err != nil {
		return err
	}
	k := len(t.eigws)
	e := &egressOnlyGateway{ns: n, routerIf: fmt.Sprintf("e%d", k)}
	inetIf := fmt.Sprintf("e%d", k)
	if err := veth(t.router, e.routerIf, n, "v"); err != nil {
		return err
	}
	if err := veth(t.internet.ns, inetIf, n, "i"); err != nil {
		return err
	}
	steps := []step{
		{t.router, []string{"-6", "addr", "add", routerAddr6 + "/64", "dev", e.routerIf, "nodad"}},
		{n, []string{"-6", "addr", "add", peerAddr6 + "/64", "dev", "v", "nodad"}},
	}
	for _, b := range vpc.Ipv6Cidrs {
		steps = append(steps, step{n, []string{"-6", "route", "add", b.Masked().String(), "via", routerAddr6, "dev", "v"}})
	}
	if err := runSteps(steps); err != nil {
		return err
	}
	if err := t.linkIPv6(n, inetIf, t.nextLink(), prefixes(vpc.Ipv6Cidrs)); err != nil {
		return err
	}
	if err := n.nft(`table inet eigw {
  chain filter {
    type filter hook forward priority 0; policy drop;
    iifname "v" oifname "i" meta nfproto ipv6 accept
    iifname "i" ct state established,related accept
  }
}
`); err != nil {
		return err
	}
	t.eigws[g.ID] = e
	return nil
}
