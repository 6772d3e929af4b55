package test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/stacks"
)

// Ignored cfn-lint findings, each with its reason. Nothing else may appear.
var cfnLintAllowed = map[string]string{
	// awslambda.Function adds DependsOn on its role although the Role
	// property already references it: redundant, harmless, and not ours.
	"W3005": `^'(\w+)' dependency already enforced by a 'GetAtt' at 'Resources/(\w+)/Properties/Role'$`,
}

// cfnLintNewerTypes are resource types CloudFormation has that the
// pinned cfn-lint's registry schemas predate (E3006 "does not exist"),
// each with where CloudFormation documents it. Only E3006 on a resource of
// that exact type is excused; every other finding on it still fails.
var cfnLintNewerTypes = map[string]string{
	// cfn-lint 1.51.0 lacks it; AWS's CloudFormation Template Reference
	// documents it (aws-resource-route53resolver-firewallconfig), and
	// aws-cdk-lib 2.277's L1 CfnFirewallConfig is generated from it.
	"AWS::Route53Resolver::FirewallConfig": "docs/dns.md",
}

var unknownType = regexp.MustCompile(`^Resource type '([\w:]+)' does not exist in '[\w-]+'$`)

type lintMatch struct {
	Filename string
	Level    string
	Message  string
	Rule     struct{ Id string }
}

type lintResult struct {
	matches []lintMatch
	err     error
}

var lint *async[lintResult]

// runCfnLint lints the templates of the named variants in one cfn-lint run.
func runCfnLint(names []string) lintResult {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		return lintResult{err: fmt.Errorf("cfn-lint is not installed (pip install cfn-lint); it checks every synthesized template")}
	}
	var files []string
	for _, name := range names {
		if f := fixtures[name]; f.err == nil {
			files = append(files, f.File)
		}
	}
	if len(files) == 0 {
		return lintResult{err: fmt.Errorf("no template to lint")}
	}
	cmd := exec.Command(bin, append([]string{"--format", "json", "--"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	// cfn-lint exits with a bit mask: 2 errors, 4 warnings, 8 informational.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode()&^(2|4|8) != 0) {
		return lintResult{err: fmt.Errorf("cfn-lint failed to run: %v\n%s", err, stderr.String())}
	}
	var r lintResult
	if jerr := json.Unmarshal(stdout.Bytes(), &r.matches); jerr != nil {
		return lintResult{err: fmt.Errorf("cfn-lint output: %v\n%s", jerr, stdout.String())}
	}
	if err != nil && len(r.matches) == 0 {
		r.err = fmt.Errorf("cfn-lint exited %v without findings", err)
	}
	return r
}

func TestCfnLint(t *testing.T) {
	byFile := map[string]*fixture{}
	for _, name := range variantNames() {
		f := get(t, name)
		byFile[f.File] = f
	}
	t.Parallel() // cfn-lint is still running: let the other tests go first
	r := lint.wait()
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, m := range r.matches {
		f := byFile[m.Filename]
		pattern, ok := cfnLintAllowed[m.Rule.Id]
		if ok {
			sub := regexp.MustCompile(pattern).FindStringSubmatch(m.Message)
			// Only the function -> its own role dependency is excused.
			if sub != nil && f != nil && f.resource(sub[2])["Type"] == "AWS::Lambda::Function" && ref(f.props(sub[2])["Role"]) == sub[1] {
				continue
			}
		}
		if sub := unknownType.FindStringSubmatch(m.Message); m.Rule.Id == "E3006" && sub != nil && cfnLintNewerTypes[sub[1]] != "" && f != nil && len(f.resources(sub[1])) > 0 {
			continue
		}
		t.Errorf("cfn-lint %s %s in %s: %s", m.Level, m.Rule.Id, filepath.Base(filepath.Dir(m.Filename)), m.Message)
	}
}

// TestCdkNag reads what the AwsSolutions pack, applied to the app fixture,
// wrote into the cloud assembly: no unsuppressed finding, and every
// suppression carries a reason.
func TestCdkNag(t *testing.T) {
	f := get(t, "app")
	outdir := f.Outdir
	for path, es := range metadataEntries(t, f) {
		for _, e := range es {
			msg := fmt.Sprint(e.Data)
			if (e.Type == "aws:cdk:error" || e.Type == "aws:cdk:warning") && strings.Contains(msg, "AwsSolutions-") {
				t.Errorf("cdk-nag %s on %s: %s", strings.TrimPrefix(e.Type, "aws:cdk:"), path, msg)
			}
		}
	}

	// The report proves the pack ran: the design's findings are there,
	// suppressed, each with its reason.
	reports, _ := filepath.Glob(filepath.Join(outdir, "AwsSolutions-*"+stacks.DefaultStackName+"-NagReport.csv"))
	if len(reports) != 1 {
		t.Fatalf("want one AwsSolutions report in %s, got %v", outdir, reports)
	}
	data, err := os.ReadFile(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	suppressed, compliant := map[string]bool{}, map[string]bool{}
	for _, r := range rows[1:] {
		rule, compliance, reason := r[0], r[2], r[3]
		compliant[rule] = compliant[rule] || compliance == "Compliant"
		if compliance == "Suppressed" {
			suppressed[rule] = true
			if len(strings.TrimSpace(reason)) < 30 {
				t.Errorf("suppression of %s on %s needs a real reason, got %q", rule, r[1], reason)
			}
		} else if compliance == "Non-Compliant" {
			t.Errorf("%s is non-compliant on %s", rule, r[1])
		}
	}
	for _, rule := range []string{"AwsSolutions-IAM4", "AwsSolutions-VPC3"} {
		if !suppressed[rule] {
			t.Errorf("%s should be reported as suppressed (with its reason); report:\n%s", rule, data)
		}
	}
	// The VPC's flow log is part of the stack: VPC7 holds without a
	// suppression.
	if !compliant["AwsSolutions-VPC7"] || suppressed["AwsSolutions-VPC7"] {
		t.Errorf("AwsSolutions-VPC7 must be compliant (the flow log), not suppressed; report:\n%s", data)
	}
}

var assetKey = regexp.MustCompile(`[0-9a-f]{64}\.zip`)

// TestSnapshot compares the app's template with the reviewed copy in
// testdata. After an intended change, update it with
//
//	make snapshot   (UPDATE_SNAPSHOTS=1 go test ./test -run TestSnapshot)
//
// and review the diff. The handler's asset hash and CDK's version-specific
// metadata are normalized: the handler's build is tested on its own.
func TestSnapshot(t *testing.T) {
	f := get(t, "app")
	tpl := map[string]interface{}{}
	b, _ := json.Marshal(f.JSON)
	json.Unmarshal(b, &tpl)
	delete(tpl["Resources"].(map[string]interface{}), "CDKMetadata")
	if c, ok := tpl["Conditions"].(map[string]interface{}); ok {
		delete(c, "CDKMetadataAvailable")
		if len(c) == 0 {
			delete(tpl, "Conditions")
		}
	}
	got, _ := json.MarshalIndent(tpl, "", "  ")
	got = append(assetKey.ReplaceAll(got, []byte("ASSET_HASH.zip")), '\n')
	path := filepath.Join("testdata", stacks.DefaultStackName+".template.json")
	if os.Getenv("UPDATE_SNAPSHOTS") == "1" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: make snapshot)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("template differs from %s at line %d:\n got: %s\nwant: %s\nreview the change, then run: make snapshot", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("template differs from %s in length (%d vs %d lines); review, then run: make snapshot", path, len(gl), len(wl))
	}
}

// metadataEntry is one annotation of the cloud assembly's metadata file
// (errors and warnings of aspects such as cdk-nag land there).
type metadataEntry struct {
	Type string
	Data interface{}
}

// metadataEntries reads a fixture's stack metadata, by construct path.
func metadataEntries(t *testing.T, f *fixture) map[string][]metadataEntry {
	t.Helper()
	meta, err := os.ReadFile(filepath.Join(f.Outdir, *f.Stack.ArtifactId()+".metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries map[string][]metadataEntry
	if err := json.Unmarshal(meta, &entries); err != nil {
		t.Fatal(err)
	}
	return entries
}
