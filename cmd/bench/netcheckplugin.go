package main

import (
	"fmt"
	"path/filepath"
)

// maxPluginRatio is the target for netcheck's validation plugin: the app's
// synth with it at most this many times the synth without it.
const maxPluginRatio = 2.0

// netcheckPlugin is what netcheck's validation plugin adds to the app's
// synth: the app with it (its default) against the same app with
// -c netcheck=false, same settings as the like-for-like section, runs
// alternated, through the CLI and as bare processes.
func (b *bench) netcheckPlugin() {
	fmt.Println("\n9. netcheck's validation plugin in cdk synth: the app (plugin on, its default) against the app with -c netcheck=false,")
	fmt.Printf("   like for like otherwise (CDK_VALIDATION=false, warm caches), runs alternated, %d each after one warm-up\n", b.reps)
	off := &variant{name: "app, -c netcheck=false", how: "npx cdk synth -c netcheck=false, cdk.json's app (" + cdkJSONApp(b.root) + ")", run: func(i int) {
		run(b.root, likeEnv, "npx", "cdk", "synth", "--quiet", "--no-notices", "-c", "netcheck=false", "--output", filepath.Join(b.tmp, fmt.Sprintf("cli-nonetcheck-%d", i)))
	}}
	cli := alternate(b.reps, b.cliVariant("app", "", likeEnv), off)
	ratio("app / app without netcheck (CLI)", cli[0], cli[1], maxPluginRatio)
	fmt.Printf("   the plugin adds %.2f s (medians), %.2f s (minima) through the CLI\n", cli[0].med-cli[1].med, cli[0].min-cli[1].min)
	bare := alternate(b.reps,
		b.bareVariant("app", "the app's binary (go build .)", likeEnv, b.appBin),
		b.bareVariant("app, netcheck=false", "the app's binary, CDK_CONTEXT_JSON={\"netcheck\":\"false\"}", append(append([]string{}, likeEnv...), `CDK_CONTEXT_JSON={"netcheck":"false"}`), b.appBin),
	)
	ratio("app / app without netcheck (bare)", bare[0], bare[1], maxPluginRatio)
	fmt.Printf("   the plugin adds %.2f s (medians), %.2f s (minima) as a bare process\n", bare[0].med-bare[1].med, bare[0].min-bare[1].min)
}
