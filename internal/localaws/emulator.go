// Package localaws runs this project against a local AWS emulator: it
// starts and stops the patched moto server (test/emulator), and runs the
// pinned CDK CLI against it; after a deploy it inspects the deployed
// network (awsfacts and netcheck), invokes the function (answered by the
// VPC twin) and, for the tests, finds what a deleted stack left behind. It
// backs `make deploy-local`, `make destroy-local` and the lifecycle tests;
// nothing in it is needed to deploy to a real account.
package localaws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Account and Region the emulator answers for.
const (
	Account = "123456789012"
	Region  = "us-east-1"
)

// Emulator is a running emulator process.
type Emulator struct {
	Port    int
	PID     int
	LogPath string
	cmd     *exec.Cmd
}

// Endpoint is the emulator's URL.
func (e *Emulator) Endpoint() string { return fmt.Sprintf("http://127.0.0.1:%d", e.Port) }

// Env is the environment that points the AWS CLI, the CDK CLI and the AWS
// SDK for Go at the emulator, with the emulator's fixed test credentials.
func (e *Emulator) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_SESSION_TOKEN=",
		"AWS_PROFILE=",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_ENDPOINT_URL=" + e.Endpoint(),
		// The CDK CLI builds the TemplateURL it hands CloudFormation from the
		// S3 endpoint; the emulator reads bucket and key from an AWS-style URL.
		"AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION=https://s3." + Region + ".amazonaws.com",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// AWSConfig is an SDK configuration for the emulator.
func (e *Emulator) AWSConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithBaseEndpoint(e.Endpoint()),
		config.WithSharedConfigFiles(nil), config.WithSharedCredentialsFiles(nil),
	)
}

// Options for Start.
type Options struct {
	Root    string // the project's root directory (holds test/emulator)
	Port    int    // 0: a free port
	LogPath string // the emulator's output; default a file in the temp directory
	Python  string // default python3
	// Detach leaves the emulator running after this process exits (its own
	// session, so a terminal's Ctrl-C does not reach it); Stop still ends it.
	// Without it, the emulator stops by itself when this process ends.
	Detach  bool
	Timeout time.Duration // to wait for it to listen; default 30 s
	Env     []string      // extra environment for the emulator process
	// Twin is a built VPC twin command (BuildTwin): the emulator answers
	// Lambda Invoke with the function running in the twin of its deployed
	// network. Without it, Invoke fails at once.
	Twin string
}

// Start starts the emulator and waits until it listens. On any error
// nothing is left running.
func Start(ctx context.Context, o Options) (*Emulator, error) {
	launcher := filepath.Join(o.Root, "test", "emulator", "launch.py")
	if _, err := os.Stat(launcher); err != nil {
		return nil, fmt.Errorf("emulator launcher not found: %v", err)
	}
	python := o.Python
	if python == "" {
		python = "python3"
	}
	if _, err := exec.LookPath(python); err != nil {
		return nil, fmt.Errorf("%s not found: the local emulator needs Python 3 with moto 5.2.1 (preinstalled on this project's machine image)", python)
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	dir, err := os.MkdirTemp("", "vpclambda-emulator-")
	if err != nil {
		return nil, err
	}
	ready := filepath.Join(dir, "ready")
	if o.LogPath == "" {
		o.LogPath = filepath.Join(dir, "emulator.log")
	} else {
		defer os.RemoveAll(dir) // only the ready file was in it
	}
	logf, err := os.Create(o.LogPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()

	args := []string{launcher, "--port", strconv.Itoa(o.Port), "--ready-file", ready}
	if o.Twin != "" {
		args = append(args, "--twin", o.Twin)
	}
	if !o.Detach {
		args = append(args, "--parent-pid", strconv.Itoa(os.Getpid())) // not orphaned if this process dies
	}
	cmd := exec.Command(python, args...)
	cmd.Dir = o.Root
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1"), o.Env...)
	// Its own process group (and session when detached), so Stop can end
	// the server and anything it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: !o.Detach, Setsid: o.Detach}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator: %v", err)
	}
	e := &Emulator{PID: cmd.Process.Pid, LogPath: o.LogPath, cmd: cmd}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	deadline := time.NewTimer(o.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("the emulator exited before it listened (%v): %s", exitDescription(err), logTail(o.LogPath, 5))
		case <-ctx.Done():
			e.Stop()
			return nil, fmt.Errorf("starting the emulator: %w", ctx.Err())
		case <-deadline.C:
			e.Stop()
			return nil, fmt.Errorf("the emulator did not listen within %s: %s", o.Timeout, logTail(o.LogPath, 5))
		case <-tick.C:
			data, err := os.ReadFile(ready)
			if err != nil {
				continue
			}
			fields := strings.Fields(string(data))
			if len(fields) != 2 {
				continue
			}
			e.Port, _ = strconv.Atoi(fields[0])
			conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", e.Port), time.Second)
			if err != nil {
				e.Stop()
				return nil, fmt.Errorf("the emulator reported port %d but does not answer there: %v", e.Port, err)
			}
			conn.Close()
			go func() { <-exited }() // reap it when it ends
			return e, nil
		}
	}
}

// Stop ends the emulator by its PID (its process group): SIGTERM, then
// SIGKILL after five seconds.
func (e *Emulator) Stop() error {
	return StopPID(e.PID, 5*time.Second)
}

// StopPID ends the emulator process PID and its process group, after
// checking that PID is this project's emulator launcher (a PID can be
// reused by another program once the emulator has exited).
func StopPID(pid int, grace time.Duration) error {
	if pid <= 0 || !IsEmulator(pid) {
		return nil
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !Alive(pid) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	time.Sleep(100 * time.Millisecond)
	if Alive(pid) {
		return fmt.Errorf("emulator process %d did not stop", pid)
	}
	return nil
}

// Alive tells whether process pid exists and is not a zombie.
func Alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}

// IsEmulator tells whether process pid is alive and runs the emulator launcher.
func IsEmulator(pid int) bool {
	if !Alive(pid) {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(cmdline), filepath.Join("test", "emulator", "launch.py"))
}

func exitDescription(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Sprintf("exit status %d", ee.ExitCode())
	}
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// logTail is the last n non-empty lines of the emulator's log.
func logTail(path string, n int) string {
	data, err := os.ReadFile(path)
	if out := tail(string(data), n); err == nil && out != "" {
		return out
	}
	return "(no output)"
}
