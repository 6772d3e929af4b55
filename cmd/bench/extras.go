package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// testSuite times the warm test suite against one synth of the app.
func (b *bench) testSuite() {
	fmt.Println("\n5. warm test suite: go test -count=1 -vet=off ./... (what make test runs after go vet)")
	tests := alternate(b.testReps,
		&variant{name: "go test", run: func(int) { run(b.root, nil, "go", "test", "-count=1", "-vet=off", "./...") }},
	)
	synth := alternate(b.testReps, b.cliVariant("one app synth", "", nil))
	ratio("go test / one warm `npx cdk synth` of the app", tests[0], synth[0], maxTestRatio)
}

// memory prints the peak memory of one synth.
func (b *bench) memory() {
	fmt.Println("\n6. peak memory of one synth, summed over the process tree (Go + node)")
	_, cliPeak := runPeak(b.root, nil, b.cdk, "synth", "--quiet", "--no-notices", "--output", filepath.Join(b.tmp, "peak-cli"))
	_, binPeak := runPeak(b.root, []string{"CDK_OUTDIR=" + filepath.Join(b.tmp, "peak-bin")}, b.appBin)
	_, emptyPeak := runPeak(b.root, []string{"CDK_OUTDIR=" + filepath.Join(b.tmp, "peak-empty")}, b.emptyBin)
	_, twinPeak := runPeak(b.root, append([]string{"CDK_OUTDIR=" + filepath.Join(b.tmp, "peak-twin")}, b.twinEnv...), "node", b.twinJS("app"))
	fmt.Printf("   cdk synth (CLI + app):             %6.0f MiB\n", cliPeak)
	fmt.Printf("   app binary alone:                  %6.0f MiB\n", binPeak)
	fmt.Printf("   empty Go app binary, CDK defaults: %6.0f MiB\n", emptyPeak)
	fmt.Printf("   TypeScript twin (node):            %6.0f MiB\n", twinPeak)
}

func (b *bench) sizes() {
	fmt.Println("\n7. sizes")
	assembly := filepath.Join(b.tmp, "sizes")
	run(b.root, []string{"CDK_OUTDIR=" + assembly}, b.appBin)
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
	step("first cdk synth (cdk-app links the app, handler build, jsii cache)", "node_modules/.bin/cdk", "synth", "--quiet", "--no-notices")
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
