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
	two, msg, _ := layoutSubnets(vpc, 2, 20, 1, 24, "")
	three, _, _ := layoutSubnets(vpc, 3, 20, 2, 24, "")
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
	if _, msg, _ := layoutSubnets(vpc, 16, 20, 1, 24, ""); msg == "" {
		t.Error("16 private /20 and a public /24 cannot fit in a /16")
	}
}

// The build check reuses the last `go list` only while nothing it depends
// on changed: every change below must be picked up, and the hash must then
// be the one a fresh listing gives.
func TestBuildCheckReusesListingOnlyWhenUnchanged(t *testing.T) {
	t.Setenv(BuildCacheEnv, t.TempDir())
	dir := t.TempDir()
	writeModule(t, dir, `"hello"`)
	arm := awslambda.Architecture_ARM_64()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	memoPath := listMemoPath(dir, goBin, "arm64")
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// check asserts whether the memo still holds, then lists afresh (the
	// memo removed) and compares that hash with the one goBuildInputs gave.
	check := func(step string, reusable bool) string {
		t.Helper()
		_, ok := readListMemo(memoPath)
		if ok != reusable {
			t.Fatalf("%s: memo reusable = %v, want %v", step, ok, reusable)
		}
		in, err := goBuildInputs(dir, arm)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if err := os.Remove(memoPath); err != nil {
			t.Fatalf("%s: no memo written: %v", step, err)
		}
		fresh, err := goBuildInputs(dir, arm)
		if err != nil {
			t.Fatal(err)
		}
		if fresh.hash != in.hash {
			t.Fatalf("%s: hash %s with the memo, %s from go list", step, in.hash, fresh.hash)
		}
		return in.hash
	}

	h0 := check("first listing", false)
	if h := check("nothing changed", true); h != h0 {
		t.Fatal("unchanged inputs changed the hash")
	}
	write("notes/README.md", "changed")
	write("main_test.go", "package main\n// changed\n")
	if h := check("tests and docs changed", true); h != h0 {
		t.Fatal("tests and docs must not change the hash")
	}
	write("greet/greet.go", "package greet\n\nfunc Hello() string { return \"hallo\" }\n")
	h1 := check("an imported package's source changed (same size)", false)
	if h1 == h0 {
		t.Fatal("a changed source must change the hash")
	}
	write("extra.go", "package main\n\nfunc init() {}\n")
	h2 := check("a file added to the main package", false)
	if h2 == h1 {
		t.Fatal("a new source file must change the hash")
	}
	// A package imported for the first time: found by the new listing,
	// then watched like the others.
	write("other/other.go", "package other\n\nconst Name = \"a\"\n")
	if h := check("a package nobody imports", true); h != h2 {
		t.Fatal("a package the handler does not import must not change the hash")
	}
	write("greet/greet.go", "package greet\n\nimport \"example.com/handler/other\"\n\nfunc Hello() string { return other.Name }\n")
	check("a new import", false)
	write("other/other.go", "package other\n\nconst Name = \"b\"\n")
	h3 := check("the newly imported package changed", false)
	write("other/other.go", "package other\n\nconst Name = \"a\"\n")
	if h := check("and changed back", false); h == h3 {
		t.Fatal("the newly imported package's content must count")
	}
	write("go.mod", "module example.com/handler\n\ngo 1.23\n")
	check("go.mod changed", false)
	write("go.sum", "")
	check("go.sum appeared", false)

	// Embedded files: new files may match a pattern, so no memo.
	write("greet/data/a.txt", "a")
	write("greet/greet.go", "package greet\n\nimport _ \"embed\"\n\n//go:embed data\nvar data string\n\nfunc Hello() string { return data }\n")
	if _, err := goBuildInputs(dir, arm); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(memoPath); !os.IsNotExist(err) {
		t.Fatalf("a handler that embeds files must not be memoized: %v", err)
	}
}
