package test

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/netcheck"
)

// netcheck on the ways out besides a NAT gateway: every variant passes for
// the destinations its topology serves, and each way out, broken one way at
// a time from the good template, fails naming the resource and the check.

var (
	internet6 = netcheck.Destination{Internet: netcheck.IPv6, Protocol: 6, Port: 443}
	toS3      = netcheck.Destination{Service: "s3", Protocol: 6, Port: 443}
	toDynamo  = netcheck.Destination{Service: "dynamodb", Protocol: 6, Port: 443}
)

func reportOf(r *netcheck.Report) string {
	var b bytes.Buffer
	r.WriteText(&b)
	return b.String()
}

func TestNetcheckWaysOutPass(t *testing.T) {
	for _, c := range []struct {
		variant string
		dest    netcheck.Destination
		want    []string // checks that must PASS on every subnet
	}{
		{"ipv6", internet6, []string{netcheck.CheckSubnetIpv6, netcheck.CheckEgressOnlyGateway, netcheck.CheckNaclOut, netcheck.CheckNaclReplyIn}},
		{"app", toS3, []string{netcheck.CheckGatewayEndpoint, netcheck.CheckNaclOut, netcheck.CheckNaclReplyIn}},
		{"app", toDynamo, []string{netcheck.CheckGatewayEndpoint, netcheck.CheckNaclOut, netcheck.CheckNaclReplyIn}},
		{"natPerAz", toS3, []string{netcheck.CheckGatewayEndpoint}},
		{"natInstances", netcheck.DefaultDestination, []string{netcheck.CheckNatInstance, netcheck.CheckSourceDestCheck, netcheck.CheckNatInstanceSgIn,
			netcheck.CheckNatInstanceSgOut, netcheck.CheckNatSubnetPublic, netcheck.CheckNatNaclReplyIn}},
	} {
		t.Run(c.variant+" "+c.dest.String(), func(t *testing.T) {
			f := get(t, c.variant)
			r := analyzeDest(t, clone(t, f), c.variant, c.dest)
			if !r.Reachable || r.Unknown {
				t.Fatalf("must be reachable:\n%s", reportOf(r))
			}
			for _, fr := range r.Functions {
				for _, s := range fr.Subnets {
					for _, name := range c.want {
						found := false
						for _, ch := range s.Checks {
							found = found || (ch.Name == name && ch.Status == netcheck.Pass)
						}
						if !found {
							t.Errorf("%s/%s: want PASS %s:\n%s", fr.Function, s.Subnet, name, reportOf(r))
						}
					}
				}
			}
		})
	}
	// The NAT instance's reply ports are the function's (its masquerade
	// keeps them), and the report says so.
	r := analyze(t, clone(t, get(t, "natInstances")), "natInstances")
	if c := r.Find(netcheck.CheckNatNaclReplyIn, netcheck.Pass); c == nil || !strings.Contains(c.Reason, "tcp/1024-65535 from the internet") {
		t.Errorf("the NAT instance's reply check must cover the function's source ports 1024-65535:\n%s", reportOf(r))
	}
	// The IPv6 blocks of a template are placeholders, and the report says so.
	r = analyzeDest(t, clone(t, get(t, "ipv6")), "ipv6", internet6)
	if c := r.Find(netcheck.CheckSubnetIpv6, netcheck.Pass); c == nil || !strings.Contains(c.Reason, "2001:db8:") || !strings.Contains(c.Reason, "placeholder") {
		t.Errorf("the subnet's IPv6 block must be named as a placeholder:\n%s", reportOf(r))
	}
	// Without an endpoint, --dest s3 follows the default route through the
	// NAT gateway, and says so.
	r = analyzeDest(t, clone(t, get(t, "natGatewayEips")), "natGatewayEips", toS3)
	warned := false
	for _, w := range r.Functions[0].Warnings {
		warned = warned || (w.Name == netcheck.CheckGatewayEndpoint && strings.Contains(w.Reason, "has no gateway endpoint route for s3"))
	}
	if !r.Reachable || !warned || r.Find(netcheck.CheckNatGateway, netcheck.Pass) == nil {
		t.Errorf("without an endpoint, s3 must be reached through the NAT gateway, with a warning:\n%s", reportOf(r))
	}
}

// byType returns the resources of a type whose logical id contains part.
func byType(f *fixture, typ, part string) []string {
	var out []string
	for _, id := range f.resources(typ) {
		if strings.Contains(id, part) {
			out = append(out, id)
		}
	}
	return out
}

// one returns the only resource of a type whose id contains part.
func one(t testing.TB, f *fixture, typ, part string) string {
	t.Helper()
	ids := byType(f, typ, part)
	if len(ids) != 1 {
		t.Fatalf("want one %s with %q in its id, got %v", typ, part, ids)
	}
	return ids[0]
}

// naclRule returns the entry of a network ACL with that rule number and
// direction.
func naclRule(t testing.TB, f *fixture, acl string, rule int, egress bool) string {
	t.Helper()
	for _, e := range f.resources("AWS::EC2::NetworkAclEntry") {
		p := f.props(e)
		if ref(p["NetworkAclId"]) == acl && p["RuleNumber"] == float64(rule) && p["Egress"] == egress {
			return e
		}
	}
	t.Fatalf("%s has no rule %d (egress %v)", acl, rule, egress)
	return ""
}

// brokenWayOut is a variant's template broken one way, and what netcheck
// must say about it for a destination.
type brokenWayOut struct {
	name    string
	fx      *fixture
	dest    netcheck.Destination
	break_  func(m tpl)
	check   string
	res     string
	subnets int // blocked subnets
	reason  string
	warning bool // the check is a warning, not a failure
}

// brokenWaysOut break each way out besides the NAT gateway one way at a
// time: netcheck must find each, and the twin must agree (twin_test.go).
func brokenWaysOut(t testing.TB) []brokenWayOut {
	inst, v6, perAz := get(t, "natInstances"), get(t, "ipv6"), get(t, "natPerAz")
	eni := one(t, inst, "AWS::EC2::NetworkInterface", "")
	natSg := one(t, inst, "AWS::EC2::SecurityGroup", "NatInstance")
	instance := one(t, inst, "AWS::EC2::Instance", "")
	instPublicACL := one(t, inst, "AWS::EC2::NetworkAcl", "Public")
	_, instPrivate := tiers(t, inst)
	v6PrivateRT := routeTableOf(t, v6, func() string { _, p := tiers(t, v6); return p[0] }())
	v6PrivateACL := one(t, v6, "AWS::EC2::NetworkAcl", "Private")
	eigw := one(t, v6, "AWS::EC2::EgressOnlyInternetGateway", "")
	v6Fn := one(t, v6, "AWS::Lambda::Function", "")
	v6Sg := one(t, v6, "AWS::EC2::SecurityGroup", "")
	var v6Route string
	for _, r := range v6.resources("AWS::EC2::Route") {
		if p := v6.props(r); ref(p["RouteTableId"]) == v6PrivateRT && p["DestinationIpv6CidrBlock"] == "::/0" {
			v6Route = r
		}
	}
	s3Endpoint := one(t, perAz, "AWS::EC2::VPCEndpoint", "S3")
	missingRT := ref(perAz.props(s3Endpoint)["RouteTableIds"].([]interface{})[1])

	return append([]brokenWayOut{
		{"NAT instance: source/destination check left on", inst, netcheck.DefaultDestination,
			func(m tpl) { m.props(eni)["SourceDestCheck"] = true },
			netcheck.CheckSourceDestCheck, eni, 2, "source/destination check is on for network interface " + eni, false},
		{"NAT instance: security group without ingress from one function subnet", inst, netcheck.DefaultDestination,
			func(m tpl) {
				p := m.props(natSg)
				p["SecurityGroupIngress"] = p["SecurityGroupIngress"].([]interface{})[:1]
			},
			netcheck.CheckNatInstanceSgIn, natSg, 1, "no inbound rule of the NAT instance's security group allows tcp/443 from 10.0.16.0/20", false},
		{"NAT instance: security group egress limited to port 80", inst, netcheck.DefaultDestination,
			func(m tpl) {
				m.props(natSg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}}
			},
			netcheck.CheckNatInstanceSgOut, natSg, 2, "no outbound rule of the NAT instance's security group allows tcp/443 to the internet", false},
		{"NAT instance: no Elastic IP", inst, netcheck.DefaultDestination,
			func(m tpl) { delete(m.res(), one(t, inst, "AWS::EC2::EIPAssociation", "")) },
			netcheck.CheckNatInstance, eni, 2, "has no public IPv4 address", false},
		{"NAT instance: interface attached to no instance", inst, netcheck.DefaultDestination,
			func(m tpl) { delete(m.res(), instance) },
			netcheck.CheckNatInstance, eni, 2, "is not attached to an instance", false},
		{"NAT instance: replies on ports 32768-65535 denied in its subnet", inst, netcheck.DefaultDestination,
			func(m tpl) {
				m.props(naclRule(t, inst, instPublicACL, 200, false))["PortRange"] = map[string]interface{}{"From": 1024, "To": 32767}
			},
			netcheck.CheckNatNaclReplyIn, instPublicACL, 2, "the reply coming back from the internet to the NAT instance (on the function's source ports, which the instance's masquerade keeps, 1024-65535): tcp ports 32768-65535 from the internet fall to the implicit deny", false},
		// The instance's masquerade keeps the function's source port (any
		// of 1024-65535): Linux's own ephemeral range is not enough.
		{"NAT instance: replies let in on Linux's ephemeral ports only", inst, netcheck.DefaultDestination,
			func(m tpl) {
				m.props(naclRule(t, inst, instPublicACL, 200, false))["PortRange"] = map[string]interface{}{"From": 32768, "To": 60999}
			},
			netcheck.CheckNatNaclReplyIn, instPublicACL, 2, "tcp ports 1024-32767, 61000-65535 from the internet fall to the implicit deny", false},
		{"NAT instance: in a private subnet", inst, netcheck.DefaultDestination,
			func(m tpl) {
				m.props(eni)["SubnetId"] = map[string]interface{}{"Fn::GetAtt": []interface{}{instPrivate[0], "SubnetId"}}
			},
			netcheck.CheckNatSubnetPublic, routeOf(t, inst, instPrivate[0]), 2, "the NAT instance sits in subnet " + instPrivate[0] + ", which is not public", false},
		{"IPv6: ::/0 route missing", v6, internet6,
			func(m tpl) { delete(m.res(), v6Route) },
			netcheck.CheckRoute, v6PrivateRT, 1, "route table " + v6PrivateRT + " has no route for the IPv6 internet", false},
		{"IPv6: egress-only gateway missing", v6, internet6,
			func(m tpl) { delete(m.res(), eigw) },
			netcheck.CheckRoute, v6Route, 2, "blackhole", false},
		{"IPv6: outbound IPv6 network ACL entry missing", v6, internet6,
			func(m tpl) { delete(m.res(), naclRule(t, v6, v6PrivateACL, 300, true)) },
			netcheck.CheckNaclOut, v6PrivateACL, 2, "tcp port 443 to the IPv6 internet falls to the implicit deny", false},
		{"IPv6: inbound ephemeral IPv6 network ACL entry missing", v6, internet6,
			func(m tpl) { delete(m.res(), naclRule(t, v6, v6PrivateACL, 310, false)) },
			netcheck.CheckNaclReplyIn, v6PrivateACL, 2, "tcp ports 1024-65535 from the IPv6 internet fall to the implicit deny", false},
		{"IPv6: the function does not allow IPv6", v6, internet6,
			func(m tpl) { delete(m.props(v6Fn)["VpcConfig"].(map[string]interface{}), "Ipv6AllowedForDualStack") },
			netcheck.CheckFunctionIpv6, v6Fn, 0, "Ipv6AllowedForDualStack is off", false},
		{"IPv6: dual-stack subnets, but the function does not allow IPv6 (warning)", v6, netcheck.DefaultDestination,
			func(m tpl) { delete(m.props(v6Fn)["VpcConfig"].(map[string]interface{}), "Ipv6AllowedForDualStack") },
			netcheck.CheckFunctionIpv6, v6Fn, 0, "IPv6 is enabled on the function's subnets but not on the function", true},
		{"IPv6: one function subnet without an IPv6 block", v6, netcheck.DefaultDestination,
			func(m tpl) {
				_, p := tiers(t, v6)
				delete(m.props(p[1]), "Ipv6CidrBlock")
			},
			netcheck.CheckFunctionIpv6, v6Fn, 0, "Lambda requires every subnet of the function to be dual-stack", false},
		{"IPv6: security group without IPv6 egress", v6, internet6,
			func(m tpl) {
				m.props(v6Sg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}}
			},
			netcheck.CheckSecurityGroup, v6Sg, 0, "no egress rule of the function's security group(s) allows tcp/443 to the IPv6 internet", false},
		{"IPv6: ::/0 to the internet gateway from a private subnet (warning)", v6, internet6,
			func(m tpl) {
				p := m.props(v6Route)
				delete(p, "EgressOnlyInternetGatewayId")
				p["GatewayId"] = map[string]interface{}{"Ref": one(t, v6, "AWS::EC2::InternetGateway", "")}
			},
			netcheck.CheckSubnetPublicIpv6, v6Route, 0, "the subnet is public for IPv6", true},
		{"gateway endpoint: missing from one private route table", perAz, toS3,
			func(m tpl) {
				p := m.props(s3Endpoint)
				rts := p["RouteTableIds"].([]interface{})
				p["RouteTableIds"] = append(append([]interface{}{}, rts[:1]...), rts[2:]...)
			},
			netcheck.CheckGatewayEndpoint, s3Endpoint, 1, "but not on route table " + missingRT, false},
		{"gateway endpoint: network ACL denies part of the internet (the service's addresses are not known)", get(t, "app"), toDynamo,
			func(m tpl) {
				m.add("DenyOneBlock", "AWS::EC2::NetworkAclEntry", aclEntryProps(one(t, get(t, "app"), "AWS::EC2::NetworkAcl", "Private"), 99, true, "deny", -1, "52.94.0.0/16", nil))
			},
			netcheck.CheckNaclOut, "DenyOneBlock", 2, "tcp/443 to 52.94.0.0/16 is denied by outbound rule 99", false},
	}, brokenRegionalWaysOut(t)...)
}

func TestNetcheckFindsEachBrokenWayOut(t *testing.T) {
	cases := brokenWaysOut(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tpl(clone(t, c.fx))
			c.break_(m)
			r := analyzeDest(t, m, c.name, c.dest)
			text := reportOf(r)
			if c.warning {
				if !r.Reachable {
					t.Fatalf("a warning must not block:\n%s", text)
				}
			} else if r.Reachable {
				t.Fatalf("the broken template must not be reachable:\n%s", text)
			}
			blocked, found := 0, false
			for _, fr := range r.Functions {
				all := append(append([]netcheck.Check{}, fr.Checks...), fr.Warnings...)
				for _, s := range fr.Subnets {
					if !s.Reachable {
						blocked++
					}
					all = append(all, s.Checks...)
				}
				for _, ch := range all {
					want := netcheck.Fail
					if c.warning {
						want = netcheck.Warn
					}
					if ch.Status == want && ch.Name == c.check && ch.Resource == c.res && strings.Contains(ch.Reason, c.reason) && ch.Fix != "" {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("want %s on %s (%q); report:\n%s", c.check, c.res, c.reason, text)
			}
			if blocked != c.subnets {
				t.Errorf("want %d blocked subnet(s), got %d:\n%s", c.subnets, blocked, text)
			}
		})
	}
}

// routeOf returns the 0.0.0.0/0 route of a subnet's route table.
func routeOf(t testing.TB, f *fixture, subnet string) string {
	id, _ := defaultRoute(t, f, routeTableOf(t, f, subnet))
	return id
}

func TestNetcheckCLIWaysOut(t *testing.T) {
	for _, c := range []struct {
		variant string
		args    []string
		code    int
		want    string
	}{
		{"ipv6", []string{"--dest", "internet6"}, 0, "REACHABLE: 1 function(s), 2 subnet(s), 0 blocked"},
		{"ipv6", []string{"--dest", "2606:4700::1111"}, 0, "destination 2606:4700::1111/128 tcp/443"},
		{"ipv6", []string{"--dest", "::/0"}, 0, "2001:db8::/56 is inside the VPC: local route"}, // the VPC's own (placeholder) block
		{"app", []string{"--dest", "s3"}, 0, "destination s3's addresses tcp/443"},
		{"app", []string{"--dest", "dynamodb"}, 0, "gateway endpoint"},
		{"natInstances", nil, 0, "NAT instance"},
		{"natInstances", []string{"--format", "dot"}, 0, `"route-table/VpcLambdaPrivateRouteTable184E7F918" -> "nat-instance/`},
		{"ipv6", []string{"--format", "dot", "--dest", "internet6"}, 0, `-> "egress-only-internet-gateway/`},
		{"ipv6", []string{"--format", "dot"}, 0, `style=dashed, label="::/0\n(netcheck --dest internet6)"`},
		{"app", []string{"--format", "dot", "--dest", "s3"}, 0, `-> "service/s3" [color="#2e7d32"`},
	} {
		t.Run(fmt.Sprintf("%s %v", c.variant, c.args), func(t *testing.T) {
			f := get(t, c.variant)
			var out, errOut bytes.Buffer
			code := netcheck.RunCLI(append(c.args, f.File), nil, &out, &errOut)
			all := out.String() + errOut.String()
			if code != c.code || !strings.Contains(all, c.want) {
				t.Errorf("exit %d (want %d), want %q in:\n%s", code, c.code, c.want, all)
			}
		})
	}
}

// The service's addresses are not known from a template: a CIDR route
// beside the endpoint's route may take part of them, and netcheck says it
// cannot tell (UNKNOWN, exit status 2), naming the route.
func TestNetcheckServiceWithSpecificRoute(t *testing.T) {
	f := get(t, "app")
	a := ids(t, f)
	m := tpl(clone(t, f))
	m.add("SpecificRoute", "AWS::EC2::Route", map[string]interface{}{
		"RouteTableId":         map[string]interface{}{"Fn::GetAtt": []interface{}{a.privateRT, "RouteTableId"}},
		"DestinationCidrBlock": "52.0.0.0/8", "NatGatewayId": map[string]interface{}{"Ref": a.nat}})
	r := analyzeDest(t, m, "specific route", toS3)
	c := r.Find(netcheck.CheckRoute, netcheck.Unknown)
	if r.Reachable || !r.Unknown || len(r.Failures()) != 0 || c == nil || c.Resource != "SpecificRoute" || !strings.Contains(c.Reason, "may be more specific than some of s3's prefix-list blocks") {
		t.Errorf("want UNKNOWN route SpecificRoute:\n%s", reportOf(r))
	}
	// With the service's addresses known (Destination.Prefix), netcheck
	// decides: a route less specific than them, or beside them, takes
	// none of their traffic; one inside them and more specific still may.
	for _, c := range []struct {
		block   string
		unknown bool
	}{{"52.1.2.0/24", false}, {"198.51.100.2/32", false}, {"52.0.0.0/7", true}} {
		known := toS3
		known.Prefix = netip.MustParsePrefix(c.block)
		r := analyzeDest(t, m, "specific route, known blocks", known)
		if r.Unknown != c.unknown || (!c.unknown && !r.Reachable) {
			t.Errorf("s3's addresses %s beside route 52.0.0.0/8: unknown=%v, want %v:\n%s", c.block, r.Unknown, c.unknown, reportOf(r))
		}
	}
}

// AWS advises routing to a NAT instance's network interface; a route to the
// instance itself reaches the same interface (its primary one) and passes
// the same checks.
func TestNetcheckRouteToTheNatInstance(t *testing.T) {
	f := get(t, "natInstances")
	instance := one(t, f, "AWS::EC2::Instance", "")
	m := tpl(clone(t, f))
	for _, rt := range privateTables(t, f) {
		id, _ := defaultRoute(t, f, rt)
		p := m.props(id)
		delete(p, "NetworkInterfaceId")
		p["InstanceId"] = map[string]interface{}{"Ref": instance}
	}
	r := analyze(t, m, "route to the instance")
	if !r.Reachable || r.Unknown || r.Find(netcheck.CheckSourceDestCheck, netcheck.Pass) == nil {
		t.Errorf("a route to the NAT instance must pass:\n%s", reportOf(r))
	}
}
