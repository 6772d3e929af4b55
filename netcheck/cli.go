package netcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
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
		fmt.Fprintf(stderr, "usage: netcheck [flags] TEMPLATE... (JSON or YAML files, cloud assembly directories such as cdk.out, or - for standard input)\n"+
			"       netcheck [flags] --stack NAME   (a deployed stack, read with the AWS SDK's usual configuration)\n"+
			"       netcheck --cost [--base OLD.template] TEMPLATE...   (the network's monthly cost, offline)\n\n"+
			"Checks that every subnet of each VPC-attached Lambda function in CloudFormation templates (SAM included)\n"+
			"reaches the destination (through a NAT gateway or instance, an egress-only internet gateway, a gateway endpoint).\n"+
			"Several templates are one network: imports resolve from the others' exports, nested stacks from their files.\n"+
			"Exit status: 0 reachable, 1 blocked, 2 unknown (something the templates leave open) or bad input.\n\nflags:\n")
		fs.PrintDefaults()
	}
	function := fs.String("function", "", "check only this function (logical id or FunctionName)")
	dest := fs.String("dest", "internet", "destination: internet (the public IPv4 internet, without special-purpose blocks), internet6, s3 or dynamodb (through the gateway endpoint when there is one), an IPv4 or IPv6 address, a CIDR block, or a DNS name or URL (api.example.com, https://api.example.com/path: resolution and DNS Firewall, then the internet on the URL's port)")
	port := fs.String("port", "443", "destination port, or a range such as 1024-2048")
	protocol := fs.String("protocol", "tcp", "protocol: tcp or udp")
	asJSON := fs.Bool("json", false, "print the report as JSON (same as --format json)")
	format := fs.String("format", "text", "output: text, json, sarif (SARIF 2.1.0, for code scanning), or dot (a Graphviz graph of the network and the paths)")
	params := paramFlag{}
	fs.Var(params, "parameter", "a template parameter's value, KEY=VALUE (repeatable; lists comma-separated: Subnets=subnet-1,subnet-2)")
	paramFiles := stringsFlag{}
	fs.Var(&paramFiles, "parameters", "a file of parameter values: CloudFormation's [{\"ParameterKey\": ..., \"ParameterValue\": ...}] or CodePipeline's {\"Parameters\": {...}} (repeatable; --parameter wins)")
	region := fs.String("region", "", "the region the templates are deployed to (AWS::Region)")
	account := fs.String("account", "", "the account the templates are deployed to (AWS::AccountId)")
	maxInput := fs.Int64("max-input-size", DefaultMaxInput, "the largest input read, in bytes")
	costMode := fs.Bool("cost", false, "print the monthly cost of the network instead of checking it (offline, from netcheck's price table; --region picks the prices, default the template's region or else "+DefaultCostRegion+")")
	base := fs.String("base", "", "with --cost: also price this template (the one before a change) and print the difference line by line")
	gb := fs.Float64("gb-per-month", DefaultGBPerMonth, "with --cost: the functions' traffic through the NAT devices, GB a month")
	logGB := fs.Float64("log-gb-per-month", DefaultLogGBPerMonth, "with --cost: what each flow log writes, GB a month")
	dnsQueries := fs.Float64("dns-queries-per-month", DefaultDNSQueriesPerMonth, "with --cost: the DNS queries each DNS firewall association filters a month")
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
	if (stack == "" && fs.NArg() == 0) || (stack != "" && fs.NArg() != 0) {
		fs.Usage()
		return 2
	}
	if *costMode || *base != "" {
		if stack != "" {
			return fail("--cost prices templates, not a deployed stack (--stack)")
		}
		if *asJSON {
			*format = "json"
		}
		return runCost(fs.Args(), stdin, stdout, stderr, Options{Parameters: params, Region: *region, Account: *account, MaxInputSize: *maxInput},
			CostAssumptions{Region: *region, GBPerMonth: *gb, LogGBPerMonth: *logGB, DNSQueriesPerMonth: *dnsQueries}, *base, *format)
	}
	portGiven := false
	fs.Visit(func(fl *flag.Flag) { portGiven = portGiven || fl.Name == "port" })
	d, err := parseDestination(*dest, *port, *protocol, portGiven)
	if err != nil {
		return fail("%v", err)
	}
	if *asJSON {
		*format = "json"
	}
	if *format != "text" && *format != "json" && *format != "dot" && *format != "sarif" {
		return fail("--format %q: use text, json, sarif or dot", *format)
	}
	if *maxInput <= 0 {
		return fail("--max-input-size %d: give a number of bytes above 0", *maxInput)
	}
	opts := Options{Parameters: map[string]string{}, Region: *region, Account: *account, MaxInputSize: *maxInput}
	for _, file := range paramFiles {
		values, err := ReadParameterFile(file, *maxInput)
		if err != nil {
			return fail("%v", err)
		}
		for k, v := range values {
			opts.Parameters[k] = v
		}
	}
	for k, v := range params {
		opts.Parameters[k] = v
	}

	var facts *Facts
	if stack != "" {
		f, err := fromStack(stack)
		if err != nil {
			return fail("%v", err)
		}
		facts = f
	} else {
		stdinUsed := 0
		for _, a := range fs.Args() {
			if a == "-" {
				stdinUsed++
			}
		}
		if stdinUsed > 1 {
			return fail("- (standard input) can be given once")
		}
		if facts, err = Load(fs.Args(), stdin, opts); err != nil {
			return fail("%v", err)
		}
	}
	report, err := AnalyzeWith(facts, d, *function, AnalyzeOptions{Witnesses: *format == "json"})
	if err != nil {
		return fail("%v", err)
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		// The report, and the catalogue's rule of every check it made.
		enc.Encode(struct {
			*Report
			Rules []Rule `json:"rules"`
		}{report, report.RulesUsed()})
	case "dot":
		WriteDot(stdout, facts, report)
	case "sarif":
		if err := WriteSARIF(stdout, report); err != nil {
			return fail("%v", err)
		}
	default:
		report.WriteText(stdout)
	}
	return report.ExitStatus()
}

// parseDestination reads --dest, --port and --protocol; a name given as a
// URL takes its port from the scheme unless --port is given.
func parseDestination(dest, port, protocol string, portGiven bool) (Destination, error) {
	name, schemePort, isName, err := parseName(dest)
	if err != nil {
		return Destination{}, err
	}
	if isName && schemePort != "" && !portGiven {
		port = schemePort
	}
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
	} else if isName {
		d.Name, d.Internet = name, IPv4
	} else {
		return d, fmt.Errorf("--dest %q: use internet, internet6, s3, dynamodb, an IP address, a CIDR block, or a name (api.example.com, https://api.example.com/path)", dest)
	}
	return d, nil
}

// paramFlag collects --parameter KEY=VALUE.
type paramFlag map[string]string

func (p paramFlag) String() string { return "" }

func (p paramFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return fmt.Errorf("%q: write KEY=VALUE, e.g. --parameter VpcCidr=10.0.0.0/16", v)
	}
	p[k] = val
	return nil
}

// stringsFlag collects a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string { return strings.Join(*s, ",") }

func (s *stringsFlag) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// ReadParameterFile reads parameter values in the forms the AWS CLI and
// CodePipeline use: [{"ParameterKey": "K", "ParameterValue": "V"}, ...]
// or {"Parameters": {"K": "V"}} (a plain {"K": "V"} object too).
func ReadParameterFile(path string, max int64) (map[string]string, error) {
	data, err := readFileCapped(path, max)
	if err != nil {
		if _, ok := err.(*InputError); ok {
			return nil, err
		}
		return nil, &InputError{fmt.Sprintf("--parameters %s: %v", path, err)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc interface{}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, &InputError{fmt.Sprintf("--parameters %s is not JSON: %v", path, err)}
	}
	out := map[string]string{}
	value := func(k string, v interface{}) error {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64, bool:
			out[k] = fmt.Sprint(x)
		case []interface{}:
			var parts []string
			for _, e := range x {
				parts = append(parts, fmt.Sprint(e))
			}
			out[k] = strings.Join(parts, ",")
		default:
			return &InputError{fmt.Sprintf("--parameters %s: the value of %s must be a string, not %s", path, k, describe(v))}
		}
		return nil
	}
	switch x := doc.(type) {
	case []interface{}:
		for i, e := range x {
			m, _ := e.(map[string]interface{})
			k, _ := m["ParameterKey"].(string)
			if k == "" {
				return nil, &InputError{fmt.Sprintf("--parameters %s: entry %d has no ParameterKey (write {\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"})", path, i)}
			}
			if m["UsePreviousValue"] == true {
				continue
			}
			if err := value(k, m["ParameterValue"]); err != nil {
				return nil, err
			}
		}
	case map[string]interface{}:
		params := x
		if p, ok := x["Parameters"].(map[string]interface{}); ok {
			params = p
		}
		for _, k := range sortedKeys(params) {
			if err := value(k, params[k]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, &InputError{fmt.Sprintf("--parameters %s: use [{\"ParameterKey\": ..., \"ParameterValue\": ...}] or {\"Parameters\": {...}}", path)}
	}
	return out, nil
}

// parseName reads a destination given as a DNS name or a URL: the name,
// the port its scheme implies ("" when none), and whether dest is a name
// at all (an address, a block or a keyword is not).
func parseName(dest string) (name, port string, isName bool, err error) {
	host := dest
	if scheme, _, ok := strings.Cut(dest, "://"); ok {
		u, perr := url.Parse(dest)
		if perr != nil || u.Hostname() == "" {
			return "", "", false, fmt.Errorf("--dest %q is not a URL with a host name", dest)
		}
		switch strings.ToLower(scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		default:
			return "", "", false, fmt.Errorf("--dest %q: netcheck knows the ports of http and https URLs; give a name and --port for another scheme", dest)
		}
		if u.Port() != "" {
			port = u.Port()
		}
		host = u.Hostname()
		if _, err := netip.ParseAddr(host); err == nil {
			return "", "", false, fmt.Errorf("--dest %q names an address, not a name: give the address itself", dest)
		}
	} else {
		switch strings.ToLower(dest) {
		case "internet", "internet4", "internet6", "s3", "dynamodb":
			return "", "", false, nil
		}
		if _, err := netip.ParsePrefix(dest); err == nil {
			return "", "", false, nil
		}
		if _, err := netip.ParseAddr(dest); err == nil {
			return "", "", false, nil
		}
		if !strings.Contains(dest, ".") {
			return "", "", false, nil
		}
	}
	host = NormalizeDomain(host)
	if labels := strings.Split(host, "."); strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", "", false, fmt.Errorf("--dest %q is neither an IP address nor a DNS name (no top-level domain is numeric)", dest)
	}
	if strings.Contains(host, "*") {
		return "", "", false, fmt.Errorf("--dest %q: give one name, not a wildcard", dest)
	}
	if why := ValidDomainEntry(host); why != "" || len(host) > 253 {
		if why == "" {
			why = "it is longer than 253 characters"
		}
		return "", "", false, fmt.Errorf("--dest %q is not a DNS name: %s", dest, why)
	}
	return host, port, true, nil
}
