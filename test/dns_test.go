package test

import (
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/netcheck"
)

// allowedDomains is the allow-list of the allowedDomains variants.
var allowedDomains = []string{"api.example.com", "*.amazonaws.com"}

// The construct's allow-list, resource by resource: the two domain
// lists, the rule group (allow first, then block everything with
// NXDOMAIN), its association with the VPC and the fail-closed
// FirewallConfig, all before the function; then netcheck reads the
// synthesized template and decides names the way the allow-list means.
func TestAllowedDomains(t *testing.T) {
	for _, name := range []string{"allowedDomains", "existingVpcAllowedDomains"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			lists := f.resources("AWS::Route53Resolver::FirewallDomainList")
			groups := f.resources("AWS::Route53Resolver::FirewallRuleGroup")
			assocs := f.resources("AWS::Route53Resolver::FirewallRuleGroupAssociation")
			configs := f.resources("AWS::Route53Resolver::FirewallConfig")
			if len(lists) != 2 || len(groups) != 1 || len(assocs) != 1 || len(configs) != 1 {
				t.Fatalf("want 2 domain lists, 1 rule group, 1 association, 1 config; got %v %v %v %v", lists, groups, assocs, configs)
			}
			vpcs := f.resources("AWS::EC2::VPC")
			if len(vpcs) != 1 {
				t.Fatalf("one VPC, got %v", vpcs)
			}
			a := f.props(assocs[0])
			if ref(a["VpcId"]) != vpcs[0] || ref(a["FirewallRuleGroupId"]) != groups[0] || js(a["Priority"]) != "1000" {
				t.Errorf("association %s", js(a))
			}
			c := f.props(configs[0])
			if ref(c["ResourceId"]) != vpcs[0] || c["FirewallFailOpen"] != "DISABLED" {
				t.Errorf("FirewallConfig must fail closed on the VPC: %s", js(c))
			}
			rules, _ := f.props(groups[0])["FirewallRules"].([]interface{})
			if len(rules) != 2 {
				t.Fatalf("rules %s", js(rules))
			}
			allow, block := rules[0].(map[string]interface{}), rules[1].(map[string]interface{})
			if allow["Action"] != "ALLOW" || block["Action"] != "BLOCK" || block["BlockResponse"] != "NXDOMAIN" ||
				allow["Priority"].(float64) >= block["Priority"].(float64) || allow["FirewallDomainRedirectionAction"] != "TRUST_REDIRECTION_DOMAIN" {
				t.Errorf("allow first, then block: %s", js(rules))
			}
			for _, fn := range f.resources("AWS::Lambda::Function") {
				if d := f.dependsOn(fn); !d[assocs[0]] || !d[configs[0]] {
					t.Errorf("function %s must be created after the allow-list is in force: DependsOn %v", fn, d)
				}
			}

			// netcheck --cost prices the domain names stored (the list's
			// and "*") and the queries the association filters.
			est, err := netcheck.EstimateCost([]string{f.File}, nil, netcheck.Options{Region: "us-east-1"}, netcheck.CostAssumptions{Region: "us-east-1", DNSQueriesPerMonth: 10e6})
			if err != nil {
				t.Fatal(err)
			}
			var domains, queries float64
			for _, l := range est.Lines {
				switch l.Item {
				case "DNS firewall domain names":
					domains += l.Quantity
				case "DNS firewall queries (millions)":
					queries += l.Quantity
				}
			}
			if domains != float64(len(allowedDomains)+1) || queries != 10 {
				t.Errorf("cost: %v domain names (want %d), %v million queries (want 10)", domains, len(allowedDomains)+1, queries)
			}

			_, facts := templateFacts(t, f.JSON, name)
			for _, c := range []struct {
				name   string
				status netcheck.Status
				want   string
			}{
				{"api.example.com", netcheck.Pass, "ALLOW"},
				{"sts.us-east-1.amazonaws.com", netcheck.Pass, "entry *.amazonaws.com"},
				{"amazonaws.com", netcheck.Fail, "not amazonaws.com itself"},
				{"evil.example.org", netcheck.Fail, "NXDOMAIN"},
			} {
				r, err := netcheck.Analyze(facts, netcheck.Destination{Name: c.name, Internet: netcheck.IPv4, Protocol: 6, Port: 443}, "")
				if err != nil {
					t.Fatal(err)
				}
				got := r.Find(netcheck.CheckDnsFirewall)
				if got == nil || got.Status != c.status || !strings.Contains(got.Reason+got.Fix, c.want) {
					t.Errorf("%s: %+v, want %s with %q", c.name, got, c.status, c.want)
				}
				if (c.status == netcheck.Pass) != r.Reachable {
					t.Errorf("%s: reachable %v", c.name, r.Reachable)
				}
			}
		})
	}
}

// The construct accepts exactly the domain list entries netcheck
// models DNS Firewall accepting (one rule, internal/dnsname; netcheck
// also takes a name's trailing dot).
func TestAllowedDomainRulesAgreeWithNetcheck(t *testing.T) {
	for _, d := range []string{"api.example.com", "*.example.com", "API.Example.COM", "a-b.c", "a_b.c", "a..b", "*.", "**.x", "x.*", "a.b/c", "é.example", strings.Repeat("a", 256)} {
		err := vpclambda.DomainProblem(d)
		if (err != "") != (netcheck.ValidDomainEntry(d) != "") {
			t.Errorf("%q: construct says %q, netcheck says %q", d, err, netcheck.ValidDomainEntry(d))
		}
	}
}
