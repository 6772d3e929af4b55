package twin

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/vpclambda/vpclambda/netcheck"
)

// CLI is what the twin command needs besides its arguments.
type CLI struct {
	Stdout, Stderr io.Writer
	// FromStack reads a deployed stack's facts (--stack NAME); nil
	// disables the flag.
	FromStack func(stack string) (*netcheck.Facts, error)
	// FromFunction reads a deployed function's facts (--invoke NAME); nil
	// disables the flag.
	FromFunction func(name string) (*netcheck.Facts, error)
	// FunctionEnv reads a deployed function's environment variables
	// (GetFunctionConfiguration) for --invoke; nil: none.
	FunctionEnv func(name string) (map[string]string, error)
	// Stdin is the event of --invoke (nil: none, "{}").
	Stdin io.Reader
	// Build builds the function's handler for an architecture, when the
	// cloud assembly has no bootstrap (and always for --stack).
	Build func(entry, arch string) (string, error)
}

// Run runs the twin command and returns its exit status: 0 every subnet
// answered with its NAT device's Elastic IP and every witness of
// netcheck's verdict got the same verdict in the twin, 1 any did not, 2 the
// input cannot be read or the twin cannot be built.
func (c CLI) Run(args []string) int {
	fs := flag.NewFlagSet("twin", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.Stderr, "usage: twin [flags] TEMPLATE.json\n       twin [flags] --stack NAME\n\n"+
			"Builds a packet-level twin of the VPC in Linux network namespaces (root), runs each function's real\n"+
			"bootstrap in every one of its subnets and checks that it answers with the Elastic IP of the NAT\n"+
			"gateway the subnet routes to; then sends every witness of netcheck's verdict as a packet and compares.\n"+
			"Exit status: 0 all matched and agreed, 1 any did not, 2 bad input or no twin.\n\nflags:\n")
		fs.PrintDefaults()
	}
	function := fs.String("function", "", "run only this function (logical id or FunctionName)")
	entry := fs.String("entry", "functions/checkip", "the handler's Go package, built when the cloud assembly has no bootstrap")
	arch := fs.String("arch", "arm64", "with --stack: the function's architecture (arm64 or x86_64)")
	timeout := fs.Duration("timeout", 10*time.Second, "with --stack: the function's timeout")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	ipv6 := fs.Bool("ipv6", false, "ask the IPv6 question: the test internet host by its IPv6 address, through an egress-only (or internet) gateway; the function must answer with its own IPv6 address")
	verbose := fs.Bool("v", false, "show the functions' own output")
	witnesses := fs.Bool("witnesses", true, "also send every witness of netcheck's verdict (one packet per class of the internet the rules separate, TCP 443, or the IPv6 internet with --ipv6) and require the twin to agree with netcheck on each")
	service := fs.String("service", "", "ask the gateway-endpoint question of s3 or dynamodb: the function's checkip names resolve to the service's stand-in, reached through the subnet's endpoint (it sees the private address) or, without the endpoint's route, through the NAT device (the Elastic IP)")
	invoke, subnet := "", ""
	if c.FromFunction != nil {
		fs.StringVar(&invoke, "invoke", "", "invoke this deployed function (name or ARN) once, in the twin of its network, with the event on stdin; print the handler's raw payload (exit 0) or its error payload (exit 1)")
		fs.StringVar(&subnet, "subnet", "", "with --invoke: the subnet to run it in (default: one of the function's subnets at random, as Lambda picks)")
	}
	stack := ""
	if c.FromStack != nil {
		fs.StringVar(&stack, "stack", "", "build the twin of this deployed CloudFormation stack instead of a template")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...interface{}) int {
		fmt.Fprintf(c.Stderr, "twin: "+format+"\n", a...)
		return 2
	}
	if _, ok := Services[*service]; *service != "" && (!ok || *ipv6) {
		return fail("--service %q: use s3 or dynamodb (an IPv4 question)", *service)
	}
	if (stack == "" && invoke == "" && fs.NArg() != 1) || ((stack != "" || invoke != "") && fs.NArg() != 0) {
		fs.Usage()
		return 2
	}
	// The handler's package is named from the working directory (the
	// repository's root in the README's commands), never from the
	// template's folder.
	entryDir, err := filepath.Abs(*entry)
	if err != nil {
		return fail("--entry %q: %v", *entry, err)
	}
	build := func(a string) (string, error) {
		if c.Build == nil {
			return "", fmt.Errorf("no bootstrap and no way to build one")
		}
		if st, err := os.Stat(entryDir); err != nil || !st.IsDir() {
			return "", fmt.Errorf("no bootstrap in the cloud assembly, and the handler to build, --entry %s (%s from the working directory), is not a directory: run the command from the repository's root, or pass --entry", *entry, entryDir)
		}
		return c.Build(entryDir, a)
	}
	if invoke != "" {
		return c.invoke(invoke, subnet, build, *arch, *timeout, *verbose)
	}
	facts, config, err := c.load(stack, fs.Arg(0), build, *arch, *timeout)
	if err != nil {
		return fail("%v", err)
	}
	if err := CheckPrivileges(); err != nil {
		return fail("%v", err)
	}
	opts := Options{Function: *function, Config: config}
	if *verbose {
		opts.FunctionLog = c.Stderr
	}
	return c.runTwin(facts, opts, *asJSON, *ipv6, *service, *witnesses && *service == "")
}

// invoke is --invoke: the facts of one deployed function, one invocation.
func (c CLI) invoke(name, subnet string, build func(string) (string, error), arch string, timeout time.Duration, verbose bool) int {
	facts, err := c.FromFunction(name)
	if err != nil {
		fmt.Fprintf(c.Stderr, "twin: %v\n", err)
		return 2
	}
	if err := CheckPrivileges(); err != nil {
		fmt.Fprintf(c.Stderr, "twin: %v\n", err)
		return 2
	}
	env := map[string]string{}
	if c.FunctionEnv != nil {
		if env, err = c.FunctionEnv(name); err != nil {
			fmt.Fprintf(c.Stderr, "twin: the function's environment: %v\n", err)
			return 2
		}
	}
	opts := Options{Function: name, Config: invokeConfig(build, arch, timeout, env)}
	if verbose {
		opts.FunctionLog = c.Stderr
	}
	stdin := c.Stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	return c.runInvoke(facts, opts, subnet, stdin)
}

// invokeConfig is the configuration of a deployed function in --invoke
// mode: the handler built for its architecture, its timeout and its
// environment variables as deployed (lambdaEnv says which of them the twin
// overrides).
func invokeConfig(build func(string) (string, error), arch string, timeout time.Duration, env map[string]string) func(*netcheck.Function) (FunctionConfig, error) {
	return func(*netcheck.Function) (FunctionConfig, error) {
		cfg := FunctionConfig{Arch: arch, Timeout: timeout, Env: map[string]string{}}
		for k, v := range env {
			cfg.Env[k] = v
		}
		var err error
		cfg.Bootstrap, err = build(arch)
		return cfg, err
	}
}

// load reads the facts and the functions' configurations.
func (c CLI) load(stack, path string, build func(string) (string, error), arch string, timeout time.Duration) (*netcheck.Facts, func(*netcheck.Function) (FunctionConfig, error), error) {
	if stack != "" {
		facts, err := c.FromStack(stack)
		if err != nil {
			return nil, nil, err
		}
		return facts, func(*netcheck.Function) (FunctionConfig, error) {
			b, err := build(arch)
			return FunctionConfig{Bootstrap: b, Arch: arch, Timeout: timeout, Env: map[string]string{}}, err
		}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read template: %v", err)
	}
	t, err := netcheck.ParseTemplate(data, path)
	if err != nil {
		return nil, nil, err
	}
	facts, err := netcheck.FromTemplate(t, path)
	if err != nil {
		return nil, nil, err
	}
	if err := decided(facts); err != nil {
		return nil, nil, err
	}
	config, err := TemplateConfigs(data, path, build)
	return facts, config, err
}

// runTwin builds, runs and tears down the twin, also on SIGINT or SIGTERM.
func (c CLI) runTwin(facts *netcheck.Facts, opts Options, asJSON, ipv6 bool, svc string, witnesses bool) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type built struct {
		t   *Twin
		err error
	}
	var tw *Twin
	start := time.Now()
	bc := make(chan built, 1)
	go func() { t, err := Build(facts, opts); bc <- built{t, err} }()
	select {
	case b := <-bc:
		if b.err != nil {
			fmt.Fprintf(c.Stderr, "twin: cannot build the twin: %v\n", b.err)
			return 2
		}
		tw = b.t
	case s := <-sigs:
		b := <-bc // Build tears down what it made only on error: close it here
		if b.t != nil {
			b.t.Close()
		}
		return interrupted(c.Stderr, s)
	}
	buildTime := time.Since(start)
	defer tw.Close()
	type ran struct {
		results   []SubnetResult
		witnesses []WitnessResult
		err       error
		took      time.Duration
	}
	rc := make(chan ran, 1)
	go func() {
		var r ran
		if svc == "" {
			r.results = tw.Run(ctx, ipv6)
		} else {
			r.results, _ = tw.RunService(ctx, svc)
		}
		if witnesses {
			t0 := time.Now()
			r.witnesses, r.err = probeReport(ctx, tw, facts, opts.Function, ipv6)
			r.took = time.Since(t0)
		}
		rc <- r
	}()
	var got ran
	select {
	case got = <-rc:
	case s := <-sigs:
		cancel()
		tw.Close()
		return interrupted(c.Stderr, s)
	}
	results := got.results
	if got.err != nil {
		fmt.Fprintf(c.Stderr, "twin: netcheck's witnesses: %v\n", got.err)
		return 2
	}
	runTime := time.Since(start) - buildTime
	t0 := time.Now()
	tw.Close()
	closeTime := time.Since(t0)
	if asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Source    string          `json:"source"`
			Results   []SubnetResult  `json:"results"`
			Witnesses []WitnessResult `json:"witnesses,omitempty"`
			Notes     []string        `json:"notes,omitempty"`
		}{facts.Source, results, got.witnesses, tw.Notes()})
	} else {
		c.writeText(facts, tw, results, ipv6, svc)
		if witnesses {
			writeWitnesses(c.Stdout, got.witnesses, got.took)
		}
		fmt.Fprintf(c.Stdout, "(twin built in %.1fs, invoked in %.1fs, torn down in %.1fs)\n", buildTime.Seconds(), runTime.Seconds(), closeTime.Seconds())
	}
	for _, r := range results {
		if !r.Matched {
			return 1
		}
	}
	for _, w := range got.witnesses {
		if !w.Agree {
			return 1
		}
	}
	return 0
}

// probeReport asks netcheck the twin's question (TCP 443 to the internet,
// or to the IPv6 internet) and probes every witness of its answer.
func probeReport(ctx context.Context, tw *Twin, facts *netcheck.Facts, only string, ipv6 bool) ([]WitnessResult, error) {
	dest := netcheck.DefaultDestination
	if ipv6 {
		dest = netcheck.Destination{Internet: netcheck.IPv6, Protocol: 6, Port: InternetPort}
	}
	report, err := netcheck.Analyze(facts, dest, only)
	if err != nil {
		return nil, err
	}
	return tw.ProbeWitnesses(ctx, report), nil
}

// writeWitnesses prints the cross-check of the witnesses: every witness
// that differs, with both answers, and the counts.
func writeWitnesses(w io.Writer, ws []WitnessResult, took time.Duration) {
	agree, differ, skipped := 0, 0, 0
	for _, x := range ws {
		switch {
		case !x.Compared:
			skipped++
		case x.Agree:
			agree++
		default:
			differ++
		}
		fmt.Fprintf(w, "  %s\n", x)
	}
	word := "WITNESSES AGREE"
	if differ > 0 {
		word = "WITNESSES DIFFER"
	}
	per := ""
	if len(ws) > 0 {
		per = fmt.Sprintf(", %.0fms a witness", float64(took.Milliseconds())/float64(len(ws)))
	}
	fmt.Fprintf(w, "%s: %d witness(es) of netcheck's verdict sent as packets, %d agree, %d differ, %d not compared (%.1fs%s)\n", word, len(ws), agree, differ, skipped, took.Seconds(), per)
}

func interrupted(w io.Writer, s os.Signal) int {
	fmt.Fprintf(w, "twin: %v: torn down\n", s)
	if s == syscall.SIGTERM {
		return 143
	}
	return 130
}

func (c CLI) writeText(facts *netcheck.Facts, tw *Twin, results []SubnetResult, ipv6 bool, svc string) {
	host := InternetHost
	if ipv6 {
		host = "[" + InternetHost6 + "]"
	}
	if svc != "" {
		fmt.Fprintf(c.Stdout, "Twin of %s (%s: its stand-in %s:%d)\n", facts.Source, svc, Services[svc], InternetPort)
	} else {
		fmt.Fprintf(c.Stdout, "Twin of %s (test internet host %s:%d)\n", facts.Source, host, InternetPort)
	}
	failed := 0
	fns := map[string]bool{}
	for _, r := range results {
		fns[r.Function] = true
		verdict := "PASS"
		if !r.Matched {
			verdict = "FAIL"
			failed++
		}
		want := "no NAT device: the subnet does not route the internet to one"
		switch {
		case r.Via != "" && r.Via != "NAT" && r.Expected == "":
			want = fmt.Sprintf("%s through %s, which does not carry traffic (missing, another VPC's, not available)", svc, r.Via)
		case r.Via != "" && r.Via != "NAT":
			want = fmt.Sprintf("%s reached through %s: the stand-in sees the private address %s", svc, r.Via, r.Expected)
		case r.Via == "NAT" && r.Nat != "" && r.Expected != "":
			want = fmt.Sprintf("%s reached through NAT device %s (no endpoint route): the stand-in sees its Elastic IP %s", svc, r.Nat, r.Expected)
		case ipv6 && r.Nat == "":
			want = "no gateway: the subnet does not route the IPv6 internet to one"
		case ipv6 && r.Expected == "":
			want = fmt.Sprintf("gateway %s, but the function has no IPv6 address in this subnet", r.Nat)
		case ipv6:
			want = fmt.Sprintf("the function's own IPv6 address through gateway %s", r.Nat)
		case r.Nat != "":
			want = fmt.Sprintf("NAT device %s, Elastic IP %s", r.Nat, r.Expected)
			if r.Expected == "" {
				want = fmt.Sprintf("NAT device %s, which has no Elastic IP in the twin", r.Nat)
			}
		}
		fmt.Fprintf(c.Stdout, "  %s %s in %s (%s): answered %s; expected %s [%d invocation(s), %dms]\n",
			verdict, r.Function, r.Subnet, r.Address, r.Answer, want, len(r.Probes), time.Duration(r.Elapsed).Milliseconds())
		if r.Failure != nil && len(r.Probes) > 1 {
			fmt.Fprintf(c.Stdout, "       (with reply ports %d-%d)\n", r.Failure.Ports[0], r.Failure.Ports[1])
		}
	}
	notes := append([]string{}, tw.Notes()...)
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Fprintf(c.Stdout, "  note: %s\n", n)
	}
	word := "MATCHED"
	if failed > 0 {
		word = "NOT MATCHED"
	}
	fmt.Fprintf(c.Stdout, "%s: %d function(s), %d subnet(s), %d failed\n", word, len(fns), len(results), failed)
}

// decided refuses a template that leaves the network open (conditions
// the template's defaults do not decide, values without a default): the
// twin builds one concrete network, and must not pick one for the user.
func decided(f *netcheck.Facts) error {
	if len(f.Cases) > 0 {
		var names []string
		for _, c := range f.Cases {
			names = append(names, c.Assume)
		}
		return fmt.Errorf("%s leaves conditions open (%s): the twin builds one network; check it with netcheck (which checks every case), or give the parameters defaults", f.Source, strings.Join(names, "; "))
	}
	var open []string
	for _, us := range f.Unresolved {
		for _, u := range us {
			open = append(open, u.String())
		}
	}
	if len(open) > 0 {
		sort.Strings(open)
		return fmt.Errorf("%s leaves values open that the twin needs: %s; check it with netcheck, or give the parameters defaults", f.Source, strings.Join(open, "; "))
	}
	return nil
}
