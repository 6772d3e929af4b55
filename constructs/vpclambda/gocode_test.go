package vpclambda

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// writeModule writes a tiny handler module: no dependencies, so it builds
// offline.
func writeModule(t *testing.T, dir, body string) {
	t.Helper()
	files := map[string]string{
		"go.mod":          "module example.com/handler\n\ngo 1.22\n",
		"main.go":         "package main\n\nimport \"example.com/handler/greet\"\n\nfunc main() { println(greet.Hello()) }\n",
		"greet/greet.go":  "package greet\n\nfunc Hello() string { return " + body + " }\n",
		"main_test.go":    "package main\n",
		"notes/README.md": "not part of the build\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBuildGoIsCachedByItsInputs(t *testing.T) {
	t.Setenv(BuildCacheEnv, t.TempDir())
	dir := t.TempDir()
	writeModule(t, dir, `"hello"`)
	arm := awslambda.Architecture_ARM_64()

	first, err := BuildGo(dir, arm)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "version", "-m", filepath.Join(first.Dir, "bootstrap")).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	for _, want := range []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "-trimpath=true", "-tags=lambda.norpc"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("binary not built with %s:\n%s", want, out)
		}
	}

	again, err := BuildGo(dir, arm)
	if err != nil || again.Hash != first.Hash || again.Dir != first.Dir {
		t.Fatalf("unchanged sources must reuse the build: %+v %+v %v", first, again, err)
	}
	hash := func(a awslambda.Architecture) string {
		in, err := goBuildInputs(dir, a)
		if err != nil {
			t.Fatal(err)
		}
		return in.hash
	}

	// Files outside the build do not count; sources of imported packages,
	// and the architecture, do.
	os.WriteFile(filepath.Join(dir, "notes", "README.md"), []byte("changed"), 0o644)
	os.WriteFile(filepath.Join(dir, "main_test.go"), []byte("package main\n// changed\n"), 0o644)
	if hash(arm) != first.Hash {
		t.Error("a change to tests or docs must not change the hash")
	}
	if hash(awslambda.Architecture_X86_64()) == first.Hash {
		t.Error("the architecture must change the hash")
	}
	writeModule(t, dir, `"bonjour"`)
	if hash(arm) == first.Hash {
		t.Error("a change to an imported package must change the hash")
	}
}

func TestBuildGoErrors(t *testing.T) {
	t.Setenv(BuildCacheEnv, t.TempDir())
	if _, err := BuildGo(filepath.Join(t.TempDir(), "missing"), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	dir := t.TempDir()
	writeModule(t, dir, `"hello"`)
	if _, err := BuildGo(filepath.Join(dir, "greet"), nil); err == nil || !strings.Contains(err.Error(), "must be package main") {
		t.Errorf("library package: %v", err)
	}
	writeModule(t, dir, `undefinedName`)
	if _, err := BuildGo(dir, nil); err == nil || !strings.Contains(err.Error(), "undefinedName") {
		t.Errorf("compile error must be reported with the compiler's message: %v", err)
	}
}

func TestLayoutSubnets(t *testing.T) {
	vpc, msg, _ := parseVpcCidr("10.0.0.0/16")
	if msg != "" {
		t.Fatal(msg)
	}
	two, msg, _ := layoutSubnets(vpc, 2, 20, 1, 24)
	three, _, _ := layoutSubnets(vpc, 3, 20, 2, 24)
	if msg != "" || two.Private[1].String() != "10.0.16.0/20" || two.Public[0].String() != "10.0.255.0/24" {
		t.Fatalf("layout: %+v %s", two, msg)
	}
	// Growing the network keeps every existing subnet where it was.
	for i := range two.Private {
		if two.Private[i] != three.Private[i] {
			t.Errorf("private subnet %d moved", i)
		}
	}
	if two.Public[0] != three.Public[0] {
		t.Error("public subnet moved")
	}
	if _, msg, _ := layoutSubnets(vpc, 16, 20, 1, 24); msg == "" {
		t.Error("16 private /20 and a public /24 cannot fit in a /16")
	}
}
