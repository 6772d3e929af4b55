package twin

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/netcheck"
)

// internetGateway is an internet gateway attached to the VPC: AWS's
// one-to-one translation between a private address and its Elastic IP or
// public IP. A private address without one does not reach the internet
// through it (that is why a function in a public subnet has no internet:
// Lambda's interfaces have no public address).
type internetGateway struct {
	ns       ns
	routerIf string // its link on the VPC router
	vpcAddr  string // its address on that link (the routes' next hop)
	inetAddr string // its address on the link to the test internet
	inetIf   string // the test internet's end of that link
}

func (t *Twin) addInternetGateway(igw *netcheck.InternetGateway, vpc *netcheck.Vpc) error {
	k := len(t.igws)
	n, err := t.newNS("igw", true)
	if err != nil {
		return err
	}
	g := &internetGateway{ns: n, routerIf: fmt.Sprintf("g%d", k), vpcAddr: fmt.Sprintf("169.254.1.%d", k+1),
		inetAddr: fmt.Sprintf("192.0.2.%d", k+1), inetIf: fmt.Sprintf("g%d", k)}
	if err := veth(t.router, g.routerIf, n, "v"); err != nil {
		return err
	}
	if err := veth(t.internet.ns, g.inetIf, n, "i"); err != nil {
		return err
	}
	steps := []step{
		{t.router, []string{"addr", "add", routerAddr + "/32", "dev", g.routerIf}},
		{t.router, []string{"route", "add", g.vpcAddr + "/32", "dev", g.routerIf}},
		{n, []string{"addr", "add", g.vpcAddr + "/32", "dev", "v"}},
		{n, []string{"route", "add", routerAddr + "/32", "dev", "v", "scope", "link"}},
		{n, []string{"route", "add", vpc.Cidr.Masked().String(), "via", routerAddr, "dev", "v"}},
		{n, []string{"addr", "add", g.inetAddr + "/32", "dev", "i"}},
		{n, []string{"route", "add", InternetHost + "/32", "dev", "i", "scope", "link"}},
		{n, []string{"route", "add", "default", "via", InternetHost, "dev", "i"}},
		{t.internet.ns, []string{"route", "add", g.inetAddr + "/32", "dev", g.inetIf, "scope", "link"}},
	}
	if len(vpc.Ipv6Cidrs) > 0 {
		// IPv6 addresses are public: the gateway routes them both ways.
		steps = append(steps, step{t.router, []string{"-6", "addr", "add", routerAddr6 + "/64", "dev", g.routerIf, "nodad"}}, step{n, []string{"-6", "addr", "add", peerAddr6 + "/64", "dev", "v", "nodad"}})
		for _, b := range prefixes(vpc.Ipv6Cidrs) {
			steps = append(steps, step{n, []string{"-6", "route", "add", b, "via", routerAddr6, "dev", "v"}})
		}
	}
	if err := runSteps(steps); err != nil {
		return err
	}
	if len(vpc.Ipv6Cidrs) > 0 {
		if err := t.linkIPv6(n, g.inetIf, t.nextLink(), prefixes(vpc.Ipv6Cidrs)); err != nil {
			return err
		}
	}
	t.igws[igw.ID] = g
	return nil
}

// translate installs the one-to-one translations of the VPC's public
// addresses and tells the test internet to route each public address to
// this gateway.
func (g *internetGateway) translate(t *Twin, vpc *netcheck.Vpc) error {
	var privs []netip.Addr
	for p := range t.publicIPs {
		if vpc.Cidr.Contains(p) {
			privs = append(privs, p)
		}
	}
	sort.Slice(privs, func(i, j int) bool { return privs[i].Less(privs[j]) })
	var pre, post, set []string
	for _, p := range privs {
		e := t.publicIPs[p]
		pre = append(pre, fmt.Sprintf("    iifname \"i\" ip daddr %s dnat to %s", e, p))
		post = append(post, fmt.Sprintf("    oifname \"i\" ip saddr %s snat to %s", p, e))
		set = append(set, p.String())
		if err := t.internet.ns.ip("route", "add", e.String()+"/32", "via", g.inetAddr, "dev", g.inetIf); err != nil {
			return err
		}
	}
	fwd := `    oifname "i" drop`
	if len(set) > 0 {
		fwd = fmt.Sprintf("    oifname \"i\" ip saddr != { %s } drop", strings.Join(set, ", "))
	}
	return g.ns.nft(fmt.Sprintf(`table ip igw {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
%s
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
%s
  }
  chain filter {
    type filter hook forward priority 0; policy accept;
%s
  }
}
`, strings.Join(pre, "\n"), strings.Join(post, "\n"), fwd))
}
