package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// Targets of the like-for-like comparison.
const (
	maxCliVsEmptyGo  = 1.15 // app / empty Go app, through the CLI
	maxCliVsTwin     = 1.25 // app / TypeScript twin, through the CLI
	maxTopologyRatio = 1.5  // (app - empty Go) / (twin - empty TypeScript), bare processes
)

// The like-for-like settings: every side skips aws-cdk-lib's built-in
// template validation (the app does by default, see internal/synthenv).
var likeEnv = []string{"CDK_VALIDATION=false"}

// prepareTwin compiles the TypeScript twin ahead (tsc), builds the handler
// it shares with the app (the app's own cached build), and returns the
// environment the twin needs.
func (b *bench) prepareTwin() {
	if _, err := os.Stat(filepath.Join(b.twinDir, "node_modules", "aws-cdk-lib")); err != nil {
		fail("the TypeScript twin's packages are missing: run `npm ci` in " + twinRel + " (make bench does)")
	}
	run(b.twinDir, nil, filepath.Join("node_modules", ".bin", "tsc"), "-p", ".")
	build, err := vpclambda.BuildGo(filepath.Join(b.root, "functions", "checkip"), nil)
	check(err)
	b.twinEnv = append(append([]string{}, likeEnv...), "TWIN_HANDLER_DIR="+build.Dir, "TWIN_HANDLER_HASH="+build.Hash)
}

// checkDrift synthesizes the app and the twin once and fails unless their
// templates are byte-identical: the twin must build exactly what the app
// builds (resources, properties, dependencies, metadata), or the comparison
// is not like for like.
func (b *bench) checkDrift() {
	appOut, twinOut := filepath.Join(b.tmp, "drift-app"), filepath.Join(b.tmp, "drift-twin")
	run(b.root, append(append([]string{}, likeEnv...), "CDK_OUTDIR="+appOut), b.appBin)
	run(b.root, append(append([]string{}, b.twinEnv...), "CDK_OUTDIR="+twinOut), "node", b.twinJS("app"))
	a, err := os.ReadFile(filepath.Join(appOut, stackName+".template.json"))
	check(err)
	t, err := os.ReadFile(filepath.Join(twinOut, stackName+".template.json"))
	check(err)
	if !bytes.Equal(a, t) {
		al, tl := strings.Split(string(a), "\n"), strings.Split(string(t), "\n")
		line := 0
		for line < len(al) && line < len(tl) && al[line] == tl[line] {
			line++
		}
		at := func(ls []string) string {
			if line < len(ls) {
				return strings.TrimSpace(ls[line])
			}
			return "(end of file)"
		}
		fail(fmt.Sprintf("the TypeScript twin (%s/src) no longer builds exactly what the app builds: update it.\n"+
			"templates %s and %s first differ at line %d:\napp:  %s\ntwin: %s\napp:  %s\ntwin: %s",
			twinRel, filepath.Join(appOut, stackName+".template.json"), filepath.Join(twinOut, stackName+".template.json"), line+1,
			at(al), at(tl), templateShape(appOut), templateShape(twinOut)))
	}
	fmt.Printf("   drift check: the app and the twin synthesize byte-identical templates (%s)\n", templateShape(appOut))
}

// templateShape summarizes a stack template: resource counts by type, then
// the output names.
func templateShape(assembly string) string {
	data, err := os.ReadFile(filepath.Join(assembly, stackName+".template.json"))
	check(err)
	var t struct {
		Resources map[string]struct{ Type string }
		Outputs   map[string]any
	}
	check(json.Unmarshal(data, &t))
	counts := map[string]int{}
	for _, r := range t.Resources {
		counts[r.Type]++
	}
	var parts, outs []string
	for ty, n := range counts {
		parts = append(parts, fmt.Sprintf("%s=%d", strings.TrimPrefix(ty, "AWS::"), n))
	}
	for o := range t.Outputs {
		outs = append(outs, o)
	}
	sort.Strings(parts)
	sort.Strings(outs)
	return fmt.Sprintf("%d resources: %s; outputs: %s", len(t.Resources), strings.Join(parts, " "), strings.Join(outs, " "))
}

func (b *bench) twinJS(name string) string {
	return filepath.Join(b.twinDir, "dist", name+".js")
}

// cliVariant synthesizes through the pinned CLI (`npx cdk synth`) with the
// given --app ("" = cdk.json's).
func (b *bench) cliVariant(name, app string, env []string) *variant {
	how := "npx cdk synth, cdk.json's app (" + cdkJSONApp(b.root) + ")"
	if app != "" {
		how = "npx cdk synth --app '" + app + "'"
	}
	return &variant{name: name, how: how, run: func(i int) {
		args := []string{"cdk", "synth", "--quiet", "--no-notices", "--output", filepath.Join(b.tmp, fmt.Sprintf("cli-%s-%d", safe(name), i))}
		if app != "" {
			args = append(args, "--app", app)
		}
		run(b.root, env, "npx", args...)
	}}
}

// bareVariant runs a program alone, writing the cloud assembly itself.
func (b *bench) bareVariant(name, how string, env []string, cmd ...string) *variant {
	return &variant{name: name, how: how, run: func(i int) {
		out := "CDK_OUTDIR=" + filepath.Join(b.tmp, fmt.Sprintf("bare-%s-%d", safe(name), i))
		run(b.root, append(append([]string{}, env...), out), cmd[0], cmd[1:]...)
	}}
}

// likeForLike is the comparison of the project's performance issue: the
// app against an empty Go app and a TypeScript twin of the same topology,
// same settings, through the CLI and as bare processes, runs alternated.
func (b *bench) likeForLike() {
	fmt.Println("\n1. like for like: aws-cdk-lib's built-in validation off on every side (CDK_VALIDATION=false), warm caches,")
	fmt.Printf("   runs alternated (A B C D A B C D ...), %d each after one warm-up; TypeScript compiled ahead with tsc, run with node\n", b.reps)
	b.checkDrift()

	fmt.Println("\n   1a. through the pinned CDK CLI, every Go app through the same launcher as cdk.json (built binary, rebuilt on change)")
	cli := alternate(b.reps,
		b.cliVariant("app", "", likeEnv),
		b.cliVariant("empty Go app", "scripts/cdk-app "+emptyApp, likeEnv),
		b.cliVariant("TypeScript twin", "node "+twinRel+"/dist/app.js", b.twinEnv),
		b.cliVariant("empty TypeScript app", "node "+twinRel+"/dist/empty.js", likeEnv),
	)
	ratio("app / empty Go app", cli[0], cli[1], maxCliVsEmptyGo)
	ratio("app / TypeScript twin", cli[0], cli[2], maxCliVsTwin)
	ratio("empty Go app / empty TypeScript app (the jsii floor)", cli[1], cli[3], 0)
	split("app - TypeScript twin", cli)

	fmt.Println("\n   1b. bare processes (each program writes the cloud assembly itself, no CLI)")
	bare := alternate(b.reps,
		b.bareVariant("app", "the app's binary (go build .)", likeEnv, b.appBin),
		b.bareVariant("empty Go app", "its binary (go build "+emptyApp+")", likeEnv, b.emptyBin),
		b.bareVariant("TypeScript twin", "node "+twinRel+"/dist/app.js", b.twinEnv, "node", b.twinJS("app")),
		b.bareVariant("empty TypeScript app", "node "+twinRel+"/dist/empty.js", likeEnv, "node", b.twinJS("empty")),
	)
	goTopo, tsTopo := bare[0].med-bare[1].med, bare[2].med-bare[3].med
	fmt.Printf("   the topology above its empty app: Go %.2f s, TypeScript %.2f s\n", goTopo, tsTopo)
	r := goTopo / tsTopo
	fmt.Printf("   ratio %-52s %5.2f  target <= %.2f: %s  (minima %.2f)\n", "(app - empty Go) / (twin - empty TypeScript)", r, maxTopologyRatio, verdict(r, maxTopologyRatio),
		(bare[0].min-bare[1].min)/(bare[2].min-bare[3].min))
	ratio("app / TypeScript twin", bare[0], bare[2], 0)
	ratio("empty Go app / empty TypeScript app (the jsii floor)", bare[1], bare[3], 0)
	split("app - TypeScript twin", bare)
}

// split divides the app's time above the twin's (medians of app, empty Go,
// twin, empty TypeScript) into what every Go CDK app pays above a
// TypeScript one and what the topology costs more in Go.
func split(name string, s []*variant) {
	floor := s[1].med - s[3].med
	topo := (s[0].med - s[1].med) - (s[2].med - s[3].med)
	fmt.Printf("   %s = %.2f s: the jsii floor (empty Go - empty TypeScript) %.2f s + the topology's extra cost in Go %.2f s\n",
		name, s[0].med-s[2].med, floor, topo)
}

// defaults is today's figure against an empty Go app with CDK's defaults
// (built-in validation on): not like for like, labelled as such.
func (b *bench) defaults() {
	fmt.Println("\n2. NOT like for like: the app (validation off, its default) against an empty Go app with CDK's defaults (validation on)")
	cli := alternate(b.defaultReps,
		b.cliVariant("app", "", nil),
		b.cliVariant("empty Go app, CDK defaults", "scripts/cdk-app "+emptyApp, []string{"CDK_VALIDATION=true"}),
	)
	ratio("app / empty Go app with CDK defaults (CLI)", cli[0], cli[1], 0)
}

func cdkJSONApp(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	check(err)
	var c struct{ App string }
	check(json.Unmarshal(data, &c))
	return c.App
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, s)
}
