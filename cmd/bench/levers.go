package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// levers measures what each kept change saves, against what it replaced.
func (b *bench) levers() {
	fmt.Println("\n4. levers (bare processes, validation off, runs alternated)")
	handlers := filepath.Join(b.tmp, "handlers")
	env := append(append([]string{}, likeEnv...), "VPCLAMBDA_BUILD_CACHE="+handlers)
	vs := alternate(b.reps,
		b.bareVariant("app binary", "the app's binary (go build .)", env, b.appBin),
		b.bareVariant("go run . (cdk.json's app before)", "go run .", env, "go", "run", "."),
		b.bareVariant("scripts/cdk-app (cdk.json's app now)", "scripts/cdk-app: input hash, then the binary", env, "scripts/cdk-app"),
	)
	fmt.Printf("   `go run .`'s build check on every synth: %6.3f s; scripts/cdk-app instead: %6.3f s (kept; alone below)\n", vs[1].med-vs[0].med, vs[2].med-vs[0].med)

	// The launcher's own cost, without the app's noise: a program that
	// exits at once, run directly and through the launcher.
	probe := filepath.Join(b.tmp, "probe-init")
	run(b.root, nil, "go", "build", "-o", probe, probePkg)
	ls := alternate(b.reps,
		b.bareVariant("a program that exits at once", "probe init", nil, probe, "init"),
		b.bareVariant("the same through scripts/cdk-app", "scripts/cdk-app "+probePkg+" init", nil, "scripts/cdk-app", probePkg, "init"),
	)
	fmt.Printf("   scripts/cdk-app's input hash, measured alone: %6.3f s (minima %6.3f s)\n", ls[1].med-ls[0].med, ls[1].min-ls[0].min)

	// The handler's build check, from the app's trace: with the memo of
	// the last go list, and with the memo removed before each run.
	memo, memoRows := b.tracedApp("app, handler check with the memo", "VPCLAMBDA_BUILD_CACHE="+handlers)
	list, listRows := b.tracedApp("app, handler check by go list", "VPCLAMBDA_BUILD_CACHE="+handlers)
	list.prep = func() {
		memos, _ := filepath.Glob(filepath.Join(handlers, "list-*.json"))
		for _, m := range memos {
			check(os.Remove(m))
		}
	}
	alternate(b.reps, memo, list)
	withMemo, withList := phase(*memoRows, handlerPhase), phase(*listRows, handlerPhase)
	fmt.Printf("   the handler's build check (trace): %6.3f s with the memo, %6.3f s by go list (kept)\n", withMemo.med, withList.med)
	fmt.Println("   jsii round trips and aws-cdk-lib modules: see section 3 (the round trips' estimated cost; the modules are the ones the twin loads too)")
}
