// Command bench measures what users of this project wait for. First and
// foremost, like for like: the app's synth against an empty Go CDK app and
// against a TypeScript twin of the same topology (tstwin/), every side with
// aws-cdk-lib's built-in validation off, through the pinned CDK CLI and as
// bare processes, runs alternated. Then where the app's time goes, the
// levers that were pulled, the test suite, memory, sizes and a cold set-up.
// Run it with `make bench` from the repository root (`make bench
// BENCH_ONLY=like` for the like-for-like section alone); it is not
// part of `make test`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

var (
	reps        = flag.Int("reps", 5, "runs of each variant in the like-for-like, breakdown, kernel (at least 3) and lever sections")
	defaultReps = flag.Int("default-reps", 3, "runs of each variant against CDK's defaults (validation on: slow)")
	testReps    = flag.Int("test-reps", 3, "runs of the test suite")
	only        = flag.String("only", "", "comma-separated sections to run (default all): "+strings.Join(sectionNames, ","))
	cold        = flag.Bool("cold", true, "measure a cold set-up (empty Go, npm and jsii caches; about a minute or two)")
)

var sectionNames = []string{"like", "defaults", "breakdown", "kernel", "levers", "tests", "memory", "sizes", "cold", "netcheck"}

const (
	emptyApp  = "./cmd/bench/emptyapp"
	twinRel   = "cmd/bench/tstwin"
	stackName = "VpcLambdaInternet"
	// go test / one synth: the suite's target.
	maxTestRatio = 4.0
)

// bench holds what every section needs.
type bench struct {
	root, tmp, cdk, twinDir string
	appBin, emptyBin        string
	twinEnv                 []string
	reps, defaultReps       int
	testReps                int
}

func main() {
	flag.Parse()
	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	for s := range want {
		if !contains(sectionNames, s) {
			fail("unknown section " + s + "; sections: " + strings.Join(sectionNames, ","))
		}
	}
	on := func(s string) bool { return len(want) == 0 && (s != "cold" || *cold) || want[s] }

	b := setup()
	defer os.RemoveAll(b.tmp)
	fmt.Printf("vpclambda benchmark: %d runs per variant, %s, %d CPUs, load average %s\n", b.reps, goVersion(), numCPU(), loadAvg())
	sections := []struct {
		name string
		f    func()
	}{
		{"like", b.likeForLike}, {"defaults", b.defaults}, {"breakdown", b.breakdown}, {"kernel", b.kernelProfiles}, {"levers", b.levers},
		{"tests", b.testSuite}, {"memory", b.memory}, {"sizes", b.sizes}, {"cold", func() {
			fmt.Println("\n8. cold set-up (fresh copy of the repository; empty Go module, Go build, npm, jsii and handler caches)")
			coldSetup(b.root, b.tmp)
		}}, {"netcheck", b.netcheckPlugin},
	}
	for _, s := range sections {
		if on(s.name) {
			s.f()
		}
	}
}

// setup checks the tools, builds the Go programs and the TypeScript twin.
func setup() *bench {
	root, err := os.Getwd()
	check(err)
	if _, err := os.Stat(filepath.Join(root, "cdk.json")); err != nil {
		fail("run from the repository root (make bench)")
	}
	b := &bench{root: root, twinDir: filepath.Join(root, twinRel), reps: *reps, defaultReps: *defaultReps, testReps: *testReps}
	b.cdk = filepath.Join(root, "node_modules", ".bin", "cdk")
	if _, err := os.Stat(b.cdk); err != nil {
		fail("the pinned CDK CLI is missing: run `npm ci` (make bench does)")
	}
	b.tmp, err = os.MkdirTemp("", "vpclambda-bench-")
	check(err)
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	os.Setenv("CDK_DISABLE_CLI_TELEMETRY", "true")
	// Each variant states its validation setting; none inherits one.
	os.Unsetenv("CDK_VALIDATION")

	// The binaries the app and the empty app run as (scripts/cdk-app
	// builds the same ones).
	b.appBin, b.emptyBin = filepath.Join(b.tmp, "app"), filepath.Join(b.tmp, "empty")
	run(root, nil, "go", "build", "-o", b.appBin, ".")
	run(root, nil, "go", "build", "-o", b.emptyBin, emptyApp)
	b.prepareTwin()
	return b
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}
