package netcheck

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Status of one check.
type Status string

const (
	Pass    Status = "PASS"
	Fail    Status = "FAIL"
	Warn    Status = "WARN"
	Unknown Status = "UNKNOWN" // the facts do not say (e.g. a subnet imported from elsewhere)
)

// Check names.
const (
	CheckSubnet          = "subnet"
	CheckSubnetPrivate   = "subnet-private"
	CheckRoute           = "route"
	CheckNatGateway      = "nat-gateway"
	CheckNatSubnetPublic = "nat-subnet-public"
	CheckInternetGateway = "internet-gateway"
	CheckNaclOut         = "nacl-subnet-outbound"
	CheckNaclReplyIn     = "nacl-subnet-reply-inbound"
	CheckNatNaclIn       = "nacl-nat-inbound"
	CheckNatNaclOut      = "nacl-nat-outbound"
	CheckNatNaclReplyIn  = "nacl-nat-reply-inbound"
	CheckNatNaclReplyOut = "nacl-nat-reply-outbound"
	CheckSecurityGroup   = "security-group"
	CheckRoleVpcAccess   = "role-vpc-access"
	CheckRoleDeny        = "role-eni-deny"
	CheckSingleNat       = "single-nat"
	CheckSingleAz        = "single-az"
	CheckPublicSubnet    = "function-in-public-subnet"
)

// Check is the verdict of one step of the path.
type Check struct {
	Name     string `json:"check"`
	Status   Status `json:"status"`
	Resource string `json:"resource,omitempty"`
	Reason   string `json:"reason"`
	Fix      string `json:"fix,omitempty"`
}

// SubnetResult is the path from one of the function's subnets.
type SubnetResult struct {
	Subnet    string  `json:"subnet"`
	AZ        string  `json:"az,omitempty"`
	Cidr      string  `json:"cidr,omitempty"`
	Reachable bool    `json:"reachable"`
	Checks    []Check `json:"checks"`
}

// FunctionResult is the verdict for one function.
type FunctionResult struct {
	Function  string         `json:"function"`
	Name      string         `json:"name,omitempty"`
	Reachable bool           `json:"reachable"`
	Subnets   []SubnetResult `json:"subnets"`
	Checks    []Check        `json:"checks"`
	Warnings  []Check        `json:"warnings"`
}

// Report is the verdict for every function analyzed.
type Report struct {
	Source      string           `json:"source"`
	Destination string           `json:"destination"`
	Reachable   bool             `json:"reachable"`
	Unknown     bool             `json:"unknown"`
	Functions   []FunctionResult `json:"functions"`
}

// Failures lists every failed check, as "function/subnet: check resource".
func (r *Report) Failures() []string {
	var out []string
	for _, f := range r.Functions {
		for _, s := range f.Subnets {
			for _, c := range s.Checks {
				if c.Status == Fail {
					out = append(out, fmt.Sprintf("%s/%s: %s %s", f.Function, s.Subnet, c.Name, c.Resource))
				}
			}
		}
		for _, c := range f.Checks {
			if c.Status == Fail {
				out = append(out, fmt.Sprintf("%s: %s %s", f.Function, c.Name, c.Resource))
			}
		}
	}
	return out
}

func (d Destination) String() string {
	return fmt.Sprintf("%s %s/%d", d.Prefix, protoName(d.Protocol), d.Port)
}

func protoName(p int) string {
	switch p {
	case -1:
		return "all"
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 1:
		return "icmp"
	}
	return fmt.Sprint(p)
}

// Analyze evaluates the path from every subnet of every function (or only
// the function whose id or name is only, when only is not "") to dest.
func Analyze(f *Facts, dest Destination, only string) (*Report, error) {
	r := &Report{Source: f.Source, Destination: dest.String(), Reachable: true}
	for _, fn := range f.Functions {
		if only != "" && fn.ID != only && fn.Name != only {
			continue
		}
		fr := analyzeFunction(f, fn, dest)
		if !fr.Reachable {
			r.Reachable = false
		}
		for _, c := range allChecks(fr) {
			if c.Status == Unknown {
				r.Unknown = true
			}
		}
		r.Functions = append(r.Functions, fr)
	}
	if len(r.Functions) == 0 {
		if only != "" {
			return nil, fmt.Errorf("no VPC-attached Lambda function %q in %s", only, f.Source)
		}
		return nil, fmt.Errorf("no VPC-attached Lambda function in %s", f.Source)
	}
	return r, nil
}

func allChecks(fr FunctionResult) []Check {
	out := append([]Check{}, fr.Checks...)
	for _, s := range fr.Subnets {
		out = append(out, s.Checks...)
	}
	return out
}

func analyzeFunction(f *Facts, fn *Function, dest Destination) FunctionResult {
	fr := FunctionResult{Function: fn.ID, Name: fn.Name, Reachable: true}
	natAzs := map[string]map[string]bool{} // NAT gateway -> AZs of the subnets it serves
	azs := map[string]bool{}
	for _, sid := range fn.SubnetIDs {
		sr, nat := analyzeSubnet(f, sid, dest)
		if !sr.Reachable {
			fr.Reachable = false
		}
		if sr.AZ != "" {
			azs[sr.AZ] = true
			if nat != "" {
				if natAzs[nat] == nil {
					natAzs[nat] = map[string]bool{}
				}
				natAzs[nat][sr.AZ] = true
			}
		}
		for _, c := range sr.Checks {
			if c.Name == CheckSubnetPrivate && c.Status == Fail {
				fr.Warnings = append(fr.Warnings, Check{Name: CheckPublicSubnet, Status: Warn, Resource: sid,
					Reason: "the function is attached to a public subnet: its network interfaces have no public IP, so nothing reaches the internet from there",
					Fix:    "attach the function only to private subnets that route 0.0.0.0/0 to a NAT gateway"})
			}
		}
		fr.Subnets = append(fr.Subnets, sr)
	}
	if len(fn.SubnetIDs) == 0 {
		fr.Reachable = false
		fr.Checks = append(fr.Checks, Check{Name: CheckSubnet, Status: Fail, Resource: fn.ID, Reason: "the function has no subnets", Fix: "attach it to private subnets"})
	}

	fr.Checks = append(fr.Checks, checkSecurityGroups(f, fn, dest))
	fr.Checks = append(fr.Checks, checkRole(f, fn)...)
	for _, c := range fr.Checks {
		if c.Status == Fail {
			fr.Reachable = false
		}
		if c.Status == Unknown {
			fr.Reachable = false
		}
	}

	// Warnings about resilience.
	var nats []string
	for n := range natAzs {
		nats = append(nats, n)
	}
	sort.Strings(nats)
	for _, n := range nats {
		if len(natAzs[n]) > 1 {
			natAz := ""
			if ng := f.NatGateways[n]; ng != nil && f.Subnets[ng.SubnetID] != nil {
				natAz = " in " + f.Subnets[ng.SubnetID].AZ
			}
			fr.Warnings = append(fr.Warnings, Check{Name: CheckSingleNat, Status: Warn, Resource: n,
				Reason: fmt.Sprintf("one NAT gateway%s serves subnets in %d AZs (%s): if its AZ fails, the function loses internet access in every AZ", natAz, len(natAzs[n]), joinKeys(natAzs[n])),
				Fix:    "use one NAT gateway per AZ (NatGateways equal to the AZ count) if the function's internet access must survive an AZ outage"})
		}
	}
	if len(fn.SubnetIDs) > 0 && len(azs) < 2 {
		fr.Warnings = append(fr.Warnings, Check{Name: CheckSingleAz, Status: Warn, Resource: fn.ID,
			Reason: fmt.Sprintf("all of the function's subnets are in one AZ (%s)", joinKeys(azs)),
			Fix:    "attach the function to private subnets in at least two AZs"})
	}
	return fr
}

func joinKeys(m map[string]bool) string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return strings.Join(k, ", ")
}

// routeFor finds the route a table uses for dest: longest prefix wins; the
// VPC's local route is implicit.
func routeFor(f *Facts, rt *RouteTable, dest netip.Prefix) *Route {
	routes := append([]Route{}, rt.Routes...)
	if v := f.Vpcs[rt.VpcID]; v != nil && v.Cidr.IsValid() {
		routes = append(routes, Route{Destination: v.Cidr, Kind: TargetLocal, Target: "local"})
	}
	var best *Route
	for i := range routes {
		r := &routes[i]
		if !r.Destination.IsValid() || r.Destination.Bits() > dest.Bits() || !r.Destination.Contains(dest.Addr()) {
			continue
		}
		if best == nil || r.Destination.Bits() > best.Destination.Bits() {
			best = r
		}
	}
	return best
}

// routeTableOf returns a subnet's route table: the associated one, or the
// VPC's main route table.
func routeTableOf(f *Facts, s *Subnet) (*RouteTable, string) {
	if s.RouteTable != "" {
		return f.RouteTables[s.RouteTable], ""
	}
	v := f.Vpcs[s.VpcID]
	if v == nil {
		return nil, ""
	}
	return f.RouteTables[v.MainRouteTable], " (the subnet has no route table association, so it uses the VPC's main route table)"
}

func naclOf(f *Facts, s *Subnet) *NetworkAcl {
	if s.NetworkAcl != "" {
		return f.NetworkAcls[s.NetworkAcl]
	}
	if v := f.Vpcs[s.VpcID]; v != nil {
		return f.NetworkAcls[v.DefaultNetworkAcl]
	}
	return nil
}

func analyzeSubnet(f *Facts, sid string, dest Destination) (SubnetResult, string) {
	sr := SubnetResult{Subnet: sid, Reachable: true}
	add := func(c Check) {
		if c.Status == Fail || c.Status == Unknown {
			sr.Reachable = false
		}
		sr.Checks = append(sr.Checks, c)
	}
	s := f.Subnets[sid]
	if s == nil {
		add(Check{Name: CheckSubnet, Status: Unknown, Resource: sid, Reason: "the subnet is not defined here, so its routes cannot be checked",
			Fix: "check the template that defines it, or the deployed network"})
		return sr, ""
	}
	sr.AZ, sr.Cidr = s.AZ, s.Cidr.String()

	rt, note := routeTableOf(f, s)
	if rt == nil {
		add(Check{Name: CheckRoute, Status: Fail, Resource: sid, Reason: "the subnet's route table does not exist" + note,
			Fix: "associate the subnet with a route table that sends 0.0.0.0/0 to a NAT gateway"})
		return sr, ""
	}
	r := routeFor(f, rt, dest.Prefix)
	switch {
	case r == nil:
		add(Check{Name: CheckRoute, Status: Fail, Resource: rt.ID,
			Reason: fmt.Sprintf("route table %s has no route for %s%s", rt.ID, dest.Prefix, note),
			Fix:    fmt.Sprintf("add a route %s -> NAT gateway to %s, or associate the subnet with the private route table", dest.Prefix, rt.ID)})
		return sr, ""
	case r.Kind == TargetLocal:
		add(Check{Name: CheckRoute, Status: Pass, Resource: rt.ID, Reason: fmt.Sprintf("%s is inside the VPC: local route", dest.Prefix)})
		return sr, ""
	case r.Kind == TargetInternetGateway:
		add(Check{Name: CheckSubnetPrivate, Status: Fail, Resource: routeID(r, rt),
			Reason: fmt.Sprintf("the subnet is public: route table %s sends %s to internet gateway %s%s, and a Lambda network interface has no public IP", rt.ID, r.Destination, r.Target, note),
			Fix:    "route the function's subnets to a NAT gateway, or attach the function to private subnets"})
		return sr, ""
	case r.Kind == TargetMissing:
		add(Check{Name: CheckRoute, Status: Fail, Resource: routeID(r, rt),
			Reason: fmt.Sprintf("blackhole: route %s -> %s in %s points at a target that does not exist", r.Destination, r.Target, rt.ID),
			Fix:    "point the route at an existing NAT gateway"})
		return sr, ""
	case r.Kind != TargetNatGateway:
		add(Check{Name: CheckRoute, Status: Unknown, Resource: routeID(r, rt),
			Reason: fmt.Sprintf("route %s goes to %s %s, which this checker does not follow", r.Destination, r.Kind, r.Target),
			Fix:    "verify that target forwards to the internet, or route to a NAT gateway"})
		return sr, ""
	}
	add(Check{Name: CheckSubnetPrivate, Status: Pass, Resource: sid, Reason: "the subnet is private (its default route is not an internet gateway)"})
	add(Check{Name: CheckRoute, Status: Pass, Resource: routeID(r, rt), Reason: fmt.Sprintf("%s -> NAT gateway %s (route table %s)%s", r.Destination, r.Target, rt.ID, note)})

	nat := f.NatGateways[r.Target]
	switch {
	case nat == nil:
		add(Check{Name: CheckNatGateway, Status: Fail, Resource: r.Target, Reason: "blackhole: the NAT gateway the route names does not exist", Fix: "create the NAT gateway or fix the route"})
		return sr, r.Target
	case !nat.Public:
		add(Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID, Reason: "the NAT gateway is private (ConnectivityType private) and cannot reach the internet", Fix: "use a public NAT gateway with an Elastic IP"})
		return sr, nat.ID
	case nat.Allocation == "":
		add(Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID, Reason: "the NAT gateway has no Elastic IP", Fix: "give it an Elastic IP (AllocationId)"})
		return sr, nat.ID
	case nat.State != "" && nat.State != "available":
		add(Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID, Reason: "the NAT gateway is " + nat.State, Fix: "wait for it to become available, or replace it"})
		return sr, nat.ID
	}
	add(Check{Name: CheckNatGateway, Status: Pass, Resource: nat.ID, Reason: "public NAT gateway with Elastic IP " + nat.Allocation})

	ns := f.Subnets[nat.SubnetID]
	if ns == nil {
		add(Check{Name: CheckNatSubnetPublic, Status: Unknown, Resource: nat.SubnetID, Reason: "the NAT gateway's subnet is not defined here"})
		return sr, nat.ID
	}
	nrt, nnote := routeTableOf(f, ns)
	var nr *Route
	if nrt != nil {
		nr = routeFor(f, nrt, dest.Prefix)
	}
	if nr == nil || nr.Kind != TargetInternetGateway {
		what := "no route for " + dest.Prefix.String()
		res := ns.ID
		if nr != nil {
			what = fmt.Sprintf("%s -> %s %s", nr.Destination, nr.Kind, nr.Target)
			res = routeID(nr, nrt)
		}
		add(Check{Name: CheckNatSubnetPublic, Status: Fail, Resource: res,
			Reason: fmt.Sprintf("the NAT gateway sits in subnet %s, which is not public: %s%s", ns.ID, what, nnote),
			Fix:    "put the NAT gateway in a public subnet whose route table sends 0.0.0.0/0 to an attached internet gateway"})
		return sr, nat.ID
	}
	add(Check{Name: CheckNatSubnetPublic, Status: Pass, Resource: routeID(nr, nrt), Reason: fmt.Sprintf("NAT subnet %s routes %s -> internet gateway %s", ns.ID, nr.Destination, nr.Target)})

	igw := f.InternetGateways[nr.Target]
	switch {
	case igw == nil:
		add(Check{Name: CheckInternetGateway, Status: Fail, Resource: nr.Target, Reason: "blackhole: the internet gateway does not exist", Fix: "create and attach an internet gateway"})
		return sr, nat.ID
	case !contains(igw.AttachedVpcs, ns.VpcID):
		add(Check{Name: CheckInternetGateway, Status: Fail, Resource: igw.ID, Reason: fmt.Sprintf("internet gateway %s is not attached to VPC %s", igw.ID, ns.VpcID), Fix: "attach it (AWS::EC2::VPCGatewayAttachment)"})
		return sr, nat.ID
	}
	add(Check{Name: CheckInternetGateway, Status: Pass, Resource: igw.ID, Reason: "attached to VPC " + ns.VpcID})

	// Network ACLs are stateless: each direction of each hop needs a rule.
	fnAcl, natAcl := naclOf(f, s), naclOf(f, ns)
	eph := [2]int{EphemeralFrom, EphemeralTo}
	port := [2]int{dest.Port, dest.Port}
	add(naclCheck(CheckNaclOut, fnAcl, true, dest.Prefix, dest.Protocol, port, "the request leaving the function's subnet"))
	add(naclCheck(CheckNaclReplyIn, fnAcl, false, dest.Prefix, dest.Protocol, eph, "the reply coming back to the function's subnet"))
	add(naclCheck(CheckNatNaclIn, natAcl, false, s.Cidr, dest.Protocol, port, "the request arriving at the NAT gateway's subnet from the function's subnet"))
	add(naclCheck(CheckNatNaclOut, natAcl, true, dest.Prefix, dest.Protocol, port, "the request leaving the NAT gateway's subnet for the internet"))
	add(naclCheck(CheckNatNaclReplyIn, natAcl, false, dest.Prefix, dest.Protocol, eph, "the reply coming back from the internet to the NAT gateway"))
	add(naclCheck(CheckNatNaclReplyOut, natAcl, true, s.Cidr, dest.Protocol, eph, "the reply leaving the NAT gateway's subnet for the function's subnet"))
	return sr, nat.ID
}

func routeID(r *Route, rt *RouteTable) string {
	if r.ID != "" {
		return r.ID
	}
	return rt.ID
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// naclCheck evaluates a network ACL for traffic to (egress) or from
// (ingress) peer on ports: rules in ascending number, first match wins per
// port, anything unmatched hits the implicit final deny. Every port of the
// range must be allowed.
func naclCheck(name string, acl *NetworkAcl, egress bool, peer netip.Prefix, proto int, ports [2]int, what string) Check {
	dir := "inbound"
	if egress {
		dir = "outbound"
	}
	if acl == nil {
		return Check{Name: name, Status: Unknown, Reason: "the subnet's network ACL is not defined here"}
	}
	if acl.Default && len(acl.Entries) == 0 {
		return Check{Name: name, Status: Pass, Resource: acl.ID, Reason: "the VPC's default network ACL allows all traffic"}
	}
	var rules []NaclEntry
	for _, e := range acl.Entries {
		if e.Egress == egress {
			rules = append(rules, e)
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].RuleNumber < rules[j].RuleNumber })
	portDesc := fmt.Sprintf("%s/%d", protoName(proto), ports[0])
	if ports[0] != ports[1] {
		portDesc = fmt.Sprintf("%s/%d-%d", protoName(proto), ports[0], ports[1])
	}
	remaining := [][2]int{ports}
	var allowedBy []string
	for _, e := range rules {
		if e.Protocol != -1 && e.Protocol != proto {
			continue
		}
		if !e.Cidr.IsValid() || !e.Cidr.Overlaps(peer) {
			continue
		}
		covers := e.Cidr.Bits() <= peer.Bits() // the rule covers every address of peer
		lo, hi := 0, 65535
		if e.Protocol == 6 || e.Protocol == 17 {
			lo, hi = e.FromPort, e.ToPort
		}
		var next [][2]int
		for _, rg := range remaining {
			a, b := max(rg[0], lo), min(rg[1], hi)
			if a > b {
				next = append(next, rg)
				continue
			}
			if !e.Allow {
				return Check{Name: name, Status: Fail, Resource: e.ID,
					Reason: fmt.Sprintf("%s: network ACL %s %s rule %d denies %s %s %s before any rule allows it", what, acl.ID, dir, e.RuleNumber, portDesc, dirWord(egress), peer),
					Fix:    fmt.Sprintf("remove rule %d or give an allow rule a lower number", e.RuleNumber)}
			}
			if !covers {
				next = append(next, rg) // allows only part of the peer's addresses
				continue
			}
			allowedBy = append(allowedBy, fmt.Sprint(e.RuleNumber))
			if rg[0] < a {
				next = append(next, [2]int{rg[0], a - 1})
			}
			if b < rg[1] {
				next = append(next, [2]int{b + 1, rg[1]})
			}
		}
		remaining = next
		if len(remaining) == 0 {
			return Check{Name: name, Status: Pass, Resource: acl.ID, Reason: fmt.Sprintf("%s %s %s allowed by %s rule %s", portDesc, dirWord(egress), peer, dir, strings.Join(uniq(allowedBy), ", "))}
		}
	}
	var left []string
	for _, rg := range remaining {
		left = append(left, fmt.Sprintf("%d-%d", rg[0], rg[1]))
	}
	return Check{Name: name, Status: Fail, Resource: acl.ID,
		Reason: fmt.Sprintf("%s: network ACL %s has no %s rule allowing %s %s %s (ports %s fall to the implicit deny)", what, acl.ID, dir, portDesc, dirWord(egress), peer, strings.Join(left, ", ")),
		Fix:    fmt.Sprintf("add an %s allow rule for %s %s %s", dir, portDesc, dirWord(egress), peer)}
}

func dirWord(egress bool) string {
	if egress {
		return "to"
	}
	return "from"
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func checkSecurityGroups(f *Facts, fn *Function, dest Destination) Check {
	if len(fn.SecurityGroups) == 0 {
		return Check{Name: CheckSecurityGroup, Status: Fail, Resource: fn.ID, Reason: "the function has no security group", Fix: "give it a security group that allows the egress"}
	}
	for _, id := range fn.SecurityGroups {
		sg := f.SecurityGroups[id]
		if sg == nil {
			return Check{Name: CheckSecurityGroup, Status: Unknown, Resource: id, Reason: "the security group is not defined here"}
		}
		for _, r := range sg.Egress {
			if r.Protocol != -1 && r.Protocol != dest.Protocol {
				continue
			}
			if !r.Cidr.IsValid() || r.Cidr.Bits() > dest.Prefix.Bits() || !r.Cidr.Contains(dest.Prefix.Addr()) {
				continue
			}
			if r.Protocol != -1 && (dest.Port < r.FromPort || dest.Port > r.ToPort) {
				continue
			}
			return Check{Name: CheckSecurityGroup, Status: Pass, Resource: sg.ID, Reason: fmt.Sprintf("egress to %s allowed by %s (stateful: replies are allowed back)", dest, ruleDesc(r))}
		}
	}
	return Check{Name: CheckSecurityGroup, Status: Fail, Resource: strings.Join(fn.SecurityGroups, ","),
		Reason: fmt.Sprintf("no egress rule of the function's security group(s) allows %s", dest),
		Fix:    fmt.Sprintf("add an egress rule for %s (or allow all outbound traffic)", dest)}
}

func ruleDesc(r SgRule) string {
	if r.Protocol == -1 {
		return fmt.Sprintf("all traffic to %s", r.Cidr)
	}
	return fmt.Sprintf("%s/%d-%d to %s", protoName(r.Protocol), r.FromPort, r.ToPort, r.Cidr)
}

func checkRole(f *Facts, fn *Function) []Check {
	role := f.Roles[fn.Role]
	if role == nil {
		return []Check{{Name: CheckRoleVpcAccess, Status: Unknown, Resource: fn.Role, Reason: "the execution role is not defined here"}}
	}
	var out []Check
	has := false
	for _, p := range role.ManagedPolicies {
		if strings.HasSuffix(p, "/"+VpcAccessPolicy) || p == VpcAccessPolicy {
			has = true
		}
	}
	if has {
		out = append(out, Check{Name: CheckRoleVpcAccess, Status: Pass, Resource: role.ID, Reason: "the role carries " + VpcAccessPolicy})
	} else {
		out = append(out, Check{Name: CheckRoleVpcAccess, Status: Fail, Resource: role.ID,
			Reason: "the role lacks " + VpcAccessPolicy + ": Lambda cannot create the function's network interfaces",
			Fix:    "attach arn:aws:iam::aws:policy/service-role/" + VpcAccessPolicy})
	}
	if contains(role.DenyFor, fn.ID) {
		out = append(out, Check{Name: CheckRoleDeny, Status: Pass, Resource: role.ID, Reason: "the function's own code is denied the ENI APIs (lambda:SourceFunctionArn condition)"})
	} else {
		out = append(out, Check{Name: CheckRoleDeny, Status: Warn, Resource: role.ID,
			Reason: "no deny of the ENI APIs for this function's ARN: the function's code could create or delete network interfaces with its role",
			Fix:    "add AWS's recommended Deny of ec2:CreateNetworkInterface and related actions with Condition ArnEquals lambda:SourceFunctionArn = the function's ARN"})
	}
	return out
}
