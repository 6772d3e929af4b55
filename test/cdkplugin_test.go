package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pluginReport is the part of CDK's validation-report.json the tests read.
type pluginReport struct {
	PluginReports []struct {
		PluginName string `json:"pluginName"`
		Conclusion string `json:"conclusion"`
		Violations []struct {
			RuleName            string `json:"ruleName"`
			Severity            string `json:"severity"`
			SuggestedFix        string `json:"suggestedFix"`
			ViolatingConstructs []struct {
				CloudFormationResource struct {
					TemplatePath  string   `json:"templatePath"`
					LogicalID     string   `json:"logicalId"`
					PropertyPaths []string `json:"propertyPaths"`
				} `json:"cloudFormationResource"`
			} `json:"violatingConstructs"`
		} `json:"violations"`
	} `json:"pluginReports"`
}

// cdkSynth runs the pinned CDK CLI from the repository's root.
func cdkSynth(t *testing.T, args ...string) (string, int, *pluginReport) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdk.out")
	cmd := exec.Command("npx", append([]string{"cdk", "synth", "--quiet", "--no-notices", "--output", out}, args...)...)
	cmd.Dir = ".."
	b, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("npx cdk synth %v: %v\n%s", args, err, b)
		}
		code = ee.ExitCode()
	}
	var rep *pluginReport
	if data, err := os.ReadFile(filepath.Join(out, "validation-report.json")); err == nil {
		rep = &pluginReport{}
		if err := json.Unmarshal(data, rep); err != nil {
			t.Fatalf("validation-report.json: %v", err)
		}
	}
	return string(b), code, rep
}

// TestCdkSynthRunsNetcheck: the real `cdk synth` of the app runs netcheck.
// A broken network (the function's security group lets only tcp/80 out)
// stops the synthesis with CDK's validation report: the check's name as
// the rule, its fix, the security group's logical id and the property;
// the single NAT gateway is a warning, which does not stop it. The valid
// app synthesizes with that warning; -c netcheck=false leaves netcheck out.
func TestCdkSynthRunsNetcheck(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join("..", "node_modules", ".bin", "cdk")); err != nil {
		t.Fatal("the pinned CDK CLI is not installed (make deps):", err)
	}
	t.Run("broken", func(t *testing.T) {
		t.Parallel()
		text, code, rep := cdkSynth(t, "--app", "go run ./test/testdata/brokenapp")
		if code == 0 {
			t.Fatalf("cdk synth of a broken network succeeded:\n%s", text)
		}
		for _, want := range []string{
			"ERROR The function's security groups allow the egress.", "no egress rule of the function's security group(s) allows tcp/443 to the internet (netcheck)",
			"(VpcLambdaSecurityGroupBD4EBCD2)", "Suggested fix: add an egress rule for tcp/443 to 0.0.0.0/0", "Acknowledge with 'netcheck::security-group'",
			"WARNING Each AZ has its own NAT device.", "Synthesis finished with errors",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in the synth output:\n%s", want, text)
			}
		}
		if rep == nil || len(rep.PluginReports) != 1 || rep.PluginReports[0].PluginName != "netcheck" || rep.PluginReports[0].Conclusion != "failure" {
			t.Fatalf("validation report: %+v", rep)
		}
		errs, warns := 0, 0
		for _, v := range rep.PluginReports[0].Violations {
			switch v.Severity {
			case "error":
				errs++
				if v.RuleName != "security-group" || len(v.ViolatingConstructs) != 1 {
					t.Errorf("error violation %+v", v)
					continue
				}
				r := v.ViolatingConstructs[0].CloudFormationResource
				if r.LogicalID != "VpcLambdaSecurityGroupBD4EBCD2" || r.TemplatePath != "VpcLambdaInternet.template.json" || strings.Join(r.PropertyPaths, ",") != "Properties/SecurityGroupEgress" {
					t.Errorf("violating resource %+v", r)
				}
			case "warning":
				warns++
			}
		}
		if errs != 1 || warns != 1 {
			t.Errorf("%d errors, %d warnings: want the security group's failure and the single NAT gateway's warning", errs, warns)
		}
	})
	t.Run("valid", func(t *testing.T) {
		t.Parallel()
		text, code, rep := cdkSynth(t)
		if code != 0 {
			t.Fatalf("cdk synth of the app: exit %d\n%s", code, text)
		}
		if !strings.Contains(text, "WARNING Each AZ has its own NAT device.") || strings.Contains(text, "ERROR") {
			t.Errorf("the app's synth reports the single NAT gateway as a warning only:\n%s", text)
		}
		if rep == nil || len(rep.PluginReports) != 1 || rep.PluginReports[0].Conclusion != "success" {
			t.Errorf("validation report: %+v", rep)
		}
	})
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{{"-c", "netcheck=false"}, {"--app", "go run ./test/testdata/brokenapp", "-c", "netcheck=false"}} {
			text, code, rep := cdkSynth(t, args...)
			if code != 0 || strings.Contains(text, "(netcheck)") || (rep != nil && len(rep.PluginReports) > 0) {
				t.Errorf("%v: exit %d, report %+v\n%s", args, code, rep, text)
			}
		}
	})
}
