package test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

type cliResult struct {
	out    string // the assembly directory
	output string
	err    error
}

var cliSynth *async[cliResult]

// runCliSynth runs the pinned CDK CLI the way a user does (`cdk synth`,
// through cdk.json), without AWS credentials.
func runCliSynth() cliResult {
	cdk, err := filepath.Abs(filepath.Join("..", "node_modules", ".bin", "cdk"))
	if err != nil {
		return cliResult{err: err}
	}
	if _, err := os.Stat(cdk); err != nil {
		return cliResult{err: fmt.Errorf("the pinned CDK CLI is not installed (%v): run `make test`, which runs `npm ci` first", err)}
	}
	out, err := os.MkdirTemp("", "vpclambda-cli-")
	if err != nil {
		return cliResult{err: err}
	}
	cmd := exec.Command(cdk, "synth", "--quiet", "--no-notices", "--output", out)
	cmd.Dir = ".."
	// No credentials and no profile: synth must work offline.
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=", "AWS_CONFIG_FILE=/nonexistent",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true")
	b, err := cmd.CombinedOutput()
	return cliResult{out: out, output: string(b), err: err}
}

// TestCdkCliSynth checks the cloud assembly the CLI wrote.
func TestCdkCliSynth(t *testing.T) {
	r := cliSynth.wait()
	if r.out != "" {
		defer os.RemoveAll(r.out)
	}
	if r.err != nil {
		t.Fatalf("cdk synth: %v\n%s", r.err, r.output)
	}
	out := r.out
	data, err := os.ReadFile(filepath.Join(out, "VpcLambdaInternet.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct{ Type string }
	}
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range tpl.Resources {
		if r.Type == "AWS::Lambda::Function" || r.Type == "AWS::EC2::NatGateway" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the CLI's template must hold the function and the NAT gateway")
	}
	manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !strings.Contains(string(manifest), `"environment": "aws://unknown-account/unknown-region"`) {
		t.Errorf("the default stack must be environment-agnostic: %v", err)
	}
}
