// Package cdkplugin runs netcheck inside `cdk synth`: an aws-cdk policy
// validation plugin that checks every VPC-attached Lambda function of the
// synthesized templates and reports netcheck's findings in CDK's own
// validation report. Any Go CDK app can register it, whether or not it
// uses this project's construct:
//
//	app := awscdk.NewApp(nil)
//	awscdk.Validations_Of(app).AddPlugins(cdkplugin.New(nil))
//
// Each check that fails is one violation (rule = the check's name, its
// fix, and every violating resource's logical id, template and the
// property that decides it) and stops the synthesis; warnings (a single
// NAT gateway, no deny of the ENI APIs) and, unless Options.FailOnUnknown,
// steps the templates leave open (UNKNOWN) are reported as warnings that
// do not. Checks the template acknowledges (Metadata.netcheck.acknowledge)
// are left out; CDK's own acknowledgements (Validations_Of(scope).
// Acknowledge with a check's name) work too.
package cdkplugin

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/netcheck"
)

// Version is the plugin's version in CDK's report.
const Version = "0.1.0"

// Name is the plugin's name in CDK's report.
const Name = "netcheck"

// Options configure the plugin; nil (or the zero value) checks every
// VPC-attached function for the internet on tcp/443.
type Options struct {
	// Destination is what every function must reach (default: the
	// public IPv4 internet on tcp/443, netcheck.DefaultDestination).
	Destination *netcheck.Destination
	// Function checks only this function (logical id or FunctionName).
	Function string
	// Parameters are values for the templates' parameters.
	Parameters map[string]string
	// FailOnUnknown makes a step the templates leave open (UNKNOWN) fail
	// the synthesis; by default it is a warning.
	FailOnUnknown bool
}

type plugin struct {
	opts Options
}

// New returns the validation plugin.
func New(opts *Options) awscdk.IPolicyValidationPlugin {
	p := &plugin{}
	if opts != nil {
		p.opts = *opts
	}
	if p.opts.Destination == nil {
		d := netcheck.DefaultDestination
		p.opts.Destination = &d
	}
	return p
}

func (p *plugin) Name() *string    { return jsii.String(Name) }
func (p *plugin) Version() *string { return jsii.String(Version) }

// RuleIds are the names of netcheck's checks.
func (p *plugin) RuleIds() *[]*string {
	var ids []*string
	for _, r := range netcheck.Rules() {
		ids = append(ids, jsii.String(r.Name))
	}
	return &ids
}

var concrete = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$|^\d{12}$`)

// Validate checks the templates CDK hands over.
func (p *plugin) Validate(ctx awscdk.IPolicyValidationContext) (report *awscdk.PolicyValidationPluginReport) {
	defer func() {
		if e := recover(); e != nil {
			report = failure(fmt.Sprintf("netcheck stopped: %v", e))
		}
	}()
	var paths []string
	if tp := ctx.TemplatePaths(); tp != nil {
		for _, s := range *tp {
			if s != nil {
				paths = append(paths, *s)
			}
		}
	}
	return p.check(paths, value(ctx.Region()), value(ctx.AccountId()))
}

func value(s *string) string {
	if s == nil || !concrete.MatchString(*s) {
		return "" // an environment-agnostic stack's token
	}
	return *s
}

func failure(msg string) *awscdk.PolicyValidationPluginReport {
	return &awscdk.PolicyValidationPluginReport{
		Success:       jsii.Bool(false),
		Violations:    &[]*awscdk.PolicyViolation{},
		Metadata:      &map[string]*string{"error": jsii.String(msg)},
		PluginVersion: jsii.String(Version),
	}
}

// withResources leaves out the templates with no resources (an empty
// stack's template has none, which netcheck refuses as a template).
func withResources(paths []string) []string {
	var out []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err == nil {
			var t struct {
				Resources map[string]json.RawMessage
			}
			if json.Unmarshal(data, &t) == nil && len(t.Resources) == 0 {
				continue
			}
		}
		out = append(out, p) // netcheck reports what it cannot read
	}
	return out
}

// check is Validate on template paths.
func (p *plugin) check(paths []string, region, account string) *awscdk.PolicyValidationPluginReport {
	paths = withResources(paths)
	if len(paths) == 0 {
		return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(true), Violations: &[]*awscdk.PolicyViolation{}, PluginVersion: jsii.String(Version)}
	}
	facts, err := netcheck.Load(paths, nil, netcheck.Options{Parameters: p.opts.Parameters, Region: region, Account: account})
	if err != nil {
		return failure(err.Error())
	}
	if len(facts.Functions) == 0 && len(facts.Cases) == 0 {
		return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(true), Violations: &[]*awscdk.PolicyViolation{},
			Metadata: &map[string]*string{"checked": jsii.String("no VPC-attached Lambda function")}, PluginVersion: jsii.String(Version)}
	}
	r, err := netcheck.Analyze(facts, *p.opts.Destination, p.opts.Function)
	if err != nil {
		if strings.HasPrefix(err.Error(), "no VPC-attached Lambda function") && p.opts.Function == "" {
			return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(true), Violations: &[]*awscdk.PolicyViolation{}, PluginVersion: jsii.String(Version)}
		}
		return failure(err.Error())
	}
	return p.render(r)
}

// violation collects the findings of one check at one severity.
type violation struct {
	rule      netcheck.Rule
	severity  string
	reasons   []string
	fixes     []string
	resources map[string]*awscdk.PolicyViolatingResource
	order     []string
}

// severity is a finding's severity in CDK's report: "error" stops the
// synthesis, "warning" does not.
func (p *plugin) severity(s netcheck.Status) string {
	if s == netcheck.Fail || (s == netcheck.Unknown && p.opts.FailOnUnknown) {
		return "error"
	}
	return "warning"
}

// render turns the report's findings into CDK's violations: one per check
// (and severity), with every resource it names.
func (p *plugin) render(r *netcheck.Report) *awscdk.PolicyValidationPluginReport {
	byKey := map[string]*violation{}
	var keys []string
	success := true
	for _, f := range r.Findings() {
		if f.Acknowledged != "" {
			continue
		}
		sev := p.severity(f.Status)
		if sev == "error" {
			success = false
		}
		k := f.Name + "\x00" + sev
		v := byKey[k]
		if v == nil {
			v = &violation{rule: f.Rule, severity: sev, resources: map[string]*awscdk.PolicyViolatingResource{}}
			byKey[k] = v
			keys = append(keys, k)
		}
		where := "function " + f.Function
		if f.Subnet != "" {
			where += ", subnet " + f.Subnet
		}
		reason := fmt.Sprintf("%s%s: %s", unknownPrefix(f.Status), where, f.Reason)
		if !contains(v.reasons, reason) {
			v.reasons = append(v.reasons, reason)
		}
		if f.Fix != "" && !contains(v.fixes, f.Fix) {
			v.fixes = append(v.fixes, f.Fix)
		}
		for _, l := range f.Locations {
			id := l.Template + "\x00" + l.LogicalID
			res := v.resources[id]
			if res == nil {
				res = &awscdk.PolicyViolatingResource{ResourceLogicalId: jsii.String(l.LogicalID), TemplatePath: jsii.String(l.Template), Locations: &[]*string{}}
				v.resources[id] = res
				v.order = append(v.order, id)
			}
			loc := "Properties"
			if l.Property != "" {
				loc = "Properties/" + l.Property
			}
			if !containsPtr(*res.Locations, loc) {
				*res.Locations = append(*res.Locations, jsii.String(loc))
			}
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { // errors first
		return byKey[keys[i]].severity == "error" && byKey[keys[j]].severity != "error"
	})
	violations := []*awscdk.PolicyViolation{}
	for _, k := range keys {
		v := byKey[k]
		var res []*awscdk.PolicyViolatingResource
		for _, id := range v.order {
			res = append(res, v.resources[id])
		}
		pv := &awscdk.PolicyViolation{
			RuleName:           jsii.String(v.rule.Name),
			Description:        jsii.String(v.rule.Title + ". " + strings.Join(v.reasons, "; ")),
			Severity:           jsii.String(v.severity),
			ViolatingResources: &res,
			RuleMetadata:       &map[string]*string{"help": jsii.String(v.rule.Help)},
		}
		if len(v.fixes) > 0 {
			pv.Fix = jsii.String(strings.Join(v.fixes, "; "))
		}
		violations = append(violations, pv)
	}
	return &awscdk.PolicyValidationPluginReport{
		Success:       jsii.Bool(success),
		Violations:    &violations,
		Metadata:      &map[string]*string{"summary": jsii.String(r.Summary())},
		PluginVersion: jsii.String(Version),
	}
}

func unknownPrefix(s netcheck.Status) string {
	if s == netcheck.Unknown {
		return "UNKNOWN: "
	}
	return ""
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func containsPtr(l []*string, s string) bool {
	for _, x := range l {
		if x != nil && *x == s {
			return true
		}
	}
	return false
}
