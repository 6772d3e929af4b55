package netcheck

import (
	"fmt"
	"iter"
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
	CheckVpcTenancy      = "vpc-tenancy"
	CheckFunctionState   = "function-state"
	CheckSingleNat       = "single-nat"
	CheckSingleAz        = "single-az"
	CheckPublicSubnet    = "function-in-public-subnet"

	// The ways out besides a NAT gateway.
	CheckNatInstance       = "nat-instance"                 // exists, attached, running, public address
	CheckSourceDestCheck   = "nat-instance-source-dest"     // source/destination check off on its interface
	CheckNatInstanceSgIn   = "nat-instance-sg-inbound"      // its security group lets the function's subnet in
	CheckNatInstanceSgOut  = "nat-instance-sg-outbound"     // and the destination out
	CheckNatInstanceSpof   = "nat-instance-single-point"    // warning: no managed failover
	CheckEgressOnlyGateway = "egress-only-internet-gateway" // exists, attached to the VPC
	CheckSubnetIpv6        = "subnet-ipv6"                  // the subnet is dual-stack (IPv6 destinations)
	CheckSubnetPublicIpv6  = "subnet-public-ipv6"           // warning: ::/0 to an internet gateway
	CheckFunctionIpv6      = "function-ipv6"                // Ipv6AllowedForDualStack and dual-stack subnets
	CheckGatewayEndpoint   = "gateway-endpoint"             // the service's endpoint route (--dest s3)

	// Names (dns.go, analyze_dns.go).
	CheckDnsResolver   = "dns-resolver"           // the VPC's resolver answers (EnableDnsSupport, DHCP options)
	CheckDnsServerPath = "dns-server-path"        // a custom DNS server is routed and let through the ACLs on UDP and TCP 53
	CheckDnsServerSg   = "dns-security-group"     // the function's security group lets DNS to a custom server out
	CheckDnsFirewall   = "dns-firewall"           // the VPC's DNS Firewall rules let the name resolve (--dest NAME)
	CheckDnsFailOpen   = "dns-firewall-fail-open" // warning: DNS Firewall lets queries through when it fails
)

// Check is the verdict of one step of the path.
type Check struct {
	Name     string `json:"check"`
	Status   Status `json:"status"`
	Resource string `json:"resource,omitempty"`
	Reason   string `json:"reason"`
	Fix      string `json:"fix,omitempty"`
	// Acknowledged is the reason the template's Metadata gives for
	// accepting this check's verdict (Metadata.netcheck.acknowledge):
	// the report still shows the verdict, the exit status ignores it.
	Acknowledged string `json:"acknowledged,omitempty"`
	// Locations are where the templates write what decides a check that
	// does not pass (findings.go); empty for a deployed stack.
	Locations []Location `json:"locations,omitempty"`
}

// SubnetResult is the path from one of the function's subnets.
type SubnetResult struct {
	Subnet    string  `json:"subnet"`
	AZ        string  `json:"az,omitempty"`
	Cidr      string  `json:"cidr,omitempty"`
	Reachable bool    `json:"reachable"`
	Checks    []Check `json:"checks"`
	// Hops are the steps of the path from the subnet outward, for the
	// picture (dot.go): each with the check verdict and the rule or route
	// that decided it.
	Hops []Hop `json:"hops,omitempty"`
	// Witnesses are concrete packets of the destination, one per class
	// the rules separate, each with its verdict (witness.go).
	Witnesses []Witness `json:"witnesses,omitempty"`
}

// Hop is one edge of a path: From and To are resource ids (To is "" for a
// dead end), the kinds say what they are.
type Hop struct {
	From     string `json:"from"`
	FromKind string `json:"fromKind"`
	To       string `json:"to,omitempty"`
	ToKind   string `json:"toKind,omitempty"`
	Label    string `json:"label"`
	Status   Status `json:"status"`
}

// Node kinds of hops.
const (
	KindFunction          = "function"
	KindSubnet            = "subnet"
	KindRouteTable        = "route-table"
	KindNatGateway        = "nat-gateway"
	KindNatInstance       = "nat-instance"
	KindEgressOnlyGateway = "egress-only-internet-gateway"
	KindVpcEndpoint       = "vpc-endpoint"
	KindService           = "service"
	KindInternetGateway   = "internet-gateway"
	KindInternet          = "internet"
	KindOther             = "other"
)

// FunctionResult is the verdict for one function.
type FunctionResult struct {
	Function  string         `json:"function"`
	Name      string         `json:"name,omitempty"`
	Reachable bool           `json:"reachable"`
	Subnets   []SubnetResult `json:"subnets"`
	Checks    []Check        `json:"checks"`
	Warnings  []Check        `json:"warnings"`
	// Hops are the function's edges to its subnets (the security group's
	// verdict), for the picture.
	Hops []Hop `json:"hops,omitempty"`
}

// Report is the verdict for every function analyzed.
type Report struct {
	Source      string           `json:"source"`
	Destination string           `json:"destination"`
	Reachable   bool             `json:"reachable"`
	Unknown     bool             `json:"unknown"`
	Functions   []FunctionResult `json:"functions"`
}

// Find returns the first check named name (of status, when statuses are
// given), looking at each function's own checks, then its subnets' in
// order; nil when there is none.
func (r *Report) Find(name string, statuses ...Status) *Check {
	match := func(c *Check) bool {
		if c.Name != name {
			return false
		}
		if len(statuses) == 0 {
			return true
		}
		for _, st := range statuses {
			if c.Status == st {
				return true
			}
		}
		return false
	}
	for fi := range r.Functions {
		f := &r.Functions[fi]
		for i := range f.Checks {
			if match(&f.Checks[i]) {
				return &f.Checks[i]
			}
		}
		for si := range f.Subnets {
			for i := range f.Subnets[si].Checks {
				if c := &f.Subnets[si].Checks[i]; match(c) {
					return c
				}
			}
		}
	}
	return nil
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
	return fmt.Sprintf("%s %s/%s", d.Label(), protoName(d.Protocol), d.Ports())
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
	return AnalyzeWith(f, dest, only, AnalyzeOptions{Witnesses: true})
}

// AnalyzeOptions choose what Analyze computes besides the verdicts.
type AnalyzeOptions struct {
	// Witnesses gives every subnet result its witnesses (the JSON
	// report, the twin's cross-check): one more path per class of
	// packets the rules separate.
	Witnesses bool
}

// AnalyzeWith is Analyze with options.
func AnalyzeWith(f *Facts, dest Destination, only string, opts AnalyzeOptions) (*Report, error) {
	if len(f.Cases) > 0 {
		r, err := analyzeCases(f, dest, only, opts)
		if err != nil {
			return nil, err
		}
		locate(f, r)
		return r, nil
	}
	r, err := analyzeOne(f, dest, only, opts)
	if err != nil {
		return nil, err
	}
	acknowledge(f, r)
	locate(f, r)
	return r, nil
}

func analyzeOne(f *Facts, dest Destination, only string, opts AnalyzeOptions) (*Report, error) {
	r := &Report{Source: f.Source, Destination: dest.String(), Reachable: true}
	cache := subnetCache{}
	for _, fn := range f.Functions {
		if only != "" && fn.ID != only && fn.Name != only && fn.ID[strings.LastIndex(fn.ID, "/")+1:] != only {
			continue
		}
		fr := analyzeFunction(f, fn, dest, cache)
		if !fr.Reachable {
			r.Reachable = false
		}
		for c := range allChecks(fr) {
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
	if opts.Witnesses {
		addWitnesses(f, r, dest)
	}
	return r, nil
}

// eachCheck yields pointers to the function's own checks, then its
// subnets', for reading in place (the subnets' lists may be shared
// between functions: never write through them).
func eachCheck(fr *FunctionResult) iter.Seq[*Check] {
	return func(yield func(*Check) bool) {
		for i := range fr.Checks {
			if !yield(&fr.Checks[i]) {
				return
			}
		}
		for si := range fr.Subnets {
			for i := range fr.Subnets[si].Checks {
				if !yield(&fr.Subnets[si].Checks[i]) {
					return
				}
			}
		}
	}
}

// allChecks yields the function's own checks, then its subnets'.
func allChecks(fr FunctionResult) iter.Seq[Check] {
	return func(yield func(Check) bool) {
		for _, c := range fr.Checks {
			if !yield(c) {
				return
			}
		}
		for _, s := range fr.Subnets {
			for _, c := range s.Checks {
				if !yield(c) {
					return
				}
			}
		}
	}
}

func analyzeFunction(f *Facts, fn *Function, dest Destination, cache subnetCache) FunctionResult {
	fr := FunctionResult{Function: fn.ID, Name: fn.Name, Reachable: true}
	natAzs := map[string]map[string]bool{} // NAT device -> AZs of the subnets it serves
	devices := map[string]*natDevice{}
	azs := map[string]bool{}
	for _, sr := range unresolvedSubnets(f, fn) {
		fr.Reachable = false
		fr.Subnets = append(fr.Subnets, sr)
	}
	for _, sid := range fn.SubnetIDs {
		sr, nats := cache.analyze(f, fn, sid, dest)
		if !sr.Reachable {
			fr.Reachable = false
		}
		if sr.AZ != "" {
			azs[sr.AZ] = true
			for _, nat := range nats {
				if natAzs[nat.id] == nil {
					natAzs[nat.id] = map[string]bool{}
				}
				natAzs[nat.id][sr.AZ] = true
				devices[nat.id] = nat
			}
		}
		for _, c := range sr.Checks {
			if c.Name == CheckSubnetPrivate && c.Status == Fail {
				reason := "the function is attached to a public subnet: its network interfaces have no public IP, so nothing reaches the internet from there"
				if strings.HasPrefix(c.Reason, partlyPublic) {
					reason = "the function is attached to a subnet that routes part of the destination to an internet gateway: its network interfaces have no public IP, so that part is unreachable from there"
				}
				fr.Warnings = append(fr.Warnings, Check{Name: CheckPublicSubnet, Status: Warn, Resource: sid, Reason: reason,
					Fix: "attach the function only to private subnets that route 0.0.0.0/0 to a NAT gateway"})
				break
			}
		}
		fr.Subnets = append(fr.Subnets, liftWarnings(&fr, sr))
	}
	if len(fn.SubnetIDs) == 0 && len(fr.Subnets) == 0 {
		fr.Reachable = false
		fr.Checks = append(fr.Checks, Check{Name: CheckSubnet, Status: Fail, Resource: fn.ID, Reason: "the function has no subnets", Fix: "attach it to private subnets"})
	}

	sg, sgLabel := checkSecurityGroups(f, fn, dest)
	fr.Checks = append(fr.Checks, sg)
	for _, sid := range fn.SubnetIDs {
		fr.Hops = append(fr.Hops, Hop{From: fn.ID, FromKind: KindFunction, To: sid, ToKind: KindSubnet, Label: sgLabel, Status: sg.Status})
	}
	fr.Checks = append(fr.Checks, checkRole(f, fn)...)
	fr.Checks = append(fr.Checks, checkTenancy(f, fn)...)
	fr.Checks = append(fr.Checks, checkState(fn)...)
	ipv6, ipv6Warnings := checkFunctionIpv6(f, fn, dest)
	fr.Checks = append(fr.Checks, ipv6...)
	fr.Warnings = append(fr.Warnings, ipv6Warnings...)
	dns, dnsWarnings := functionDns(f, fn, dest)
	fr.Checks = append(fr.Checks, dns...)
	fr.Warnings = append(fr.Warnings, dnsWarnings...)
	for _, c := range fr.Checks {
		if c.Status == Fail || c.Status == Unknown {
			fr.Reachable = false
		}
	}
	fr.Warnings = append(fr.Warnings, resilienceWarnings(f, fn, natAzs, devices, azs)...)
	fr.Warnings = append(fr.Warnings, vpcOverlapWarnings(f, fn)...)
	return fr
}

// resilienceWarnings: one NAT gateway serving several AZs, all subnets in
// one AZ.
func resilienceWarnings(f *Facts, fn *Function, natAzs map[string]map[string]bool, devices map[string]*natDevice, azs map[string]bool) []Check {
	var out []Check
	var nats []string
	for n := range natAzs {
		nats = append(nats, n)
	}
	sort.Strings(nats)
	for _, n := range nats {
		dev := devices[n]
		natAz := ""
		if s := f.Subnets[dev.subnet]; s != nil && s.AZ != "" {
			natAz = " in " + s.AZ
		}
		// A regional NAT gateway is in every AZ it serves: no single AZ.
		if len(natAzs[n]) > 1 && !dev.regional {
			out = append(out, Check{Name: CheckSingleNat, Status: Warn, Resource: n,
				Reason: fmt.Sprintf("one %s%s serves subnets in %d AZs (%s): if its AZ fails, the function loses internet access in every AZ", dev.what, natAz, len(natAzs[n]), joinKeys(natAzs[n])),
				Fix:    singleNatFix(dev)})
		}
		if dev.kind == KindNatInstance {
			res := n
			if dev.inst != nil {
				res = dev.inst.ID
			}
			out = append(out, Check{Name: CheckNatInstanceSpof, Status: Warn, Resource: res,
				Reason: fmt.Sprintf("NAT instance %s%s is a single point of failure for the subnets it serves (%s): it has no managed failover, so if it stops, is impaired or is being patched they lose internet access (EC2's simplified automatic recovery only restarts a supported instance after a hardware failure)", res, natAz, joinKeys(natAzs[n])),
				Fix:    "use NAT gateways where internet access matters, or monitor the instance (status checks, an alarm) and keep one per AZ"})
		}
	}
	known := 0
	for _, sid := range fn.SubnetIDs {
		if s := f.Subnets[sid]; s != nil && s.AZ != "" {
			known++
		}
	}
	if known == len(fn.SubnetIDs) && known > 0 && len(azs) < 2 && len(f.Unresolved[fn.ID]) == 0 {
		out = append(out, Check{Name: CheckSingleAz, Status: Warn, Resource: fn.ID,
			Reason: fmt.Sprintf("all of the function's subnets are in one AZ (%s)", joinKeys(azs)),
			Fix:    "attach the function to private subnets in at least two AZs"})
	}
	return out
}

// checkTenancy fails for a VPC with dedicated instance tenancy: Lambda
// cannot attach a function to it.
func checkTenancy(f *Facts, fn *Function) []Check {
	vpcs := map[string]bool{}
	for _, sid := range fn.SubnetIDs {
		if s := f.Subnets[sid]; s != nil && f.Vpcs[s.VpcID] != nil {
			vpcs[s.VpcID] = true
		}
	}
	var out []Check
	for _, id := range sortedIDs(vpcs) {
		v := f.Vpcs[id]
		if strings.EqualFold(v.InstanceTenancy, "dedicated") {
			out = append(out, Check{Name: CheckVpcTenancy, Status: Fail, Resource: id,
				Reason: fmt.Sprintf("VPC %s has dedicated instance tenancy: Lambda cannot attach a function to it", id),
				Fix:    "attach the function to a VPC with default instance tenancy"})
			continue
		}
		out = append(out, Check{Name: CheckVpcTenancy, Status: Pass, Resource: id, Reason: "default instance tenancy: Lambda can attach the function"})
	}
	return out
}

// checkState fails for a deployed function that is not Active: its
// network interfaces are not ready, so invocations fail.
func checkState(fn *Function) []Check {
	var c Check
	switch strings.ToLower(fn.State) {
	case "":
		return nil // a template: nothing deployed yet
	case "active":
		return []Check{{Name: CheckFunctionState, Status: Pass, Resource: fn.ID, Reason: "the function is Active"}}
	case "pending":
		c = Check{Reason: "the function is Pending: Lambda is still creating its network interfaces, and invocations fail until it is Active",
			Fix: "wait until it is Active (aws lambda wait function-active-v2 --function-name " + fn.Name + ")"}
	case "inactive":
		c = Check{Reason: "the function is Inactive: it was idle long enough that Lambda reclaimed its network interfaces; the next invocation fails while Lambda creates them again (Pending)",
			Fix: "invoke it once and wait until it is Active, or invoke it regularly"}
	default:
		c = Check{Reason: fmt.Sprintf("the function is %s", fn.State),
			Fix: "read its StateReasonCode, fix the cause (e.g. subnet addresses, ENI limits, the role) and update the function"}
	}
	if fn.StateReason != "" {
		c.Reason += " (" + fn.StateReason + ")"
	}
	c.Name, c.Status, c.Resource = CheckFunctionState, Fail, fn.ID
	return []Check{c}
}

func sortedIDs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkSecurityGroups evaluates the function's security groups over every
// packet of the destination: the union of every egress rule of every group
// must allow all of it (they are stateful: replies need nothing).
func checkSecurityGroups(f *Facts, fn *Function, dest Destination) (Check, string) {
	if u := f.unresolvedOf(fn.ID, "VpcConfig.SecurityGroupIds"); u != nil {
		return unknownCheck(CheckSecurityGroup, fn.ID, "the function's security groups cannot be known", u), "security group ?"
	}
	if len(fn.SecurityGroups) == 0 {
		return Check{Name: CheckSecurityGroup, Status: Fail, Resource: fn.ID, Reason: "the function has no security group", Fix: "give it a security group that allows the egress"}, "no security group"
	}
	var groups []*SecurityGroup
	for _, id := range fn.SecurityGroups {
		sg := f.SecurityGroups[id]
		if sg == nil {
			return Check{Name: CheckSecurityGroup, Status: Unknown, Resource: id, Reason: "the security group is not defined here"}, "security group ?"
		}
		groups = append(groups, sg)
	}
	if open := openRules(groups); len(open) > 0 {
		worstC, worstL := checkGroups(fn, groupsExtreme(groups, false), dest)
		if worstC.Status == Pass {
			return worstC, worstL
		}
		bestC, bestL := checkGroups(fn, groupsExtreme(groups, true), dest)
		if bestC.Status == Fail {
			return bestC, bestL
		}
		return Check{Name: CheckSecurityGroup, Status: Unknown, Resource: open[0].ID,
			Reason: fmt.Sprintf("the function's security group egress depends on a rule whose block the template leaves open: %s", open[0].Unresolved),
			Fix:    "give the values that decide the rule's block (--parameter ...)"}, "security group ?"
	}
	return checkGroups(fn, groups, dest)
}

// checkGroups evaluates the function's (resolved) security groups.
func checkGroups(fn *Function, groups []*SecurityGroup, dest Destination) (Check, string) {
	n := namer{whole: dest.Addrs(), label: dest.Label()}
	space := Box(dest.Addrs(), dest.Ports())
	allowed, denied := EvalSecurityGroups(groups, dest.Protocol, space)
	var by []string
	for _, p := range allowed {
		d := ruleDesc(p.Rule)
		if len(groups) > 1 {
			d += " of " + p.Group
		}
		if !contains(by, d) {
			by = append(by, d)
		}
	}
	if denied.IsEmpty() {
		return Check{Name: CheckSecurityGroup, Status: Pass, Resource: allowed[0].Group,
				Reason: fmt.Sprintf("egress %s allowed by %s (stateful: replies are allowed back)", n.packets(dest.Protocol, space, "to"), strings.Join(by, "; "))},
			"security group: " + strings.Join(by, "; ")
	}
	var hints []netip.Prefix
	for _, g := range groups {
		for _, r := range g.Egress {
			if !SgMatch(r, dest.Protocol).IsEmpty() {
				hints = append(hints, r.Cidr)
			}
		}
	}
	reason := fmt.Sprintf("no egress rule of the function's security group(s) allows %s", n.packets(dest.Protocol, denied, "to", hints...))
	if len(allowed) > 0 {
		reason += fmt.Sprintf("; the rest of the destination is allowed by %s", strings.Join(by, "; "))
	}
	return Check{Name: CheckSecurityGroup, Status: Fail, Resource: strings.Join(fn.SecurityGroups, ","),
			Reason: reason,
			Fix:    fmt.Sprintf("add an egress rule for %s/%s to %s, or allow all outbound traffic", protoName(dest.Protocol), denied.Ports(), n.cidrs(denied.Addrs()))},
		"security group blocks " + n.packets(dest.Protocol, denied, "to", hints...)
}

func ruleDesc(r SgRule) string {
	if r.Protocol == -1 {
		return fmt.Sprintf("rule all traffic to %s", r.Cidr)
	}
	return fmt.Sprintf("rule %s/%s to %s", protoName(r.Protocol), PortRange(r.FromPort, r.ToPort), r.Cidr)
}

func joinKeys(m map[string]bool) string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return strings.Join(k, ", ")
}

func checkRole(f *Facts, fn *Function) []Check {
	if fn.CapacityProvider != "" {
		return []Check{{Name: CheckRoleVpcAccess, Status: Pass, Resource: fn.CapacityProvider,
			Reason: "the function runs on capacity provider " + fn.CapacityProvider + " (Lambda Managed Instances): its instances' network interfaces are the capacity provider's, created with its operator role, not the execution role's"}}
	}
	if u := f.unresolvedOf(fn.ID, "Role"); u != nil {
		return []Check{unknownCheck(CheckRoleVpcAccess, fn.ID, "the function's execution role cannot be known", u)}
	}
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
	} else if c, ok := grantCheck(role); ok {
		out = append(out, c)
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

// singleNatFix is the fix for one NAT device serving several AZs.
func singleNatFix(dev *natDevice) string {
	if dev.kind == KindNatInstance {
		return "use one NAT instance per AZ (as many as the AZs), or NAT gateways, if the function's internet access must survive an AZ outage"
	}
	return "use one NAT gateway per AZ (NatGateways equal to the AZ count) if the function's internet access must survive an AZ outage"
}

// liftWarnings moves a subnet's warnings (a route table without the
// service's endpoint, a subnet public for IPv6) to the function's, once
// each: they concern a shared resource more than the subnet.
func liftWarnings(fr *FunctionResult, sr SubnetResult) SubnetResult {
	warns := false
	for _, c := range sr.Checks {
		warns = warns || c.Status == Warn
	}
	if !warns {
		return sr
	}
	var keep []Check
	for _, c := range sr.Checks {
		if c.Status != Warn {
			keep = append(keep, c)
			continue
		}
		dup := false
		for _, w := range fr.Warnings {
			dup = dup || (w.Name == c.Name && w.Resource == c.Resource)
		}
		if !dup {
			fr.Warnings = append(fr.Warnings, c)
		}
	}
	sr.Checks = keep
	return sr
}
