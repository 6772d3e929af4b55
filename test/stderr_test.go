package test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stderrRuns is how many times TestAppErrorStartsStderr runs the app.
// jsii-runtime-go v1.139.0 wrote "Runtime process exited abnormally:
// waitid: no child processes" (no newline) before the app's own message in
// about a third of the runs (9 of 24 measured): twelve clean runs of such a
// runtime would happen by chance less than once in a hundred.
const stderrRuns = 12

// TestAppErrorStartsStderr runs the app's binary, as the CDK CLI does, with
// a bad context value, and checks that its standard error starts with the
// app's own message every time: nothing of the jsii runtime's exit path is
// glued in front of it.
func TestAppErrorStartsStderr(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "app")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const want = "error: 1 problem in the app's settings\n  - context maxAzs = 9: "
	for i := 0; i < stderrRuns; i++ {
		cmd := exec.Command(bin)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CDK_OUTDIR="+filepath.Join(dir, "out"), `CDK_CONTEXT_JSON={"maxAzs":9}`)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("run %d: want exit status 1, got %v\nstderr: %s", i+1, err, stderr.String())
		}
		if got := stderr.String(); !strings.HasPrefix(got, want) {
			t.Fatalf("run %d of %d: stderr does not start with the app's message %q:\n%s", i+1, stderrRuns, want, got)
		}
	}
}
