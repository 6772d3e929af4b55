package netcheck

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
)

// RunCLI runs the netcheck command with args and returns its exit status:
// 0 every path is open, 1 something blocks a path, 2 bad input.
func RunCLI(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return RunCLIWithStacks(args, stdin, stdout, stderr, nil)
}

// RunCLIWithStacks is RunCLI with a second source of facts: fromStack reads
// a deployed stack's network (--stack NAME), e.g. through the AWS SDK.
func RunCLIWithStacks(args []string, stdin io.Reader, stdout, stderr io.Writer, fromStack func(stack string) (*Facts, error)) int {
	fs := flag.NewFlagSet("netcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: netcheck [flags] TEMPLATE.json (or - for standard input)\n"+
			"       netcheck [flags] --stack NAME   (a deployed stack, read with the AWS SDK's usual configuration)\n\n"+
			"Checks that every subnet of each VPC-attached Lambda function in a CloudFormation template\n"+
			"reaches the destination through a NAT gateway. Exit status: 0 reachable, 1 blocked, 2 bad input.\n\nflags:\n")
		fs.PrintDefaults()
	}
	function := fs.String("function", "", "check only this function (logical id or FunctionName)")
	dest := fs.String("dest", "0.0.0.0/0", "destination IPv4 address or CIDR")
	port := fs.Int("port", 443, "destination port")
	protocol := fs.String("protocol", "tcp", "protocol: tcp or udp")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	stack := ""
	if fromStack != nil {
		fs.StringVar(&stack, "stack", "", "check this deployed CloudFormation stack instead of a template")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...interface{}) int {
		fmt.Fprintf(stderr, "netcheck: "+format+"\n", a...)
		return 2
	}
	if (stack == "" && fs.NArg() != 1) || (stack != "" && fs.NArg() != 0) {
		fs.Usage()
		return 2
	}
	d := Destination{Port: *port}
	switch strings.ToLower(*protocol) {
	case "tcp", "6":
		d.Protocol = 6
	case "udp", "17":
		d.Protocol = 17
	default:
		return fail("--protocol %q: use tcp or udp", *protocol)
	}
	if *port < 1 || *port > 65535 {
		return fail("--port %d: use 1 to 65535", *port)
	}
	if p, err := netip.ParsePrefix(*dest); err == nil {
		d.Prefix = p.Masked()
	} else if a, err := netip.ParseAddr(*dest); err == nil {
		d.Prefix = netip.PrefixFrom(a, a.BitLen())
	} else {
		return fail("--dest %q is not an IPv4 address or CIDR", *dest)
	}
	if !d.Prefix.Addr().Is4() {
		return fail("--dest %q: only IPv4 destinations are checked", *dest)
	}

	var facts *Facts
	if stack != "" {
		f, err := fromStack(stack)
		if err != nil {
			return fail("%v", err)
		}
		facts = f
	} else {
		path := fs.Arg(0)
		var data []byte
		var err error
		if path == "-" {
			data, err = io.ReadAll(stdin)
			path = "<stdin>"
		} else {
			data, err = os.ReadFile(path)
		}
		if err != nil {
			return fail("cannot read template: %v", err)
		}
		t, err := ParseTemplate(data, path)
		if err != nil {
			return fail("%v", err)
		}
		if facts, err = FromTemplate(t, path); err != nil {
			return fail("%v", err)
		}
	}
	report, err := Analyze(facts, d, *function)
	if err != nil {
		return fail("%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(report)
	} else {
		report.WriteText(stdout)
	}
	switch {
	case !report.Reachable && len(report.Failures()) > 0:
		return 1
	case !report.Reachable:
		return 2 // only unknowns: the template does not say enough
	}
	return 0
}
