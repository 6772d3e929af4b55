package netcheck

// Evaluating a template's values: parameters (given, defaults), pseudo
// parameters, Mappings, Conditions and every intrinsic function that can be
// known before deployment. What cannot be known becomes an unknown that
// carries the expression as it is written and what would resolve it, so a
// report can say "!Ref VpcCidr has no value: --parameter VpcCidr=VALUE"
// instead of guessing. References between resources, parameters,
// conditions and other stacks are followed with cycle detection.

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// unknown is a value the reader cannot know.
type unknown struct {
	expr string // the expression as a template writes it (Render)
	why  string // why it cannot be known
	fix  string // what would resolve it (a flag, another template), "" if nothing can
	// partial is, for Fn::Sub, the string with what is known substituted
	// and the rest left as ${NAME} ("arn:aws:lambda:${AWS::Region}:...").
	partial string
}

func (u unknown) String() string {
	s := u.expr
	if u.why != "" {
		s += " (" + u.why + ")"
	}
	return s
}

// noValue is AWS::NoValue: the property or list element is removed.
type noValue struct{}

// missingRef is a reference to a resource the templates do not have.
type missingRef string

// arnOf stands for the ARN (or address) of a resource of the template.
type arnOf string

// condValue is a condition's value: true, false or undecided.
type condValue int

const (
	condFalse condValue = iota
	condTrue
	condUndecided
)

// resolver evaluates one template's values in one case (an assignment of
// the conditions the given values leave undecided).
type resolver struct {
	m    *member
	set  *templateSet
	cs   *caseState
	vals map[string]interface{} // resolved properties, by resource id + "\x00" + property
}

// caseState is what the evaluation of one case shares across templates:
// the conditions forced for it, the first undecided condition met, and
// the cycle being followed.
type caseState struct {
	forced map[string]bool // qualified condition name -> value
	conds  map[string]condValue
	need   string // the first undecided condition that decided something
	needOf *member
	active []string // the references being evaluated, for cycles
	cycle  string   // the first cycle met
	// resolvers are the members' resolvers in this case.
	resolvers map[*member]*resolver
}

func (r *resolver) qualify(id string) string { return r.m.scope + id }

// enter starts following a reference; false (and the cycle recorded)
// when it is already being followed.
func (r *resolver) enter(key string) bool {
	key = r.m.scope + key
	for i, k := range r.cs.active {
		if k == key {
			if r.cs.cycle == "" {
				chain := append(append([]string{}, r.cs.active[i:]...), key)
				r.cs.cycle = strings.Join(chain, " -> ")
			}
			return false
		}
	}
	r.cs.active = append(r.cs.active, key)
	return true
}

func (r *resolver) leave() { r.cs.active = r.cs.active[:len(r.cs.active)-1] }

func (r *resolver) cycleUnknown(expr string) unknown {
	return unknown{expr: expr, why: "it refers to itself"}
}

// value resolves v: strings, numbers, lists and maps come back with every
// intrinsic function evaluated; a Ref or GetAtt of a resource's id becomes
// the resource's (qualified) logical id; what cannot be known becomes
// unknown; AWS::NoValue removes what it stands in.
func (r *resolver) value(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 1 {
			for k, arg := range x {
				if fn, ok := intrinsics[k]; ok {
					return fn(r, arg, x)
				}
			}
		}
		out := make(map[string]interface{}, len(x))
		for k, e := range x {
			ev := r.value(e)
			if _, gone := ev.(noValue); gone {
				continue
			}
			out[k] = ev
		}
		return out
	case []interface{}:
		out := make([]interface{}, 0, len(x))
		for _, e := range x {
			ev := r.value(e)
			if _, gone := ev.(noValue); gone {
				continue
			}
			out = append(out, ev)
		}
		return out
	}
	return v
}

type intrinsic func(r *resolver, arg interface{}, whole map[string]interface{}) interface{}

var intrinsics map[string]intrinsic

func init() {
	intrinsics = map[string]intrinsic{
		"Ref":             func(r *resolver, a interface{}, w map[string]interface{}) interface{} { return r.ref(a, w) },
		"Fn::GetAtt":      func(r *resolver, a interface{}, w map[string]interface{}) interface{} { return r.getAtt(a, w) },
		"Fn::Select":      (*resolver).selectFn,
		"Fn::GetAZs":      (*resolver).getAZs,
		"Fn::Join":        (*resolver).join,
		"Fn::Sub":         (*resolver).sub,
		"Fn::Cidr":        (*resolver).cidrFn,
		"Fn::Split":       (*resolver).split,
		"Fn::FindInMap":   (*resolver).findInMap,
		"Fn::If":          (*resolver).ifFn,
		"Fn::ImportValue": (*resolver).importValue,
		"Fn::Base64": func(r *resolver, a interface{}, w map[string]interface{}) interface{} {
			return unknown{expr: Render(w), why: "netcheck does not decode user data"}
		},
		"Fn::Transform": func(r *resolver, a interface{}, w map[string]interface{}) interface{} {
			return unknown{expr: Render(w), why: "a macro runs only in CloudFormation"}
		},
		"Fn::GetParam": func(r *resolver, a interface{}, w map[string]interface{}) interface{} {
			return unknown{expr: Render(w), why: "a CodePipeline artifact value"}
		},
	}
}

// ref resolves Ref: a resource (its id), a parameter, a pseudo parameter.
func (r *resolver) ref(arg interface{}, whole map[string]interface{}) interface{} {
	name, ok := arg.(string)
	if !ok {
		return unknown{expr: Render(whole), why: "Ref takes the name of a resource or parameter"}
	}
	if res, ok := r.m.t.Resources[name]; ok {
		if res.Condition != "" && r.condition(res.Condition) == condFalse {
			return missingRef(r.qualify(name))
		}
		return r.qualify(name)
	}
	if _, ok := r.m.t.Parameters[name]; ok {
		return r.param(name)
	}
	if strings.HasPrefix(name, "AWS::") {
		return r.pseudo(name)
	}
	return missingRef(r.qualify(name))
}

// param is a parameter's value: given (--parameter, a nested stack's
// Parameters), else its default, else unknown. List types are lists.
func (r *resolver) param(name string) interface{} {
	p := r.m.t.Parameters[name]
	expr := "!Ref " + name
	var v interface{}
	given := false
	if s, ok := r.m.given[name]; ok {
		v, given = s, true
	} else if r.m.parentParams != nil {
		if pv, ok := r.m.parentParams[name]; ok {
			if !r.enter("Parameter " + name) {
				return r.cycleUnknown(expr)
			}
			v = r.m.parent.resolver(r.set, r.cs).value(pv)
			r.leave()
			given = true
		}
	}
	if !given {
		if !p.HasDefault {
			fix := paramFix([]string{name})
			if r.m.parent != nil {
				fix = "pass " + name + " in the Parameters of the stack resource " + strings.TrimSuffix(r.m.scope, "/")
			}
			return unknown{expr: expr, why: "parameter " + name + " has no default and no value was given", fix: fix}
		}
		v = p.Default
	}
	if u, ok := v.(unknown); ok {
		return u
	}
	if strings.HasPrefix(p.Type, "AWS::SSM::Parameter::Value<") && !given {
		return unknown{expr: expr, why: fmt.Sprintf("parameter %s is read from the SSM parameter %s at deploy time", name, stringOf(v)), fix: paramFix([]string{name}) + " (the value the SSM parameter holds)"}
	}
	if strings.HasPrefix(p.Type, "List<") || p.Type == "CommaDelimitedList" || strings.HasPrefix(p.Type, "AWS::SSM::Parameter::Value<List<") || p.Type == "AWS::SSM::Parameter::Value<CommaDelimitedList>" {
		if l, ok := v.([]interface{}); ok {
			return l
		}
		s, _ := str(v)
		if strings.TrimSpace(s) == "" {
			return []interface{}{}
		}
		var out []interface{}
		for _, e := range strings.Split(s, ",") {
			out = append(out, strings.TrimSpace(e))
		}
		return out
	}
	return v
}

// pseudo resolves AWS::Region, AWS::AccountId and the other pseudo
// parameters from the options when they were given.
func (r *resolver) pseudo(name string) interface{} {
	o := r.set.opts
	expr := "!Ref " + name
	switch name {
	case "AWS::NoValue":
		return noValue{}
	case "AWS::Region":
		if o.Region != "" {
			return o.Region
		}
		return unknown{expr: expr, why: "the region is not known", fix: "--region REGION"}
	case "AWS::AccountId":
		if o.Account != "" {
			return o.Account
		}
		return unknown{expr: expr, why: "the account is not known", fix: "--account ACCOUNT_ID"}
	case "AWS::Partition":
		switch {
		case strings.HasPrefix(o.Region, "cn-"):
			return "aws-cn"
		case strings.HasPrefix(o.Region, "us-gov-"):
			return "aws-us-gov"
		case o.Region != "":
			return "aws"
		}
		return "aws" // the partition of every region but China's and GovCloud's
	case "AWS::URLSuffix":
		if strings.HasPrefix(o.Region, "cn-") {
			return "amazonaws.com.cn"
		}
		return "amazonaws.com"
	case "AWS::StackName":
		if r.m.stackName != "" {
			return r.m.stackName
		}
		return unknown{expr: expr, why: "the stack name is chosen at deploy time"}
	}
	return unknown{expr: expr, why: name + " is known only at deploy time"}
}

// defaultSGSuffix names a VPC's default security group in the facts.
const defaultSGSuffix = "#default-security-group"

func (r *resolver) getAtt(arg interface{}, whole map[string]interface{}) interface{} {
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
	if id == "" || attr == "" {
		return unknown{expr: Render(whole), why: "Fn::GetAtt takes [resource, attribute]"}
	}
	res, ok := r.m.t.Resources[id]
	if !ok {
		return missingRef(r.qualify(id))
	}
	if res.Condition != "" && r.condition(res.Condition) == condFalse {
		return missingRef(r.qualify(id))
	}
	expr := "!GetAtt " + id + "." + attr
	follow := func(prop string) interface{} {
		if !r.enter("GetAtt " + id + "." + attr) {
			return r.cycleUnknown(expr)
		}
		defer r.leave()
		return r.prop(id, prop)
	}
	switch {
	case res.Type == "AWS::CloudFormation::Stack" && strings.HasPrefix(attr, "Outputs."):
		return r.nestedOutput(id, strings.TrimPrefix(attr, "Outputs."), expr)
	case res.Type == "AWS::EC2::VPC" && attr == "CidrBlock":
		return follow("CidrBlock")
	case res.Type == "AWS::EC2::VPC" && attr == "DefaultNetworkAcl":
		return r.qualify(id) + defaultNaclSuffix
	case res.Type == "AWS::EC2::VPC" && attr == "DefaultSecurityGroup":
		return r.qualify(id) + defaultSGSuffix
	case res.Type == "AWS::EC2::Subnet" && attr == "CidrBlock":
		return follow("CidrBlock")
	case res.Type == "AWS::EC2::Subnet" && attr == "AvailabilityZone":
		return follow("AvailabilityZone")
	case res.Type == "AWS::EC2::Subnet" && attr == "VpcId":
		return follow("VpcId")
	case res.Type == "AWS::EC2::VPC" && attr == "Ipv6CidrBlocks":
		if !r.enter("GetAtt " + id + "." + attr) {
			return r.cycleUnknown(expr)
		}
		defer r.leave()
		return r.vpcIpv6(r.qualify(id))
	case res.Type == "AWS::EC2::Subnet" && attr == "Ipv6CidrBlocks":
		if _, ok := res.Properties["Ipv6CidrBlock"]; ok {
			return []interface{}{follow("Ipv6CidrBlock")}
		}
		return []interface{}{}
	case attr == "Arn" || attr == "PublicIp" || attr == "PrivateIp":
		return arnOf(r.qualify(id))
	}
	return r.qualify(id) // VpcId, SubnetId, GroupId, RouteTableId, AllocationId, ...: the resource itself
}

// prop is one resolved property of a resource of this template, cached
// for the case.
func (r *resolver) prop(id, name string) interface{} {
	key := id + "\x00" + name
	if v, ok := r.vals[key]; ok {
		return v
	}
	v, ok := r.m.t.Resources[id].Properties[name]
	if !ok {
		return nil
	}
	ev := r.value(v)
	r.vals[key] = ev
	return ev
}

// props resolves every property of a resource.
func (r *resolver) props(id string) map[string]interface{} {
	res := r.m.t.Resources[id]
	out := make(map[string]interface{}, len(res.Properties))
	for k := range res.Properties {
		v := r.prop(id, k)
		if _, gone := v.(noValue); gone {
			continue
		}
		out[k] = v
	}
	return out
}

// getAZs gives placeholder zone names: a template cannot know which zones
// the account has; "az1", "az2", ... keep subnets in different zones apart.
func (r *resolver) getAZs(arg interface{}, whole map[string]interface{}) interface{} {
	azs := make([]interface{}, 6)
	prefix := "az"
	if region, ok := r.value(arg).(string); ok && region != "" {
		prefix = region + "-az"
	} else if r.set.opts.Region != "" {
		prefix = r.set.opts.Region + "-az"
	}
	for i := range azs {
		azs[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return azs
}

func (r *resolver) selectFn(arg interface{}, whole map[string]interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 2 {
		return unknown{expr: Render(whole), why: "Fn::Select takes [index, list]"}
	}
	iv := r.value(a[0])
	if u, ok := iv.(unknown); ok {
		return unknown{expr: Render(whole), why: u.why, fix: u.fix}
	}
	s, _ := str(iv)
	idx, err := strconv.Atoi(s)
	if err != nil {
		return unknown{expr: Render(whole), why: fmt.Sprintf("index %s is not a number", Render(iv))}
	}
	lv := r.value(a[1])
	if u, ok := lv.(unknown); ok {
		return unknown{expr: Render(whole), why: u.why, fix: u.fix}
	}
	list, ok := lv.([]interface{})
	if !ok {
		return unknown{expr: Render(whole), why: "Fn::Select needs a list, not " + describe(lv)}
	}
	if idx < 0 || idx >= len(list) {
		return unknown{expr: Render(whole), why: fmt.Sprintf("index %d is outside the list of %d", idx, len(list))}
	}
	return list[idx]
}

// str renders a resolved scalar as a string, "" and false when it cannot.
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

// firstUnknown is the first unknown inside a resolved value.
func firstUnknown(v interface{}) (unknown, bool) {
	switch x := v.(type) {
	case unknown:
		return x, true
	case []interface{}:
		for _, e := range x {
			if u, ok := firstUnknown(e); ok {
				return u, true
			}
		}
	case map[string]interface{}:
		for _, k := range sortedKeys(x) {
			if u, ok := firstUnknown(x[k]); ok {
				return u, true
			}
		}
	}
	return unknown{}, false
}

func (r *resolver) join(arg interface{}, whole map[string]interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 2 {
		return unknown{expr: Render(whole), why: "Fn::Join takes [delimiter, list]"}
	}
	sep, _ := a[0].(string)
	lv := r.value(a[1])
	if u, ok := lv.(unknown); ok {
		return unknown{expr: Render(whole), why: u.why, fix: u.fix}
	}
	list, ok := lv.([]interface{})
	if !ok {
		return unknown{expr: Render(whole), why: "Fn::Join needs a list, not " + describe(lv)}
	}
	parts := make([]string, 0, len(list))
	var first *unknown
	for _, e := range list {
		if u, ok := e.(unknown); ok {
			if first == nil {
				first = &u
			}
			if u.partial != "" {
				parts = append(parts, u.partial)
			} else {
				parts = append(parts, "${"+strings.TrimPrefix(u.expr, "!Ref ")+"}")
			}
			continue
		}
		s, ok := str(e)
		if !ok {
			if id := refID(e); id != "" {
				s = id
			} else {
				return unknown{expr: Render(whole), why: "Fn::Join joins strings, not " + describe(e)}
			}
		}
		parts = append(parts, s)
	}
	if first != nil {
		return unknown{expr: Render(whole), why: first.why, fix: first.fix, partial: strings.Join(parts, sep)}
	}
	return strings.Join(parts, sep)
}

func (r *resolver) split(arg interface{}, whole map[string]interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 2 {
		return unknown{expr: Render(whole), why: "Fn::Split takes [delimiter, string]"}
	}
	sep, _ := a[0].(string)
	sv := r.value(a[1])
	if u, ok := sv.(unknown); ok {
		return unknown{expr: Render(whole), why: u.why, fix: u.fix}
	}
	s, ok := str(sv)
	if !ok || sep == "" {
		return unknown{expr: Render(whole), why: "Fn::Split needs a delimiter and a string"}
	}
	var out []interface{}
	for _, e := range strings.Split(s, sep) {
		out = append(out, e)
	}
	return out
}

func (r *resolver) sub(arg interface{}, whole map[string]interface{}) interface{} {
	var tpl string
	var vars map[string]interface{}
	switch a := arg.(type) {
	case string:
		tpl = a
	case []interface{}:
		if len(a) != 2 {
			return unknown{expr: Render(whole), why: "Fn::Sub takes a string or [string, variables]"}
		}
		tpl, _ = a[0].(string)
		vars, _ = a[1].(map[string]interface{})
	default:
		return unknown{expr: Render(whole), why: "Fn::Sub takes a string or [string, variables]"}
	}
	var b strings.Builder
	var first *unknown
	for {
		i := strings.Index(tpl, "${")
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		if strings.HasPrefix(tpl[i:], "${!") { // a literal ${
			b.WriteString(tpl[:i] + "${")
			tpl = tpl[i+3:]
			continue
		}
		j := strings.Index(tpl[i:], "}")
		if j < 0 {
			b.WriteString(tpl)
			break
		}
		b.WriteString(tpl[:i])
		name := strings.TrimSpace(tpl[i+2 : i+j])
		var v interface{}
		if vv, ok := vars[name]; ok {
			v = r.value(vv)
		} else if id, attr, ok := strings.Cut(name, "."); ok {
			v = r.getAtt([]interface{}{id, attr}, map[string]interface{}{"Fn::GetAtt": []interface{}{id, attr}})
		} else {
			v = r.ref(name, map[string]interface{}{"Ref": name})
		}
		if u, ok := v.(unknown); ok {
			if first == nil {
				first = &u
			}
			b.WriteString("${" + name + "}")
			tpl = tpl[i+j+1:]
			continue
		}
		s, ok := str(v)
		if !ok {
			s = refID(v)
		}
		b.WriteString(s)
		tpl = tpl[i+j+1:]
	}
	if first != nil {
		return unknown{expr: Render(whole), why: first.why, fix: first.fix, partial: b.String()}
	}
	return b.String()
}

func (r *resolver) findInMap(arg interface{}, whole map[string]interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) < 3 {
		return unknown{expr: Render(whole), why: "Fn::FindInMap takes [map, top-level key, second-level key]"}
	}
	var keys [3]string
	for i := 0; i < 3; i++ {
		v := r.value(a[i])
		if u, ok := v.(unknown); ok {
			return unknown{expr: Render(whole), why: u.why, fix: u.fix}
		}
		s, ok := str(v)
		if !ok {
			return unknown{expr: Render(whole), why: "a FindInMap key must be a string, not " + describe(v)}
		}
		keys[i] = s
	}
	top, _ := r.m.t.Mappings[keys[0]].(map[string]interface{})
	second, _ := top[keys[1]].(map[string]interface{})
	v, ok := second[keys[2]]
	if !ok {
		if len(a) == 4 { // AWS::LanguageExtensions: [map, k1, k2, {DefaultValue: v}]
			if d, ok := a[3].(map[string]interface{}); ok {
				if dv, ok := d["DefaultValue"]; ok {
					return r.value(dv)
				}
			}
		}
		return unknown{expr: Render(whole), why: fmt.Sprintf("mapping %s has no %s/%s", keys[0], keys[1], keys[2])}
	}
	return r.value(v)
}

func (r *resolver) ifFn(arg interface{}, whole map[string]interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 3 {
		return unknown{expr: Render(whole), why: "Fn::If takes [condition, value if true, value if false]"}
	}
	name, _ := a[0].(string)
	switch r.condition(name) {
	case condTrue:
		return r.value(a[1])
	case condFalse:
		return r.value(a[2])
	}
	return unknown{expr: Render(whole), why: "condition " + name + " cannot be decided", fix: r.condFix(name)}
}

// importValue resolves Fn::ImportValue from the exports of the other
// templates given.
func (r *resolver) importValue(arg interface{}, whole map[string]interface{}) interface{} {
	nv := r.value(arg)
	if u, ok := nv.(unknown); ok {
		return unknown{expr: Render(whole), why: u.why, fix: u.fix}
	}
	name, ok := str(nv)
	if !ok {
		return unknown{expr: Render(whole), why: "the export's name is not a string"}
	}
	ex, why := r.set.lookupExport(name)
	if why != "" {
		return unknown{expr: Render(whole), why: why, fix: "give the template of the stack that exports " + name + " too (netcheck NETWORK-TEMPLATE THIS-TEMPLATE)"}
	}
	if !r.enter("ImportValue " + name) {
		return r.cycleUnknown(Render(whole))
	}
	defer r.leave()
	return ex.m.resolver(r.set, r.cs).value(ex.value)
}

// nestedOutput is Fn::GetAtt STACK.Outputs.NAME of a nested stack whose
// template is at hand.
func (r *resolver) nestedOutput(id, output, expr string) interface{} {
	child := r.set.nested[r.qualify(id)]
	if child == nil {
		return unknown{expr: expr, why: "the nested stack's template is not at hand", fix: "make TemplateURL of " + id + " a local file, or check the nested template on its own"}
	}
	out, _ := child.t.Outputs[output].(map[string]interface{})
	v, ok := out["Value"]
	if !ok {
		return unknown{expr: expr, why: "the nested stack's template has no output " + output}
	}
	if !r.enter("GetAtt " + id + ".Outputs." + output) {
		return r.cycleUnknown(expr)
	}
	defer r.leave()
	return child.resolver(r.set, r.cs).value(v)
}

// condition evaluates a named condition in this case.
func (r *resolver) condition(name string) condValue {
	key := r.qualify(name)
	if v, ok := r.cs.forced[key]; ok {
		if v {
			return condTrue
		}
		return condFalse
	}
	if v, ok := r.cs.conds[key]; ok {
		return v
	}
	expr, ok := r.m.t.Conditions[name]
	if !ok {
		return condUndecided
	}
	if !r.enter("Condition " + name) {
		return condUndecided
	}
	v := r.condExpr(expr)
	r.leave()
	r.cs.conds[key] = v
	if v == condUndecided && r.cs.need == "" && r.condRefsDecided(expr) {
		r.cs.need, r.cs.needOf = key, r.m
	}
	return v
}

// condRefsDecided reports whether every named condition expr refers to is
// decided: then expr is undecided because of a value, and splitting the
// cases on it is what decides it.
func (r *resolver) condRefsDecided(expr interface{}) bool {
	switch x := expr.(type) {
	case map[string]interface{}:
		if c, ok := x["Condition"].(string); ok && len(x) == 1 {
			return r.condition(c) != condUndecided
		}
		for _, v := range x {
			if !r.condRefsDecided(v) {
				return false
			}
		}
	case []interface{}:
		for _, v := range x {
			if !r.condRefsDecided(v) {
				return false
			}
		}
	}
	return true
}

func (r *resolver) condExpr(v interface{}) condValue {
	m, ok := v.(map[string]interface{})
	if !ok || len(m) != 1 {
		if b, ok := v.(bool); ok {
			if b {
				return condTrue
			}
			return condFalse
		}
		return condUndecided
	}
	for k, arg := range m {
		args, _ := arg.([]interface{})
		switch k {
		case "Condition":
			name, _ := arg.(string)
			return r.condition(name)
		case "Fn::Equals":
			if len(args) != 2 {
				return condUndecided
			}
			a, b := r.value(args[0]), r.value(args[1])
			if _, ok := firstUnknown(a); ok {
				return condUndecided
			}
			if _, ok := firstUnknown(b); ok {
				return condUndecided
			}
			if equalValues(a, b) {
				return condTrue
			}
			return condFalse
		case "Fn::Not":
			if len(args) != 1 {
				return condUndecided
			}
			switch r.condExpr(args[0]) {
			case condTrue:
				return condFalse
			case condFalse:
				return condTrue
			}
			return condUndecided
		case "Fn::And", "Fn::Or":
			and := k == "Fn::And"
			result := condTrue
			if !and {
				result = condFalse
			}
			for _, a := range args {
				switch c := r.condExpr(a); {
				case c == condUndecided:
					result = condUndecided
				case and && c == condFalse, !and && c == condTrue:
					return c
				}
			}
			return result
		}
	}
	return condUndecided
}

func equalValues(a, b interface{}) bool {
	sa, oka := str(a)
	sb, okb := str(b)
	if oka && okb {
		return sa == sb
	}
	return Render(a) == Render(b)
}

// condFix says what decides a condition: the parameters it reads.
func (r *resolver) condFix(name string) string {
	params := map[string]bool{}
	var walk func(v interface{}, depth int)
	walk = func(v interface{}, depth int) {
		if depth > 20 {
			return
		}
		switch x := v.(type) {
		case map[string]interface{}:
			if ref, ok := x["Ref"].(string); ok && len(x) == 1 {
				if _, isParam := r.m.t.Parameters[ref]; isParam {
					params[ref] = true
				}
			}
			if c, ok := x["Condition"].(string); ok && len(x) == 1 {
				walk(r.m.t.Conditions[c], depth+1)
			}
			for _, e := range x {
				walk(e, depth+1)
			}
		case []interface{}:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(r.m.t.Conditions[name], 0)
	if len(params) == 0 {
		return ""
	}
	return paramFix(sortedKeys(params))
}

// cidrFn evaluates Fn::Cidr [ipBlock, count, cidrBits]: count blocks of
// cidrBits host bits each, carved in order from the start of ipBlock
// (IPv4 or IPv6), as CloudFormation documents it.
func (r *resolver) cidrFn(arg interface{}, whole map[string]interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 3 {
		return unknown{expr: Render(whole), why: "Fn::Cidr takes [block, count, host bits]"}
	}
	bv := r.value(a[0])
	if u, ok := bv.(unknown); ok {
		return unknown{expr: Render(whole), why: u.why, fix: u.fix}
	}
	s, ok := str(bv)
	block, err := netip.ParsePrefix(s)
	count, bits := intOf(r.value(a[1]), -1), intOf(r.value(a[2]), -1)
	if !ok || err != nil {
		return unknown{expr: Render(whole), why: fmt.Sprintf("%s is not a CIDR block", Render(bv))}
	}
	out, err := CidrSplit(block, count, bits)
	if err != nil {
		return unknown{expr: Render(whole), why: err.Error()}
	}
	list := make([]interface{}, len(out))
	for i, p := range out {
		list[i] = p.String()
	}
	return list
}

// vpcIpv6Blocks is how the templates give a VPC an IPv6 block: an
// AWS::EC2::VPCCidrBlock with an explicit Ipv6CidrBlock, or one AWS (or
// an IPv6 pool) assigns at deploy time (then a placeholder).
func (r *resolver) vpcIpv6Blocks(vpc string) (blocks []interface{}, placeholder bool) {
	for _, b := range r.set.cidrBlocks {
		br := b.m.resolver(r.set, r.cs)
		if refID(br.prop(b.id, "VpcId")) != vpc {
			continue
		}
		res := b.m.t.Resources[b.id]
		if res.Condition != "" && br.condition(res.Condition) != condTrue {
			continue
		}
		if _, ok := res.Properties["Ipv6CidrBlock"]; ok {
			blocks = append(blocks, br.prop(b.id, "Ipv6CidrBlock"))
			continue
		}
		if fmt.Sprint(br.prop(b.id, "AmazonProvidedIpv6CidrBlock")) == "true" || res.Properties["Ipv6Pool"] != nil || res.Properties["Ipv6IpamPoolId"] != nil {
			blocks = append(blocks, Ipv6Placeholder(r.set.vpcIndex[vpc]).String())
			placeholder = true
		}
	}
	return blocks, placeholder
}

// vpcIpv6 resolves Fn::GetAtt VPC.Ipv6CidrBlocks.
func (r *resolver) vpcIpv6(vpc string) interface{} {
	blocks, _ := r.vpcIpv6Blocks(vpc)
	if blocks == nil {
		return []interface{}{}
	}
	return blocks
}
