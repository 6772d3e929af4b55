// Command localaws deploys the app to a local AWS emulator and tears it
// down again: `make deploy-local` and `make destroy-local` (docs/local-emulator.md).
//
//	localaws up [--port N] [--stack NAME] [-c key=value ...]
//	localaws down
//	localaws status
//
// up starts the emulator (moto 5.2.1 with this project's patches, on
// 127.0.0.1 and a free port unless --port is given), bootstraps it with the
// pinned CDK CLI, runs `cdk deploy`, prints the stack outputs and an
// inspection of the deployed network, invokes the function (which the
// emulator runs in the VPC twin of that network; as root, else skipped) and
// prints its answer next to NatPublicIps with PASS or FAIL, and leaves the
// emulator running. down runs `cdk destroy` and stops the emulator by its
// PID. Exit status: 0 success, 1 failure (a failed start, bootstrap or
// deploy leaves nothing running; a FAIL of the inspection or of the
// invocation leaves the emulator running, to look around), 2 bad usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/vpclambda/vpclambda/internal/localaws"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	usage := "usage: localaws up [--port N] [--stack NAME] [--app DIR] [-c key=value ...] | down | status"
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, usage)
		return 2
	}
	root, err := projectRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "localaws:", err)
		return 1
	}
	// Ctrl-C (SIGINT), a closed terminal (SIGHUP) and kill (SIGTERM) cancel
	// the run, which then stops what it started (Up, Down). The parent's
	// death (make killed alone) is a SIGTERM too, and a closed output pipe
	// (| tee) is an error to ignore, not the end of the cleanup.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	signal.Ignore(syscall.SIGPIPE)
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0); err == nil && os.Getppid() == 1 {
		stop() // the parent was gone before the death signal was set
		return 1
	}
	switch args[0] {
	case "up":
		fs := flag.NewFlagSet("up", flag.ContinueOnError)
		port := fs.Int("port", 0, "emulator port on 127.0.0.1 (0: a free one)")
		stack := fs.String("stack", "VpcLambdaInternet", "stack to deploy")
		app := fs.String("app", "", "deploy this cloud assembly directory instead of the app in cdk.json")
		var ctxArgs multi
		fs.Var(&ctxArgs, "c", "CDK context key=value for the deploy (repeatable), e.g. -c maxAzs=3")
		if err := fs.Parse(args[1:]); err != nil {
			return 2
		}
		report, err := localaws.Up(ctx, localaws.UpOptions{Root: root, Stack: *stack, Port: *port, App: *app, Context: ctxArgs, Out: os.Stdout})
		if err != nil {
			fmt.Fprintln(os.Stderr, "localaws up:", err)
			return 1
		}
		if !report.Reachable {
			fmt.Fprintln(os.Stderr, "localaws up: the deployed network does not give every function subnet internet access (see the report above)")
			return 1
		}
		return 0
	case "down":
		if err := localaws.Down(ctx, root, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "localaws down:", err)
			return 1
		}
		return 0
	case "status":
		s, err := localaws.ReadState(filepath.Join(root, localaws.StateDir))
		if err != nil {
			fmt.Fprintln(os.Stderr, "localaws status:", err)
			return 1
		}
		if s == nil {
			fmt.Println("no local emulator is running")
			return 0
		}
		fmt.Printf("emulator at %s (pid %d), stack %q, log %s\n", s.Endpoint, s.PID, s.Stack, s.Log)
		return 0
	}
	fmt.Fprintln(os.Stderr, usage)
	return 2
}

// projectRoot is the directory with cdk.json, from the working directory up.
func projectRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cdk.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("cdk.json not found: run this from the project's directory")
		}
		dir = parent
	}
}
