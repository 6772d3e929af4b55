package awsfacts

// A deployed VPC's Route 53 Resolver DNS Firewall: the rule groups
// associated with it, their rules, the domain lists the rules use, and the
// VPC's FirewallConfig. Anything that cannot be read makes the DNS
// Firewall verdicts UNKNOWN with the reason, never a guess.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/vpclambda/vpclambda/netcheck"
)

// loadDnsFirewall reads DNS Firewall for one VPC into f.DnsFirewall.
func (c *Clients) loadDnsFirewall(ctx context.Context, f *netcheck.Facts, vpcID string) {
	if c.Route53Resolver == nil {
		f.DnsFirewall.NotRead = dnsFirewallNotRead
		return
	}
	if err := c.readDnsFirewall(ctx, f, vpcID); err != nil {
		f.DnsFirewall.NotRead = fmt.Sprintf("reading DNS Firewall of VPC %s: %v", vpcID, err)
	}
}

func (c *Clients) readDnsFirewall(ctx context.Context, f *netcheck.Facts, vpcID string) error {
	fw := &f.DnsFirewall
	p := route53resolver.NewListFirewallRuleGroupAssociationsPaginator(c.Route53Resolver, &route53resolver.ListFirewallRuleGroupAssociationsInput{VpcId: aws.String(vpcID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListFirewallRuleGroupAssociations: %w", err)
		}
		for _, a := range page.FirewallRuleGroupAssociations {
			fa := associationFromSDK(a)
			fw.Associations = append(fw.Associations, fa)
			if fa.Opaque != "" || fw.RuleGroups[fa.RuleGroup] != nil {
				continue
			}
			if err := c.readRuleGroup(ctx, fw, fa.RuleGroup); err != nil {
				return err
			}
		}
	}
	cfg, err := c.Route53Resolver.GetFirewallConfig(ctx, &route53resolver.GetFirewallConfigInput{ResourceId: aws.String(vpcID)})
	if err != nil {
		return fmt.Errorf("GetFirewallConfig: %w", err)
	}
	if cfg.FirewallConfig != nil && cfg.FirewallConfig.FirewallFailOpen != "" {
		fw.FailOpen[vpcID] = string(cfg.FirewallConfig.FirewallFailOpen)
	}
	return nil
}

// associationFromSDK maps an association; one that is not (or no longer)
// in force is opaque: its effect cannot be known from here.
func associationFromSDK(a r53types.FirewallRuleGroupAssociation) *netcheck.FirewallAssociation {
	fa := &netcheck.FirewallAssociation{ID: aws.ToString(a.Id), RuleGroup: aws.ToString(a.FirewallRuleGroupId), VpcID: aws.ToString(a.VpcId), Priority: int(aws.ToInt32(a.Priority))}
	if a.Status != "" && a.Status != r53types.FirewallRuleGroupAssociationStatusComplete {
		fa.Opaque = fmt.Sprintf("its status is %s (%s)", a.Status, aws.ToString(a.StatusMessage))
	}
	return fa
}

// readRuleGroup reads a rule group's rules and the domain lists they use.
func (c *Clients) readRuleGroup(ctx context.Context, fw *netcheck.DnsFirewall, id string) error {
	g := &netcheck.FirewallRuleGroup{ID: id}
	fw.RuleGroups[id] = g
	p := route53resolver.NewListFirewallRulesPaginator(c.Route53Resolver, &route53resolver.ListFirewallRulesInput{FirewallRuleGroupId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListFirewallRules %s: %w", id, err)
		}
		for _, r := range page.FirewallRules {
			rule := ruleFromSDK(r)
			g.Rules = append(g.Rules, rule)
			if rule.DomainList == "" || fw.DomainLists[rule.DomainList] != nil {
				continue
			}
			if err := c.readDomainList(ctx, fw, rule.DomainList); err != nil {
				return err
			}
		}
	}
	return nil
}

// ruleFromSDK maps a rule; a rule without a domain list (DNS Firewall
// Advanced, threat protection) cannot be evaluated here.
func ruleFromSDK(r r53types.FirewallRule) netcheck.FirewallRule {
	rule := netcheck.FirewallRule{Priority: int(aws.ToInt32(r.Priority)), Action: string(r.Action), BlockResponse: string(r.BlockResponse),
		DomainList: aws.ToString(r.FirewallDomainListId), Qtype: aws.ToString(r.Qtype)}
	if rule.DomainList == "" {
		rule.Opaque = "rule " + aws.ToString(r.Name) + " has no domain list (a DNS Firewall Advanced or threat protection rule), which netcheck does not evaluate"
	}
	return rule
}

// readDomainList reads a domain list's entries; an AWS-managed list's
// entries are not readable, so it is opaque.
func (c *Clients) readDomainList(ctx context.Context, fw *netcheck.DnsFirewall, id string) error {
	l := &netcheck.FirewallDomainList{ID: id}
	fw.DomainLists[id] = l
	got, err := c.Route53Resolver.GetFirewallDomainList(ctx, &route53resolver.GetFirewallDomainListInput{FirewallDomainListId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("GetFirewallDomainList %s: %w", id, err)
	}
	if d := got.FirewallDomainList; d != nil && aws.ToString(d.ManagedOwnerName) != "" {
		l.Opaque = fmt.Sprintf("it is a managed domain list (%s, owned by %s), whose domains AWS does not publish", aws.ToString(d.Name), aws.ToString(d.ManagedOwnerName))
		return nil
	}
	p := route53resolver.NewListFirewallDomainsPaginator(c.Route53Resolver, &route53resolver.ListFirewallDomainsInput{FirewallDomainListId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ListFirewallDomains %s: %w", id, err)
		}
		l.Domains = append(l.Domains, page.Domains...)
	}
	return nil
}
