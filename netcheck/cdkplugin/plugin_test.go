package cdkplugin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/vpclambda/vpclambda/netcheck"
)

func tpl(name string) string { return "../testdata/review/" + name }

func violations(r *awscdk.PolicyValidationPluginReport) map[string]*awscdk.PolicyViolation {
	out := map[string]*awscdk.PolicyViolation{}
	for _, v := range *r.Violations {
		out[*v.RuleName+"/"+*v.Severity] = v
	}
	return out
}

// TestPluginReport: one violation per check, rule = the check's name,
// with the fix and every violating resource's logical id, template and
// property; failures are errors (and fail), warnings are warnings.
func TestPluginReport(t *testing.T) {
	p := New(nil).(*plugin)
	r := p.check([]string{tpl("broken.yaml")}, "", "")
	if *r.Success {
		t.Fatal("a broken network must not succeed")
	}
	vs := violations(r)
	if len(vs) != 3 {
		t.Fatalf("violations %v: want security-group/error, role-eni-deny/warning, single-nat/warning", vs)
	}
	sg := vs["security-group/error"]
	if sg == nil || sg.Fix == nil || !strings.Contains(*sg.Fix, "add an egress rule for tcp/443") || !strings.Contains(*sg.Description, "no egress rule") {
		t.Fatalf("security-group violation: %+v", sg)
	}
	res := *sg.ViolatingResources
	if len(res) != 1 || *res[0].ResourceLogicalId != "FunctionSg" || *res[0].TemplatePath != tpl("broken.yaml") ||
		len(*res[0].Locations) != 1 || *(*res[0].Locations)[0] != "Properties/SecurityGroupEgress" {
		t.Errorf("violating resource %+v", res)
	}
	if vs["single-nat/warning"] == nil || vs["role-eni-deny/warning"] == nil {
		t.Errorf("warnings: %v", vs)
	}
	if r := p.check([]string{tpl("valid.yaml")}, "", ""); !*r.Success || len(*r.Violations) != 2 {
		t.Errorf("the valid network succeeds with its two warnings: %v", violations(r))
	}
}

// TestPluginUnknownAndAcknowledged: an UNKNOWN step is a warning unless
// FailOnUnknown; an acknowledged one is left out.
func TestPluginUnknownAndAcknowledged(t *testing.T) {
	r := New(nil).(*plugin).check([]string{tpl("acknowledged-open.yaml")}, "", "")
	vs := violations(r)
	if !*r.Success || vs["security-group/warning"] == nil || !strings.Contains(*vs["security-group/warning"].Description, "UNKNOWN: ") {
		t.Errorf("UNKNOWN is a warning by default: %v", vs)
	}
	if vs["single-nat/warning"] != nil {
		t.Errorf("the acknowledged single-nat is reported: %v", vs)
	}
	r = New(&Options{FailOnUnknown: true}).(*plugin).check([]string{tpl("acknowledged-open.yaml")}, "", "")
	if *r.Success || violations(r)["security-group/error"] == nil {
		t.Errorf("FailOnUnknown: %v", violations(r))
	}
	// A value for the parameter decides it.
	r = New(&Options{Parameters: map[string]string{"EgressCidr": "0.0.0.0/0"}}).(*plugin).check([]string{tpl("acknowledged-open.yaml")}, "", "")
	if !*r.Success || violations(r)["security-group/warning"] != nil {
		t.Errorf("with the parameter's value: %v", violations(r))
	}
}

// TestPluginBadInput: a template netcheck cannot read is the plugin's
// failure with the reason (CDK prints it), not a panic.
func TestPluginBadInput(t *testing.T) {
	r := New(nil).(*plugin).check([]string{tpl("missing.yaml")}, "", "")
	if *r.Success || len(*r.Violations) != 0 || r.Metadata == nil || !strings.Contains(*(*r.Metadata)["error"], "cannot read template") {
		t.Errorf("report %+v", r)
	}
	if r := New(&Options{Function: "Nope"}).(*plugin).check([]string{tpl("valid.yaml")}, "", ""); *r.Success {
		t.Error("a Function the templates do not have is an error")
	}
	// Stacks without a VPC-attached function, or without resources, pass.
	dir := t.TempDir()
	empty, plain := filepath.Join(dir, "Empty.template.json"), filepath.Join(dir, "Plain.template.json")
	os.WriteFile(empty, []byte(`{"Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"}}}`), 0o644)
	os.WriteFile(plain, []byte(`{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}`), 0o644)
	if r := New(nil).(*plugin).check([]string{empty, plain}, "", ""); !*r.Success || len(*r.Violations) != 0 {
		t.Errorf("stacks without functions: %+v", r.Metadata)
	}
	ids := *New(nil).RuleIds()
	if len(ids) != len(netcheck.Rules()) || *ids[0] != netcheck.Rules()[0].Name {
		t.Errorf("rule ids %d, catalogue %d", len(ids), len(netcheck.Rules()))
	}
}
