package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpclambda/vpclambda/internal/twin"
)

// buildTwinCommand builds cmd/twin once for the tests that run it.
func buildTwinCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "twin")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/twin")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/twin: %v\n%s", err, out)
	}
	return bin
}

// The command's exit statuses and output: the app's template matches, a
// broken one does not, an unreadable one is bad input.
func TestTwinCommand(t *testing.T) {
	needTwin(t)
	bin := buildTwinCommand(t)
	f := get(t, "app")
	broken := tpl(clone(t, f))
	delete(broken.res(), ids(t, f).privateRoute)
	data, _ := json.Marshal(broken)
	// Next to the app's template, so the cloud assembly's bootstrap is found.
	brokenFile := filepath.Join(f.Outdir, "broken-route.template.json")
	if err := os.WriteFile(brokenFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(brokenFile)
	var pids []int
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"app", []string{f.File}, 0, []string{"PASS", "answered 198.51.100.10; expected NAT device", "MATCHED: 1 function(s), 2 subnet(s), 0 failed", "twin built in"}},
		{"broken route", []string{brokenFile}, 1, []string{"FAIL", "no internet access", "check the subnet's route to the NAT gateway", "NOT MATCHED: 1 function(s), 2 subnet(s), 2 failed"}},
		{"unreadable", []string{filepath.Join(t.TempDir(), "missing.json")}, 2, []string{"twin: cannot read template"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			cmd := exec.Command(bin, c.args...)
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if cmd.Process != nil {
				pids = append(pids, cmd.Process.Pid)
			}
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit %d, want %d:\n%s", code, c.code, out.String())
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if c.name == "app" {
				t.Logf("%s", out.String())
			}
		})
	}
	assertNothingLeft(t, f.Outdir, pids...)
}

// Without root the command says plainly what it needs (exit 2).
func TestTwinCommandWithoutPrivileges(t *testing.T) {
	needTwin(t)
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) is missing: cannot drop privileges")
	}
	bin := buildTwinCommand(t)
	dir, err := os.MkdirTemp("", "twin-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	data, err := os.ReadFile(get(t, "app").File)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "app.template.json")
	for _, err := range []error{os.Chmod(dir, 0o755), os.WriteFile(file, data, 0o644), os.Chmod(filepath.Dir(bin), 0o755)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, file)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "the twin needs root (network namespaces, veth pairs, nftables)") {
		t.Errorf("as nobody: %v\n%s", err, out)
	}
	assertNothingLeft(t, dir, cmd.Process.Pid)
}

// Interrupted while the functions run, the command still removes every
// namespace (with them every veth), every process and file it made.
func TestTwinCommandTearsDownOnSignal(t *testing.T) {
	needTwin(t)
	bin := buildTwinCommand(t)
	f := get(t, "app")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, f.File)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the functions run in their namespaces.
			deadline := time.Now().Add(60 * time.Second)
			for len(processesUnder(f.Outdir)) < 2 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if left := twin.LeftoversOf(cmd.Process.Pid); len(left) == 0 {
				t.Fatalf("no twin namespaces while the command runs:\n%s", out.String())
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit %v, want %d:\n%s", err, 128+int(sig), out.String())
			}
			if !strings.Contains(out.String(), "torn down") {
				t.Errorf("output:\n%s", out.String())
			}
			assertNothingLeft(t, f.Outdir, cmd.Process.Pid)
		})
	}
}

// assertNothingLeft fails when a namespace, resolver folder, temporary
// folder or run record of the twin runs of these processes (and of this
// one), or a process running a bootstrap from dir, is still there. Twins
// other people run on this machine at the same time are not looked at.
func assertNothingLeft(t *testing.T, dir string, pids ...int) {
	t.Helper()
	for _, pid := range append([]int{os.Getpid()}, pids...) {
		if left := twin.LeftoversOf(pid); len(left) > 0 {
			t.Errorf("left behind by the twin runs of process %d: %v", pid, left)
		}
	}
	if p := processesUnder(dir); len(p) > 0 {
		t.Errorf("processes left behind: %v", p)
	}
}

// processesUnder lists the processes whose command line names an asset of
// the cloud assembly in dir (the functions' bootstraps).
func processesUnder(dir string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(filepath.Join(dir, "asset."))) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}

// The README's commands as a user types them: from the repository's root
// (or the cloud assembly's parent folder) with relative paths. The
// bootstrap named by the template is found relative to the template, the
// default --entry relative to the working directory; a bootstrap that
// cannot run is said to be the input's fault (exit 2), not the function's.
func TestTwinCommandRelativePaths(t *testing.T) {
	needTwin(t)
	bin := buildTwinCommand(t)
	f := get(t, "app")
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(f.File)
	if err != nil {
		t.Fatal(err)
	}
	// The template alone, without its cloud assembly: the handler is
	// built from --entry.
	alone := t.TempDir()
	aloneFile := filepath.Join(alone, "VpcLambdaInternet.template.json")
	if err := os.WriteFile(aloneFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	relAlone, err := filepath.Rel(root, aloneFile)
	if err != nil {
		t.Fatal(err)
	}
	// A copy of the cloud assembly whose bootstrap cannot run.
	broken := filepath.Join(t.TempDir(), "cdk.out")
	copyAssembly(t, f.Outdir, broken)
	boots, _ := filepath.Glob(filepath.Join(broken, "asset.*", "bootstrap"))
	if len(boots) == 0 {
		t.Fatalf("no bootstrap in the copy of %s", f.Outdir)
	}
	for _, c := range []struct {
		name, dir string
		args      []string
		code      int
		want      []string
	}{
		{"cdk.out/TEMPLATE from the assembly's parent", filepath.Dir(f.Outdir), []string{filepath.Join(filepath.Base(f.Outdir), filepath.Base(f.File))}, 0,
			[]string{"MATCHED: 1 function(s), 2 subnet(s), 0 failed"}},
		{"template without an assembly, from the repository's root (--entry functions/checkip)", root, []string{relAlone}, 0,
			[]string{"MATCHED: 1 function(s), 2 subnet(s), 0 failed"}},
		{"template without an assembly, elsewhere", alone, []string{filepath.Base(aloneFile)}, 2,
			[]string{"--entry functions/checkip", "is not a directory", "run the command from the repository's root"}},
		{"bootstrap not executable", filepath.Dir(broken), []string{filepath.Join("cdk.out", filepath.Base(f.File))}, 2,
			[]string{"cannot build the twin", "its bootstrap " + boots[0] + " cannot be run: not executable"}},
		{"bootstrap not a program", filepath.Dir(broken), []string{filepath.Join("cdk.out", filepath.Base(f.File))}, 2,
			[]string{"cannot build the twin", "its bootstrap " + boots[0] + " cannot be run: neither a script nor a Linux program"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			switch c.name {
			case "bootstrap not executable":
				if err := os.Chmod(boots[0], 0o644); err != nil {
					t.Fatal(err)
				}
			case "bootstrap not a program":
				if err := os.WriteFile(boots[0], []byte("not a program\n"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(boots[0], 0o755); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			cmd := exec.Command(bin, c.args...)
			cmd.Dir = c.dir
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("in %s: twin %s: exit %d, want %d:\n%s", c.dir, strings.Join(c.args, " "), code, c.code, out.String())
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "exited before taking the invocation") {
				t.Errorf("a bootstrap that cannot run is blamed on the function:\n%s", out.String())
			}
			assertNothingLeft(t, f.Outdir, cmd.Process.Pid)
		})
	}
}

// A twin killed with SIGKILL cleans nothing up: the next run finds its
// record, sees its process gone, removes what it left (saying so), and
// passes; two runs started at once do not collide, and only one of them
// removes the dead run's leftovers.
func TestTwinCommandAfterSIGKILL(t *testing.T) {
	needTwin(t)
	bin := buildTwinCommand(t)
	f := get(t, "app")
	first := exec.Command(bin, f.File)
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(processesUnder(f.Outdir)) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	dead := first.Process.Pid
	left := twin.LeftoversOf(dead)
	if len(left) == 0 {
		t.Fatalf("the killed twin (process %d) left nothing: the test proves nothing\n%s", dead, firstOut.String())
	}
	t.Logf("the killed twin (process %d) left %d resources: %v", dead, len(left), left)

	type result struct {
		pid  int
		code int
		out  string
	}
	results := make(chan result, 2)
	for i := 0; i < 2; i++ {
		go func() {
			var out bytes.Buffer
			cmd := exec.Command(bin, f.File)
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			r := result{out: out.String()}
			if cmd.Process != nil {
				r.pid = cmd.Process.Pid
			}
			if ee, ok := err.(*exec.ExitError); ok {
				r.code = ee.ExitCode()
			} else if err != nil {
				r.code = -1
				r.out += err.Error()
			}
			results <- r
		}()
	}
	removed := 0
	var pids []int
	for i := 0; i < 2; i++ {
		r := <-results
		pids = append(pids, r.pid)
		if r.code != 0 || !strings.Contains(r.out, "MATCHED: 1 function(s), 2 subnet(s), 0 failed") {
			t.Errorf("a run after the killed one: exit %d:\n%s", r.code, r.out)
		}
		if strings.Contains(r.out, fmt.Sprintf("removed the leftovers of twin run %s%d-", twin.NamePrefix, dead)) {
			removed++
			t.Logf("%s", r.out)
		}
	}
	if removed != 1 {
		t.Errorf("%d of the two runs said they removed the killed run's leftovers, want exactly one", removed)
	}
	assertNothingLeft(t, f.Outdir, append(pids, dead)...)
}

// copyAssembly copies a cloud assembly's templates and asset folders.
func copyAssembly(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		st, err := d.Info()
		if err != nil || !st.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, st.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
