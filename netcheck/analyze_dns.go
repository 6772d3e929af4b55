package netcheck

// The DNS step of every function subnet (which resolver the function
// uses and whether it answers) and, for a destination given as a name,
// DNS Firewall's verdict for it. A custom DNS server is a destination like
// any other: its path is checked on UDP and TCP 53 through the routes, the
// network ACLs both ways and the function's security group. The
// Amazon-provided resolver is not: security groups and network ACLs do not
// filter traffic to it (docs/dns.md).

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// needsDns reports whether the function must resolve a name to reach the
// destination: a name, the internet (reached by name), a service's
// endpoint; not an address or block given as such.
func (d Destination) needsDns() bool {
	return d.Name != "" || d.Internet != 0 || d.Service != ""
}

// dnsPorts are the protocols a resolver is asked over (UDP, and TCP for
// large answers and retries after truncation).
var dnsProtocols = []int{17, 6}

// subnetDns is the DNS step of one subnet of fn. usedFn is true when it
// read the function itself (its security groups, for custom servers).
func subnetDns(f *Facts, fn *Function, s *Subnet) (checks []Check, usedFn bool) {
	v := f.Vpcs[s.VpcID]
	if v == nil {
		return []Check{{Name: CheckDnsResolver, Status: Unknown, Resource: s.ID,
			Reason: fmt.Sprintf("the subnet's VPC %s is not defined here, so its DNS settings (EnableDnsSupport, DHCP options) cannot be checked", s.VpcID),
			Fix:    "check the template that defines the VPC, or the deployed network (--stack)"}}, false
	}
	if u := f.unresolvedOf(v.ID, "EnableDnsSupport"); u != nil {
		return []Check{unknownCheck(CheckDnsResolver, v.ID, "whether the Amazon-provided resolver answers cannot be known", u)}, false
	}
	servers, set, why := f.DnsServers(v)
	if why != "" {
		return []Check{{Name: CheckDnsResolver, Status: Unknown, Resource: v.ID,
			Reason: "the DNS servers the function uses cannot be known: " + why,
			Fix:    "check the deployed network (--stack), or give the template that defines the DHCP option set"}}, false
	}
	if len(servers) == 0 {
		return []Check{{Name: CheckDnsResolver, Status: Unknown, Resource: set,
			Reason: fmt.Sprintf("DHCP option set %s gives no DomainNameServers: netcheck does not know which resolver, if any, the function then uses", set),
			Fix:    "list the DNS servers in DomainNameServers (AmazonProvidedDNS for Route 53 Resolver)"}}, false
	}
	via := "the VPC's default DHCP options"
	if set != "" {
		via = "DHCP option set " + set
	}
	amazon := ""
	if a := AmazonDNSAddr(v); a.IsValid() {
		amazon = a.String() + " and "
	}
	amazon = fmt.Sprintf("the Amazon-provided resolver, Route 53 Resolver at %s%s", amazon, AmazonDNSLinkLocal)

	type server struct {
		name   string
		checks []Check
		ok     bool
	}
	var list []server
	for _, srv := range servers {
		if strings.EqualFold(srv, AmazonProvidedDNS) {
			if v.DnsSupportOff {
				list = append(list, server{name: srv, checks: []Check{{Name: CheckDnsResolver, Status: Fail, Resource: v.ID,
					Reason: fmt.Sprintf("VPC %s has EnableDnsSupport false: %s does not answer, so the function cannot resolve names (%s names AmazonProvidedDNS); lookups fail as \"no such host\" or time out", v.ID, amazon, via),
					Fix:    fmt.Sprintf("set EnableDnsSupport: true on VPC %s (EC2's default), or give the VPC DHCP options with DNS servers the function can reach", v.ID)}}})
				continue
			}
			list = append(list, server{name: srv, ok: true, checks: []Check{{Name: CheckDnsResolver, Status: Pass, Resource: v.ID,
				Reason: fmt.Sprintf("the function resolves names through %s (%s; EnableDnsSupport is on); security groups and network ACLs do not filter traffic to it", amazon, via)}}})
			continue
		}
		a, err := netip.ParseAddr(srv)
		if err != nil {
			list = append(list, server{name: srv, checks: []Check{{Name: CheckDnsResolver, Status: Fail, Resource: set,
				Reason: fmt.Sprintf("DHCP option set %s names DNS server %q, which is neither AmazonProvidedDNS nor an IP address", set, srv),
				Fix:    "list AmazonProvidedDNS or the servers' IP addresses in DomainNameServers"}}})
			continue
		}
		cs := serverPath(f, fn, s, v, a.Unmap())
		usedFn = true
		ok := true
		for _, c := range cs {
			if c.Status != Pass {
				ok = false
			}
		}
		head := Check{Name: CheckDnsResolver, Status: Pass, Resource: set,
			Reason: fmt.Sprintf("%s gives the function DNS server %s: its queries go there over the VPC's network, not through Route 53 Resolver (so DNS Firewall does not see them)", via, a)}
		list = append(list, server{name: srv, ok: ok, checks: append([]Check{head}, cs...)})
	}
	anyOK := false
	for _, sv := range list {
		anyOK = anyOK || sv.ok
	}
	for _, sv := range list {
		for _, c := range sv.checks {
			if anyOK && !sv.ok && c.Status != Pass {
				// The resolver falls back to the next server, after a
				// timeout for each query.
				c.Status = Warn
				c.Reason += "; the function's resolver falls back to another listed server that answers, after a timeout on each lookup"
			}
			checks = append(checks, c)
		}
	}
	return checks, usedFn
}

// serverPath checks the path from the subnet to a custom DNS server on
// UDP and TCP 53: the function's security group, the routes and, both
// ways, the network ACLs; it returns one passing check when everything
// lets DNS through, else the checks that do not.
func serverPath(f *Facts, fn *Function, s *Subnet, v *Vpc, a netip.Addr) []Check {
	var bad []Check
	var how []string
	for _, proto := range dnsProtocols {
		d := Destination{Prefix: netip.PrefixFrom(a, a.BitLen()), Protocol: proto, Port: 53}
		tag := fmt.Sprintf("DNS (%s/53) to server %s: ", protoName(proto), a)
		sg, _ := checkSecurityGroups(f, fn, d)
		if sg.Status != Pass {
			sg.Name, sg.Reason = CheckDnsServerSg, tag+sg.Reason
			bad = append(bad, sg)
		}
		var cs []Check
		if v.Cidr.IsValid() && v.Cidr.Contains(a) {
			cs = localServerPath(f, s, v, a, proto)
		} else {
			p := &subnetPath{}
			sr, _ := analyzeSubnetWith(p, f, fn, s.ID, d)
			cs = sr.Checks
		}
		for _, c := range cs {
			if c.Status == Pass || c.Status == Warn {
				continue
			}
			c.Reason = tag + c.Reason
			c.Name = CheckDnsServerPath
			bad = append(bad, c)
		}
		if proto == 17 {
			how = append(how, routeSummary(cs))
		}
	}
	if len(bad) > 0 {
		return bad
	}
	return []Check{{Name: CheckDnsServerPath, Status: Pass, Resource: s.ID,
		Reason: fmt.Sprintf("DNS to server %s on udp/53 and tcp/53 is let out by the function's security group, %s, and the network ACLs allow it both ways", a, strings.Join(uniqStrings(how), "; "))}}
}

// routeSummary names how the path leaves: the route checks' reasons.
func routeSummary(cs []Check) string {
	var out []string
	for _, c := range cs {
		if c.Name == CheckRoute && c.Status == Pass {
			out = append(out, c.Reason)
		}
	}
	if len(out) == 0 {
		return "routed"
	}
	return "routed (" + strings.Join(out, "; ") + ")"
}

// localServerPath checks DNS to a server inside the VPC: the local route,
// and the network ACLs of the function's and the server's subnets both
// ways (traffic inside one subnet passes no network ACL).
func localServerPath(f *Facts, s *Subnet, v *Vpc, a netip.Addr, proto int) []Check {
	rt, note := routeTableOf(f, s)
	if rt == nil {
		return []Check{{Name: CheckRoute, Status: Fail, Resource: s.ID, Reason: "the subnet's route table does not exist" + note,
			Fix: "associate the subnet with a route table"}}
	}
	out := []Check{{Name: CheckRoute, Status: Pass, Resource: rt.ID, Reason: fmt.Sprintf("%s is inside the VPC: local route", a)}}
	var srv *Subnet
	for _, id := range sortedKeys(f.Subnets) {
		if x := f.Subnets[id]; x.VpcID == v.ID && x.Cidr.IsValid() && x.Cidr.Contains(a) {
			srv = x
			break
		}
	}
	if srv != nil && srv.ID == s.ID {
		return out // the same subnet: no network ACL is on the way
	}
	server := netip.PrefixFrom(a, a.BitLen())
	sn := namer{whole: PrefixSet(server), label: "DNS server " + a.String()}
	eph := PortRange(EphemeralFrom, EphemeralTo)
	dns := PortRange(53, 53)
	fnAcl := naclOf(f, s)
	c, _ := naclCheck(CheckNaclOut, fnAcl, true, sn, Box(PrefixSet(server), dns), proto, "the query leaving the function's subnet")
	out = append(out, c)
	c, _ = naclCheck(CheckNaclReplyIn, fnAcl, false, sn, Box(PrefixSet(server), eph), proto, "the answer coming back to the function's subnet")
	out = append(out, c)
	if srv == nil {
		out = append(out, Check{Name: CheckDnsServerPath, Status: Unknown, Resource: v.ID,
			Reason: fmt.Sprintf("no subnet of VPC %s defined here holds %s, so the network ACL on the server's side cannot be checked", v.ID, a),
			Fix:    "check the server's subnet's network ACL: inbound udp and tcp 53 from the function's subnets, outbound 1024-65535 back to them"})
		return out
	}
	if !s.Cidr.IsValid() {
		return out
	}
	fs := namer{whole: PrefixSet(s.Cidr), label: "the function's subnet " + s.Cidr.String()}
	srvAcl := naclOf(f, srv)
	c, _ = naclCheck(CheckDnsServerPath, srvAcl, false, fs, Box(PrefixSet(s.Cidr), dns), proto, "the query arriving at the DNS server's subnet "+srv.ID)
	out = append(out, c)
	c, _ = naclCheck(CheckDnsServerPath, srvAcl, true, fs, Box(PrefixSet(s.Cidr), eph), proto, "the answer leaving the DNS server's subnet "+srv.ID)
	out = append(out, c)
	return out
}

// functionDns are the function's DNS checks that concern its VPCs rather
// than one subnet: DNS Firewall's verdict for a destination given as a
// name, and the fail-open warning.
func functionDns(f *Facts, fn *Function, dest Destination) (checks, warnings []Check) {
	vpcs := map[string]bool{}
	for _, sid := range fn.SubnetIDs {
		if s := f.Subnets[sid]; s != nil && f.Vpcs[s.VpcID] != nil {
			vpcs[s.VpcID] = true
		}
	}
	for _, id := range sortedIDs(vpcs) {
		v := f.Vpcs[id]
		if fo := f.DnsFirewall.FailOpen[id]; strings.EqualFold(fo, "ENABLED") && associated(f, id) {
			warnings = append(warnings, Check{Name: CheckDnsFailOpen, Status: Warn, Resource: id,
				Reason: fmt.Sprintf("VPC %s's DNS Firewall fails open (FirewallFailOpen ENABLED): when DNS Firewall cannot evaluate a query, Route 53 Resolver answers it unfiltered", id),
				Fix:    "set FirewallFailOpen to DISABLED (AWS's default) where the allow-list must hold"})
		}
		if dest.Name == "" {
			continue
		}
		servers, _, _ := f.DnsServers(v)
		usesAmazon := false
		for _, s := range servers {
			usesAmazon = usesAmazon || strings.EqualFold(s, AmazonProvidedDNS)
		}
		if len(servers) > 0 && !usesAmazon {
			checks = append(checks, Check{Name: CheckDnsFirewall, Status: Pass, Resource: id,
				Reason: fmt.Sprintf("VPC %s's DHCP options send queries to custom DNS servers (%s), not to Route 53 Resolver: DNS Firewall does not filter them; whether those servers resolve %s is theirs to decide", id, strings.Join(servers, ", "), dest.Name)})
			continue
		}
		checks = append(checks, firewallCheck(f, id, dest.Name))
	}
	return checks, warnings
}

func associated(f *Facts, vpc string) bool {
	for _, a := range f.DnsFirewall.Associations {
		if a.VpcID == vpc {
			return true
		}
	}
	return false
}

// firewallCheck is DNS Firewall's verdict for a name in one VPC.
func firewallCheck(f *Facts, vpc, name string) Check {
	v := f.DnsFirewall.Decide(vpc, name)
	c := Check{Name: CheckDnsFirewall, Status: v.Status, Resource: vpc}
	switch {
	case v.Status == Unknown:
		c.Reason = fmt.Sprintf("DNS Firewall's verdict for %s in VPC %s cannot be known: %s", name, vpc, v.Why)
		c.Fix = "check the domain list's entries (aws route53resolver list-firewall-domains), or give netcheck the template that defines it"
	case v.Status == Fail:
		resp := v.Block
		if resp == "" {
			resp = "the rule's block response"
		}
		c.Reason = fmt.Sprintf("DNS Firewall blocks %s in VPC %s: %s (BLOCK, answering %s), so the function's lookup fails before any connection", name, vpc, v.Rule, resp)
		c.Fix = fmt.Sprintf("allow %s in a rule that comes first (an ALLOW rule with a lower priority, e.g. the construct's AllowedDomains)", name)
		if apex := apexHint(f, name); apex != "" {
			c.Fix += "; " + apex
		}
	case v.Rule != "":
		c.Reason = fmt.Sprintf("DNS Firewall lets %s resolve in VPC %s: %s (%s)", name, vpc, v.Rule, v.Action)
		if v.Action == "ALERT" {
			c.Reason += ": allowed and logged"
		}
	case v.Groups == 0:
		c.Reason = fmt.Sprintf("no DNS Firewall rule group is associated with VPC %s: Route 53 Resolver resolves %s unfiltered", vpc, name)
	default:
		c.Reason = fmt.Sprintf("no rule of the %d DNS Firewall rule groups associated with VPC %s matches %s: DNS Firewall lets it through", v.Groups, vpc, name)
	}
	return c
}

// apexHint says so when a wildcard entry names the blocked name's own
// domain: "*.example.com" does not match example.com itself.
func apexHint(f *Facts, name string) string {
	n := NormalizeDomain(name)
	var lists []string
	for _, id := range sortedKeys(f.DnsFirewall.DomainLists) {
		for _, d := range f.DnsFirewall.DomainLists[id].Domains {
			if NormalizeDomain(d) == "*."+n {
				lists = append(lists, id)
			}
		}
	}
	if len(lists) == 0 {
		return ""
	}
	sort.Strings(lists)
	return fmt.Sprintf("domain list %s has *.%s, which matches the names below %s but not %s itself: add %s too", strings.Join(lists, ", "), n, n, n, n)
}
