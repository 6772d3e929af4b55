package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cdk.json runs the app through scripts/cdk-app, which rebuilds the app's
// binary only when a hash of its inputs changed. From a fresh clone the
// real `npx cdk synth` must build it; every change to the app's sources
// must be picked up, whatever the files' times say; changes outside the
// build must not cost a rebuild.
func TestCdkAppLauncher(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(t.TempDir(), "repo")
	files, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skip("not a git checkout:", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		st, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			continue // deleted in the work tree
		}
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(repo, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, f), data, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	// The pinned CLI, installed in the checkout under test.
	if err := os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(repo, "node_modules")); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(repo, ".cdk-app", "app")

	// A fresh clone: the real CLI through cdk.json builds and runs the app.
	out := filepath.Join(t.TempDir(), "cdk.out")
	cdk := exec.Command("npx", "cdk", "synth", "--quiet", "--no-notices", "--output", out)
	cdk.Dir = repo
	if b, err := cdk.CombinedOutput(); err != nil {
		t.Fatalf("npx cdk synth from a fresh clone: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(out, "VpcLambdaInternet.template.json")); err != nil {
		t.Fatal("no template from a fresh clone:", err)
	}
	inode := func() uint64 {
		t.Helper()
		st, err := os.Stat(bin)
		if err != nil {
			t.Fatal("no app binary:", err)
		}
		return st.Sys().(*syscall.Stat_t).Ino
	}
	built := inode()

	// probe runs the launcher with a probe file in the main package that
	// prints a word and exits before the app starts (when it exists).
	probe := func(step string) string {
		t.Helper()
		cmd := exec.Command("scripts/cdk-app")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "CDK_APP_PROBE=1", "CDK_OUTDIR="+filepath.Join(t.TempDir(), "out"))
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: scripts/cdk-app: %v\n%s", step, err, b)
		}
		return string(b)
	}
	// rebuilds runs the launcher after a change and fails unless it built
	// the binary again exactly when want says so.
	rebuilds := func(step string, want bool) {
		t.Helper()
		before := inode()
		probe(step)
		if rebuilt := inode() != before; rebuilt && !want {
			t.Fatalf("%s: the binary was rebuilt, but nothing that goes into it changed", step)
		} else if !rebuilt && want {
			t.Fatalf("%s: the binary must be rebuilt", step)
		}
	}
	write := func(rel, content string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(repo, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if !mtime.IsZero() {
			if err := os.Chtimes(p, mtime, mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	probeFile := func(word string) string {
		return "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc init() {\n\tif os.Getenv(\"CDK_APP_PROBE\") == \"1\" {\n\t\tfmt.Print(\"probe " + word + "\")\n\t\tos.Exit(0)\n\t}\n}\n"
	}

	// Nothing changed: the same binary runs.
	write("zz_probe.go", probeFile("one"), time.Time{})
	if got := probe("a new source file"); !strings.Contains(got, "probe one") {
		t.Fatalf("a new source file was not picked up: %q", got)
	}
	afterNew := inode()
	if afterNew == built {
		t.Fatal("a new source file must rebuild the binary")
	}
	rebuilds("nothing changed", false)
	// Same size, a modification time in the past: the content decides.
	write("zz_probe.go", probeFile("two"), time.Now().Add(-48*time.Hour))
	if got := probe("a changed file with an old time"); !strings.Contains(got, "probe two") {
		t.Fatalf("a changed source file with an old modification time was not picked up: %q", got)
	}
	// A change in another package of the app (a comment: same program,
	// still rebuilt, since the launcher cannot know).
	stack, err := os.ReadFile(filepath.Join(repo, "stacks", "stack.go"))
	if err != nil {
		t.Fatal(err)
	}
	write("stacks/stack.go", string(stack)+"\n// changed\n", time.Time{})
	rebuilds("a package of the app changed", true)
	// Tests and documentation are not part of the binary.
	write("zz_probe_test.go", "package main\n", time.Time{})
	write("README.md", "changed\n", time.Time{})
	rebuilds("tests and docs changed", false)
	// Embedded files are inputs; node_modules beside an embedding package
	// (the benchmark's TypeScript twin) is not, and must not be hashed.
	write("cmd/bench/kernelprof.js", "// changed\n", time.Time{})
	rebuilds("an embedded file changed", true)
	write("cmd/bench/tstwin/node_modules/some-package/index.js", "changed\n", time.Time{})
	rebuilds("a file under node_modules changed", false)
	// A module nested in this one (test/embed has its own go.mod) is not
	// part of the app's build.
	write("test/embed/zz_nested.go", "package main\n", time.Time{})
	rebuilds("a file of a nested module (test/embed) changed", false)
}
