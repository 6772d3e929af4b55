package netcheck

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Template is a CloudFormation template as `cdk synth` writes it (JSON).
type Template struct {
	Parameters map[string]struct {
		Default interface{} `json:"Default"`
	} `json:"Parameters"`
	Resources map[string]*Resource `json:"Resources"`
}

// Resource is one resource of a Template.
type Resource struct {
	Type       string                 `json:"Type"`
	Properties map[string]interface{} `json:"Properties"`
	DependsOn  interface{}            `json:"DependsOn,omitempty"`
}

// InputError is a template that cannot be read or understood.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// ReadTemplate reads a JSON template from a file ("-" for standard input is
// handled by the caller).
func ReadTemplate(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &InputError{fmt.Sprintf("cannot read template: %v", err)}
	}
	return ParseTemplate(data, path)
}

// ParseTemplate parses a JSON template.
func ParseTemplate(data []byte, name string) (*Template, error) {
	var t Template
	if err := json.Unmarshal(data, &t); err != nil {
		hint := ""
		if strings.HasPrefix(strings.TrimSpace(string(data)), "Resources:") || strings.Contains(string(data), "\nResources:") {
			hint = " (it looks like YAML: use the JSON template from cdk.out/, e.g. cdk.out/STACK.template.json)"
		}
		return nil, &InputError{fmt.Sprintf("%s is not a JSON CloudFormation template: %v%s", name, err, hint)}
	}
	if len(t.Resources) == 0 {
		return nil, &InputError{fmt.Sprintf("%s has no Resources: not a CloudFormation template", name)}
	}
	for id, r := range t.Resources {
		if r == nil || r.Type == "" {
			return nil, &InputError{fmt.Sprintf("%s: resource %s has no Type", name, id)}
		}
	}
	return &t, nil
}

// unknown marks a value the template cannot know (a pseudo parameter, an
// import, an attribute only AWS knows).
type unknown struct{ what string }

// resolver evaluates the intrinsic functions a template can express.
type resolver struct {
	t *Template
}

// value resolves v: strings, numbers, lists and maps come back with every
// intrinsic function evaluated; a Ref or GetAtt of a resource's id becomes
// the resource's logical id; what cannot be known becomes unknown.
func (r *resolver) value(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 1 {
			for k, arg := range x {
				switch k {
				case "Ref":
					return r.ref(arg)
				case "Fn::GetAtt":
					return r.getAtt(arg)
				case "Fn::Select":
					return r.selectFn(arg)
				case "Fn::GetAZs":
					return r.getAZs()
				case "Fn::Join":
					return r.join(arg)
				case "Fn::Sub":
					return r.sub(arg)
				case "Fn::Cidr":
					return r.cidr(arg)
				case "Fn::ImportValue", "Fn::FindInMap", "Fn::If", "Fn::Split", "Fn::Base64":
					return unknown{k}
				}
			}
		}
		out := map[string]interface{}{}
		for k, e := range x {
			out[k] = r.value(e)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			out[i] = r.value(e)
		}
		return out
	}
	return v
}

func (r *resolver) ref(arg interface{}) interface{} {
	name, ok := arg.(string)
	if !ok {
		return unknown{"Ref"}
	}
	if _, ok := r.t.Resources[name]; ok {
		return name
	}
	if p, ok := r.t.Parameters[name]; ok {
		if p.Default != nil {
			return r.value(p.Default)
		}
		return unknown{"Ref " + name}
	}
	if strings.HasPrefix(name, "AWS::") {
		return unknown{"Ref " + name} // pseudo parameters
	}
	return missingRef(name)
}

func (r *resolver) getAtt(arg interface{}) interface{} {
	var id, attr string
	switch a := arg.(type) {
	case []interface{}:
		if len(a) == 2 {
			id, _ = a[0].(string)
			attr, _ = r.value(a[1]).(string)
		}
	case string:
		id, attr, _ = strings.Cut(a, ".")
	}
	res, ok := r.t.Resources[id]
	if !ok {
		return missingRef(id)
	}
	switch {
	case res.Type == "AWS::EC2::VPC" && attr == "CidrBlock":
		return r.value(res.Properties["CidrBlock"])
	case res.Type == "AWS::EC2::VPC" && attr == "DefaultNetworkAcl":
		return id + defaultNaclSuffix
	case res.Type == "AWS::EC2::Subnet" && attr == "CidrBlock":
		return r.value(res.Properties["CidrBlock"])
	case res.Type == "AWS::EC2::Subnet" && attr == "AvailabilityZone":
		return r.value(res.Properties["AvailabilityZone"])
	case res.Type == "AWS::EC2::VPC" && attr == "Ipv6CidrBlocks":
		return r.vpcIpv6(id)
	case res.Type == "AWS::EC2::Subnet" && attr == "Ipv6CidrBlocks":
		if v, ok := res.Properties["Ipv6CidrBlock"]; ok {
			return []interface{}{r.value(v)}
		}
		return []interface{}{}
	case attr == "Arn" || attr == "PublicIp" || attr == "PrivateIp":
		return arnOf(id)
	}
	return id // VpcId, SubnetId, GroupId, RouteTableId, AllocationId, ...: the resource itself
}

// missingRef is a reference to a resource the template does not have.
type missingRef string

// arnOf stands for the ARN of a resource of the template.
type arnOf string

func (r *resolver) getAZs() interface{} {
	azs := make([]interface{}, 6)
	for i := range azs {
		azs[i] = fmt.Sprintf("az%d", i+1)
	}
	return azs
}

func (r *resolver) selectFn(arg interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 2 {
		return unknown{"Fn::Select"}
	}
	var idx int
	switch i := r.value(a[0]).(type) {
	case float64:
		idx = int(i)
	case string:
		n, err := strconv.Atoi(i)
		if err != nil {
			return unknown{"Fn::Select"}
		}
		idx = n
	default:
		return unknown{"Fn::Select"}
	}
	list, ok := r.value(a[1]).([]interface{})
	if !ok || idx < 0 || idx >= len(list) {
		return unknown{"Fn::Select"}
	}
	return list[idx]
}

// str renders a resolved value as a string, "" and false when it cannot.
func str(v interface{}) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case arnOf:
		return "arn:" + string(x), true
	}
	return "", false
}

func (r *resolver) join(arg interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 2 {
		return unknown{"Fn::Join"}
	}
	sep, _ := a[0].(string)
	list, ok := r.value(a[1]).([]interface{})
	if !ok {
		return unknown{"Fn::Join"}
	}
	var parts []string
	for _, e := range list {
		switch x := e.(type) {
		case unknown:
			parts = append(parts, "${"+x.what+"}")
		default:
			s, ok := str(x)
			if !ok {
				return unknown{"Fn::Join"}
			}
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, sep)
}

func (r *resolver) sub(arg interface{}) interface{} {
	var tpl string
	vars := map[string]interface{}{}
	switch a := arg.(type) {
	case string:
		tpl = a
	case []interface{}:
		if len(a) != 2 {
			return unknown{"Fn::Sub"}
		}
		tpl, _ = a[0].(string)
		if m, ok := a[1].(map[string]interface{}); ok {
			for k, v := range m {
				vars[k] = r.value(v)
			}
		}
	default:
		return unknown{"Fn::Sub"}
	}
	var b strings.Builder
	for {
		i := strings.Index(tpl, "${")
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.Index(tpl[i:], "}")
		if j < 0 {
			b.WriteString(tpl)
			break
		}
		b.WriteString(tpl[:i])
		name := tpl[i+2 : i+j]
		var v interface{}
		if vv, ok := vars[name]; ok {
			v = vv
		} else if id, attr, ok := strings.Cut(name, "."); ok {
			v = r.getAtt([]interface{}{id, attr})
		} else {
			v = r.ref(name)
		}
		if s, ok := str(v); ok {
			b.WriteString(s)
		} else {
			b.WriteString("${" + name + "}")
		}
		tpl = tpl[i+j+1:]
	}
	return b.String()
}

const (
	mainRouteTableSuffix = "#main-route-table"
	defaultNaclSuffix    = "#default-network-acl"
)

// FromTemplate extracts the network facts of a template.
func FromTemplate(t *Template, source string) (*Facts, error) {
	x := &templateReader{t: t, r: &resolver{t: t}, f: NewFacts(source)}
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// Pass 1: the containers; pass 2: what attaches to them.
	for _, pass := range []map[string]func(id string, p map[string]interface{}){x.containers(), x.attachments()} {
		for _, id := range ids {
			if read, ok := pass[t.Resources[id].Type]; ok {
				read(id, x.props(id))
			}
		}
	}
	x.attachInstances()
	x.denyByName()
	if len(x.problems) > 0 {
		return nil, &InputError{source + ": " + strings.Join(x.problems, "; ")}
	}
	return x.f, nil
}

// templateReader turns a template's resources into Facts.
type templateReader struct {
	t        *Template
	r        *resolver
	f        *Facts
	problems []string
}

func (x *templateReader) props(id string) map[string]interface{} {
	p, _ := x.r.value(x.t.Resources[id].Properties).(map[string]interface{})
	if p == nil {
		p = map[string]interface{}{}
	}
	return p
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

func (x *templateReader) prefix(where string, v interface{}) netip.Prefix {
	s, ok := str(v)
	if !ok {
		x.problems = append(x.problems, fmt.Sprintf("%s: CIDR cannot be resolved", where))
		return netip.Prefix{}
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		x.problems = append(x.problems, fmt.Sprintf("%s: %q is not a CIDR block", where, s))
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

// containers reads the resources others attach to.
func (x *templateReader) containers() map[string]func(string, map[string]interface{}) {
	f := x.f
	return map[string]func(string, map[string]interface{}){
		"AWS::EC2::VPC": func(id string, p map[string]interface{}) {
			tenancy, _ := str(p["InstanceTenancy"])
			v := &Vpc{ID: id, Cidr: x.prefix(id+".CidrBlock", p["CidrBlock"]), MainRouteTable: id + mainRouteTableSuffix, DefaultNetworkAcl: id + defaultNaclSuffix, InstanceTenancy: tenancy}
			f.Vpcs[id] = v
			f.RouteTables[v.MainRouteTable] = &RouteTable{ID: v.MainRouteTable, VpcID: id, Main: true}
			f.NetworkAcls[v.DefaultNetworkAcl] = &NetworkAcl{ID: v.DefaultNetworkAcl, VpcID: id, Default: true}
		},
		"AWS::EC2::Subnet": func(id string, p map[string]interface{}) {
			az, _ := str(p["AvailabilityZone"])
			s := &Subnet{ID: id, VpcID: refID(p["VpcId"]), AZ: az, Cidr: x.prefix(id+".CidrBlock", p["CidrBlock"])}
			if v6, ok := p["Ipv6CidrBlock"]; ok {
				s.Ipv6Cidr = x.prefix(id+".Ipv6CidrBlock", v6)
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
			alloc, _ := str(p["AllocationId"])
			if _, ok := x.t.Resources[alloc]; !ok && alloc != "" && !strings.HasPrefix(alloc, "eipalloc-") {
				alloc = ""
			}
			f.NatGateways[id] = &NatGateway{ID: id, SubnetID: refID(p["SubnetId"]), Public: ct == "" || ct == "public", Allocation: alloc}
			regionalNatGateway(f.NatGateways[id], p) // template_regional.go
		},
		"AWS::EC2::NetworkAcl": func(id string, p map[string]interface{}) {
			f.NetworkAcls[id] = &NetworkAcl{ID: id, VpcID: refID(p["VpcId"])}
		},
		"AWS::EC2::SecurityGroup":             x.securityGroup,
		"AWS::IAM::Role":                      x.role,
		"AWS::EC2::EgressOnlyInternetGateway": x.egressOnlyGateway,
		"AWS::EC2::NetworkInterface":          x.networkInterface,
		"AWS::EC2::Instance":                  x.instance,
	}
}

func (x *templateReader) securityGroup(id string, p map[string]interface{}) {
	sg := &SecurityGroup{ID: id, VpcID: refID(p["VpcId"])}
	egress, present := p["SecurityGroupEgress"].([]interface{})
	if !present || len(egress) == 0 {
		// CloudFormation keeps EC2's default allow-all (IPv4) egress rule
		// when a group declares none.
		sg.Egress = append(sg.Egress, SgRule{ID: id + "#default-egress", Protocol: -1, Cidr: netip.MustParsePrefix("0.0.0.0/0")})
	}
	for i, e := range egress {
		m, _ := e.(map[string]interface{})
		if rule, ok := sgRule(fmt.Sprintf("%s.SecurityGroupEgress[%d]", id, i), m); ok {
			sg.Egress = append(sg.Egress, rule)
		}
	}
	ingress, _ := p["SecurityGroupIngress"].([]interface{})
	for i, e := range ingress {
		m, _ := e.(map[string]interface{})
		if rule, ok := sgIngressRule(fmt.Sprintf("%s.SecurityGroupIngress[%d]", id, i), m); ok {
			sg.Ingress = append(sg.Ingress, rule)
		}
	}
	x.f.SecurityGroups[id] = sg
}

func (x *templateReader) role(id string, p map[string]interface{}) {
	role := &Role{ID: id}
	if arns, ok := p["ManagedPolicyArns"].([]interface{}); ok {
		for _, a := range arns {
			if s, ok := str(a); ok {
				role.ManagedPolicies = append(role.ManagedPolicies, s)
			}
		}
	}
	if pols, ok := p["Policies"].([]interface{}); ok {
		for _, pol := range pols {
			if m, ok := pol.(map[string]interface{}); ok {
				role.DenyFor = append(role.DenyFor, denyTargets(x.t, m["PolicyDocument"])...)
			}
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
				if rule, ok := sgRule(id, p); ok {
					sg.Egress = append(sg.Egress, rule)
				}
			}
		},
		"AWS::EC2::SecurityGroupIngress": func(id string, p map[string]interface{}) {
			if sg := f.SecurityGroups[refID(p["GroupId"])]; sg != nil {
				if rule, ok := sgIngressRule(id, p); ok {
					sg.Ingress = append(sg.Ingress, rule)
				}
			}
		},
		"AWS::IAM::Policy":         x.policy,
		"AWS::IAM::ManagedPolicy":  x.policy,
		"AWS::Lambda::Function":    x.function,
		"AWS::EC2::VPCCidrBlock":   x.vpcCidrBlock,
		"AWS::EC2::EIPAssociation": x.eipAssociation,
		"AWS::EC2::EIP":            x.eip,
		"AWS::EC2::VPCEndpoint":    x.vpcEndpoint,
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
		return
	}
	var route Route
	if dst, ok := str(p["DestinationCidrBlock"]); ok {
		route = Route{ID: id, Destination: x.prefix(id+".DestinationCidrBlock", dst)}
	} else if dst, ok := str(p["DestinationIpv6CidrBlock"]); ok {
		route = Route{ID: id, Destination: x.prefix(id+".DestinationIpv6CidrBlock", dst)}
	} else if pl, ok := p["DestinationPrefixListId"]; ok {
		// A prefix list's blocks are not in the template: the route
		// applies to the prefix list's addresses only.
		name, ok := str(pl)
		if !ok {
			name = refID(pl)
		}
		route = Route{ID: id, PrefixList: name}
	} else {
		return
	}
	for _, k := range routeTargets {
		v, ok := p[k.prop]
		if !ok {
			continue
		}
		route.Kind, route.Target = k.kind, refID(v)
		if _, missing := v.(missingRef); missing {
			route.Kind = TargetMissing
		} else if k.kind == TargetInternetGateway {
			if target, ok := x.t.Resources[route.Target]; ok && target.Type != "AWS::EC2::InternetGateway" {
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
	cidr, ok := str(p[prop])
	if !ok {
		prop = "Ipv6CidrBlock"
		if cidr, ok = str(p[prop]); !ok {
			return
		}
	}
	action, _ := str(p["RuleAction"])
	e := NaclEntry{ID: id, RuleNumber: intOf(p["RuleNumber"], 0), Egress: fmt.Sprint(p["Egress"]) == "true",
		Allow: strings.EqualFold(action, "allow"), Protocol: proto(p["Protocol"]), Cidr: x.prefix(id+"."+prop, cidr), FromPort: 0, ToPort: 65535}
	if pr, ok := p["PortRange"].(map[string]interface{}); ok {
		e.FromPort, e.ToPort = intOf(pr["From"], 0), intOf(pr["To"], 65535)
	}
	acl.Entries = append(acl.Entries, e)
}

func (x *templateReader) policy(id string, p map[string]interface{}) {
	targets := denyTargets(x.t, x.t.Resources[id].Properties["PolicyDocument"])
	roles, _ := p["Roles"].([]interface{})
	for _, ro := range roles {
		if role := x.f.Roles[refID(ro)]; role != nil {
			role.DenyFor = append(role.DenyFor, targets...)
		}
	}
}

func (x *templateReader) function(id string, p map[string]interface{}) {
	vc, ok := p["VpcConfig"].(map[string]interface{})
	if !ok {
		return
	}
	name, _ := str(p["FunctionName"])
	fn := &Function{ID: id, Name: name, Role: refID(unArn(p["Role"]))}
	subnets, _ := vc["SubnetIds"].([]interface{})
	for _, s := range subnets {
		sid := refID(s)
		if sid == "" {
			sid = fmt.Sprint(s)
		}
		fn.SubnetIDs = append(fn.SubnetIDs, sid)
	}
	sgs, _ := vc["SecurityGroupIds"].([]interface{})
	for _, s := range sgs {
		fn.SecurityGroups = append(fn.SecurityGroups, refID(s))
	}
	fn.Ipv6AllowedForDualStack = fmt.Sprint(vc["Ipv6AllowedForDualStack"]) == "true"
	x.f.Functions = append(x.f.Functions, fn)
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

func sgRule(id string, m map[string]interface{}) (SgRule, bool) {
	cidr, ok := str(m["CidrIp"])
	if !ok {
		if cidr, ok = str(m["CidrIpv6"]); !ok {
			return SgRule{}, false // to a security group or a prefix list: not the internet
		}
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return SgRule{}, false
	}
	r := SgRule{ID: id, Protocol: proto(m["IpProtocol"]), Cidr: p, FromPort: intOf(m["FromPort"], 0), ToPort: intOf(m["ToPort"], 65535)}
	return r, true
}

// eniActions are the actions of AWS's recommended deny statement.
var eniActions = []string{
	"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
	"ec2:DetachNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}

// denyTargets returns the functions a policy document's ENI deny names:
// logical ids (from Ref/GetAtt) or ARNs (from a fixed name).
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

// DenyTargets returns the function ARNs named in the lambda:SourceFunctionArn
// condition of every statement of an IAM policy document (parsed JSON) that
// denies all of the ENI actions Lambda needs on "*": AWS's recommended deny.
func DenyTargets(doc interface{}) []string {
	return denyTargets(&Template{Resources: map[string]*Resource{}}, doc)
}

func denyTargets(t *Template, doc interface{}) []string {
	r := &resolver{t: t}
	d, _ := doc.(map[string]interface{})
	stmts, _ := d["Statement"].([]interface{})
	var out []string
	for _, s := range stmts {
		st, _ := s.(map[string]interface{})
		if st["Effect"] != "Deny" {
			continue
		}
		actions := map[string]bool{}
		switch a := st["Action"].(type) {
		case string:
			actions[a] = true
		case []interface{}:
			for _, x := range a {
				if s, ok := x.(string); ok {
					actions[s] = true
				}
			}
		}
		all := true
		for _, a := range eniActions {
			if !actions[a] && !actions["ec2:*"] && !actions["*"] {
				all = false
			}
		}
		if !all || fmt.Sprint(st["Resource"]) != "*" && fmt.Sprint(st["Resource"]) != "[*]" {
			continue
		}
		cond, _ := st["Condition"].(map[string]interface{})
		for _, op := range []string{"ArnEquals", "ArnLike", "StringEquals", "StringLike"} {
			m, _ := cond[op].(map[string]interface{})
			v, ok := m["lambda:SourceFunctionArn"]
			if !ok {
				continue
			}
			switch x := r.value(v).(type) {
			case arnOf:
				out = append(out, string(x))
			case string:
				out = append(out, x) // matched to a function by name later
			}
		}
	}
	return out
}
