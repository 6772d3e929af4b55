package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vpclambda/vpclambda/internal/synthtrace"
)

const probePkg = "./cmd/bench/probe"

// probeRoundTrips is probe's RoundTrips (the probe is a separate program).
const probeRoundTrips = 1000

// appPhases are the app's trace marks in order (see main.go and
// constructs/vpclambda/gocode.go), each with the phase that ends there.
var appPhases = []struct{ mark, phase string }{
	{"main", "process start, Go package init (aws-cdk-go registers its types)"},
	{"app", "jsii runtime start, loading aws-cdk-lib, new App"},
	{"handler-check", "constructing, before the handler's build check"},
	{"handler-checked", "the handler's build check (gocode.go)"},
	{"constructed", "constructing the rest (aws-cdk-lib modules, jsii calls)"},
	{"synthesized", "writing the cloud assembly (app.Synth)"},
	{"closed", "closing the jsii runtime"},
	{"", "process exit"},
}

// handlerPhase is the index in appPhases of the handler's build check.
const handlerPhase = 3

// phase is the median of one phase over traced runs.
func phase(rows [][]float64, k int) stat {
	var col []float64
	for _, r := range rows {
		col = append(col, r[k])
	}
	return stats(col)
}

// tracedApp runs the app binary with the synth trace on and records, per
// run, the time from the process's start to each mark.
func (b *bench) tracedApp(name string, env ...string) (*variant, *[][]float64) {
	phases := &[][]float64{}
	v := &variant{name: name, how: "the app's binary with " + synthtrace.Env + "=1", run: func(i int) {
		cmd := exec.Command(b.appBin)
		cmd.Dir = b.root
		cmd.Env = append(append(append(os.Environ(), likeEnv...), env...), synthtrace.Env+"=1", "CDK_OUTDIR="+filepath.Join(b.tmp, fmt.Sprint("trace", i)))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now().UnixNano()
		if err := cmd.Run(); err != nil {
			fail(fmt.Sprintf("traced app: %v\n%s", err, stderr.String()))
		}
		end := time.Now().UnixNano()
		marks := map[string]int64{}
		sc := bufio.NewScanner(&stderr)
		for sc.Scan() {
			// The jsii runtime's exit message ends without a newline, so a
			// mark may follow it on the same line.
			if _, rest, ok := strings.Cut(sc.Text(), synthtrace.Prefix); ok {
				f := strings.Fields(rest)
				if len(f) == 2 {
					ns, _ := strconv.ParseInt(f[1], 10, 64)
					marks[f[0]] = ns
				}
			}
		}
		if i < 0 {
			return
		}
		row := make([]float64, len(appPhases))
		prev := start
		for k, p := range appPhases {
			at := end
			if p.mark != "" {
				var ok bool
				if at, ok = marks[p.mark]; !ok {
					fail("the traced app printed no mark " + p.mark + ":\n" + stderr.String())
				}
			}
			row[k] = float64(at-prev) / 1e9
			prev = at
		}
		*phases = append(*phases, row)
	}}
	return v, phases
}

// breakdown shows where the app's own time goes: the app's phases from
// its trace, and the steps of any Go CDK app from the probe programs.
func (b *bench) breakdown() {
	fmt.Println("\n3. where the app's time goes (bare processes, validation off, runs alternated)")
	probe := filepath.Join(b.tmp, "probe")
	run(b.root, nil, "go", "build", "-o", probe, probePkg)
	mode := func(m, what string) *variant {
		return b.bareVariant("probe "+m, what, likeEnv, probe, m)
	}
	traced, rows := b.tracedApp("app (traced)")
	ps := alternate(b.reps,
		mode("init", "exits at once"),
		mode("runtime", "+ jsii runtime start (one call into constructs)"),
		mode("core", "+ aws-cdk-lib loaded, new App"),
		mode("empty", "+ empty stack, synth (an empty Go CDK app)"),
		mode("modules", "+ one static call into CloudWatch, EC2, IAM, Lambda, Logs, S3 assets"),
		mode("roundtrips", fmt.Sprintf("the empty app + %d property reads", probeRoundTrips)),
		traced,
	)
	perCall := (ps[5].med - ps[3].med) / probeRoundTrips
	appKinds, emptyKinds := b.countCalls(b.appBin), b.countCalls(b.emptyBin)
	appCalls, emptyCalls := appKinds[""], emptyKinds[""]

	fmt.Println("\n   steps of any Go CDK app (differences of the probes' medians; of their minima, less sensitive to load):")
	step := func(name string, d float64) { fmt.Printf("     %-62s %6.3f s\n", name, d) }
	diff := func(name string, a, b int) {
		lo := 0.0
		if b >= 0 {
			lo = ps[b].min
		}
		var med float64
		if b >= 0 {
			med = ps[a].med - ps[b].med
		} else {
			med = ps[a].med
		}
		fmt.Printf("     %-62s %6.3f s  (minima %6.3f s)\n", name, med, ps[a].min-lo)
	}
	diff("process start, Go package init", 0, -1)
	diff("jsii runtime start (node, @jsii/runtime, constructs)", 1, 0)
	diff("loading aws-cdk-lib, new App", 2, 1)
	diff("empty stack, synth, exit", 3, 2)
	diff("loading the CloudWatch, EC2, IAM, Lambda, Logs, S3-assets modules", 4, 3)
	fmt.Printf("     %-62s %6.3f ms (minima %6.3f ms)\n", "one jsii round trip (a property read)", perCall*1000, (ps[5].min-ps[3].min)/probeRoundTrips*1000)

	fmt.Println("\n   the app's phases (medians of the traced runs, from its trace marks):")
	total := 0.0
	for k, p := range appPhases {
		s := phase(*rows, k)
		total += s.med
		fmt.Printf("     %-62s %6.3f s  (min %.3f, max %.3f)\n", p.phase, s.med, s.min, s.max)
	}
	step("sum of the medians", total)
	fmt.Printf("     jsii round trips: app %d, empty Go app %d: the app's %d more cost about %.3f s at the probe's rate\n",
		appCalls, emptyCalls, appCalls-emptyCalls, float64(appCalls-emptyCalls)*perCall)
	var kinds []string
	for k := range appKinds {
		if k != "" {
			kinds = append(kinds, k)
		}
	}
	sort.Slice(kinds, func(i, j int) bool {
		if appKinds[kinds[i]] != appKinds[kinds[j]] {
			return appKinds[kinds[i]] > appKinds[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	for i, k := range kinds {
		kinds[i] = fmt.Sprintf("%s %d", k, appKinds[k])
	}
	fmt.Printf("     the app's calls by kind: %s (create: a construct; get/sget: a property; invoke/sinvoke: a method)\n", strings.Join(kinds, ", "))
}

// countCalls runs a Go CDK app once with the jsii runtime's debug output on
// and counts the requests the Go side sent (lines "> {...}"), by the
// request's "api" (create, get, invoke, ...); "" holds the total.
func (b *bench) countCalls(bin string) map[string]int {
	cmd := exec.Command(bin)
	cmd.Dir = b.root
	cmd.Env = append(append(os.Environ(), likeEnv...), "JSII_DEBUG=1", "CDK_OUTDIR="+filepath.Join(b.tmp, "calls-"+filepath.Base(bin)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		fail(fmt.Sprintf("%s with JSII_DEBUG=1: %v", bin, err))
	}
	n := map[string]int{}
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "> ")
		if !ok || !strings.HasPrefix(line, "{") {
			continue
		}
		var req struct {
			API string `json:"api"`
		}
		if json.Unmarshal([]byte(line), &req) != nil || req.API == "" {
			req.API = "other"
		}
		n[""]++
		n[req.API]++
	}
	return n
}
