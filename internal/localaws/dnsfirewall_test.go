//go:build lifecycle

package localaws

// DNS Firewall in the emulator (test/emulator/patches/route53resolver_*):
// a hand-written template's domain lists, rule group, association and
// FirewallConfig, as Route 53 Resolver's read APIs show them after a
// deploy and an in-place update, nothing left after the deletion, and the
// templates AWS rejects failing here too.

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
)

func testDnsFirewall(t *testing.T, e *egressEnv) {
	r := route53resolver.NewFromConfig(e.cfg)
	out := e.deploy(t, "DnsFirewall", template(t, "dns-firewall", nil), false)
	vpc := out["VpcId"]
	check := func(wantDomains []string, wantPriority int32, wantFailOpen string) {
		t.Helper()
		assocs, err := r.ListFirewallRuleGroupAssociations(e.ctx, &route53resolver.ListFirewallRuleGroupAssociationsInput{VpcId: aws.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		if len(assocs.FirewallRuleGroupAssociations) != 1 {
			t.Fatalf("associations of %s: %d", vpc, len(assocs.FirewallRuleGroupAssociations))
		}
		a := assocs.FirewallRuleGroupAssociations[0]
		if aws.ToString(a.Id) != out["AssociationId"] || aws.ToString(a.FirewallRuleGroupId) != out["RuleGroupId"] || aws.ToInt32(a.Priority) != wantPriority || a.Status != "COMPLETE" {
			t.Errorf("association %+v", a)
		}
		rules, err := r.ListFirewallRules(e.ctx, &route53resolver.ListFirewallRulesInput{FirewallRuleGroupId: a.FirewallRuleGroupId})
		if err != nil {
			t.Fatal(err)
		}
		var desc []string
		for _, x := range rules.FirewallRules {
			desc = append(desc, fmt.Sprintf("%d %s %s %s", aws.ToInt32(x.Priority), x.Action, x.BlockResponse, x.FirewallDomainRedirectionAction))
		}
		sort.Strings(desc)
		if got := strings.Join(desc, "; "); got != "100 ALLOW  TRUST_REDIRECTION_DOMAIN; 200 BLOCK NXDOMAIN " {
			t.Errorf("rules: %s", got)
		}
		domains, err := r.ListFirewallDomains(e.ctx, &route53resolver.ListFirewallDomainsInput{FirewallDomainListId: aws.String(out["AllowedListId"])})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(domains.Domains, ",") != strings.Join(wantDomains, ",") {
			t.Errorf("domains %v, want %v", domains.Domains, wantDomains)
		}
		cfg, err := r.GetFirewallConfig(e.ctx, &route53resolver.GetFirewallConfigInput{ResourceId: aws.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		if string(cfg.FirewallConfig.FirewallFailOpen) != wantFailOpen {
			t.Errorf("FirewallFailOpen %s, want %s", cfg.FirewallConfig.FirewallFailOpen, wantFailOpen)
		}
	}
	check([]string{"api.example.com", "*.amazonaws.com"}, 1000, "DISABLED")

	// An update in place: other domains, another priority, fail open.
	updated := e.deploy(t, "DnsFirewall", template(t, "dns-firewall", func(res map[string]any) {
		props(res, "Allowed")["Domains"] = []any{"api.example.com", "*.example.org"}
		props(res, "Association")["Priority"] = 2000
		props(res, "Config")["FirewallFailOpen"] = "ENABLED"
	}), true)
	if updated["AssociationId"] != out["AssociationId"] || updated["AllowedListId"] != out["AllowedListId"] {
		t.Errorf("an in-place update replaced resources: %v -> %v", out, updated)
	}
	check([]string{"api.example.com", "*.example.org"}, 2000, "ENABLED")

	e.destroy(t, "DnsFirewall", vpc)
	if lists, err := r.ListFirewallDomainLists(e.ctx, &route53resolver.ListFirewallDomainListsInput{}); err != nil || len(lists.FirewallDomainLists) != 0 {
		t.Errorf("domain lists left: %v %v", lists, err)
	}
}

func testDnsFirewallRejected(t *testing.T, e *egressEnv) {
	cases := []struct {
		name, resource, reason string
		edit                   func(map[string]any)
	}{
		{"association priority 100", "Association", "between 100 and 9900",
			func(r map[string]any) { props(r, "Association")["Priority"] = 100 }},
		{"a domain with an underscore", "Allowed", "my_api.example.com",
			func(r map[string]any) { props(r, "Allowed")["Domains"] = []any{"my_api.example.com"} }},
		{"a BLOCK rule without a block response", "Rules", "BlockResponse",
			func(r map[string]any) {
				delete(props(r, "Rules")["FirewallRules"].([]any)[1].(map[string]any), "BlockResponse")
			}},
		{"two rules of one priority", "Rules", "Priority 100 is used",
			func(r map[string]any) {
				props(r, "Rules")["FirewallRules"].([]any)[1].(map[string]any)["Priority"] = 100
			}},
		{"a fail-open value AWS does not know", "Config", "FirewallFailOpen",
			func(r map[string]any) { props(r, "Config")["FirewallFailOpen"] = "OPEN" }},
		{"a rule on a domain list that does not exist", "Rules", "does not exist",
			func(r map[string]any) {
				props(r, "Rules")["FirewallRules"].([]any)[0].(map[string]any)["FirewallDomainListId"] = "rslvr-fdl-0000000000000000"
			}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.tryDeploy(fmt.Sprintf("DnsFirewallRejected%d", i), template(t, "dns-firewall", c.edit), false)
			if err == nil {
				t.Fatalf("the emulator deployed a template AWS rejects (%s)", c.name)
			}
			for _, want := range []string{"ROLLBACK_COMPLETE", c.resource, c.reason} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the failure does not mention %q: %v", want, err)
				}
			}
		})
	}
}
