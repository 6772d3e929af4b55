package localaws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// CDK runs the project's pinned CDK CLI (npx cdk) against the emulator.
type CDK struct {
	Root   string    // the project's root (cdk.json, node_modules)
	Env    []string  // the emulator's environment (Emulator.Env)
	Output string    // cloud assembly directory (--output); default cdk.out
	Log    io.Writer // where the CLI's output goes as it runs; nil: only captured
}

// CheckCLI tells whether the pinned CLI is installed.
func CheckCLI(root string) error {
	if _, err := os.Stat(filepath.Join(root, "node_modules", ".bin", "cdk")); err != nil {
		return fmt.Errorf("the pinned CDK CLI is not installed in %s: run `npm ci` there (make deploy-local and make test do it)", filepath.Join(root, "node_modules"))
	}
	if _, err := exec.LookPath("npx"); err != nil {
		return errors.New("npx not found: install Node.js and npm")
	}
	return nil
}

// Run runs `npx cdk ARGS` with a timeout and returns its combined output.
// A failure's error carries the output's last lines, where the CLI names
// the CloudFormation error.
func (c *CDK) Run(ctx context.Context, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	full := append([]string{"--no-install", "cdk"}, args...)
	full = append(full, "--no-notices", "--ci")
	if c.Output != "" {
		full = append(full, "--output", c.Output)
	}
	cmd := exec.CommandContext(ctx, "npx", full...)
	cmd.Dir = c.Root
	cmd.Env = append(os.Environ(), c.Env...)
	cmd.Env = append(cmd.Env,
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
		"CDK_DISABLE_CLI_TELEMETRY=true",
		"NODE_NO_WARNINGS=1",
		"CI=true",
	)
	// Its own process group: on timeout the CLI and the app it runs (go run,
	// node) are all stopped.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var buf bytes.Buffer
	var w io.Writer = &buf
	if c.Log != nil {
		w = io.MultiWriter(&buf, c.Log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	out := buf.String()
	if ctx.Err() == context.DeadlineExceeded {
		return out, fmt.Errorf("cdk %s did not finish within %s: %s", args[0], timeout, tail(out, 8))
	}
	if err != nil {
		return out, fmt.Errorf("cdk %s failed (%v): %s", args[0], err, tail(out, 12))
	}
	return out, nil
}

// Bootstrap bootstraps the emulator's environment.
func (c *CDK) Bootstrap(ctx context.Context) error {
	_, err := c.Run(ctx, 3*time.Minute, "bootstrap", "aws://"+Account+"/"+Region)
	return err
}

// Deploy deploys the app with extra context (key=value) and returns the
// stack outputs.
func (c *CDK) Deploy(ctx context.Context, stack string, contextArgs ...string) (map[string]string, error) {
	var args []string
	for _, kv := range contextArgs {
		args = append(args, "-c", kv)
	}
	return c.deploy(ctx, stack, args...)
}

// DeployAssembly deploys a stack of a cloud assembly directory (--app DIR)
// and returns its outputs.
func (c *CDK) DeployAssembly(ctx context.Context, dir, stack string) (map[string]string, error) {
	return c.deploy(ctx, stack, "--app", dir)
}

func (c *CDK) deploy(ctx context.Context, stack string, extra ...string) (map[string]string, error) {
	dir, err := os.MkdirTemp("", "vpclambda-outputs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "outputs.json")
	args := append([]string{"deploy", stack, "--require-approval", "never", "--outputs-file", file}, extra...)
	if _, err := c.Run(ctx, 5*time.Minute, args...); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cdk deploy wrote no outputs: %v", err)
	}
	var all map[string]map[string]string
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("reading the stack outputs: %v", err)
	}
	return all[stack], nil
}

// FormatOutputs prints stack outputs one a line, sorted.
func FormatOutputs(outputs map[string]string) string {
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-17s %s\n", k, outputs[k])
	}
	return b.String()
}

// tail is the last n non-empty lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	return strings.Join(kept, "\n")
}
