package stacks

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/regioninfo"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// A setting is one context key of the app (`-c key=value` on the command
// line, where every value is a string, or cdk.json / cdk.context.json,
// where it is any JSON value). read turns the value into props through the
// reader's typed helpers (number, boolean, choice, list), which record a
// problem in the key's own words when the value is not of its kind.
//
// A new option of the app is one entry here (and, for a choice, one entry
// in its table, such as natProviders).
type setting struct {
	key  string
	doc  string
	read func(r *reader, v interface{})
	// props are the construct props the key sets: their problems are
	// reported under the key (see contextProblems).
	props []string
	// fix is the command line that sets the key right, used when the
	// construct's own fix names Go code.
	fix string
}

var settings = append([]setting{
	{key: "account", doc: "AWS account id of the stack's environment, 12 digits (default: environment-agnostic)",
		read: func(r *reader, v interface{}) { r.account = r.accountID("account", v) }, fix: "-c account=123456789012"},
	{key: "region", doc: "AWS region of the stack's environment (default: environment-agnostic)",
		read: func(r *reader, v interface{}) { r.region = r.regionName("region", v) }, fix: "-c region=us-east-1"},
	{key: "stackName", doc: "stack name (default " + DefaultStackName + ")",
		read: func(r *reader, v interface{}) { r.id = r.stackName("stackName", v) }, fix: "-c stackName=" + DefaultStackName},
	{key: "vpcCidr", doc: "VpcCidr: the VPC's IPv4 block, /16 to /28 (default " + vpclambda.DefaultVpcCidr + ")",
		read: func(r *reader, v interface{}) {
			r.props.Construct.VpcCidr = r.text("vpcCidr", v, "an IPv4 CIDR block", "-c vpcCidr=10.0.0.0/16")
		},
		props: []string{"VpcCidr"}, fix: "-c vpcCidr=10.0.0.0/16"},
	{key: "maxAzs", doc: "MaxAzs: the number of Availability Zones, 2 to 6 (default 2)",
		read:  func(r *reader, v interface{}) { r.props.Construct.MaxAzs = r.number("maxAzs", v, "-c maxAzs=3") },
		props: []string{"MaxAzs"}, fix: "-c maxAzs=3"},
	{key: "natGateways", doc: "NatGateways: the number of NAT devices, 1 to maxAzs (default 1)",
		read:  func(r *reader, v interface{}) { r.natCount = r.number("natGateways", v, "-c natGateways=2") },
		props: []string{"NatGateways", "NatProvider.Count"}, fix: "-c natGateways=1"},
	{key: "natProvider", doc: "NatProvider: " + choiceList(natProviders) + " (default gateway); natGateways is the number of devices",
		read: func(r *reader, v interface{}) {
			if name, ok := choice(r, "natProvider", v, natProviders); ok {
				r.natProvider, r.natProviderName = natProviders[name], name
			}
		},
		props: []string{"NatProvider"}, fix: "-c natProvider=gateway"},
	{key: "ipv6", doc: "Ipv6: true for a dual-stack VPC (default false)",
		read: func(r *reader, v interface{}) {
			if b, ok := r.boolean("ipv6", v); ok {
				r.props.Construct.Ipv6 = &b
			}
		},
		props: []string{"Ipv6"}, fix: "-c ipv6=true"},
	{key: "gatewayEndpoints", doc: "GatewayEndpoints: s3,dynamodb (default), s3, dynamodb or none",
		read: func(r *reader, v interface{}) {
			if names, ok := r.list("gatewayEndpoints", v, gatewayEndpoints); ok {
				list := []vpclambda.GatewayEndpointService{}
				for _, n := range names {
					if n != "none" {
						list = append(list, gatewayEndpoints[n])
					}
				}
				r.props.Construct.GatewayEndpoints = &list
			}
		},
		props: []string{"GatewayEndpoints"}, fix: "-c gatewayEndpoints=s3,dynamodb"},
	{key: "allowedDomains", doc: "AllowedDomains: the egress domain allow-list, comma-separated (api.example.com,*.amazonaws.com); DNS Firewall blocks every other name (default: no DNS filtering)",
		read: func(r *reader, v interface{}) {
			if domains, ok := r.strings("allowedDomains", v, "-c allowedDomains=api.example.com,*.amazonaws.com"); ok {
				r.props.Construct.AllowedDomains = jsii.Strings(domains...)
			}
		},
		props: []string{"AllowedDomains"}, fix: "-c allowedDomains=api.example.com,*.amazonaws.com"},
	{key: "memorySize", doc: "Function.MemorySize: the function's memory in MB, 128 to 10240 (default 128)",
		read:  func(r *reader, v interface{}) { r.memory = r.number("memorySize", v, "-c memorySize=512") },
		props: []string{"Function.MemorySize"}, fix: "-c memorySize=512"},
	{key: "guardrails", doc: "true adds the guardrail policy (Lambda functions only in this network) for deployer roles (default false)",
		read: func(r *reader, v interface{}) {
			if b, ok := r.boolean("guardrails", v); ok {
				r.props.Guardrails = b
			}
		},
		fix: "-c guardrails=true"},
	{key: "netcheck", doc: "false leaves netcheck's check of the internet path out of cdk synth (default true)",
		read: func(r *reader, v interface{}) {
			if b, ok := r.boolean("netcheck", v); ok {
				r.props.SkipNetcheck = !b
			}
		},
		fix: "-c netcheck=false"},
}, regionalSettings...)

// natProviders are the values of natProvider, each with the provider it
// makes from natGateways (nil: the construct's default, NAT gateways
// counted by NatGateways).
var natProviders = map[string]func(count *float64) vpclambda.NatProvider{
	"gateway": nil,
	"instance": func(count *float64) vpclambda.NatProvider {
		return vpclambda.NatInstances(&vpclambda.NatInstanceOptions{Count: count})
	},
	"regional": nil, // made by regionalNat (regional.go) from its own keys
}

// gatewayEndpoints are the values of gatewayEndpoints' list ("none" alone
// makes the list empty).
var gatewayEndpoints = map[string]vpclambda.GatewayEndpointService{
	"s3":       vpclambda.GatewayEndpointS3,
	"dynamodb": vpclambda.GatewayEndpointDynamoDB,
	"none":     "",
}

// ContextKeys are the context keys the app reads, each with what it sets.
var ContextKeys = func() map[string]string {
	m := map[string]string{}
	for _, s := range settings {
		m[s.key] = s.doc
	}
	return m
}()

// SettingProblem is one bad context value: the key as the user wrote it,
// the value, what is wrong (and allowed), and the fix.
type SettingProblem struct {
	Key, Value, Message, Fix string
}

// String renders it as "context key = value: message; fix: fix".
func (p SettingProblem) String() string {
	return fmt.Sprintf("context %s = %s: %s; fix: %s", p.Key, p.Value, p.Message, p.Fix)
}

// SettingsError lists every problem of one run of the app: the context's
// and the construct's (named by the context key that set the prop), and
// any other error of building the stack, one a line.
type SettingsError struct {
	Problems []SettingProblem
	Other    []string // problems that no context key set (e.g. the handler's build)
}

func (e *SettingsError) Error() string {
	n := len(e.Problems) + len(e.Other)
	var b strings.Builder
	if n == 1 {
		b.WriteString("1 problem in the app's settings")
	} else {
		fmt.Fprintf(&b, "%d problems in the app's settings", n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	for _, o := range e.Other {
		b.WriteString("\n  - ")
		b.WriteString(o)
	}
	return b.String()
}

// reader reads the context into props, collecting problems.
type reader struct {
	all         map[string]interface{}
	problems    []SettingProblem
	props       *StackProps
	id          string
	account     string
	region      string
	natCount    *float64
	natProvider func(*float64) vpclambda.NatProvider
	memory      *float64
	// natProviderName is natProvider's value; regional and regionalKeys
	// are the regional NAT gateway's settings (regional.go).
	natProviderName string
	regional        vpclambda.RegionalNatGatewayOptions
	regionalKeys    []string
}

func (r *reader) bad(key string, v interface{}, message, fix string) {
	r.problems = append(r.problems, SettingProblem{Key: key, Value: showValue(v), Message: message, Fix: fix})
}

// scalar is the value as the user wrote it: a string as is (trimmed), a
// JSON number without exponent (123456789012, not 1.23456789012e+11), a
// JSON boolean as true or false; ok is false for lists, objects and null.
func scalar(v interface{}) (s string, ok bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// showValue is the value in a problem: a plain word as is, anything else
// quoted (a string) or as JSON (a list, an object).
func showValue(v interface{}) string {
	if s, ok := v.(string); ok {
		if plainWord.MatchString(s) {
			return s
		}
		return strconv.Quote(s)
	}
	if s, ok := scalar(v); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9._/:,+@-]+$`)

func (r *reader) text(key string, v interface{}, what, fix string) *string {
	s, ok := v.(string)
	if !ok {
		r.bad(key, v, "is not "+what+" (a JSON string)", fix)
		return nil
	}
	s = strings.TrimSpace(s)
	if s == "" {
		r.bad(key, v, "is empty", fix+", or leave "+key+" out for the default")
		return nil
	}
	return jsii.String(s)
}

// number accepts a JSON number or a decimal string; the construct checks
// the range (and names the key, see contextProblems).
func (r *reader) number(key string, v interface{}, fix string) *float64 {
	s, ok := scalar(v)
	if _, isBool := v.(bool); isBool {
		ok = false
	}
	f, err := strconv.ParseFloat(s, 64)
	if !ok || err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
		r.bad(key, v, "is not a number", fix)
		return nil
	}
	return &f
}

// strings accepts a comma-separated string or a JSON list of strings,
// each trimmed; the construct checks the entries (and names the key).
func (r *reader) strings(key string, v interface{}, fix string) ([]string, bool) {
	var items []interface{}
	switch x := v.(type) {
	case []interface{}:
		items = x
	case string:
		if strings.TrimSpace(x) == "" {
			items = []interface{}{}
			break
		}
		for _, part := range strings.Split(x, ",") {
			items = append(items, part)
		}
	default:
		r.bad(key, v, "is not a list", fix+" (in cdk.json a list of strings)")
		return nil, false
	}
	out := []string{}
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			r.bad(key, v, fmt.Sprintf("has %s, which is not a string", showValue(it)), fix)
			return nil, false
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, true
}

// boolean accepts JSON true/false, and true/false/1/0 in any case.
func (r *reader) boolean(key string, v interface{}) (bool, bool) {
	if b, ok := v.(bool); ok {
		return b, true
	}
	s, _ := scalar(v)
	if _, isNum := v.(float64); !isNum {
		if b, err := strconv.ParseBool(strings.ToLower(s)); err == nil {
			return b, true
		}
	}
	r.bad(key, v, "is not true or false", "-c "+key+"=true or -c "+key+"=false")
	return false, false
}

// choice accepts one of the table's names, in any case.
func choice[T any](r *reader, key string, v interface{}, table map[string]T) (string, bool) {
	s, ok := v.(string)
	name := strings.ToLower(strings.TrimSpace(s))
	if _, known := table[name]; ok && known {
		return name, true
	}
	r.bad(key, v, "is not one of "+choiceList(table), "-c "+key+"="+strings.Join(choiceNames(table), " or -c "+key+"="))
	return "", false
}

// list accepts a JSON list of names or a comma-separated string, each a
// name of the table in any case; "none" alone is the empty list.
func (r *reader) list(key string, v interface{}, table map[string]vpclambda.GatewayEndpointService) ([]string, bool) {
	var items []interface{}
	switch x := v.(type) {
	case []interface{}:
		items = x
	case string:
		for _, part := range strings.Split(x, ",") {
			items = append(items, part)
		}
	default:
		r.bad(key, v, "is not a list", "-c "+key+"=s3,dynamodb (in cdk.json a list: [\"s3\", \"dynamodb\"])")
		return nil, false
	}
	var names []string
	ok := true
	for _, it := range items {
		s, isString := it.(string)
		name := strings.ToLower(strings.TrimSpace(s))
		if _, known := table[name]; !isString || !known {
			var others []string
			for _, n := range choiceNames(table) {
				if n != "none" {
					others = append(others, n)
				}
			}
			r.bad(key, v, fmt.Sprintf("names %s, which is not one of %s (or none alone)", showValue(it), strings.Join(others, ", ")),
				"-c "+key+"="+strings.Join(others, ",")+" (a comma-separated list), or -c "+key+"=none")
			ok = false
			continue
		}
		names = append(names, name)
	}
	if ok && len(names) > 1 {
		for _, n := range names {
			if n == "none" {
				r.bad(key, v, "lists none together with services", "-c "+key+"=none alone, or the services without none")
				return nil, false
			}
		}
	}
	return names, ok
}

func choiceNames[T any](table map[string]T) []string {
	var names []string
	for n := range table {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func choiceList[T any](table map[string]T) string {
	names := choiceNames(table)
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

var accountDigits = regexp.MustCompile(`^[0-9]{12}$`)

// accountID accepts 12 digits, as a string or a JSON number.
func (r *reader) accountID(key string, v interface{}) string {
	s, ok := scalar(v)
	if _, isBool := v.(bool); isBool || !ok {
		r.bad(key, v, "is not an AWS account id (12 digits)", "-c account=123456789012 (in cdk.json a string: \"012345678901\")")
		return ""
	}
	if !accountDigits.MatchString(s) {
		msg := fmt.Sprintf("is not an AWS account id: it has %d characters, an account id is exactly 12 digits", len(s))
		fix := "give the 12 digits of the account (aws sts get-caller-identity shows them), or leave account and region out for an environment-agnostic stack"
		if f, isNum := v.(float64); isNum && f >= 1 && f < 1e11 && f == math.Trunc(f) {
			msg = fmt.Sprintf("is a JSON number of %d digits: an account id has 12, and a number loses its leading zeros", len(s))
			fix = fmt.Sprintf("write it as a string: \"account\": \"%012d\"", int64(f))
		} else if s == "" {
			msg = "is empty"
		}
		r.bad(key, v, msg, fix)
		return ""
	}
	return s
}

var regionShape = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// regionName accepts a region aws-cdk-lib knows (its region facts).
func (r *reader) regionName(key string, v interface{}) string {
	s, ok := v.(string)
	s = strings.TrimSpace(s)
	if !ok || s == "" {
		msg := "is not a region name (a JSON string)"
		if ok {
			msg = "is empty"
		}
		r.bad(key, v, msg, "-c region=us-east-1, or leave account and region out for an environment-agnostic stack")
		return ""
	}
	known := map[string]bool{}
	for _, name := range *regioninfo.Fact_Regions() {
		known[*name] = true
	}
	if !known[s] {
		msg := "is not an AWS region"
		if lower := strings.ToLower(s); known[lower] {
			msg = "is not an AWS region (region names are lower case)"
			r.bad(key, v, msg, "-c region="+lower)
			return ""
		}
		if regionShape.MatchString(s) {
			msg = "is not an AWS region the pinned aws-cdk-lib knows"
		}
		r.bad(key, v, msg, "name an AWS region such as us-east-1 or eu-west-1 (aws ec2 describe-regions lists them)")
		return ""
	}
	return s
}

var stackNameShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// MaxStackNameLength is CloudFormation's limit on a stack name.
const MaxStackNameLength = 128

// stackName checks CloudFormation's rule: a letter, then letters, digits
// and hyphens, at most 128 characters.
func (r *reader) stackName(key string, v interface{}) string {
	s, ok := v.(string)
	s = strings.TrimSpace(s)
	fix := "-c stackName=MyStack (a letter, then letters, digits and hyphens), or leave stackName out for " + DefaultStackName
	switch {
	case !ok:
		r.bad(key, v, "is not a stack name (a JSON string)", fix)
	case s == "":
		r.bad(key, v, "is empty", fix)
	case len(s) > MaxStackNameLength:
		r.bad(key, v, fmt.Sprintf("has %d characters; CloudFormation allows at most %d", len(s), MaxStackNameLength), fmt.Sprintf("use a name of at most %d characters", MaxStackNameLength))
	case !stackNameShape.MatchString(s):
		r.bad(key, v, "is not a CloudFormation stack name: it must start with a letter and hold only letters, digits and hyphens",
			"-c stackName="+suggestStackName(s))
	default:
		return s
	}
	return ""
}

func suggestStackName(s string) string {
	out := regexp.MustCompile(`[^A-Za-z0-9-]+`).ReplaceAllString(s, "-")
	out = strings.Trim(out, "-")
	if out == "" || !(out[0] >= 'A' && out[0] <= 'Z' || out[0] >= 'a' && out[0] <= 'z') {
		out = "Stack-" + out
	}
	return strings.TrimRight(out, "-")
}

// readContext reads every setting; it returns the props of the values that
// were good, and every problem.
func readContext(node constructs.Node) (string, *StackProps, []SettingProblem) {
	// All of the context in one read (each read is a round trip to the CDK).
	all, _ := node.GetAllContext(nil).(map[string]interface{})
	r := &reader{all: all, props: &StackProps{}, id: DefaultStackName}
	r.problems = unknownContextKeys(all)
	_, hasAccount := all["account"]
	_, hasRegion := all["region"]
	for _, s := range settings {
		if v, ok := all[s.key]; ok && v != nil {
			s.read(r, v)
		}
	}
	if r.id == "" {
		r.id = DefaultStackName
	}
	if all["account"] == nil {
		hasAccount = false
	}
	if all["region"] == nil {
		hasRegion = false
	}
	switch {
	case hasAccount != hasRegion:
		missing := "region"
		if hasRegion {
			missing = "account"
		}
		r.problems = append(r.problems, SettingProblem{Key: missing, Value: "<unset>",
			Message: "account and region must be given together",
			Fix:     "-c account=123456789012 -c region=us-east-1, or neither for an environment-agnostic stack"})
	case r.account != "" && r.region != "":
		r.props.Env = &awscdk.Environment{Account: jsii.String(r.account), Region: jsii.String(r.region)}
	}
	c := &r.props.Construct
	c.NatGateways = r.natCount
	if r.natProvider != nil {
		c.NatProvider = r.natProvider(r.natCount)
		c.NatGateways = nil
	}
	r.regionalNat(c)
	c.Function = &vpclambda.FunctionOptions{FunctionOptions: awslambda.FunctionOptions{MemorySize: r.memory}}
	return r.id, r.props, r.problems
}

// PropsFromContext reads the app's settings from the CDK context; any bad
// value is an error (*SettingsError) listing them all.
func PropsFromContext(node constructs.Node) (id string, props *StackProps, err error) {
	id, props, problems := readContext(node)
	if len(problems) > 0 {
		return "", nil, &SettingsError{Problems: problems}
	}
	return id, props, nil
}

// NewStackFromContext builds the app's stack from the CDK context of scope.
// Every problem is reported at once, in the user's words: the context's
// own and the construct's, each named by the context key that set the
// prop (and checked with the default stack name when stackName is bad).
func NewStackFromContext(scope constructs.Construct) (*Stack, error) {
	id, props, problems := readContext(scope.Node())
	s, err := NewStack(scope, id, props)
	if err == nil && len(problems) == 0 {
		return s, nil
	}
	e := &SettingsError{Problems: problems}
	if err != nil {
		given, _ := scope.Node().GetAllContext(nil).(map[string]interface{})
		more, other := contextProblems(err, given)
		e.Problems = append(e.Problems, more...)
		e.Other = append(e.Other, other...)
	}
	return nil, e
}
