//go:build lifecycle

package lifecycle

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"

	"github.com/vpclambda/vpclambda/internal/localaws"
	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

// lifecycleAllowed is the allow-list the lifecycle adds and removes.
var lifecycleAllowed = []string{"api.example.com", "*.amazonaws.com"}

// allowListDeployed: the VPC has the rule group (allow, then block with
// NXDOMAIN) at priority 1000, the allowed domains, fail closed; and
// netcheck --stack, reading the same through Route 53 Resolver's API,
// lets an allowed name and an allowed wildcard subdomain resolve and
// reports a name outside the list blocked by the block rule.
func allowListDeployed(ctx context.Context, c *clients, outputs map[string]string) error {
	vpc := outputs["VpcId"]
	r := route53resolver.NewFromConfig(c.cfg)
	assocs, err := r.ListFirewallRuleGroupAssociations(ctx, &route53resolver.ListFirewallRuleGroupAssociationsInput{VpcId: aws.String(vpc)})
	if err != nil {
		return err
	}
	if len(assocs.FirewallRuleGroupAssociations) != 1 || aws.ToInt32(assocs.FirewallRuleGroupAssociations[0].Priority) != 1000 {
		return fmt.Errorf("VPC %s: want one rule group association at priority 1000, got %+v", vpc, assocs.FirewallRuleGroupAssociations)
	}
	rules, err := r.ListFirewallRules(ctx, &route53resolver.ListFirewallRulesInput{FirewallRuleGroupId: assocs.FirewallRuleGroupAssociations[0].FirewallRuleGroupId})
	if err != nil {
		return err
	}
	sort.Slice(rules.FirewallRules, func(i, j int) bool {
		return aws.ToInt32(rules.FirewallRules[i].Priority) < aws.ToInt32(rules.FirewallRules[j].Priority)
	})
	if n := len(rules.FirewallRules); n != 2 || rules.FirewallRules[0].Action != "ALLOW" || rules.FirewallRules[1].Action != "BLOCK" || rules.FirewallRules[1].BlockResponse != "NXDOMAIN" {
		return fmt.Errorf("rules: want ALLOW then BLOCK NXDOMAIN, got %+v", rules.FirewallRules)
	}
	domains, err := r.ListFirewallDomains(ctx, &route53resolver.ListFirewallDomainsInput{FirewallDomainListId: rules.FirewallRules[0].FirewallDomainListId})
	if err != nil {
		return err
	}
	if strings.Join(domains.Domains, ",") != strings.Join(lifecycleAllowed, ",") {
		return fmt.Errorf("allowed domains %v, want %v", domains.Domains, lifecycleAllowed)
	}
	cfg, err := r.GetFirewallConfig(ctx, &route53resolver.GetFirewallConfigInput{ResourceId: aws.String(vpc)})
	if err != nil {
		return err
	}
	if cfg.FirewallConfig.FirewallFailOpen != "DISABLED" {
		return fmt.Errorf("FirewallFailOpen %s, want DISABLED", cfg.FirewallConfig.FirewallFailOpen)
	}

	facts, err := awsfacts.NewClients(c.cfg).FromStack(ctx, stack)
	if err != nil {
		return err
	}
	for _, want := range []struct {
		name   string
		status netcheck.Status
		has    string
	}{
		{"api.example.com", netcheck.Pass, "ALLOW"},
		{"sts.us-east-1.amazonaws.com", netcheck.Pass, "entry *.amazonaws.com"},
		{"blocked.example.org", netcheck.Fail, "NXDOMAIN"},
	} {
		rep, err := netcheck.Analyze(facts, netcheck.Destination{Name: want.name, Internet: netcheck.IPv4, Protocol: 6, Port: 443}, "")
		if err != nil {
			return err
		}
		got := rep.Find(netcheck.CheckDnsFirewall)
		if got == nil || got.Status != want.status || !strings.Contains(got.Reason, want.has) {
			return fmt.Errorf("netcheck --stack --dest %s: %+v, want %s with %q", want.name, got, want.status, want.has)
		}
	}
	return nil
}

// allowListRemoved: no association, rule group or domain list is left,
// and netcheck --stack lets any name through again.
func allowListRemoved(ctx context.Context, c *clients, outputs map[string]string) error {
	r := route53resolver.NewFromConfig(c.cfg)
	assocs, err := r.ListFirewallRuleGroupAssociations(ctx, &route53resolver.ListFirewallRuleGroupAssociationsInput{VpcId: aws.String(outputs["VpcId"])})
	if err != nil {
		return err
	}
	groups, err := r.ListFirewallRuleGroups(ctx, &route53resolver.ListFirewallRuleGroupsInput{})
	if err != nil {
		return err
	}
	lists, err := r.ListFirewallDomainLists(ctx, &route53resolver.ListFirewallDomainListsInput{})
	if err != nil {
		return err
	}
	if len(assocs.FirewallRuleGroupAssociations)+len(groups.FirewallRuleGroups)+len(lists.FirewallDomainLists) != 0 {
		return fmt.Errorf("left after removing the allow-list: %d associations, %d rule groups, %d domain lists",
			len(assocs.FirewallRuleGroupAssociations), len(groups.FirewallRuleGroups), len(lists.FirewallDomainLists))
	}
	facts, err := awsfacts.NewClients(c.cfg).FromStack(ctx, stack)
	if err != nil {
		return err
	}
	rep, err := netcheck.Analyze(facts, netcheck.Destination{Name: "blocked.example.org", Internet: netcheck.IPv4, Protocol: 6, Port: 443}, "")
	if err != nil {
		return err
	}
	if got := rep.Find(netcheck.CheckDnsFirewall); got == nil || got.Status != netcheck.Pass {
		return fmt.Errorf("after removing the allow-list: %+v", got)
	}
	return nil
}

// invokeBlockedName invokes the function (in the VPC twin of the deployed
// network) when DNS Firewall blocks the name it asks for: its lookup must
// fail as DNS Firewall answers (NXDOMAIN: no such host), and netcheck
// --stack must say the same name is blocked.
func invokeBlockedName(ctx context.Context, c *clients, outputs map[string]string, name string) error {
	facts, err := awsfacts.NewClients(c.cfg).FromStack(ctx, stack)
	if err != nil {
		return err
	}
	rep, err := netcheck.Analyze(facts, netcheck.Destination{Name: name, Internet: netcheck.IPv4, Protocol: 6, Port: 443}, "")
	if err != nil {
		return err
	}
	if got := rep.Find(netcheck.CheckDnsFirewall); got == nil || got.Status != netcheck.Fail {
		return fmt.Errorf("netcheck --stack --dest %s: %+v, want FAIL", name, got)
	}
	if !c.twin {
		return nil
	}
	r, err := localaws.Invoke(ctx, c.cfg, outputs["FunctionName"], outputs["NatPublicIps"])
	if err != nil {
		return err
	}
	if r.Pass || !strings.Contains(r.Error, "lookup "+name) || !strings.Contains(r.Error, "no such host") {
		return fmt.Errorf("the function answered %s with %s blocked; want its lookup to fail with no such host", r, name)
	}
	return nil
}
