package netcheck

// From templates to Facts: every resource netcheck reads, in two passes
// (the containers, then what attaches to them), once per case of the
// conditions the given values leave undecided.

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

const (
	mainRouteTableSuffix = "#main-route-table"
	defaultNaclSuffix    = "#default-network-acl"
)

// maxCases bounds the cases netcheck checks when conditions are left
// undecided (2^6: six independent conditions).
const maxCases = 64

// facts reads the set's facts, splitting into cases on every condition
// the given values leave undecided that decides something netcheck reads.
func (s *templateSet) facts() (*Facts, error) {
	type pending struct {
		forced map[string]bool
		assume []string
	}
	queue := []pending{{forced: map[string]bool{}}}
	var cases []Case
	var fixes []string
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		f, cs, err := s.read(c.forced)
		if err != nil {
			return nil, err
		}
		if cs.need != "" {
			if len(cases)+len(queue)+2 > maxCases {
				fix := cs.needOf.resolver(s, cs).condFix(strings.TrimPrefix(cs.need, cs.needOf.scope))
				return nil, &InputError{fmt.Sprintf("%s: more than %d cases of undecided conditions (the last one met: %s): give the parameters' values (%s)", s.source, maxCases, cs.need, fix)}
			}
			if fix := cs.needOf.resolver(s, cs).condFix(strings.TrimPrefix(cs.need, cs.needOf.scope)); fix != "" && !contains(fixes, fix) {
				fixes = append(fixes, fix)
			}
			for _, v := range []bool{true, false} {
				forced := map[string]bool{cs.need: v}
				for k, x := range c.forced {
					forced[k] = x
				}
				queue = append(queue, pending{forced: forced, assume: append(append([]string{}, c.assume...), fmt.Sprintf("%s=%t", cs.need, v))})
			}
			continue
		}
		cases = append(cases, Case{Assume: strings.Join(c.assume, ", "), Facts: f})
	}
	if len(cases) == 1 {
		return cases[0].Facts, nil
	}
	top := *cases[0].Facts
	top.Cases = cases
	top.CaseFix = strings.Join(fixes, " ")
	return &top, nil
}

// templateReader turns the set's resources into Facts, in one case.
type templateReader struct {
	set        *templateSet
	cs         *caseState
	r          *resolver // the resolver of the member being read
	f          *Facts
	problems   []string
	lts        map[string]map[string]interface{} // launch templates' data, by id
	cps        map[string]map[string]interface{} // capacity providers' VpcConfig, by id
	capacityOf map[string]string
}

// read reads the facts of one case.
func (s *templateSet) read(forced map[string]bool) (*Facts, *caseState, error) {
	cs := newCaseState(forced)
	x := &templateReader{set: s, cs: cs, f: NewFacts(s.source), capacityOf: map[string]string{}}
	x.f.Origins = s.origins
	passes := []map[string]func(id string, p map[string]interface{}){x.containers(), x.attachments()}
	for _, pass := range passes {
		for _, m := range s.members {
			x.r = m.resolver(s, cs)
			for _, id := range sortedKeys(m.t.Resources) {
				res := m.t.Resources[id]
				read, ok := pass[res.Type]
				if !ok || !x.exists(m, id) {
					continue
				}
				read(m.scope+id, x.r.props(id))
			}
		}
	}
	x.attachInstances()
	x.denyByName()
	x.suppressions()
	if cs.cycle != "" {
		return nil, nil, &InputError{fmt.Sprintf("%s: a reference cycle: %s (a value that depends on itself cannot be resolved, and CloudFormation refuses it: circular dependency)", s.source, cs.cycle)}
	}
	if len(x.problems) > 0 {
		sort.Strings(x.problems)
		return nil, nil, &InputError{s.source + ": " + strings.Join(uniqStrings(x.problems), "; ")}
	}
	return x.f, cs, nil
}

// exists decides whether a resource exists in this case (its Condition);
// an undecided condition makes the case split (caseState.need).
func (x *templateReader) exists(m *member, id string) bool {
	c := m.t.Resources[id].Condition
	if c == "" {
		return true
	}
	return m.resolver(x.set, x.cs).condition(c) == condTrue
}

// local is a qualified id's logical id in its own template.
func (x *templateReader) local(qid string) string { return strings.TrimPrefix(qid, x.r.m.scope) }

// unresolved records a value the templates leave open on the resource
// (qualified id) and property it belongs to.
func (x *templateReader) unresolved(qid, prop string, u unknown) {
	x.f.Unresolved[qid] = append(x.f.Unresolved[qid], Unresolved{Where: qid + "." + prop, Expr: u.expr, Why: u.why, Fix: u.fix})
}

// resource is the template resource a qualified id names (nil when none).
func (x *templateReader) resource(qid string) *Resource {
	b, ok := x.set.byQID[qid]
	if !ok {
		return nil
	}
	return b.m.t.Resources[b.id]
}

func refID(v interface{}) string {
	switch y := v.(type) {
	case string:
		return y
	case missingRef:
		return string(y)
	}
	return ""
}

// prefix reads a CIDR property: unresolved values are recorded (the
// prefix is then invalid), malformed ones are problems.
func (x *templateReader) prefix(qid, prop string, v interface{}) netip.Prefix {
	if u, ok := firstUnknown(v); ok {
		x.unresolved(qid, prop, u)
		return netip.Prefix{}
	}
	s, ok := str(v)
	if !ok {
		x.problems = append(x.problems, fmt.Sprintf("%s.%s must be a CIDR block, not %s", qid, prop, describe(v)))
		return netip.Prefix{}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		x.problems = append(x.problems, fmt.Sprintf("%s.%s: %q is not a CIDR block", qid, prop, s))
		return netip.Prefix{}
	}
	return p
}

// networkPrefix is a VPC's or subnet's block: EC2 refuses one with host
// bits set, so that is a problem naming the block it meant.
func (x *templateReader) networkPrefix(qid, prop string, v interface{}) netip.Prefix {
	p := x.prefix(qid, prop, v)
	if p.IsValid() && p.Masked() != p {
		x.problems = append(x.problems, fmt.Sprintf("%s.%s: %s is not a network address (host bits are set), which EC2 refuses: did you mean %s?", qid, prop, p, p.Masked()))
	}
	return p
}

func intOf(v interface{}, def int) int {
	s, ok := str(v)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

func proto(v interface{}) int {
	s, _ := str(v)
	return ProtocolNumber(s)
}

// display is a resolved value as a report shows it: strings as they are,
// anything unresolved as the template writes it.
func display(v interface{}) string {
	if s, ok := str(v); ok {
		return s
	}
	if u, ok := v.(unknown); ok && u.partial != "" {
		return u.partial
	}
	if id := refID(v); id != "" {
		return id
	}
	if v == nil {
		return ""
	}
	return Render(v)
}

// containers reads the resources others attach to.
func (x *templateReader) containers() map[string]func(string, map[string]interface{}) {
	f := x.f
	return map[string]func(string, map[string]interface{}){
		"AWS::EC2::VPC": x.vpc,
		"AWS::EC2::Subnet": func(id string, p map[string]interface{}) {
			s := &Subnet{ID: id, VpcID: refID(p["VpcId"]), AZ: display(p["AvailabilityZone"]), Cidr: x.prefix(id, "CidrBlock", p["CidrBlock"])}
			if s.Cidr.IsValid() && s.Cidr.Masked() != s.Cidr {
				s.Defect = fmt.Sprintf("its CidrBlock %s is not a network address (host bits are set): EC2 refuses to create it", s.Cidr)
				s.Cidr = s.Cidr.Masked()
			}
			if p["CidrBlock"] == nil && p["Ipv4IpamPoolId"] != nil {
				x.unresolved(id, "CidrBlock", unknown{expr: "!Ref " + x.local(id) + " (Ipv4IpamPoolId)", why: "IPAM assigns the block at deploy time"})
			}
			if v6, ok := p["Ipv6CidrBlock"]; ok {
				s.Ipv6Cidr = x.prefix(id, "Ipv6CidrBlock", v6)
			}
			f.Subnets[id] = s
		},
		"AWS::EC2::RouteTable": func(id string, p map[string]interface{}) {
			f.RouteTables[id] = &RouteTable{ID: id, VpcID: refID(p["VpcId"])}
		},
		"AWS::EC2::InternetGateway": func(id string, p map[string]interface{}) {
			f.InternetGateways[id] = &InternetGateway{ID: id}
		},
		"AWS::EC2::NatGateway": func(id string, p map[string]interface{}) {
			ct, _ := str(p["ConnectivityType"])
			alloc := display(p["AllocationId"])
			if u, ok := firstUnknown(p["AllocationId"]); ok {
				x.unresolved(id, "AllocationId", u)
				alloc = u.expr
			} else if x.resource(alloc) == nil && alloc != "" && !strings.HasPrefix(alloc, "eipalloc-") {
				alloc = ""
			}
			f.NatGateways[id] = &NatGateway{ID: id, SubnetID: refID(p["SubnetId"]), Public: ct == "" || ct == "public", Allocation: alloc}
			regionalNatGateway(f.NatGateways[id], p) // template_regional.go
		},
		"AWS::EC2::NetworkAcl": func(id string, p map[string]interface{}) {
			f.NetworkAcls[id] = &NetworkAcl{ID: id, VpcID: refID(p["VpcId"])}
		},
		"AWS::EC2::SecurityGroup":                  x.securityGroup,
		"AWS::IAM::Role":                           x.role,
		"AWS::EC2::EgressOnlyInternetGateway":      x.egressOnlyGateway,
		"AWS::EC2::NetworkInterface":               x.networkInterface,
		"AWS::EC2::Instance":                       x.instance,
		"AWS::EC2::LaunchTemplate":                 x.launchTemplate,
		"AWS::Lambda::CapacityProvider":            x.capacityProvider,
		"AWS::EC2::DHCPOptions":                    x.dhcpOptions,
		"AWS::Route53Resolver::FirewallDomainList": x.firewallDomainList,
		"AWS::Route53Resolver::FirewallRuleGroup":  x.firewallRuleGroup,
	}
}

// vpc reads a VPC with its main route table, default network ACL and
// default security group (allow-all egress, as EC2 creates it).
func (x *templateReader) vpc(id string, p map[string]interface{}) {
	tenancy, _ := str(p["InstanceTenancy"])
	v := &Vpc{ID: id, Cidr: x.networkPrefix(id, "CidrBlock", p["CidrBlock"]), MainRouteTable: id + mainRouteTableSuffix, DefaultNetworkAcl: id + defaultNaclSuffix, InstanceTenancy: tenancy}
	if p["CidrBlock"] == nil && p["Ipv4IpamPoolId"] != nil {
		x.unresolved(id, "CidrBlock", unknown{expr: "Ipv4IpamPoolId " + display(p["Ipv4IpamPoolId"]), why: "IPAM assigns the block at deploy time"})
	}
	x.vpcDns(id, p, v)
	x.f.Vpcs[id] = v
	x.f.RouteTables[v.MainRouteTable] = &RouteTable{ID: v.MainRouteTable, VpcID: id, Main: true}
	x.f.NetworkAcls[v.DefaultNetworkAcl] = &NetworkAcl{ID: v.DefaultNetworkAcl, VpcID: id, Default: true}
	sg := id + defaultSGSuffix
	x.f.SecurityGroups[sg] = &SecurityGroup{ID: sg, VpcID: id, Egress: []SgRule{{ID: sg + "#default-egress", Protocol: -1, Cidr: netip.MustParsePrefix("0.0.0.0/0")}}}
}

func (x *templateReader) securityGroup(id string, p map[string]interface{}) {
	sg := &SecurityGroup{ID: id, VpcID: refID(p["VpcId"])}
	egress, err := x.list(id, "SecurityGroupEgress", p["SecurityGroupEgress"])
	if err {
		return
	}
	if len(egress) == 0 {
		// CloudFormation keeps EC2's default allow-all (IPv4) egress rule
		// when a group declares none.
		sg.Egress = append(sg.Egress, SgRule{ID: id + "#default-egress", Protocol: -1, Cidr: netip.MustParsePrefix("0.0.0.0/0")})
	}
	for i, e := range egress {
		m, _ := e.(map[string]interface{})
		if rule, ok := x.sgRule(id, fmt.Sprintf("SecurityGroupEgress[%d]", i), m); ok {
			sg.Egress = append(sg.Egress, rule)
		}
	}
	ingress, _ := x.list(id, "SecurityGroupIngress", p["SecurityGroupIngress"])
	for i, e := range ingress {
		m, _ := e.(map[string]interface{})
		if rule, ok := x.sgIngressRule(id, fmt.Sprintf("SecurityGroupIngress[%d]", i), m); ok {
			sg.Ingress = append(sg.Ingress, rule)
		}
	}
	x.f.SecurityGroups[id] = sg
}

// list reads a list property: absent is empty; an unresolved list is
// recorded; any other kind is a problem (true).
func (x *templateReader) list(qid, prop string, v interface{}) ([]interface{}, bool) {
	switch l := v.(type) {
	case nil:
		return nil, false
	case []interface{}:
		return l, false
	case unknown:
		x.unresolved(qid, prop, l)
		return nil, false
	}
	x.problems = append(x.problems, fmt.Sprintf("%s.%s must be a list, not %s", qid, prop, describe(v)))
	return nil, true
}

func (x *templateReader) role(id string, p map[string]interface{}) {
	role := &Role{ID: id}
	arns, _ := x.list(id, "ManagedPolicyArns", p["ManagedPolicyArns"])
	for _, a := range arns {
		if s, ok := str(a); ok {
			role.ManagedPolicies = append(role.ManagedPolicies, s)
		} else if ref := refID(a); ref != "" {
			role.ManagedPolicies = append(role.ManagedPolicies, ref) // a customer-managed policy of the template
		} else if u, ok := a.(unknown); ok {
			x.unresolved(id, "ManagedPolicyArns", u)
		}
	}
	pols, _ := x.list(id, "Policies", p["Policies"])
	for i, pol := range pols {
		if m, ok := pol.(map[string]interface{}); ok {
			name := display(m["PolicyName"])
			if name == "" {
				name = fmt.Sprintf("Policies[%d]", i)
			}
			role.DenyFor = append(role.DenyFor, x.denyTargets(m["PolicyDocument"])...)
			role.Grants = append(role.Grants, eniGrants(id+"."+name, m["PolicyDocument"])...)
		}
	}
	x.f.Roles[id] = role
}

// attachments reads what attaches to the containers.
func (x *templateReader) attachments() map[string]func(string, map[string]interface{}) {
	f := x.f
	return map[string]func(string, map[string]interface{}){
		"AWS::EC2::Route": x.route,
		"AWS::EC2::SubnetRouteTableAssociation": func(id string, p map[string]interface{}) {
			if s := f.Subnets[refID(p["SubnetId"])]; s != nil {
				s.RouteTable = refID(p["RouteTableId"])
			}
		},
		"AWS::EC2::SubnetNetworkAclAssociation": func(id string, p map[string]interface{}) {
			if s := f.Subnets[refID(p["SubnetId"])]; s != nil {
				s.NetworkAcl = refID(p["NetworkAclId"])
			}
		},
		"AWS::EC2::VPCGatewayAttachment": func(id string, p map[string]interface{}) {
			if igw := f.InternetGateways[refID(p["InternetGatewayId"])]; igw != nil {
				igw.AttachedVpcs = append(igw.AttachedVpcs, refID(p["VpcId"]))
			}
		},
		"AWS::EC2::NetworkAclEntry": x.naclEntry,
		"AWS::EC2::SecurityGroupEgress": func(id string, p map[string]interface{}) {
			if sg := f.SecurityGroups[refID(p["GroupId"])]; sg != nil {
				if rule, ok := x.sgRule(id, "", p); ok {
					sg.Egress = append(sg.Egress, rule)
				}
			}
		},
		"AWS::EC2::SecurityGroupIngress": func(id string, p map[string]interface{}) {
			if sg := f.SecurityGroups[refID(p["GroupId"])]; sg != nil {
				if rule, ok := x.sgIngressRule(id, "", p); ok {
					sg.Ingress = append(sg.Ingress, rule)
				}
			}
		},
		// aws-cdk's restrictDefaultSecurityGroup: a custom resource that
		// removes every rule of the VPC's default security group.
		"Custom::VpcRestrictDefaultSG": func(id string, p map[string]interface{}) {
			if sg := f.SecurityGroups[refID(p["DefaultSecurityGroupId"])]; sg != nil {
				sg.Egress, sg.Ingress = nil, nil
			}
		},
		"AWS::IAM::Policy":                                   x.policy,
		"AWS::IAM::ManagedPolicy":                            x.policy,
		"AWS::IAM::RolePolicy":                               x.rolePolicy,
		"AWS::Lambda::Function":                              x.function,
		"AWS::EC2::VPCCidrBlock":                             x.vpcCidrBlock,
		"AWS::EC2::EIPAssociation":                           x.eipAssociation,
		"AWS::EC2::EIP":                                      x.eip,
		"AWS::EC2::VPCEndpoint":                              x.vpcEndpoint,
		"AWS::AutoScaling::AutoScalingGroup":                 x.autoScalingGroup,
		"AWS::EC2::VPCDHCPOptionsAssociation":                x.dhcpAssociation,
		"AWS::Route53Resolver::FirewallRuleGroupAssociation": x.firewallAssociation,
		"AWS::Route53Resolver::FirewallConfig":               x.firewallConfig,
	}
}

// routeTargets are the properties that name a route's target.
var routeTargets = []struct {
	prop string
	kind TargetKind
}{
	{"NatGatewayId", TargetNatGateway}, {"GatewayId", TargetInternetGateway}, {"NetworkInterfaceId", TargetNetworkInterface},
	{"InstanceId", TargetInstance}, {"TransitGatewayId", TargetOther}, {"VpcPeeringConnectionId", TargetOther},
	{"VpcEndpointId", TargetOther}, {"CarrierGatewayId", TargetOther}, {"LocalGatewayId", TargetOther}, {"CoreNetworkArn", TargetOther},
	{"EgressOnlyInternetGatewayId", TargetEgressOnlyInternetGateway},
}

func (x *templateReader) route(id string, p map[string]interface{}) {
	rt := x.f.RouteTables[refID(p["RouteTableId"])]
	if rt == nil {
		if u, ok := p["RouteTableId"].(unknown); ok {
			x.unresolved(id, "RouteTableId", u)
		}
		return
	}
	var route Route
	switch {
	case p["DestinationCidrBlock"] != nil:
		route = Route{ID: id, Destination: x.prefix(id, "DestinationCidrBlock", p["DestinationCidrBlock"])}
	case p["DestinationIpv6CidrBlock"] != nil:
		route = Route{ID: id, Destination: x.prefix(id, "DestinationIpv6CidrBlock", p["DestinationIpv6CidrBlock"])}
	case p["DestinationPrefixListId"] != nil:
		// A prefix list's blocks are not in the template: the route
		// applies to the prefix list's addresses only.
		route = Route{ID: id, PrefixList: display(p["DestinationPrefixListId"])}
	default:
		return
	}
	for _, k := range routeTargets {
		v, ok := p[k.prop]
		if !ok {
			continue
		}
		route.Kind, route.Target = k.kind, refID(v)
		if u, isUnknown := v.(unknown); isUnknown {
			x.unresolved(id, k.prop, u)
			route.Kind, route.Target = TargetOther, u.expr
			continue
		}
		if _, missing := v.(missingRef); missing {
			route.Kind = TargetMissing
		} else if k.kind == TargetInternetGateway {
			if target := x.resource(route.Target); target != nil && target.Type != "AWS::EC2::InternetGateway" {
				route.Kind = TargetOther // e.g. a virtual private gateway
			} else if route.Target == "local" {
				route.Kind = TargetLocal
			}
		}
		if route.Kind == TargetNatGateway && x.f.NatGateways[route.Target] == nil {
			route.Kind = TargetMissing
		}
		if route.Kind == TargetEgressOnlyInternetGateway && x.f.EgressOnlyInternetGateways[route.Target] == nil {
			route.Kind = TargetMissing
		}
		if route.Kind == TargetNetworkInterface && x.f.NetworkInterfaces[route.Target] == nil && !strings.HasPrefix(route.Target, "eni-") {
			route.Kind = TargetMissing
		}
		if route.Kind == TargetInstance && x.f.Instances[route.Target] == nil && !strings.HasPrefix(route.Target, "i-") {
			route.Kind = TargetMissing
		}
	}
	if route.Kind == "" {
		route.Kind = TargetOther
	}
	rt.Routes = append(rt.Routes, route)
}

func (x *templateReader) naclEntry(id string, p map[string]interface{}) {
	acl := x.f.NetworkAcls[refID(p["NetworkAclId"])]
	if acl == nil {
		return
	}
	prop := "CidrBlock"
	if p[prop] == nil {
		prop = "Ipv6CidrBlock"
		if p[prop] == nil {
			return
		}
	}
	action, _ := str(p["RuleAction"])
	e := NaclEntry{ID: id, RuleNumber: intOf(p["RuleNumber"], 0), Egress: fmt.Sprint(p["Egress"]) == "true",
		Allow: strings.EqualFold(action, "allow"), Protocol: proto(p["Protocol"]), Cidr: x.prefix(id, prop, p[prop]), FromPort: 0, ToPort: 65535, Ipv6: prop == "Ipv6CidrBlock"}
	if u, ok := firstUnknown(p[prop]); ok {
		e.Unresolved = u.String()
	}
	if pr, ok := p["PortRange"].(map[string]interface{}); ok {
		e.FromPort, e.ToPort = intOf(pr["From"], 0), intOf(pr["To"], 65535)
	}
	for _, k := range []string{"RuleNumber", "RuleAction", "Protocol", "Egress"} {
		if u, ok := p[k].(unknown); ok {
			x.unresolved(id, k, u)
		}
	}
	acl.Entries = append(acl.Entries, e)
}

// policy reads an IAM policy attached to roles: the ENI deny and the ENI
// grants of its document.
func (x *templateReader) policy(id string, p map[string]interface{}) {
	targets := x.denyTargets(p["PolicyDocument"])
	grants := eniGrants(id, p["PolicyDocument"])
	roles, _ := x.list(id, "Roles", p["Roles"])
	for _, ro := range roles {
		if role := x.f.Roles[refID(ro)]; role != nil {
			role.DenyFor = append(role.DenyFor, targets...)
			role.Grants = append(role.Grants, grants...)
		}
	}
	if x.resource(id) != nil && x.resource(id).Type == "AWS::IAM::ManagedPolicy" {
		x.f.managedGrants(id, grants)
	}
}

// rolePolicy reads AWS::IAM::RolePolicy (one inline policy of a role).
func (x *templateReader) rolePolicy(id string, p map[string]interface{}) {
	if role := x.f.Roles[refID(p["RoleName"])]; role != nil {
		role.DenyFor = append(role.DenyFor, x.denyTargets(p["PolicyDocument"])...)
		role.Grants = append(role.Grants, eniGrants(id, p["PolicyDocument"])...)
	}
}

// managedGrants gives the roles that name a customer-managed policy in
// their ManagedPolicyArns that policy's grants.
func (f *Facts) managedGrants(policy string, grants []EniGrant) {
	for _, role := range f.Roles {
		if contains(role.ManagedPolicies, policy) {
			role.Grants = append(role.Grants, grants...)
		}
	}
}

func (x *templateReader) function(id string, p map[string]interface{}) {
	vc, ok := p["VpcConfig"].(map[string]interface{})
	if !ok {
		if u, isUnknown := p["VpcConfig"].(unknown); isUnknown {
			fn := &Function{ID: id, Role: refID(unArn(p["Role"]))}
			x.unresolved(id, "VpcConfig", u)
			x.f.Functions = append(x.f.Functions, fn)
			return
		}
		if vc = x.capacityProviderVpc(id, p); vc == nil {
			return
		}
	}
	name, _ := str(p["FunctionName"])
	fn := &Function{ID: id, Name: name, Role: refID(unArn(p["Role"]))}
	if u, ok := firstUnknown(p["Role"]); ok {
		x.unresolved(id, "Role", u)
	}
	switch s := vc["SubnetIds"].(type) {
	case []interface{}:
		for i, e := range s {
			if u, ok := e.(unknown); ok {
				x.unresolved(id, fmt.Sprintf("VpcConfig.SubnetIds[%d]", i), u)
				continue
			}
			sid := refID(e)
			if sid == "" {
				x.problems = append(x.problems, fmt.Sprintf("%s.VpcConfig.SubnetIds[%d] must be a subnet id, not %s", id, i, describe(e)))
				continue
			}
			fn.SubnetIDs = append(fn.SubnetIDs, sid)
		}
	case unknown:
		x.unresolved(id, "VpcConfig.SubnetIds", s)
	case nil:
	default:
		x.problems = append(x.problems, fmt.Sprintf("%s.VpcConfig.SubnetIds must be a list of subnet ids, not %s (write [%s])", id, describe(s), display(s)))
	}
	switch s := vc["SecurityGroupIds"].(type) {
	case []interface{}:
		for i, e := range s {
			if u, ok := e.(unknown); ok {
				x.unresolved(id, fmt.Sprintf("VpcConfig.SecurityGroupIds[%d]", i), u)
				continue
			}
			fn.SecurityGroups = append(fn.SecurityGroups, refID(e))
		}
	case unknown:
		x.unresolved(id, "VpcConfig.SecurityGroupIds", s)
	case nil:
	default:
		x.problems = append(x.problems, fmt.Sprintf("%s.VpcConfig.SecurityGroupIds must be a list of security group ids, not %s", id, describe(s)))
	}
	for _, sid := range fn.SubnetIDs {
		if x.f.Subnets[sid] == nil && x.resource(sid) == nil && !awsID(sid, "subnet-") {
			if fn.BadSubnets == nil {
				fn.BadSubnets = map[string]string{}
			}
			fn.BadSubnets[sid] = x.nearestSubnet(sid)
		}
	}
	fn.Ipv6AllowedForDualStack = fmt.Sprint(vc["Ipv6AllowedForDualStack"]) == "true"
	fn.CapacityProvider = x.capacityOf[id]
	x.f.Functions = append(x.f.Functions, fn)
}

// awsID reports whether s looks like an AWS resource id with the prefix
// (subnet-0abc...): 8 or 17 hexadecimal digits.
func awsID(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || (len(rest) != 8 && len(rest) != 17) {
		return false
	}
	for _, c := range rest {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// nearestSubnet names the template's subnet a literal most likely meant
// (a missing !Ref: "PrivateSubnet1ID" for PrivateSubnet1).
func (x *templateReader) nearestSubnet(lit string) string {
	best, bestScore := "", -1
	norm := func(s string) string {
		s = strings.ToLower(s)
		s = s[strings.LastIndex(s, "/")+1:]
		for _, suffix := range []string{"id", "ids"} {
			s = strings.TrimSuffix(s, suffix)
		}
		return s
	}
	want := norm(lit)
	for _, id := range sortedKeys(x.f.Subnets) {
		have := norm(id)
		score := 0
		switch {
		case have == want:
			score = 3
		case strings.HasPrefix(want, have) || strings.HasPrefix(have, want):
			score = 2
		}
		if score > bestScore && score > 0 {
			best, bestScore = id, score
		}
	}
	return best
}

// denyByName matches a deny written with the function's fixed name
// instead of a reference.
func (x *templateReader) denyByName() {
	for _, role := range x.f.Roles {
		for i, target := range role.DenyFor {
			for _, fn := range x.f.Functions {
				if fn.Name != "" && strings.HasSuffix(target, ":function:"+fn.Name) {
					role.DenyFor[i] = fn.ID
				}
			}
		}
	}
}

func unArn(v interface{}) interface{} {
	if a, ok := v.(arnOf); ok {
		return string(a)
	}
	return v
}

// sgRule reads a rule to a CIDR block (rules to a security group or a
// prefix list are not rules to the internet).
func (x *templateReader) sgRule(qid, where string, m map[string]interface{}) (SgRule, bool) {
	prop := "CidrIp"
	v, ok := m[prop]
	if !ok {
		prop = "CidrIpv6"
		if v, ok = m[prop]; !ok {
			return SgRule{}, false
		}
	}
	if where != "" {
		prop = where + "." + prop
	}
	p := x.prefix(qid, prop, v)
	r := SgRule{ID: qid, Protocol: proto(m["IpProtocol"]), Cidr: p, FromPort: intOf(m["FromPort"], 0), ToPort: intOf(m["ToPort"], 65535), Ipv6: strings.HasSuffix(prop, "CidrIpv6")}
	if u, ok := firstUnknown(v); ok {
		r.Unresolved = u.String()
		return r, true
	}
	return r, p.IsValid()
}

func (x *templateReader) sgIngressRule(qid, where string, m map[string]interface{}) (SgRule, bool) {
	if g := refID(m["SourceSecurityGroupId"]); g != "" {
		return SgRule{ID: qid, Protocol: proto(m["IpProtocol"]), SourceGroup: g, FromPort: intOf(m["FromPort"], 0), ToPort: intOf(m["ToPort"], 65535)}, true
	}
	return x.sgRule(qid, where, m)
}

// ProtocolNumber turns a protocol as templates and the EC2 API write it
// ("tcp", "6", "-1", "all", ...) into its number: -1 for all protocols, -2
// for one that cannot be read (it matches only "all" rules).
func ProtocolNumber(s string) int {
	switch strings.ToLower(s) {
	case "-1", "all":
		return -1
	case "tcp", "6":
		return 6
	case "udp", "17":
		return 17
	case "icmp", "1":
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -2
	}
	return n
}

// suppressions reads the acknowledgements in resources' Metadata:
//
//	Metadata:
//	  netcheck:
//	    acknowledge:
//	      - check: single-nat
//	        reason: one NAT gateway is enough for this test stack
func (x *templateReader) suppressions() {
	for _, m := range x.set.members {
		for _, id := range sortedKeys(m.t.Resources) {
			md, _ := m.t.Resources[id].Metadata["netcheck"].(map[string]interface{})
			if md == nil {
				continue
			}
			list, ok := md["acknowledge"].([]interface{})
			if !ok {
				x.problems = append(x.problems, fmt.Sprintf("%s%s: Metadata.netcheck.acknowledge must be a list of {check, reason}", m.scope, id))
				continue
			}
			for i, e := range list {
				a, _ := e.(map[string]interface{})
				check, _ := a["check"].(string)
				reason, _ := a["reason"].(string)
				if check == "" || strings.TrimSpace(reason) == "" {
					x.problems = append(x.problems, fmt.Sprintf("%s%s: Metadata.netcheck.acknowledge[%d] needs a check name and a reason (check: single-nat, reason: why it is acceptable)", m.scope, id, i))
					continue
				}
				x.f.Suppressions[m.scope+id] = append(x.f.Suppressions[m.scope+id], Suppression{Check: check, Reason: reason})
			}
		}
	}
}
