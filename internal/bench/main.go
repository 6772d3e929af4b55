// Command bench measures what users of this project wait for: synth through
// the pinned CDK CLI and without it, against an empty Go CDK app (the floor
// every Go CDK app pays), the whole test suite, a cold set-up, the peak
// memory of a synth, and the sizes of what is deployed. Run it with
// `make bench` from the repository root; it is not part of `make test`.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	reps     = flag.Int("reps", 5, "repetitions of each synth measurement")
	testReps = flag.Int("test-reps", 3, "repetitions of the test suite")
	cold     = flag.Bool("cold", true, "measure a cold set-up (empty Go, npm and jsii caches; takes a few minutes)")
)

const (
	emptyApp  = "./internal/bench/emptyapp"
	stackName = "VpcLambdaInternet"
	// The targets of the project's performance issue.
	maxSynthRatio = 1.15
	maxTestRatio  = 4.0
)

func main() {
	flag.Parse()
	root, err := os.Getwd()
	check(err)
	if _, err := os.Stat(filepath.Join(root, "cdk.json")); err != nil {
		fail("run from the repository root (make bench)")
	}
	cdk := filepath.Join(root, "node_modules", ".bin", "cdk")
	if _, err := os.Stat(cdk); err != nil {
		fail("the pinned CDK CLI is missing: run `npm ci` (make bench does)")
	}
	tmp, err := os.MkdirTemp("", "vpclambda-bench-")
	check(err)
	defer os.RemoveAll(tmp)
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	os.Setenv("CDK_DISABLE_CLI_TELEMETRY", "true")

	fmt.Printf("vpclambda benchmark: %d reps per synth, %d per test suite, %s, %d CPUs\n\n", *reps, *testReps, goVersion(), numCPU())

	// The binaries the CLI would run (`go run .` caches the same ones).
	appBin, emptyBin := filepath.Join(tmp, "app"), filepath.Join(tmp, "empty")
	run(root, nil, "go", "build", "-o", appBin, ".")
	run(root, nil, "go", "build", "-o", emptyBin, emptyApp)

	// The CLI as the README runs it (npx cdk), and the same CLI started
	// directly (node_modules/.bin/cdk, without npx's ~0.4 s).
	npxCdk := func(app string, env []string) func(int) {
		return func(i int) {
			args := []string{"cdk", "synth", "--quiet", "--no-notices", "--output", filepath.Join(tmp, fmt.Sprint("cli", i))}
			if app != "" {
				args = append(args, "--app", app)
			}
			run(root, env, "npx", args...)
		}
	}
	cliSynth := func(app string, env []string) func(int) {
		return func(i int) {
			args := []string{"synth", "--quiet", "--no-notices", "--output", filepath.Join(tmp, fmt.Sprint("cli", i))}
			if app != "" {
				args = append(args, "--app", app)
			}
			run(root, env, cdk, args...)
		}
	}
	binSynth := func(bin string, env []string) func(int) {
		return func(i int) {
			run(root, append(env, "CDK_OUTDIR="+filepath.Join(tmp, fmt.Sprint("bin", i))), bin)
		}
	}
	noValidation := []string{"CDK_VALIDATION=false"}

	fmt.Println("1. warm synth through the pinned CDK CLI, `npx cdk synth` as documented (apps run as in cdk.json: go run)")
	cliApp := measure("app", *reps, npxCdk("", nil))
	cliEmpty := measure("empty app, CDK defaults", *reps, npxCdk("go run "+emptyApp, nil))
	cliEmptyNoVal := measure("empty app, built-in validation off", *reps, npxCdk("go run "+emptyApp, noValidation))
	ratio("app / empty app (CDK defaults)", cliApp, cliEmpty, maxSynthRatio)
	ratio("app / empty app (same settings as the app)", cliApp, cliEmptyNoVal, 0)
	directApp := measure("app, node_modules/.bin/cdk without npx", *reps, cliSynth("", nil))

	fmt.Println("\n2. warm synth without the CLI (the app binary alone writes the cloud assembly)")
	binApp := measure("app", *reps, binSynth(appBin, nil))
	binEmpty := measure("empty app, CDK defaults", *reps, binSynth(emptyBin, nil))
	binEmptyNoVal := measure("empty app, built-in validation off", *reps, binSynth(emptyBin, noValidation))
	binAppVal := measure("app with CDK_VALIDATION=true (for reference)", *reps, binSynth(appBin, []string{"CDK_VALIDATION=true"}))
	ratio("app / empty app (CDK defaults)", binApp, binEmpty, maxSynthRatio)
	ratio("app / empty app (same settings as the app)", binApp, binEmptyNoVal, 0)
	ratio("app with validation / empty app (defaults)", binAppVal, binEmpty, 0)

	fmt.Println("\n3. warm test suite: go test -count=1 -vet=off ./... (what make test runs after go vet)")
	tests := measure("go test", *testReps, func(int) { run(root, nil, "go", "test", "-count=1", "-vet=off", "./...") })
	ratio("go test / one warm `npx cdk synth` of the app", tests, cliApp, maxTestRatio)
	ratio("go test / one warm synth, CLI without npx", tests, directApp, 0)

	fmt.Println("\n5. peak memory of one synth, summed over the process tree (Go + node)")
	_, cliPeak := runPeak(root, nil, cdk, "synth", "--quiet", "--no-notices", "--output", filepath.Join(tmp, "peak-cli"))
	_, binPeak := runPeak(root, []string{"CDK_OUTDIR=" + filepath.Join(tmp, "peak-bin")}, appBin)
	_, emptyPeak := runPeak(root, []string{"CDK_OUTDIR=" + filepath.Join(tmp, "peak-empty")}, emptyBin)
	fmt.Printf("   cdk synth (CLI + app):       %6.0f MiB\n", cliPeak)
	fmt.Printf("   app binary alone:            %6.0f MiB\n", binPeak)
	fmt.Printf("   empty app binary, defaults:  %6.0f MiB\n", emptyPeak)

	fmt.Println("\n6. sizes")
	sizes(filepath.Join(tmp, "bin0"))

	if *cold {
		fmt.Println("\n4. cold set-up (fresh copy of the repository; empty Go module, Go build, npm, jsii and handler caches)")
		coldSetup(root, tmp)
	}
}

// measure runs f n times after one warm-up run and prints min/median/max.
func measure(name string, n int, f func(int)) float64 {
	f(-1)
	var ds []float64
	for i := 0; i < n; i++ {
		start := time.Now()
		f(i)
		ds = append(ds, time.Since(start).Seconds())
	}
	sort.Float64s(ds)
	med := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		med = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	fmt.Printf("   %-46s min %6.2f s  median %6.2f s  max %6.2f s\n", name, ds[0], med, ds[len(ds)-1])
	return med
}

func ratio(name string, a, b, target float64) {
	r := a / b
	verdict := ""
	if target > 0 {
		verdict = fmt.Sprintf("  target <= %.2f: ", target)
		if r <= target {
			verdict += "MET"
		} else {
			verdict += "MISSED"
		}
	}
	fmt.Printf("   ratio %-40s %6.2f%s\n", name, r, verdict)
}

func run(dir string, env []string, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fail(fmt.Sprintf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out))
	}
}

// runPeak runs a command and samples the resident memory of its process
// tree every 10 ms; it returns the wall time and the peak in MiB.
func runPeak(dir string, env []string, name string, args ...string) (float64, float64) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	check(cmd.Start())
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	peak := 0.0
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				fail(fmt.Sprintf("%s: %v", name, err))
			}
			return time.Since(start).Seconds(), peak
		case <-tick.C:
			if m := treeRSS(cmd.Process.Pid); m > peak {
				peak = m
			}
		}
	}
}

// treeRSS sums the resident set of pid and all its descendants, in MiB.
func treeRSS(pid int) float64 {
	entries, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			parent[p] = pp
		}
	}
	inTree := func(p int) bool {
		for i := 0; i < 64 && p > 1; i++ {
			if p == pid {
				return true
			}
			p = parent[p]
		}
		return false
	}
	total := 0.0
	page := float64(os.Getpagesize())
	for p := range parent {
		if !inTree(p) {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", p))
		if err != nil {
			continue
		}
		f := strings.Fields(string(data))
		if len(f) > 1 {
			rss, _ := strconv.ParseFloat(f[1], 64)
			total += rss * page
		}
	}
	return total / (1 << 20)
}

func sizes(assembly string) {
	data, err := os.ReadFile(filepath.Join(assembly, stackName+".template.json"))
	check(err)
	var t struct {
		Resources map[string]struct{ Type string }
	}
	check(json.Unmarshal(data, &t))
	types := map[string]int{}
	for _, r := range t.Resources {
		types[r.Type]++
	}
	fmt.Printf("   template: %d bytes, %d resources of %d types\n", len(data), len(t.Resources), len(types))
	assets, _ := filepath.Glob(filepath.Join(assembly, "asset.*", "bootstrap"))
	for _, a := range assets {
		st, err := os.Stat(a)
		check(err)
		fmt.Printf("   handler binary (linux/arm64, stripped): %d bytes (%.1f MiB)\n", st.Size(), float64(st.Size())/(1<<20))
	}
}

// coldSetup copies the repository's tracked files to a new directory and
// times each step a new user waits for, with every cache empty.
func coldSetup(root, tmp string) {
	repo := filepath.Join(tmp, "cold", "repo")
	caches := filepath.Join(tmp, "cold", "caches")
	check(os.MkdirAll(repo, 0o755))
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	check(err)
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // deleted in the work tree
		}
		check(os.MkdirAll(filepath.Dir(filepath.Join(repo, f)), 0o755))
		st, _ := os.Stat(filepath.Join(root, f))
		check(os.WriteFile(filepath.Join(repo, f), data, st.Mode().Perm()))
	}
	env := []string{
		"GOMODCACHE=" + filepath.Join(caches, "gomod"),
		"GOCACHE=" + filepath.Join(caches, "gobuild"),
		"npm_config_cache=" + filepath.Join(caches, "npm"),
		"JSII_RUNTIME_PACKAGE_CACHE_ROOT=" + filepath.Join(caches, "jsii"),
		"VPCLAMBDA_BUILD_CACHE=" + filepath.Join(caches, "handlers"),
		"GOFLAGS=-modcacherw -buildvcs=false",
	}
	total := 0.0
	step := func(name string, args ...string) {
		start := time.Now()
		run(repo, env, args[0], args[1:]...)
		d := time.Since(start).Seconds()
		total += d
		fmt.Printf("   %-58s %6.1f s\n", name, d)
	}
	step("npm ci (pinned CDK CLI)", "npm", "ci", "--no-audit", "--no-fund")
	listCmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}}{{end}}{{end}}", ".")
	listCmd.Dir, listCmd.Env = repo, append(os.Environ(), env...)
	start := time.Now()
	mods, err := listCmd.Output()
	check(err)
	args := append([]string{"go", "mod", "download"}, uniqLines(string(mods))...)
	run(repo, env, args[0], args[1:]...)
	d := time.Since(start).Seconds()
	total += d
	fmt.Printf("   %-58s %6.1f s\n", fmt.Sprintf("download the app's %d modules (not the tests')", len(args)-3), d)
	step("compile the app (aws-cdk-go from scratch)", "go", "build", "-o", os.DevNull, ".")
	step("first cdk synth (go run link, handler build, jsii cache)", "node_modules/.bin/cdk", "synth", "--quiet", "--no-notices")
	fmt.Printf("   %-58s %6.1f s\n", "total before the first template", total)
	fmt.Printf("   %-58s %s\n", "module cache size", du(filepath.Join(caches, "gomod")))
	fmt.Printf("   %-58s %s\n", "Go build cache size", du(filepath.Join(caches, "gobuild")))
	fmt.Printf("   %-58s %s\n", "jsii package cache size", du(filepath.Join(caches, "jsii")))
	start = time.Now()
	run(repo, env, "node_modules/.bin/cdk", "synth", "--quiet", "--no-notices")
	fmt.Printf("   %-58s %6.1f s\n", "second cdk synth (warm)", time.Since(start).Seconds())
	exec.Command("chmod", "-R", "u+w", caches).Run()
}

func uniqLines(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

func du(dir string) string {
	out, err := exec.Command("du", "-sh", dir).Output()
	if err != nil {
		return "?"
	}
	return strings.Fields(string(out))[0]
}

func goVersion() string {
	out, _ := exec.Command("go", "env", "GOVERSION").Output()
	return strings.TrimSpace(string(out))
}

func numCPU() int {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "processor") {
			n++
		}
	}
	return n
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}
