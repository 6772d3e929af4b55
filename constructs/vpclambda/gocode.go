package vpclambda

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/internal/synthtrace"
)

// GoBuildFlags are the flags of the local build of a Go handler: a static,
// stripped, reproducible binary without the legacy RPC runtime.
var GoBuildFlags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w -buildid="}

// BuildCacheEnv names the environment variable that overrides where built
// handlers are cached (default: the user cache directory).
const BuildCacheEnv = "VPCLAMBDA_BUILD_CACHE"

// GoCode builds the Go main package in entry for Linux on arch, without
// Docker, and returns it as Lambda code (a `bootstrap` executable for the
// provided.al2023 runtime).
//
// The build is cached under a hash of everything that goes into it: the
// Go version, the target, the flags, the main module's go.mod and go.sum,
// and every source and embedded file of the packages of the main module the
// handler imports. The same hash is the asset hash, so an unchanged handler
// is neither rebuilt nor uploaded again, and the template does not change.
func GoCode(entry string, arch awslambda.Architecture) (awslambda.Code, error) {
	b, err := BuildGo(entry, arch)
	if err != nil {
		return nil, err
	}
	return awslambda.Code_FromAsset(jsii.String(b.Dir), &awss3assets.AssetOptions{
		AssetHash:     jsii.String(b.Hash),
		AssetHashType: awscdk.AssetHashType_CUSTOM,
	}), nil
}

// GoBuild is the result of BuildGo.
type GoBuild struct {
	Dir  string // directory holding the `bootstrap` executable
	Hash string // hash of the build's inputs
}

type goPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	GoFiles    []string
	EmbedFiles []string
	Module     *struct {
		Main  bool
		GoMod string
	}
	Error *struct{ Err string }
}

// goInputs is what a build of a Go handler depends on.
type goInputs struct {
	dir, goBin, goarch, hash string
	env                      []string
}

// goBuildInputs resolves entry's package and hashes everything its build
// depends on, without building.
func goBuildInputs(entry string, arch awslambda.Architecture) (*goInputs, error) {
	abs, err := filepath.Abs(entry)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("the Go handler directory %s does not exist", abs)
	}
	goarch := "arm64"
	if arch != nil && *arch.Name() == *awslambda.Architecture_X86_64().Name() {
		goarch = "amd64"
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("the go command is not on PATH; it is needed to build the Go handler in " + abs)
	}
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)

	// The build check without `go list` (about 0.15 s per synth): when no
	// input of the last listing changed, its hash still holds (see listMemo).
	memoPath := listMemoPath(abs, goBin, goarch)
	if hash, ok := readListMemo(memoPath); ok {
		return &goInputs{dir: abs, goBin: goBin, goarch: goarch, env: env, hash: hash}, nil
	}
	memo := &listMemo{Files: map[string]string{}, Dirs: map[string][]string{}}

	list := exec.Command(goBin, "list", "-deps", "-e", "-tags", "lambda.norpc",
		"-json=ImportPath,Name,Dir,Standard,GoFiles,EmbedFiles,Module,Error", ".")
	list.Dir, list.Env = abs, env
	var stderr bytes.Buffer
	list.Stderr = &stderr
	out, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list in %s: %v: %s", abs, err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list in %s: %v", abs, err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("the Go handler %s: %s", abs, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("the Go handler directory %s holds no Go package", abs)
	}
	root := pkgs[len(pkgs)-1] // -deps lists the named package last
	if root.Name != "main" {
		return nil, fmt.Errorf("the Go handler %s is package %s; a Lambda handler must be package main", abs, root.Name)
	}

	version := exec.Command(goBin, "env", "GOVERSION")
	version.Env = env
	v, err := version.Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %v", err)
	}

	h := sha256.New()
	fmt.Fprintf(h, "vpclambda-go-build/1\n%s\nlinux/%s\n%q\n", strings.TrimSpace(string(v)), goarch, GoBuildFlags)
	hashFile := func(name, path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		memo.Files[path] = digest(data)
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
		return nil
	}
	var modFiles []string
	var srcs []string
	for _, p := range pkgs {
		if p.Standard || p.Module == nil || !p.Module.Main {
			continue // pinned by go.sum or by the Go version
		}
		memo.addPackage(p)
		if p.Module.GoMod != "" {
			modFiles = append(modFiles, p.Module.GoMod, strings.TrimSuffix(p.Module.GoMod, ".mod")+".sum")
		}
		for _, f := range append(append([]string{}, p.GoFiles...), p.EmbedFiles...) {
			srcs = append(srcs, p.ImportPath+"/"+f+"\x00"+filepath.Join(p.Dir, f))
		}
	}
	sort.Strings(srcs)
	for i, f := range uniq(modFiles) {
		if err := hashFile(fmt.Sprintf("module-file-%d", i), f); errors.Is(err, os.ErrNotExist) {
			memo.Files[f] = "" // must stay absent
		} else if err != nil {
			return nil, err
		}
	}
	for _, s := range srcs {
		name, path, _ := strings.Cut(s, "\x00")
		if err := hashFile(name, path); err != nil {
			return nil, err
		}
	}
	hash := hex.EncodeToString(h.Sum(nil))
	memo.Hash = hash
	memo.write(memoPath)
	return &goInputs{dir: abs, goBin: goBin, goarch: goarch, env: env, hash: hash}, nil
}

// BuildGo builds the Go main package in entry (see GoCode) and returns where
// the executable is.
func BuildGo(entry string, arch awslambda.Architecture) (*GoBuild, error) {
	synthtrace.Mark("handler-check")
	defer synthtrace.Mark("handler-checked")
	in, err := goBuildInputs(entry, arch)
	if err != nil {
		return nil, err
	}
	abs, goBin, env, goarch, hash := in.dir, in.goBin, in.env, in.goarch, in.hash
	cache := buildCacheDir()
	dir := filepath.Join(cache, hash)
	if st, err := os.Stat(filepath.Join(dir, "bootstrap")); err == nil && st.Mode().IsRegular() {
		return &GoBuild{Dir: dir, Hash: hash}, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(cache, "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	args := append([]string{"build"}, GoBuildFlags...)
	args = append(args, "-o", filepath.Join(tmp, "bootstrap"), ".")
	build := exec.Command(goBin, args...)
	build.Dir, build.Env = abs, env
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building Go handler %s for linux/%s: %v\n%s", abs, goarch, err, strings.TrimSpace(string(out)))
	}
	// Publish atomically: a concurrent build of the same hash either wins
	// the rename or finds the directory already there.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "bootstrap")); statErr != nil {
			return nil, err
		}
	}
	return &GoBuild{Dir: dir, Hash: hash}, nil
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// buildCacheDir is where built handlers (and the listings of listMemo) are
// kept: $VPCLAMBDA_BUILD_CACHE, or vpclambda/go-handlers in the user cache.
func buildCacheDir() string {
	if cache := os.Getenv(BuildCacheEnv); cache != "" {
		return cache
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "vpclambda", "go-handlers")
}

// listMemo records what the last `go list` of a handler found, so that the
// next synth can tell without running the Go tool that its answer, and so
// the build hash, still holds. Only the main module's packages go into the
// hash (the other modules are pinned by go.sum), and which of them a
// handler imports can only change through the content of their files,
// through a .go file added to or removed from one of their directories,
// through go.mod, or through the Go toolchain and its settings. The memo
// holds the digest of every file hashed (go.mod and go.sum included) and
// the .go file names of every package directory; its path is derived from
// the handler's directory, the target, the build flags, the go command
// (path, size, time) and the Go settings from the environment and from
// `go env -w`. A package that embeds files is always listed again (new
// files may match its patterns).
type listMemo struct {
	Files   map[string]string   // path -> sha256 of the content ("" = absent)
	Dirs    map[string][]string // package directory -> its .go files (tests excluded)
	Hash    string
	noReuse bool
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// goDirFiles lists the non-test .go files of dir, sorted.
func goDirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (m *listMemo) addPackage(p goPackage) {
	if len(p.EmbedFiles) > 0 {
		m.noReuse = true
		return
	}
	names, err := goDirFiles(p.Dir)
	if err != nil {
		m.noReuse = true
		return
	}
	m.Dirs[p.Dir] = names
}

func listMemoPath(abs, goBin, goarch string) string {
	h := sha256.New()
	fmt.Fprintf(h, "vpclambda-go-list/1\n%s\nlinux/%s\n%q\n%s\n", abs, goarch, GoBuildFlags, goBin)
	if st, err := os.Stat(goBin); err == nil {
		fmt.Fprintf(h, "%d %d\n", st.Size(), st.ModTime().UnixNano())
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") {
			fmt.Fprintln(h, kv)
		}
	}
	goenv := os.Getenv("GOENV")
	if goenv == "" {
		if cfg, err := os.UserConfigDir(); err == nil {
			goenv = filepath.Join(cfg, "go", "env")
		}
	}
	if data, err := os.ReadFile(goenv); err == nil {
		h.Write(data)
	}
	return filepath.Join(buildCacheDir(), "list-"+hex.EncodeToString(h.Sum(nil))[:32]+".json")
}

// readListMemo returns the memo's hash when every input it recorded is
// unchanged.
func readListMemo(path string) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	var m listMemo
	if json.Unmarshal(data, &m) != nil || m.Hash == "" || len(m.Files) == 0 {
		return "", false
	}
	for dir, want := range m.Dirs {
		names, err := goDirFiles(dir)
		if err != nil || strings.Join(names, "/") != strings.Join(want, "/") {
			return "", false
		}
	}
	for f, want := range m.Files {
		data, err := os.ReadFile(f)
		switch {
		case errors.Is(err, os.ErrNotExist) && want == "":
		case err != nil || want == "" || digest(data) != want:
			return "", false
		}
	}
	return m.Hash, true
}

// write stores the memo; a memo that cannot be written only costs the next
// synth a `go list`.
func (m *listMemo) write(path string) {
	if m.noReuse {
		os.Remove(path)
		return
	}
	data, err := json.Marshal(m)
	if err != nil || os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if os.WriteFile(tmp, data, 0o644) == nil && os.Rename(tmp, path) != nil {
		os.Remove(tmp)
	}
}
