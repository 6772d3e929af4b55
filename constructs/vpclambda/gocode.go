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
		if p.Module.GoMod != "" {
			modFiles = append(modFiles, p.Module.GoMod, strings.TrimSuffix(p.Module.GoMod, ".mod")+".sum")
		}
		for _, f := range append(append([]string{}, p.GoFiles...), p.EmbedFiles...) {
			srcs = append(srcs, p.ImportPath+"/"+f+"\x00"+filepath.Join(p.Dir, f))
		}
	}
	sort.Strings(srcs)
	for i, f := range uniq(modFiles) {
		if err := hashFile(fmt.Sprintf("module-file-%d", i), f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	for _, s := range srcs {
		name, path, _ := strings.Cut(s, "\x00")
		if err := hashFile(name, path); err != nil {
			return nil, err
		}
	}
	return &goInputs{dir: abs, goBin: goBin, goarch: goarch, env: env, hash: hex.EncodeToString(h.Sum(nil))}, nil
}

// BuildGo builds the Go main package in entry (see GoCode) and returns where
// the executable is.
func BuildGo(entry string, arch awslambda.Architecture) (*GoBuild, error) {
	in, err := goBuildInputs(entry, arch)
	if err != nil {
		return nil, err
	}
	abs, goBin, env, goarch, hash := in.dir, in.goBin, in.env, in.goarch, in.hash
	cache := os.Getenv(BuildCacheEnv)
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		cache = filepath.Join(dir, "vpclambda", "go-handlers")
	}
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
