//go:build lifecycle

package lifecycle

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpclambda/vpclambda/internal/localaws"
)

// A signal case interrupts `make deploy-local` (or `make destroy-local`
// after a full deploy) when its output reaches a step, delivering the
// signal as a terminal does (to make's whole process group: Ctrl-C sends
// SIGINT, a closed terminal SIGHUP) or as `kill PID` does (to make alone).
type signalCase struct {
	sig     syscall.Signal
	toGroup bool
	destroy bool   // interrupt make destroy-local
	at      string // the output line that starts the step
	twin    bool   // wait until the VPC twin runs (the invocation) first
}

// TestSignalsLeaveNothingRunning: whatever the signal and wherever it
// lands, make deploy-local and make destroy-local leave no emulator, no
// VPC twin and no localaws process behind, and the next run (every case's
// run is the rerun of the case before it) starts afresh; a full deploy
// and destroy at the end pass.
func TestSignalsLeaveNothingRunning(t *testing.T) {
	dir := root(t)
	stateDir := filepath.Join(dir, localaws.StateDir)
	if s, err := localaws.ReadState(stateDir); err != nil || s != nil {
		t.Skipf("an emulator of make deploy-local is running (%v, %v): this test runs make deploy-local itself; stop it with make destroy-local", s, err)
	}
	cases := []signalCase{
		{sig: syscall.SIGHUP, toGroup: true, at: "    listening on"},
		{sig: syscall.SIGINT, toGroup: true, at: "==> cdk bootstrap"},
		{sig: syscall.SIGTERM, toGroup: false, at: "==> cdk deploy"},
		{sig: syscall.SIGHUP, toGroup: true, at: "==> cdk deploy"},
		{sig: syscall.SIGTERM, toGroup: true, at: "==> invoke", twin: true},
		{sig: syscall.SIGINT, toGroup: true, at: "==> invoke", twin: true},
		{sig: syscall.SIGHUP, toGroup: true, destroy: true, at: "==> cdk destroy"},
		{sig: syscall.SIGTERM, toGroup: false, destroy: true, at: "==> cdk destroy"},
	}
	t.Cleanup(func() { stopLeftovers(dir) })
	for _, c := range cases {
		to := "make's process group"
		if !c.toGroup {
			to = "make alone"
		}
		name := fmt.Sprintf("%s to %s at %q", c.sig, to, c.at)
		if c.destroy {
			name = "destroy-local: " + name
			out, err := runMake(t, dir, "deploy-local", nil)
			if err != nil {
				t.Fatalf("%s: make deploy-local before the destroy: %v\n%s", name, err, out)
			}
		}
		target := "deploy-local"
		if c.destroy {
			target = "destroy-local"
		}
		start := time.Now()
		reached, twinSeen := false, false
		out, _ := runMake(t, dir, target, func(line string, mk *exec.Cmd) bool {
			if !strings.HasPrefix(line, c.at) {
				return false
			}
			reached = true
			if c.twin {
				twinSeen = waitForTwin(dir, 20*time.Second)
			}
			pid := mk.Process.Pid
			if c.toGroup {
				pid = -pid
			}
			if err := syscall.Kill(pid, c.sig); err != nil {
				t.Errorf("%s: kill: %v", name, err)
			}
			return true
		})
		if !reached {
			t.Fatalf("%s: the run never reached the step:\n%s", name, out)
		}
		if c.twin && !twinSeen && !strings.Contains(out, "has no VPC twin") {
			t.Errorf("%s: the VPC twin never ran, so the signal did not land during the invocation:\n%s", name, out)
		}
		if strings.Contains(out, "reusing the emulator") {
			t.Errorf("%s: the rerun reused an emulator left by the case before:\n%s", name, out)
		}
		if left := waitNoLeftovers(dir, 30*time.Second); len(left) > 0 {
			t.Errorf("%s: left running: %s\noutput:\n%s", name, strings.Join(left, "; "), out)
			stopLeftovers(dir)
		} else {
			t.Logf("%s: nothing left running (%.1f s)", name, time.Since(start).Seconds())
		}
		if s, err := localaws.ReadState(stateDir); err != nil || s != nil {
			t.Errorf("%s: the state still records an emulator: %+v %v", name, s, err)
		}
	}
	// The rerun after the last interruption: a whole deploy and destroy.
	out, err := runMake(t, dir, "deploy-local", nil)
	if err != nil || strings.Contains(out, "reusing the emulator") {
		t.Fatalf("make deploy-local after the interruptions: %v\n%s", err, out)
	}
	if s, _ := localaws.ReadState(stateDir); s == nil {
		t.Errorf("a finished make deploy-local must leave its emulator running:\n%s", out)
	}
	if out, err := runMake(t, dir, "destroy-local", nil); err != nil {
		t.Fatalf("make destroy-local: %v\n%s", err, out)
	}
	if left := waitNoLeftovers(dir, 30*time.Second); len(left) > 0 {
		t.Errorf("make destroy-local left running: %s", strings.Join(left, "; "))
	}
}

// runMake runs make TARGET in dir in a process group of its own (as a
// shell's job), calling onLine with each output line until it returns
// true; it returns the output once make exited (at most 4 minutes).
func runMake(t *testing.T, dir, target string, onLine func(line string, mk *exec.Cmd) bool) (string, error) {
	t.Helper()
	cmd := exec.Command("make", "--no-print-directory", target)
	cmd.Dir = dir
	var env []string
	for _, e := range os.Environ() { // not the outer make's jobserver
		if !strings.HasPrefix(e, "MAKEFLAGS=") && !strings.HasPrefix(e, "MFLAGS=") && !strings.HasPrefix(e, "MAKELEVEL=") {
			env = append(env, e)
		}
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Wait returns once make and the command it runs (whose cleanup may
	// outlive make when make itself was killed) closed the output.
	cmd.WaitDelay = time.Minute
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		fired := onLine == nil
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if !fired {
				fired = onLine(sc.Text(), cmd)
			}
		}
		io.Copy(io.Discard, pr)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
	case <-time.After(4 * time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		err = fmt.Errorf("make %s did not finish within 4 minutes", target)
		<-exited
	}
	pw.Close()
	<-done
	return b.String(), err
}

// leftovers lists the processes of make deploy-local still running: the
// emulator (its output is the state directory's log), the VPC twin and the
// localaws command (both run from the state directory).
func leftovers(dir string) []string {
	state := filepath.Join(dir, localaws.StateDir)
	log := filepath.Join(state, "emulator.log")
	var out []string
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() || !localaws.Alive(pid) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		args := strings.ReplaceAll(strings.TrimRight(string(cmdline), "\x00"), "\x00", " ")
		fd1, _ := os.Readlink(filepath.Join("/proc", p.Name(), "fd", "1"))
		if fd1 == log || strings.Contains(args, state+string(filepath.Separator)) {
			out = append(out, fmt.Sprintf("pid %d: %s", pid, args))
		}
	}
	return out
}

func waitNoLeftovers(dir string, within time.Duration) []string {
	deadline := time.Now().Add(within)
	for {
		left := leftovers(dir)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitForTwin waits until the VPC twin runs (the emulator started it to
// answer the invocation), or gives up after within (false).
func waitForTwin(dir string, within time.Duration) bool {
	twin := filepath.Join(dir, localaws.StateDir, "twin")
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for _, l := range leftovers(dir) {
			if strings.Contains(l, ": "+twin+" ") {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// stopLeftovers ends whatever a failed case left, so later tests start clean.
func stopLeftovers(dir string) {
	if s, _ := localaws.ReadState(filepath.Join(dir, localaws.StateDir)); s != nil {
		localaws.StopPID(s.PID, 5*time.Second)
	}
	for _, l := range leftovers(dir) {
		var pid int
		if _, err := fmt.Sscanf(l, "pid %d:", &pid); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	os.Remove(filepath.Join(dir, localaws.StateDir, "emulator.json"))
}
