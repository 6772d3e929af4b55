package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
)

// kernelPreload is the script section 3b preloads into every node process
// (see its header).
//
//go:embed kernelprof.js
var kernelPreload string

// kprog is one of the four programs of section 3b.
type kprog struct {
	name string
	env  []string
	cmd  []string
	ts   bool // a TypeScript app: one node process, profiled itself
}

// cpuRun is the CPU time (user+sys, seconds) of one run without the
// profiler: the whole program (what waiting for it reports: its own and
// that of the children it reaped), the program's own process and its
// reaped children (NaN where /proc cannot tell), and the node processes as
// each measured itself: a Go app's two (wrapper, kernel), a TypeScript
// app's one (main).
type cpuRun struct{ total, self, children, wrapper, kernel, main float64 }

// kernelProfiles is section 3b: where the time goes inside the processes,
// from CPU profiles of the jsii kernel and of the TypeScript apps.
func (b *bench) kernelProfiles() {
	n := max(b.reps, 3)
	fmt.Println("\n3b. inside the processes: CPU profiles of the Go apps' jsii kernel (their second node process, lib/program.js)")
	fmt.Println("    and of the TypeScript apps' node process; validation off; runs alternated")
	fmt.Printf("    %d profiled runs of each (the inspector's sampling profiler, every 200 µs, started by a preloaded script), apart from\n", n)
	fmt.Println("    the timed runs. Profiling slows every process and its clock runs on while a process waits for a core (load inflates")
	fmt.Println("    it), so these are milliseconds of profile time, from the preload to the exit (Node.js's own start is not in them),")
	fmt.Println("    medians per category: for shares, not wall times (sections 1 and 3 time the programs)")
	preload := filepath.Join(b.tmp, "kernelprof.js")
	check(os.WriteFile(preload, []byte(kernelPreload), 0o644))
	progs := []kprog{
		{"app", likeEnv, []string{b.appBin}, false},
		{"empty Go", likeEnv, []string{b.emptyBin}, false},
		{"twin", b.twinEnv, []string{"node", b.twinJS("app")}, true},
		{"empty TS", likeEnv, []string{"node", b.twinJS("empty")}, true},
	}
	shares := make([][][numCats]float64, len(progs))
	cpu := make([][]cpuRun, len(progs))
	for i := -1; i < n; i++ { // i < 0: a warm-up, not counted
		for k, p := range progs {
			dir := b.kprofRun(preload, p, fmt.Sprint("prof-", k, "-", i))
			c := b.cpuTimes(preload, p, fmt.Sprint("cpu-", k, "-", i))
			if i >= 0 {
				shares[k] = append(shares[k], profileOf(dir, p.ts))
				cpu[k] = append(cpu[k], c)
			}
		}
	}
	med := medianShares(shares)
	printShares(med)
	printCPU(progs, cpu)
	printSplit(med, cpu)
}

// kprofStart starts a program once with the preload, its own cloud
// assembly and output directory under b.tmp, the profiler on or off; it
// returns the output directory and the started process.
func (b *bench) kprofStart(preload string, p kprog, name string, profile bool) (string, *exec.Cmd, *bytes.Buffer) {
	dir := filepath.Join(b.tmp, "kprof", name)
	check(os.MkdirAll(dir, 0o755))
	// jsii-runtime-go sets NODE_OPTIONS=--max-old-space-size=4069 unless
	// the environment has one: a Go app's node processes keep that option.
	opts := `--require "` + preload + `"`
	if !p.ts {
		opts = "--max-old-space-size=4069 " + opts
	}
	env := append(append([]string{}, p.env...),
		"CDK_OUTDIR="+filepath.Join(dir, "cdk.out"),
		"NODE_OPTIONS="+opts,
		"BENCH_KPROF_DIR="+dir,
		"BENCH_KPROF="+flag01(profile),
		"BENCH_KPROF_MAIN="+flag01(p.ts))
	cmd := exec.Command(p.cmd[0], p.cmd[1:]...)
	cmd.Dir = b.root
	cmd.Env = append(os.Environ(), env...)
	// Kept for a failure only: a Go app's jsii runtime may print a
	// harmless "Runtime process exited abnormally: waitid" as it closes.
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	check(cmd.Start())
	return dir, cmd, &out
}

func flag01(on bool) string {
	if on {
		return "1"
	}
	return "0"
}

// kprofRun runs a program once with the profiler on and returns its
// output directory.
func (b *bench) kprofRun(preload string, p kprog, name string) string {
	dir, cmd, out := b.kprofStart(preload, p, name, true)
	if err := cmd.Wait(); err != nil {
		fail(fmt.Sprintf("%s (profiled): %v\n%s", p.name, err, out))
	}
	return dir
}

// cpuTimes runs a program once without the profiler and measures its CPU
// time: once it has exited and before it is reaped, its own and its
// children's from /proc/<pid>/stat; after, the whole from wait4's rusage
// (ProcessState); the node processes' from what the preload wrote.
func (b *bench) cpuTimes(preload string, p kprog, name string) cpuRun {
	dir, cmd, out := b.kprofStart(preload, p, name, false)
	self, children, statErr := exitedCPU(cmd.Process.Pid)
	if err := cmd.Wait(); err != nil {
		fail(fmt.Sprintf("%s: %v\n%s", p.name, err, out))
	}
	ps := cmd.ProcessState
	c := cpuRun{total: (ps.UserTime() + ps.SystemTime()).Seconds(), self: math.NaN(), children: math.NaN()}
	if statErr == nil {
		c.self, c.children = self, children
	}
	c.wrapper, c.kernel, c.main = nodeCPU(dir, "wrapper"), nodeCPU(dir, "kernel"), nodeCPU(dir, "main")
	if p.ts && c.main == 0 || !p.ts && (c.wrapper == 0 || c.kernel == 0) {
		fail(fmt.Sprintf("%s: a node process wrote no CPU time (%s)", p.name, dir))
	}
	return c
}

// nodeCPU is the CPU time, in seconds, that the node process of the given
// role wrote at its exit (0 if the program has none).
func nodeCPU(dir, role string) float64 {
	files, _ := filepath.Glob(filepath.Join(dir, role+"-*.cpu.json"))
	if len(files) == 0 {
		return 0
	}
	if len(files) > 1 {
		fail(fmt.Sprintf("%s: %d node processes of role %s, expected one", dir, len(files), role))
	}
	data, err := os.ReadFile(files[0])
	check(err)
	var u struct{ User, System float64 }
	check(json.Unmarshal(data, &u))
	return (u.User + u.System) / 1e6
}

// profileOf is the category times of the one profile a run wrote.
func profileOf(dir string, ts bool) [numCats]float64 {
	role := "kernel"
	if ts {
		role = "main"
	}
	files, _ := filepath.Glob(filepath.Join(dir, role+"-*.cpuprofile"))
	if len(files) != 1 {
		fail(fmt.Sprintf("%s: expected one %s profile, found %d", dir, role, len(files)))
	}
	return profileShares(files[0])
}

// medianShares is, per program, the median of each category over its runs,
// then the median of the runs' totals.
func medianShares(runs [][][numCats]float64) [][numCats + 1]float64 {
	out := make([][numCats + 1]float64, len(runs))
	for k, rs := range runs {
		var totals []float64
		for c := 0; c < numCats; c++ {
			var col []float64
			for _, r := range rs {
				col = append(col, r[c])
			}
			out[k][c] = stats(col).med
		}
		for _, r := range rs {
			sum := 0.0
			for _, v := range r {
				sum += v
			}
			totals = append(totals, sum)
		}
		out[k][numCats] = stats(totals).med
	}
	return out
}

// printShares prints the categories of the four programs (app, empty Go,
// twin, empty TypeScript) and the differences.
func printShares(m [][numCats + 1]float64) {
	fmt.Printf("\n   %-44s %8s %8s %8s %8s %10s %10s %10s\n", "profile time, ms", "app", "empty Go", "twin", "empty TS",
		"topology", "topology", "app")
	fmt.Printf("   %-44s %8s %8s %8s %8s %10s %10s %10s\n", "", "", "", "", "", "in Go", "in TS", "- twin")
	for c := 0; c <= numCats; c++ {
		name := "total (median of the runs' totals)"
		if c < numCats {
			name = catNames[c]
		}
		fmt.Printf("   %-44s %8.0f %8.0f %8.0f %8.0f %+10.0f %+10.0f %+10.0f\n", name, m[0][c], m[1][c], m[2][c], m[3][c],
			m[0][c]-m[1][c], m[2][c]-m[3][c], m[0][c]-m[2][c])
	}
}

// printCPU prints the CPU time of the runs without the profiler.
func printCPU(progs []kprog, runs [][]cpuRun) {
	fmt.Printf("\n   %-72s %8s %8s %8s %8s\n", "CPU time (user+sys), ms, runs without the profiler, medians", "app", "empty Go", "twin", "empty TS")
	rows := []struct {
		name string
		f    func(cpuRun) float64
	}{
		{"the whole program (wait4's rusage: itself and the children it reaped)", func(c cpuRun) float64 { return c.total }},
		{"its own process (/proc/<pid>/stat after its exit, before it is reaped)", func(c cpuRun) float64 { return c.self }},
		{"its reaped children (the same file's cutime + cstime)", func(c cpuRun) float64 { return c.children }},
		{"  the jsii runtime's first node process (bin/jsii-runtime.js)", func(c cpuRun) float64 { return c.wrapper }},
		{"  the jsii kernel (lib/program.js)", func(c cpuRun) float64 { return c.kernel }},
		{"  children's time neither node process reported", func(c cpuRun) float64 { return c.children - c.wrapper - c.kernel }},
		{"the TypeScript app's node process (its own process.cpuUsage)", func(c cpuRun) float64 { return c.main }},
	}
	for _, r := range rows {
		fmt.Printf("   %-72s", r.name)
		for k := range progs {
			fmt.Printf(" %8s", ms(cpuMedian(runs[k], r.f)))
		}
		fmt.Println()
	}
	fmt.Println("   (node processes: process.cpuUsage() at their exit, written by the preload; /proc figures in 10 ms ticks;")
	fmt.Println("   each line is its own median, so the lines need not add up)")
}

// printSplit says which part of the app's profile time above the twin's is
// the jsii runtime's and which is aws-cdk-lib's own work.
func printSplit(m [][numCats + 1]float64, cpu [][]cpuRun) {
	d := func(c int) float64 { return m[0][c] - m[2][c] }
	runtime := d(catTarballs) + d(catWaitGo) + d(catKernelJS)
	both := d(catModules) + d(catCDK)
	rest := d(numCats) - runtime - both
	fmt.Printf("\n   app - twin, profile time: %+.0f ms = the jsii runtime's %+.0f ms (tarballs %+.0f, waiting for the Go side %+.0f,\n",
		d(numCats), runtime, d(catTarballs), d(catWaitGo))
	fmt.Printf("   kernel JavaScript %+.0f) + aws-cdk-lib's own work, which the twin does too, %+.0f ms (loading modules %+.0f,\n",
		d(catKernelJS), both, d(catModules))
	fmt.Printf("   aws-cdk-lib and constructs %+.0f) + the rest %+.0f ms (the twin's own code, GC, idle, other)\n", d(catCDK), rest)
	t := func(c int) float64 { return (m[0][c] - m[1][c]) - (m[2][c] - m[3][c]) }
	runtime = t(catTarballs) + t(catWaitGo) + t(catKernelJS)
	both = t(catModules) + t(catCDK)
	fmt.Printf("   the topology's extra cost in Go (topology in Go - topology in TS): %+.0f ms = the jsii runtime's %+.0f ms (waiting for\n",
		t(numCats), runtime)
	fmt.Printf("   the Go side %+.0f, kernel JavaScript %+.0f, tarballs %+.0f) + aws-cdk-lib's own work %+.0f ms + the rest %+.0f ms\n",
		t(catWaitGo), t(catKernelJS), t(catTarballs), both, t(numCats)-runtime-both)
	wrapper := func(c cpuRun) float64 { return c.wrapper }
	self := func(c cpuRun) float64 { return c.self }
	fmt.Printf("   not in the profiles and also the runtime's: the first node process (it relays the pipes) used %s ms of CPU in the app\n",
		ms(cpuMedian(cpu[0], wrapper)))
	fmt.Printf("   (%s in the empty Go app). The Go process itself used %s ms (%s in the empty Go app): the kernel waits for it\n",
		ms(cpuMedian(cpu[1], wrapper)), ms(cpuMedian(cpu[0], self)), ms(cpuMedian(cpu[1], self)))
	fmt.Println("   (part of \"waiting for the Go side\", with the JSON, the pipes and the relay)")
	// The bare target of section 1b in CPU time, which load moves less
	// than wall time (CPU a process waits for is not counted).
	total := func(c cpuRun) float64 { return c.total }
	goTop := cpuMedian(cpu[0], total) - cpuMedian(cpu[1], total)
	tsTop := cpuMedian(cpu[2], total) - cpuMedian(cpu[3], total)
	fmt.Printf("   in CPU time (whole programs, medians), the topology costs %s ms above the empty app in Go and %s ms in TypeScript:\n",
		ms(goTop), ms(tsTop))
	fmt.Printf("   ratio %.2f (section 1b's target for wall time: <= 1.5)\n", goTop/tsTop)
}

// cpuMedian is the median of one figure over a program's runs, in
// seconds; NaN if a run could not measure it.
func cpuMedian(runs []cpuRun, f func(cpuRun) float64) float64 {
	var col []float64
	for _, c := range runs {
		if math.IsNaN(f(c)) {
			return math.NaN()
		}
		col = append(col, f(c))
	}
	return stats(col).med
}

// ms prints seconds as whole milliseconds, "n/a" for NaN.
func ms(s float64) string {
	if math.IsNaN(s) {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", s*1000)
}
