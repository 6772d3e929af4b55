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
	withoutMemo := b.bareVariant("app binary, handler checked by go list", "the app's binary, the go list memo removed before each run", env, b.appBin)
	withoutMemo.prep = func() {
		memos, _ := filepath.Glob(filepath.Join(handlers, "list-*.json"))
		for _, m := range memos {
			check(os.Remove(m))
		}
	}
	vs := alternate(b.reps,
		b.bareVariant("app binary", "the app's binary (go build .)", env, b.appBin),
		b.bareVariant("go run . (cdk.json's app before)", "go run .", env, "go", "run", "."),
		b.bareVariant("scripts/cdk-app (cdk.json's app now)", "scripts/cdk-app: input hash, then the binary", env, "scripts/cdk-app"),
		withoutMemo,
	)
	fmt.Printf("   `go run .`'s build check on every synth:   %6.3f s; scripts/cdk-app's check instead: %6.3f s (kept)\n", vs[1].med-vs[0].med, vs[2].med-vs[0].med)
	fmt.Printf("   the handler's build check by go list:       %6.3f s more than with the memo of its inputs (kept)\n", vs[3].med-vs[0].med)
	fmt.Println("   jsii round trips and aws-cdk-lib modules: see section 3 (the round trips' estimated cost; the modules are the ones the twin loads too)")
}
