package test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/netcheck"
)

// dnsCase is the app's template changed in one DNS way: what netcheck
// must say about the name the function asks for, and (in the twin's
// cross-check) what the real function, asking for it, must agree with.
type dnsCase struct {
	name     string
	question string // the function's CHECKIP_URL host
	change   func(m tpl, a appIDs)
	check    string
	status   netcheck.Status
	want     string // in the check's reason or fix
	// subnets is how many function subnets fail (0 for a valid case).
	subnets int
}

// dnsServer is the custom DNS server of the cases that have one inside the
// VPC: an address of the app's public subnet (10.0.255.0/24), so the
// function's queries cross a subnet boundary (and its network ACLs).
const dnsServer = "10.0.255.53"

func dnsCases() []dnsCase {
	dhcp := func(m tpl, a appIDs, servers ...interface{}) {
		m.add("DnsOptions", "AWS::EC2::DHCPOptions", map[string]interface{}{"DomainNameServers": servers})
		m.add("DnsOptionsAssoc", "AWS::EC2::VPCDHCPOptionsAssociation", map[string]interface{}{
			"VpcId": map[string]interface{}{"Ref": a.vpc}, "DhcpOptionsId": map[string]interface{}{"Ref": "DnsOptions"}})
	}
	allowList := func(m tpl, a appIDs, domains ...interface{}) {
		id := func(r string) interface{} { return map[string]interface{}{"Fn::GetAtt": []interface{}{r, "Id"}} }
		m.add("AllowedDomains", "AWS::Route53Resolver::FirewallDomainList", map[string]interface{}{"Domains": domains})
		m.add("AllDomains", "AWS::Route53Resolver::FirewallDomainList", map[string]interface{}{"Domains": []interface{}{"*"}})
		m.add("DnsRules", "AWS::Route53Resolver::FirewallRuleGroup", map[string]interface{}{"FirewallRules": []interface{}{
			map[string]interface{}{"Action": "ALLOW", "Priority": 100, "FirewallDomainListId": id("AllowedDomains")},
			map[string]interface{}{"Action": "BLOCK", "BlockResponse": "NXDOMAIN", "Priority": 200, "FirewallDomainListId": id("AllDomains")},
		}})
		m.add("DnsRulesAssoc", "AWS::Route53Resolver::FirewallRuleGroupAssociation", map[string]interface{}{
			"VpcId": map[string]interface{}{"Ref": a.vpc}, "FirewallRuleGroupId": id("DnsRules"), "Priority": 1000})
	}
	return []dnsCase{
		{name: "DNS support off", change: func(m tpl, a appIDs) { m.props(a.vpc)["EnableDnsSupport"] = false },
			check: netcheck.CheckDnsResolver, status: netcheck.Fail, want: "EnableDnsSupport false", subnets: 2},
		{name: "custom DNS server reachable", change: func(m tpl, a appIDs) { dhcp(m, a, dnsServer) },
			check: netcheck.CheckDnsServerPath, status: netcheck.Pass, want: dnsServer},
		{name: "custom DNS server blocked by the security group", change: func(m tpl, a appIDs) {
			dhcp(m, a, dnsServer)
			m.props(a.sg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}}
		}, check: netcheck.CheckDnsServerSg, status: netcheck.Fail, want: "DNS (udp/53) to server " + dnsServer, subnets: 2},
		{name: "custom DNS server blocked by a network ACL", change: func(m tpl, a appIDs) {
			dhcp(m, a, dnsServer)
			m.add("DenyDns", "AWS::EC2::NetworkAclEntry", map[string]interface{}{
				"NetworkAclId": map[string]interface{}{"Fn::GetAtt": []interface{}{a.privateACL, "Id"}}, "RuleNumber": 90, "Protocol": -1,
				"RuleAction": "deny", "Egress": true, "CidrBlock": dnsServer + "/32"})
		}, check: netcheck.CheckDnsServerPath, status: netcheck.Fail, want: "denied by outbound rule 90", subnets: 2},
		{name: "custom DNS server behind a blackhole route", change: func(m tpl, a appIDs) {
			dhcp(m, a, "198.18.0.53")
			m.add("DnsRoute", "AWS::EC2::Route", map[string]interface{}{
				"RouteTableId": map[string]interface{}{"Ref": a.privateRT}, "DestinationCidrBlock": "198.18.0.0/16",
				"NatGatewayId": "nat-0000000000000dead"})
		}, check: netcheck.CheckDnsServerPath, status: netcheck.Fail, want: "blackhole", subnets: 2},
		{name: "custom DNS server on the internet", change: func(m tpl, a appIDs) { dhcp(m, a, "198.18.0.53") },
			check: netcheck.CheckDnsServerPath, status: netcheck.Pass, want: "NAT gateway"},
		{name: "allowed name", question: "api.example.com", change: func(m tpl, a appIDs) { allowList(m, a, "api.example.com") },
			check: netcheck.CheckDnsFirewall, status: netcheck.Pass, want: "ALLOW"},
		{name: "blocked name", question: "other.example.org", change: func(m tpl, a appIDs) { allowList(m, a, "api.example.com") },
			check: netcheck.CheckDnsFirewall, status: netcheck.Fail, want: "NXDOMAIN", subnets: 2},
		{name: "allowed wildcard subdomain", question: "api.example.com", change: func(m tpl, a appIDs) { allowList(m, a, "*.example.com") },
			check: netcheck.CheckDnsFirewall, status: netcheck.Pass, want: "entry *.example.com"},
		{name: "wildcard does not match the apex", question: "example.com", change: func(m tpl, a appIDs) { allowList(m, a, "*.example.com") },
			check: netcheck.CheckDnsFirewall, status: netcheck.Fail, want: "not example.com itself", subnets: 2},
	}
}

// dnsTemplate is the app's template with one DNS case applied, the
// function asking for the case's name.
func dnsTemplate(t testing.TB, c dnsCase) (*fixture, tpl) {
	app := get(t, "app")
	m := tpl(clone(t, app))
	a := ids(t, app)
	c.change(m, a)
	if c.question != "" {
		m.props(a.fn)["Environment"] = map[string]interface{}{"Variables": map[string]interface{}{"CHECKIP_URL": "https://" + c.question + "/"}}
	}
	return app, m
}

// dnsTwinCases are the DNS cases for the twin's cross-check.
func dnsTwinCases(t testing.TB) []twinCase {
	var out []twinCase
	for _, c := range dnsCases() {
		fx, m := dnsTemplate(t, c)
		out = append(out, twinCase{"dns " + c.name, fx, m, nil, c.question})
	}
	return out
}

// Each DNS cause, on the app's template, is the failing check netcheck
// names, on the function subnets it concerns; the valid cases pass
// everywhere. The question is the name the function asks for, at the
// twin's test host, as the cross-check asks it.
func TestNetcheckDnsCases(t *testing.T) {
	for _, c := range dnsCases() {
		t.Run(c.name, func(t *testing.T) {
			_, m := dnsTemplate(t, c)
			name := c.question
			if name == "" {
				name = "checkip.amazonaws.com"
			}
			dest := twinDest
			dest.Name = name
			r := analyzeDest(t, m, c.name, dest)
			var b bytes.Buffer
			r.WriteText(&b)
			got := r.Find(c.check, c.status)
			if got == nil || !strings.Contains(got.Reason+" "+got.Fix, c.want) {
				t.Fatalf("want %s %s with %q:\n%s", c.status, c.check, c.want, b.String())
			}
			failed := 0
			for _, fr := range r.Functions {
				for _, s := range fr.Subnets {
					if !s.Reachable {
						failed++
					}
				}
				for _, ch := range fr.Checks {
					if ch.Name == netcheck.CheckDnsFirewall && ch.Status == netcheck.Fail {
						failed += len(fr.Subnets)
					}
				}
			}
			if failed != c.subnets {
				t.Errorf("%d function subnets fail, want %d:\n%s", failed, c.subnets, b.String())
			}
			if (c.subnets == 0) != r.Reachable {
				t.Errorf("reachable %v:\n%s", r.Reachable, b.String())
			}
		})
	}
}
