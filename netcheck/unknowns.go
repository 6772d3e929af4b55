package netcheck

// Three-valued verdicts: where the facts leave a value open (Unresolved),
// the steps that read it are UNKNOWN, with the expression as the template
// writes it and what would resolve it; every other step keeps its verdict.
// Rules whose block is open are decided by their extremes: a network ACL
// or a security group passes when it passes with every open allow rule
// matching nothing and every open deny rule matching everything, fails
// when it fails the other way round, and is UNKNOWN in between (an allow
// rule that matches more can only let more through, a deny rule less).

import (
	"fmt"
	"net/netip"
	"strings"
)

// unresolvedOf is the first open value of a resource whose property
// starts with prop ("" for any).
func (f *Facts) unresolvedOf(id, prop string) *Unresolved {
	for i, u := range f.Unresolved[id] {
		if prop == "" || strings.HasPrefix(strings.TrimPrefix(u.Where, id+"."), prop) {
			return &f.Unresolved[id][i]
		}
	}
	return nil
}

// unknownCheck is a check that reads an open value.
func unknownCheck(name, resource, what string, u *Unresolved) Check {
	reason := fmt.Sprintf("%s: %s is %s", what, u.Where, u.Expr)
	if u.Why != "" {
		reason += " (" + u.Why + ")"
	}
	fix := u.Fix
	if fix == "" {
		fix = "check this step with the deployed stack (--stack)"
	}
	return Check{Name: name, Status: Unknown, Resource: resource, Reason: reason, Fix: fix}
}

// unresolvedSubnets are the function's subnet lists the templates leave
// open: one result each, UNKNOWN.
func unresolvedSubnets(f *Facts, fn *Function) []SubnetResult {
	var out []SubnetResult
	for _, u := range f.Unresolved[fn.ID] {
		if !strings.HasPrefix(u.Where, fn.ID+".VpcConfig.SubnetIds") {
			continue
		}
		u := u
		out = append(out, SubnetResult{Subnet: u.Expr, Checks: []Check{unknownCheck(CheckSubnet, fn.ID, "the function's subnets cannot be known", &u)}})
	}
	return out
}

// badSubnet is the check for a subnet id that is neither a subnet of the
// templates nor an AWS subnet id.
func badSubnet(fn *Function, sid string) (Check, bool) {
	meant, ok := fn.BadSubnets[sid]
	if !ok {
		return Check{}, false
	}
	c := Check{Name: CheckSubnet, Status: Fail, Resource: fn.ID,
		Reason: fmt.Sprintf("%q is neither a subnet of the template nor a subnet id (subnet-...): CloudFormation passes the text as it is, and Lambda refuses it", sid),
		Fix:    "give the subnet's id, or a reference to the subnet resource"}
	if meant != "" {
		c.Fix = fmt.Sprintf("write !Ref %s (a missing !Ref?)", meant[strings.LastIndex(meant, "/")+1:])
	}
	return c, true
}

// openEntries reports whether an ACL has entries whose block is open.
func openEntries(acl *NetworkAcl) []NaclEntry {
	var out []NaclEntry
	for _, e := range acl.Entries {
		if e.Unresolved != "" {
			out = append(out, e)
		}
	}
	return out
}

func allOf(ipv6 bool) netip.Prefix {
	if ipv6 {
		return ipv6All
	}
	return ipv4All
}

// aclExtreme is acl with every open entry decided: in the best case allow
// rules match everything and deny rules nothing; in the worst case the
// other way round.
func aclExtreme(acl *NetworkAcl, best bool) *NetworkAcl {
	out := *acl
	out.Entries = nil
	for _, e := range acl.Entries {
		if e.Unresolved != "" {
			if e.Allow != best {
				continue // matches nothing
			}
			e.Cidr, e.Unresolved = allOf(e.Ipv6), ""
		}
		out.Entries = append(out.Entries, e)
	}
	return &out
}

// naclCheckOpen decides an ACL with open entries by its extremes.
func naclCheckOpen(name string, acl *NetworkAcl, egress bool, n namer, space Space, proto int, what string) (Check, string) {
	open := openEntries(acl)
	worstC, worstL := naclCheck(name, aclExtreme(acl, false), egress, n, space, proto, what)
	if worstC.Status == Pass {
		worstC.Reason += fmt.Sprintf(" (whatever the open blocks of %s are)", entryList(open))
		return worstC, worstL
	}
	bestC, bestL := naclCheck(name, aclExtreme(acl, true), egress, n, space, proto, what)
	if bestC.Status == Fail {
		bestC.Reason += fmt.Sprintf(" (whatever the open blocks of %s are)", entryList(open))
		return bestC, bestL
	}
	var parts []string
	for _, e := range open {
		parts = append(parts, fmt.Sprintf("rule %d (%s) has the block %s", e.RuleNumber, e.ID, e.Unresolved))
	}
	return Check{Name: name, Status: Unknown, Resource: open[0].ID,
		Reason: fmt.Sprintf("%s: depends on rules whose block the template leaves open: %s", what, strings.Join(parts, "; ")),
		Fix:    "give the values that decide the blocks (--parameter ...)"}, "?"
}

func entryList(es []NaclEntry) string {
	var ids []string
	for _, e := range es {
		ids = append(ids, fmt.Sprintf("rule %d", e.RuleNumber))
	}
	return strings.Join(ids, ", ")
}

// openRules lists the egress rules of the groups whose block is open.
func openRules(groups []*SecurityGroup) []SgRule {
	var out []SgRule
	for _, g := range groups {
		for _, r := range g.Egress {
			if r.Unresolved != "" {
				out = append(out, r)
			}
		}
	}
	return out
}

// groupsExtreme is the groups with every open rule matching everything
// (best) or nothing (worst).
func groupsExtreme(groups []*SecurityGroup, best bool) []*SecurityGroup {
	var out []*SecurityGroup
	for _, g := range groups {
		c := *g
		c.Egress = nil
		for _, r := range g.Egress {
			if r.Unresolved != "" {
				if !best {
					continue
				}
				r.Cidr, r.Unresolved = allOf(r.Ipv6), ""
			}
			c.Egress = append(c.Egress, r)
		}
		out = append(out, &c)
	}
	return out
}

// subnetBlock is the function subnet's block for the steps that see the
// subnet as the source of packets (the NAT device's ACL and security
// group). When the template leaves it open, the VPC's block (or every
// IPv4 address) stands in: a step that passes for all of it passes for
// the subnet; one that fails may not, and is UNKNOWN.
func (p *subnetPath) subnetBlock() (netip.Prefix, *Unresolved) {
	if p.s.Cidr.IsValid() {
		return p.s.Cidr, nil
	}
	u := p.f.unresolvedOf(p.s.ID, "CidrBlock")
	if u == nil {
		u = &Unresolved{Where: p.s.ID + ".CidrBlock", Expr: "?", Why: "the subnet has no IPv4 block"}
	}
	if v := p.f.Vpcs[p.s.VpcID]; v != nil && v.Cidr.IsValid() {
		return v.Cidr, u
	}
	return ipv4All, u
}

// openSource turns a failure over the stand-in block into UNKNOWN.
func openSource(c Check, u *Unresolved) Check {
	if u == nil || c.Status != Fail {
		return c
	}
	c.Status = Unknown
	c.Reason = fmt.Sprintf("%s; but the function's subnet block is %s", c.Reason, u.Expr)
	if u.Why != "" {
		c.Reason += " (" + u.Why + ")"
	}
	c.Reason += ", so whether its own addresses are affected cannot be known"
	if u.Fix != "" {
		c.Fix = u.Fix
	}
	return c
}

// openVpcRoute is the UNKNOWN route step of a VPC whose block is open:
// its local route takes an unknown part of the destination.
func (p *subnetPath) openVpcRoute(rt *RouteTable) (Check, bool) {
	v := p.f.Vpcs[rt.VpcID]
	if v == nil || v.Cidr.IsValid() {
		return Check{}, false
	}
	u := p.f.unresolvedOf(v.ID, "CidrBlock")
	if u == nil {
		return Check{}, false
	}
	return unknownCheck(CheckRoute, v.ID, "the VPC's local route takes whatever its block holds, and the block is open", u), true
}

// openRoutes are the UNKNOWN steps of routes whose destination is open.
func (p *subnetPath) openRoutes(rt *RouteTable) []Check {
	var out []Check
	for _, r := range rt.Routes {
		if r.Destination.IsValid() || r.PrefixList != "" {
			continue
		}
		if u := p.f.unresolvedOf(r.ID, "Destination"); u != nil {
			out = append(out, unknownCheck(CheckRoute, r.ID, fmt.Sprintf("route %s -> %s %s carries an open destination", r.ID, r.Kind, r.Target), u))
		}
	}
	return out
}

// ExitStatus is netcheck's exit status for the report: 1 when a step that
// is not acknowledged fails, else 2 when one is unknown, else 0.
func (r *Report) ExitStatus() int {
	failed, unknown := false, false
	for fi := range r.Functions {
		for c := range eachCheck(&r.Functions[fi]) {
			if c.Acknowledged != "" {
				continue
			}
			switch c.Status {
			case Fail:
				failed = true
			case Unknown:
				unknown = true
			}
		}
	}
	switch {
	case failed:
		return 1
	case unknown:
		return 2
	}
	return 0
}

// verdictOf is a subnet's or function's verdict from its checks.
func verdictOf(checks []Check) string {
	v := "reachable"
	for _, c := range checks {
		if c.Acknowledged != "" {
			continue
		}
		switch c.Status {
		case Fail:
			return "NOT reachable"
		case Unknown:
			v = "UNKNOWN"
		}
	}
	return v
}
