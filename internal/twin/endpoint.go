package twin

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/vpclambda/vpclambda/netcheck"
)

// Gateway endpoints (S3, DynamoDB). Each service has a stand-in host in its
// own namespace, at an address that plays the service's prefix list
// (198.51.100.0/29, the part of TEST-NET-2 the twin's Elastic IPs leave
// free), serving the same HTTPS echo as the test internet (the source
// address it sees, with the test CA's certificate). It is reached two ways,
// as in AWS: from a subnet whose route table has the endpoint's
// prefix-list route, through the endpoint (a link from the VPC router: no
// translation, the stand-in sees the function's private address); from any
// other subnet like any internet host (through the NAT device and the
// internet gateway: it sees the Elastic IP). Network ACLs and security
// groups filter the endpoint's path like any other, by the stand-in's
// address.

// Services are the gateway-endpoint services the twin stands in for, and
// the address of each one's stand-in host (its prefix list, a /32).
var Services = map[string]string{"s3": "198.51.100.2", "dynamodb": "198.51.100.3"}

// serviceNames are the DNS names the VPC resolver answers with a
// service's stand-in.
var serviceNames = map[string][]string{
	"s3":       {"s3.amazonaws.com", "s3.us-east-1.amazonaws.com"},
	"dynamodb": {"dynamodb.us-east-1.amazonaws.com"},
}

// twinServices is the block the stand-ins' addresses come from (no Elastic
// IP is given one of them).
var twinServices = netip.MustParsePrefix("198.51.100.0/29")

// serviceStandIn is one service's stand-in host.
type serviceStandIn struct {
	service  string
	addr     netip.Addr
	ns       ns
	routerIf string // its link on the VPC router (the endpoint's path)
}

// startServices creates the stand-in hosts, linked to the test internet
// (which forwards to them) and to the VPC router (the endpoints' path; the
// router's tables route to it only for subnets with the endpoint's route).
func (t *Twin) startServices(vpc *netcheck.Vpc) error {
	if err := t.internet.ns.sysctl("net.ipv4.ip_forward=1"); err != nil {
		return err
	}
	for i, svc := range []string{"s3", "dynamodb"} {
		n, err := t.newNS(svc, false)
		if err != nil {
			return err
		}
		s := &serviceStandIn{service: svc, addr: netip.MustParseAddr(Services[svc]), ns: n, routerIf: fmt.Sprintf("s%d", i)}
		inetIf := fmt.Sprintf("s%d", i)
		if err := veth(t.internet.ns, inetIf, n, "i"); err != nil {
			return err
		}
		if err := veth(t.router, s.routerIf, n, "v"); err != nil {
			return err
		}
		link := fmt.Sprintf("192.0.2.%d", 200+i) // its address on the test internet's side
		steps := []step{
			{n, []string{"addr", "add", s.addr.String() + "/32", "dev", "lo"}},
			{n, []string{"addr", "add", link + "/32", "dev", "i"}},
			{n, []string{"route", "add", InternetHost + "/32", "dev", "i", "scope", "link"}},
			{n, []string{"route", "add", "default", "via", InternetHost, "dev", "i"}},
			{t.internet.ns, []string{"route", "add", link + "/32", "dev", inetIf, "scope", "link"}},
			{t.internet.ns, []string{"route", "add", s.addr.String() + "/32", "via", link, "dev", inetIf}},
			{n, []string{"route", "add", routerAddr + "/32", "dev", "v", "scope", "link"}},
			{n, []string{"route", "add", vpc.Cidr.Masked().String(), "via", routerAddr, "dev", "v"}},
			{t.router, []string{"addr", "add", routerAddr + "/32", "dev", s.routerIf}},
		}
		if err := runSteps(steps); err != nil {
			return err
		}
		l, err := n.listen("tcp", net.JoinHostPort(s.addr.String(), "443"))
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: http.HandlerFunc(echoSource), TLSConfig: t.internet.srv.TLSConfig, ReadHeaderTimeout: 10 * time.Second}
		t.closers = append(t.closers, srv)
		go srv.ServeTLS(l, "", "")
		t.services = append(t.services, s)
	}
	return nil
}

// echoSource answers with the source address the request came from.
func echoSource(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	// One connection per request: every invocation opens its own, from
	// the reply port the twin chose for it.
	w.Header().Set("Connection", "close")
	w.Write([]byte(host + "\n"))
}

// standIn is a service's stand-in, nil when the twin has none.
func (t *Twin) standIn(svc string) *serviceStandIn {
	for _, s := range t.services {
		if s.service == svc {
			return s
		}
	}
	return nil
}

// serviceOf is the service a prefix-list route leads to ("" when not
// known): from a template, "service:NAME"; from a deployed network, the
// gateway endpoint the route targets.
func (t *Twin) serviceOf(r netcheck.Route) string {
	if s, ok := strings.CutPrefix(r.PrefixList, "service:"); ok {
		return s
	}
	if ep := t.facts.VpcEndpoints[r.Target]; ep != nil && r.Kind == netcheck.TargetVpcEndpoint {
		return ep.Service
	}
	return ""
}

// endpointRoute is a prefix-list route as kernel routes in table n: the
// service's stand-in through the endpoint when the endpoint exists in the
// subnet's VPC and is available, else a blackhole (AWS drops traffic for a
// route whose endpoint is gone).
func (t *Twin) endpointRoute(b *routeBatch, rt *netcheck.RouteTable, r netcheck.Route, vpc *netcheck.Vpc, n int) {
	svc := t.serviceOf(r)
	s := t.standIn(svc)
	if s == nil {
		t.notef("route table %s: route to prefix list %s through %s: no stand-in for that service in the twin", rt.ID, r.PrefixList, r.Target)
		return
	}
	if t.endpointUsable(r, vpc) {
		b.add(false, "route add %s/32 via %s dev %s onlink table %d", s.addr, s.addr, s.routerIf, n)
		return
	}
	b.add(false, "route add blackhole %s/32 table %d", s.addr, n)
}

// endpointUsable says whether a prefix-list route's gateway endpoint
// carries traffic: it exists, is in the VPC and is available.
func (t *Twin) endpointUsable(r netcheck.Route, vpc *netcheck.Vpc) bool {
	ep := t.facts.VpcEndpoints[r.Target]
	return r.Kind == netcheck.TargetVpcEndpoint && ep != nil && (ep.VpcID == "" || ep.VpcID == vpc.ID) &&
		(ep.State == "" || strings.EqualFold(ep.State, "available"))
}

// serviceRoute is the endpoint route a subnet's route table has for svc
// (nil when none): it takes all of the service's traffic (a prefix-list
// route is more specific than the default route).
func (t *Twin) serviceRoute(sn *netcheck.Subnet, svc string) *netcheck.Route {
	rt := t.routeTableOf(sn)
	if rt == nil {
		return nil
	}
	for i, r := range rt.Routes {
		if r.PrefixList != "" && r.Kind == netcheck.TargetVpcEndpoint && t.serviceOf(r) == svc {
			return &rt.Routes[i]
		}
	}
	return nil
}
