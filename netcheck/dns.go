package netcheck

// Names, not only addresses: the DNS facts of a network (which resolver a
// VPC's functions use, Route 53 Resolver DNS Firewall) and how DNS
// Firewall decides a name. The checks that read them are in
// analyze_dns.go; docs/dns.md cites AWS's documentation for each rule.

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/internal/dnsname"
)

// AmazonProvidedDNS is how DHCP options name the Amazon-provided resolver
// (Route 53 Resolver: the VPC's base address plus two, and
// 169.254.169.253).
const AmazonProvidedDNS = "AmazonProvidedDNS"

// AmazonDNSLinkLocal is the Amazon-provided resolver's link-local address.
var AmazonDNSLinkLocal = netip.MustParseAddr("169.254.169.253")

// DhcpOptions is a DHCP option set: the DNS servers it hands out.
type DhcpOptions struct {
	ID string
	// DomainNameServers are AmazonProvidedDNS or IP addresses, in order.
	DomainNameServers []string
}

// DnsFirewall is Route 53 Resolver DNS Firewall's configuration.
type DnsFirewall struct {
	DomainLists  map[string]*FirewallDomainList
	RuleGroups   map[string]*FirewallRuleGroup
	Associations []*FirewallAssociation
	// FailOpen is each VPC's FirewallConfig FirewallFailOpen (ENABLED,
	// DISABLED), by VPC id; absent is AWS's default, DISABLED (fail
	// closed).
	FailOpen map[string]string
	// NotRead says why the source could not read DNS Firewall ("" when
	// it did): every DNS Firewall verdict is then UNKNOWN.
	NotRead string
}

// NewDnsFirewall returns an empty DNS Firewall configuration.
func NewDnsFirewall() DnsFirewall {
	return DnsFirewall{DomainLists: map[string]*FirewallDomainList{}, RuleGroups: map[string]*FirewallRuleGroup{}, FailOpen: map[string]string{}}
}

// FirewallDomainList is a DNS Firewall domain list.
type FirewallDomainList struct {
	ID      string
	Domains []string
	// Opaque says why the list's domains cannot be known here ("" when
	// they can): a list imported from a file in S3 (DomainFileUrl), an
	// AWS-managed list, a list the source does not define.
	Opaque string
}

// FirewallRuleGroup is a DNS Firewall rule group.
type FirewallRuleGroup struct {
	ID    string
	Rules []FirewallRule
	// Opaque says why the group's rules cannot be known here.
	Opaque string
}

// FirewallRule is one rule of a rule group.
type FirewallRule struct {
	Priority      int
	Action        string // ALLOW, BLOCK, ALERT
	BlockResponse string // NODATA, NXDOMAIN, OVERRIDE
	DomainList    string // the domain list's id
	// Qtype is the query type the rule applies to ("" for all).
	Qtype string
	// Opaque says why the rule cannot be evaluated ("" when it can): an
	// advanced (threat protection) rule, an open value.
	Opaque string
}

// FirewallAssociation associates a rule group with a VPC.
type FirewallAssociation struct {
	ID, RuleGroup, VpcID string
	Priority             int
	// Opaque says why the association cannot be known here.
	Opaque string
}

// DnsServers are the DNS servers the VPC's DHCP options give its
// resources, and the set that names them; ok is false when the facts do
// not say (the reason is then in the Unresolved of the VPC or the set).
func (f *Facts) DnsServers(v *Vpc) (servers []string, set string, why string) {
	if v.DhcpOptions == "" {
		return []string{AmazonProvidedDNS}, "", ""
	}
	o := f.DhcpOptions[v.DhcpOptions]
	if o == nil {
		return nil, v.DhcpOptions, "DHCP option set " + v.DhcpOptions + " is not defined here"
	}
	if u := f.unresolvedOf(o.ID, "DomainNameServers"); u != nil {
		return nil, o.ID, u.String()
	}
	return o.DomainNameServers, o.ID, ""
}

// AmazonDNSAddr is the VPC's Amazon-provided resolver address: its
// primary IPv4 block's base plus two (invalid when the block is unknown).
func AmazonDNSAddr(v *Vpc) netip.Addr {
	if !v.Cidr.IsValid() || !v.Cidr.Addr().Is4() {
		return netip.Addr{}
	}
	return v.Cidr.Masked().Addr().Next().Next()
}

// NormalizeDomain lowercases a domain name and drops a trailing dot.
func NormalizeDomain(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}

// DomainMatches reports whether a domain list entry matches a name, the
// way netcheck models DNS Firewall: an entry without a wildcard matches
// that name only; "*.example.com" matches every name below example.com
// (a.example.com, a.b.example.com) but not example.com itself; "*"
// matches every name. Case and a trailing dot do not matter.
func DomainMatches(entry, name string) bool {
	entry, name = NormalizeDomain(entry), NormalizeDomain(name)
	if entry == "*" {
		return name != ""
	}
	if rest, ok := strings.CutPrefix(entry, "*."); ok {
		return strings.HasSuffix(name, "."+rest) && len(name) > len(rest)+1
	}
	return entry == name
}

// ValidDomainEntry checks a domain list entry (or a name) the way DNS
// Firewall accepts it (internal/dnsname, the construct's rule too); a
// trailing dot, which names are written with, is allowed. It returns what
// is wrong, "" when nothing is.
func ValidDomainEntry(d string) string {
	if rest := strings.TrimPrefix(d, "*."); rest != "" && rest != "." {
		d = strings.TrimSuffix(d, ".") // "*." stays, and is refused
	}
	return dnsname.EntryProblem(d)
}

// FirewallVerdict is DNS Firewall's decision for one name in one VPC.
type FirewallVerdict struct {
	// Status is Pass (allowed: no rule matches, an ALLOW or ALERT
	// rule), Fail (a BLOCK rule) or Unknown (a rule before the deciding
	// one cannot be evaluated).
	Status Status
	// Rule names the deciding rule: "rule group G priority 200 (domain
	// list L)", "" when no rule matches.
	Rule   string
	Action string
	// Block is the block response of a BLOCK rule.
	Block string
	// Why explains an Unknown.
	Why string
	// Groups counts the rule groups associated with the VPC.
	Groups int
}

// Decide evaluates the DNS Firewall rules of a VPC for a name: the
// associated rule groups by association priority (lowest first), each
// group's rules by priority (lowest first); the first rule whose domain
// list matches decides. A rule that cannot be evaluated before the
// deciding one makes the verdict Unknown.
func (fw DnsFirewall) Decide(vpc, name string) FirewallVerdict {
	var assocs []*FirewallAssociation
	for _, a := range fw.Associations {
		if a.VpcID == vpc {
			assocs = append(assocs, a)
		}
	}
	sort.SliceStable(assocs, func(i, j int) bool { return assocs[i].Priority < assocs[j].Priority })
	v := FirewallVerdict{Status: Pass, Groups: len(assocs)}
	if fw.NotRead != "" {
		return FirewallVerdict{Status: Unknown, Why: fw.NotRead}
	}
	for _, a := range assocs {
		if a.Opaque != "" {
			return FirewallVerdict{Status: Unknown, Groups: len(assocs), Why: fmt.Sprintf("association %s: %s", a.ID, a.Opaque)}
		}
		g := fw.RuleGroups[a.RuleGroup]
		if g == nil {
			return FirewallVerdict{Status: Unknown, Groups: len(assocs), Why: fmt.Sprintf("rule group %s (association %s, priority %d) is not defined here", a.RuleGroup, a.ID, a.Priority)}
		}
		if g.Opaque != "" {
			return FirewallVerdict{Status: Unknown, Groups: len(assocs), Why: fmt.Sprintf("rule group %s: %s", g.ID, g.Opaque)}
		}
		rules := append([]FirewallRule(nil), g.Rules...)
		sort.SliceStable(rules, func(i, j int) bool { return rules[i].Priority < rules[j].Priority })
		for _, r := range rules {
			where := fmt.Sprintf("rule group %s (association priority %d) rule priority %d", g.ID, a.Priority, r.Priority)
			if r.Opaque != "" {
				return FirewallVerdict{Status: Unknown, Groups: len(assocs), Why: where + ": " + r.Opaque}
			}
			if q := strings.ToUpper(r.Qtype); q != "" && q != "A" && q != "AAAA" {
				continue // an address lookup asks A and AAAA only
			}
			l := fw.DomainLists[r.DomainList]
			if l == nil {
				return FirewallVerdict{Status: Unknown, Groups: len(assocs), Why: fmt.Sprintf("%s uses domain list %s, which is not defined here (an AWS-managed list, or one of another stack)", where, r.DomainList)}
			}
			if l.Opaque != "" {
				return FirewallVerdict{Status: Unknown, Groups: len(assocs), Why: fmt.Sprintf("%s uses domain list %s: %s", where, l.ID, l.Opaque)}
			}
			matched := ""
			for _, d := range l.Domains {
				if DomainMatches(d, name) {
					matched = d
					break
				}
			}
			if matched == "" {
				continue
			}
			v.Rule = fmt.Sprintf("%s, domain list %s entry %s", where, l.ID, matched)
			v.Action = strings.ToUpper(r.Action)
			switch v.Action {
			case "BLOCK":
				v.Status, v.Block = Fail, r.BlockResponse
			case "ALLOW", "ALERT":
				v.Status = Pass
			default:
				v.Status, v.Why = Unknown, "action "+r.Action+" is not one DNS Firewall documents"
			}
			return v
		}
	}
	return v
}
