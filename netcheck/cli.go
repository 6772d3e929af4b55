package netcheck

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
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
			"reaches the destination (through a NAT gateway or instance, an egress-only internet gateway, a gateway endpoint). Exit status: 0 reachable, 1 blocked, 2 bad input.\n\nflags:\n")
		fs.PrintDefaults()
	}
	function := fs.String("function", "", "check only this function (logical id or FunctionName)")
	dest := fs.String("dest", "internet", "destination: internet (the public IPv4 internet, without special-purpose blocks), internet6, s3 or dynamodb (through the gateway endpoint when there is one), an IPv4 or IPv6 address, or a CIDR block")
	port := fs.String("port", "443", "destination port, or a range such as 1024-2048")
	protocol := fs.String("protocol", "tcp", "protocol: tcp or udp")
	asJSON := fs.Bool("json", false, "print the report as JSON (same as --format json)")
	format := fs.String("format", "text", "output: text, json, or dot (a Graphviz graph of the network and the paths)")
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
	d, err := parseDestination(*dest, *port, *protocol)
	if err != nil {
		return fail("%v", err)
	}
	if *asJSON {
		*format = "json"
	}
	if *format != "text" && *format != "json" && *format != "dot" {
		return fail("--format %q: use text, json or dot", *format)
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
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(report)
	case "dot":
		WriteDot(stdout, facts, report)
	default:
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

// parseDestination reads --dest, --port and --protocol.
func parseDestination(dest, port, protocol string) (Destination, error) {
	var d Destination
	switch strings.ToLower(protocol) {
	case "tcp", "6":
		d.Protocol = 6
	case "udp", "17":
		d.Protocol = 17
	default:
		return d, fmt.Errorf("--protocol %q: use tcp or udp", protocol)
	}
	from, to, isRange := strings.Cut(port, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(from))
	hi, err2 := lo, error(nil)
	if isRange {
		hi, err2 = strconv.Atoi(strings.TrimSpace(to))
	}
	if err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
		return d, fmt.Errorf("--port %s: use a port from 1 to 65535, or a range such as 1024-2048", port)
	}
	d.Port = lo
	if hi > lo {
		d.ToPort = hi
	}
	switch strings.ToLower(dest) {
	case "internet", "internet4":
		d.Internet = IPv4
		return d, nil
	case "internet6":
		d.Internet = IPv6
		return d, nil
	case "s3", "dynamodb":
		d.Service = strings.ToLower(dest)
		return d, nil
	}
	if p, err := netip.ParsePrefix(dest); err == nil {
		if p.Masked() != p {
			return d, fmt.Errorf("--dest %q has host bits set: did you mean %s?", dest, p.Masked())
		}
		d.Prefix = p
	} else if a, err := netip.ParseAddr(dest); err == nil && a.Zone() == "" {
		a = a.Unmap()
		d.Prefix = netip.PrefixFrom(a, a.BitLen())
	} else {
		return d, fmt.Errorf("--dest %q: use internet, internet6, s3, dynamodb, an IP address or a CIDR block", dest)
	}
	return d, nil
}
