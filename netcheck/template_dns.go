package netcheck

// The DNS resources of a template: a VPC's EnableDnsSupport, DHCP option
// sets and their associations, and Route 53 Resolver DNS Firewall (domain
// lists, rule groups, associations, FirewallConfig).

import (
	"fmt"
	"strings"
)

// vpcDns reads a VPC's EnableDnsSupport (EC2's default is true).
func (x *templateReader) vpcDns(id string, p map[string]interface{}, v *Vpc) {
	raw, ok := p["EnableDnsSupport"]
	if !ok {
		return
	}
	if u, open := firstUnknown(raw); open {
		x.unresolved(id, "EnableDnsSupport", u)
		return
	}
	s, _ := str(raw)
	v.DnsSupportOff = strings.EqualFold(s, "false")
}

// dhcpOptions reads AWS::EC2::DHCPOptions.
func (x *templateReader) dhcpOptions(id string, p map[string]interface{}) {
	o := &DhcpOptions{ID: id}
	list, _ := x.list(id, "DomainNameServers", p["DomainNameServers"])
	for i, e := range list {
		if u, open := firstUnknown(e); open {
			x.unresolved(id, fmt.Sprintf("DomainNameServers[%d]", i), u)
			continue
		}
		if s, ok := str(e); ok {
			o.DomainNameServers = append(o.DomainNameServers, strings.TrimSpace(s))
		}
	}
	x.f.DhcpOptions[id] = o
}

// dhcpAssociation reads AWS::EC2::VPCDHCPOptionsAssociation.
func (x *templateReader) dhcpAssociation(id string, p map[string]interface{}) {
	v := x.f.Vpcs[refID(p["VpcId"])]
	if v == nil {
		return
	}
	if u, open := firstUnknown(p["DhcpOptionsId"]); open {
		x.unresolved(v.ID, "DhcpOptions", u)
		v.DhcpOptions = u.expr
		return
	}
	set := refID(p["DhcpOptionsId"])
	if set == "default" {
		return // the account's default set: AmazonProvidedDNS
	}
	v.DhcpOptions = set
}

// firewallDomainList reads AWS::Route53Resolver::FirewallDomainList.
func (x *templateReader) firewallDomainList(id string, p map[string]interface{}) {
	l := &FirewallDomainList{ID: id}
	if url, ok := p["DomainFileUrl"]; ok {
		l.Opaque = "its domains are imported from a file in S3 (DomainFileUrl " + display(url) + "), which netcheck does not read"
	}
	list, _ := x.list(id, "Domains", p["Domains"])
	for _, e := range list {
		if u, open := firstUnknown(e); open {
			l.Opaque = "an entry is " + u.String()
			continue
		}
		if s, ok := str(e); ok {
			l.Domains = append(l.Domains, s)
		}
	}
	if u, open := p["Domains"].(unknown); open {
		l.Opaque = "its Domains are " + u.String()
	}
	x.f.DnsFirewall.DomainLists[id] = l
}

// firewallRuleGroup reads AWS::Route53Resolver::FirewallRuleGroup.
func (x *templateReader) firewallRuleGroup(id string, p map[string]interface{}) {
	g := &FirewallRuleGroup{ID: id}
	if u, open := p["FirewallRules"].(unknown); open {
		g.Opaque = "its FirewallRules are " + u.String()
	}
	rules, _ := x.list(id, "FirewallRules", p["FirewallRules"])
	for i, e := range rules {
		m, _ := e.(map[string]interface{})
		r := FirewallRule{Priority: intOf(m["Priority"], 0), DomainList: refID(m["FirewallDomainListId"])}
		r.Action, _ = str(m["Action"])
		r.BlockResponse, _ = str(m["BlockResponse"])
		r.Qtype, _ = str(m["Qtype"])
		if u, open := firstUnknown(m); open {
			r.Opaque = fmt.Sprintf("FirewallRules[%d] has an open value: %s", i, u)
		}
		if r.DomainList == "" && r.Opaque == "" {
			r.Opaque = fmt.Sprintf("FirewallRules[%d] has no domain list (a DNS Firewall Advanced or threat protection rule), which netcheck does not evaluate", i)
		}
		if x.resource(r.DomainList) == nil && x.f.DnsFirewall.DomainLists[r.DomainList] == nil && r.Opaque == "" {
			r.Opaque = fmt.Sprintf("FirewallRules[%d] uses domain list %s, which is not defined here (an AWS-managed list, or one of another stack)", i, r.DomainList)
		}
		g.Rules = append(g.Rules, r)
	}
	x.f.DnsFirewall.RuleGroups[id] = g
}

// firewallAssociation reads AWS::Route53Resolver::FirewallRuleGroupAssociation.
func (x *templateReader) firewallAssociation(id string, p map[string]interface{}) {
	a := &FirewallAssociation{ID: id, RuleGroup: refID(p["FirewallRuleGroupId"]), VpcID: refID(p["VpcId"]), Priority: intOf(p["Priority"], 0)}
	for _, k := range []string{"FirewallRuleGroupId", "VpcId", "Priority"} {
		if u, open := firstUnknown(p[k]); open {
			x.unresolved(id, k, u)
			a.Opaque = k + " is " + u.String()
		}
	}
	x.f.DnsFirewall.Associations = append(x.f.DnsFirewall.Associations, a)
}

// firewallConfig reads AWS::Route53Resolver::FirewallConfig.
func (x *templateReader) firewallConfig(id string, p map[string]interface{}) {
	vpc := refID(p["ResourceId"])
	if s, ok := str(p["FirewallFailOpen"]); ok && vpc != "" {
		x.f.DnsFirewall.FailOpen[vpc] = s
	}
}
