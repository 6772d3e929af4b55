package vpclambda

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53resolver"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/internal/dnsname"
)

// The egress domain allow-list: Route 53 Resolver DNS Firewall on the
// VPC, allowing the listed domains and blocking every other name
// (VpcLambdaProps.AllowedDomains). docs/dns.md has what it stops, what it
// does not (connections to addresses), and its price.

// DNS Firewall priorities the allow-list uses.
const (
	// DnsFirewallAssociationPriority is the rule group's priority among
	// the rule groups associated with the VPC (AWS allows 101 to 9899;
	// lower runs first).
	DnsFirewallAssociationPriority = 1000
	// DnsFirewallAllowPriority and DnsFirewallBlockPriority are the
	// rules' priorities in the group: the allow rule first.
	DnsFirewallAllowPriority = 100
	DnsFirewallBlockPriority = 200
)

// DnsFirewall holds the allow-list's CloudFormation resources.
type DnsFirewall struct {
	// AllowedDomains is the domain list of VpcLambdaProps.AllowedDomains.
	AllowedDomains awsroute53resolver.CfnFirewallDomainList
	// AllDomains is the domain list "*", which matches every name.
	AllDomains awsroute53resolver.CfnFirewallDomainList
	// RuleGroup allows AllowedDomains (priority DnsFirewallAllowPriority,
	// trusting the names their answers redirect to) and blocks AllDomains
	// with NXDOMAIN (priority DnsFirewallBlockPriority).
	RuleGroup awsroute53resolver.CfnFirewallRuleGroup
	// Association associates RuleGroup with the VPC at priority
	// DnsFirewallAssociationPriority.
	Association awsroute53resolver.CfnFirewallRuleGroupAssociation
	// Config is the VPC's AWS::Route53Resolver::FirewallConfig with
	// FirewallFailOpen DISABLED: when DNS Firewall cannot evaluate a
	// query, the query fails instead of resolving unfiltered.
	Config awsroute53resolver.CfnFirewallConfig
}

// planAllowedDomains checks AllowedDomains: nil means no allow-list.
func planAllowedDomains(ps *problems, p *VpcLambdaProps) []string {
	if p.AllowedDomains == nil {
		return nil
	}
	if len(*p.AllowedDomains) == 0 {
		ps.add("AllowedDomains", "[]", "allows no domain: DNS Firewall would block every lookup, the function's AWS API calls included",
			`list the domains the function uses (e.g. "api.example.com", "*.amazonaws.com"), or leave AllowedDomains unset for no DNS filtering`)
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i, d := range *p.AllowedDomains {
		prop := fmt.Sprintf("AllowedDomains[%d]", i)
		if d == nil {
			ps.add(prop, "nil", "is not a domain", `write a domain such as "api.example.com" or "*.example.com"`)
			continue
		}
		if unresolved(d) {
			ps.add(prop, show(d), "is a token: the domain must be known at synth time", "write the domain itself")
			continue
		}
		if why := DomainProblem(*d); why != "" {
			ps.add(prop, show(d), "is not a domain DNS Firewall accepts: "+why,
				`write a name such as "api.example.com", or "*.example.com" for every name below example.com (not example.com itself)`)
			continue
		}
		if *d == "*" {
			ps.add(prop, show(d), "allows every domain: the allow-list would stop nothing", "list the domains the function needs, or leave AllowedDomains unset")
			continue
		}
		key := strings.ToLower(*d)
		if seen[key] {
			ps.add(prop, show(d), "is listed twice", "list each domain once")
			continue
		}
		seen[key] = true
		out = append(out, *d)
	}
	return out
}

// DomainProblem says what DNS Firewall would refuse in a domain list
// entry: an optional leading "*" (as "*" or "*."), then labels of letters,
// digits and hyphens separated by single dots, 1 to 255 characters
// ("" when nothing). AllowedDomains entries are checked with it.
func DomainProblem(d string) string { return dnsname.EntryProblem(d) }

// buildDnsFirewall creates the allow-list on the construct's VPC.
func (v *VpcLambda) buildDnsFirewall(domains []string) {
	fw := &DnsFirewall{}
	fw.AllowedDomains = awsroute53resolver.NewCfnFirewallDomainList(v, jsii.String("AllowedDomains"), &awsroute53resolver.CfnFirewallDomainListProps{
		Domains: jsii.Strings(domains...),
	})
	fw.AllDomains = awsroute53resolver.NewCfnFirewallDomainList(v, jsii.String("AllDomains"), &awsroute53resolver.CfnFirewallDomainListProps{
		Domains: jsii.Strings("*"),
	})
	fw.RuleGroup = awsroute53resolver.NewCfnFirewallRuleGroup(v, jsii.String("DnsFirewallRules"), &awsroute53resolver.CfnFirewallRuleGroupProps{
		FirewallRules: &[]interface{}{
			&awsroute53resolver.CfnFirewallRuleGroup_FirewallRuleProperty{
				Action:               jsii.String("ALLOW"),
				Priority:             jsii.Number(DnsFirewallAllowPriority),
				FirewallDomainListId: fw.AllowedDomains.AttrId(),
				// An allowed name's CNAME targets (a CDN's names) are
				// trusted; otherwise the block rule would refuse them.
				FirewallDomainRedirectionAction: jsii.String("TRUST_REDIRECTION_DOMAIN"),
			},
			&awsroute53resolver.CfnFirewallRuleGroup_FirewallRuleProperty{
				Action:               jsii.String("BLOCK"),
				BlockResponse:        jsii.String("NXDOMAIN"),
				Priority:             jsii.Number(DnsFirewallBlockPriority),
				FirewallDomainListId: fw.AllDomains.AttrId(),
			},
		},
	})
	fw.Association = awsroute53resolver.NewCfnFirewallRuleGroupAssociation(v, jsii.String("DnsFirewallAssociation"), &awsroute53resolver.CfnFirewallRuleGroupAssociationProps{
		FirewallRuleGroupId: fw.RuleGroup.AttrId(),
		VpcId:               v.Vpc.VpcId(),
		Priority:            jsii.Number(DnsFirewallAssociationPriority),
	})
	fw.Config = awsroute53resolver.NewCfnFirewallConfig(v, jsii.String("DnsFirewallConfig"), &awsroute53resolver.CfnFirewallConfigProps{
		ResourceId:       v.Vpc.VpcId(),
		FirewallFailOpen: jsii.String("DISABLED"),
	})
	v.DnsFirewall = fw
}
