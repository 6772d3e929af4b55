package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCdkCliSynth runs the pinned CDK CLI the way a user does (`npx cdk
// synth`, through cdk.json), without AWS credentials, and checks the
// cloud assembly it writes.
func TestCdkCliSynth(t *testing.T) {
	cdk, err := filepath.Abs(filepath.Join("..", "node_modules", ".bin", "cdk"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cdk); err != nil {
		t.Fatalf("the pinned CDK CLI is not installed (%v): run `make test`, which runs `npm ci` first", err)
	}
	out := t.TempDir()
	cmd := exec.Command(cdk, "synth", "--quiet", "--no-notices", "--output", out)
	cmd.Dir = ".."
	// No credentials and no profile: synth must work offline.
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=", "AWS_CONFIG_FILE=/nonexistent",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cdk synth: %v\n%s", err, b)
	}
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
