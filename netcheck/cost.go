package netcheck

// The monthly cost of the network a template builds (netcheck --cost),
// offline, from the price table shipped in prices.json (its source and
// date with every price): NAT gateways (hours, GB processed), public IPv4
// addresses, NAT instances, interface and gateway endpoints, flow logs,
// CloudWatch alarms and the DNS firewall. A price the table does not
// confirm from an AWS page is printed as unconfirmed; a resource that
// costs money but has no price for the region is listed as unpriced, never
// guessed. --base prices a second template and prints the difference line
// by line.

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed prices.json
var pricesJSON []byte

// Price is one entry of the price table.
type Price struct {
	Item      string  `json:"item"`
	Region    string  `json:"region"` // "*" for every region
	USD       float64 `json:"usd"`
	Unit      string  `json:"unit"`
	Confirmed bool    `json:"confirmed"`
	Source    string  `json:"source"`
}

// PriceTable is prices.json.
type PriceTable struct {
	Date          string  `json:"date"`
	Currency      string  `json:"currency"`
	HoursPerMonth float64 `json:"hoursPerMonth"`
	Prices        []Price `json:"prices"`
}

// Prices is the price table shipped with netcheck.
func Prices() (*PriceTable, error) {
	var t PriceTable
	if err := json.Unmarshal(pricesJSON, &t); err != nil {
		return nil, fmt.Errorf("netcheck's price table (prices.json) is not valid JSON: %v", err)
	}
	return &t, nil
}

// lookup is the price of item in region (a region's own entry first).
func (t *PriceTable) lookup(item, region string) (Price, bool) {
	var any *Price
	for i, p := range t.Prices {
		if p.Item == item && p.Region == region {
			return p, true
		}
		if p.Item == item && p.Region == "*" {
			any = &t.Prices[i]
		}
	}
	if any != nil {
		return *any, true
	}
	return Price{}, false
}

// CostAssumptions are what a template cannot say about usage.
type CostAssumptions struct {
	Region string
	// GBPerMonth is the traffic of the functions through the NAT devices
	// (both directions), split evenly between them.
	GBPerMonth float64
	// LogGBPerMonth is what each flow log writes.
	LogGBPerMonth float64
	// DNSQueriesPerMonth is what each DNS firewall association filters.
	DNSQueriesPerMonth float64
}

// Default usage assumptions (stated in every estimate).
const (
	DefaultGBPerMonth         = 100
	DefaultLogGBPerMonth      = 1
	DefaultDNSQueriesPerMonth = 1e6
	DefaultCostRegion         = "us-east-1"
)

// CostLine is one priced item of one resource.
type CostLine struct {
	Resource string  `json:"resource"`
	Item     string  `json:"item"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	UnitUSD  float64 `json:"unitUsd"`
	USD      float64 `json:"usd"`
	// Confirmed is false when the price is not confirmed from an AWS page;
	// Unpriced is true when the table has no price for the region (USD
	// is then 0 and the total incomplete).
	Confirmed bool   `json:"confirmed"`
	Unpriced  bool   `json:"unpriced,omitempty"`
	Note      string `json:"note,omitempty"`
	priceItem string
}

// Estimate is the monthly cost of a set of templates.
type Estimate struct {
	Source      string          `json:"source"`
	Assumptions CostAssumptions `json:"assumptions"`
	Hours       float64         `json:"hoursPerMonth"`
	Lines       []CostLine      `json:"lines"`
	TotalUSD    float64         `json:"totalUsd"`
	table       *PriceTable
}

// EstimateCost prices the network of the templates at paths.
func EstimateCost(paths []string, stdin io.Reader, opts Options, a CostAssumptions) (*Estimate, error) {
	table, err := Prices()
	if err != nil {
		return nil, err
	}
	var tops []*member
	for _, p := range paths {
		ms, err := readSource(p, stdin, opts)
		if err != nil {
			return nil, err
		}
		tops = append(tops, ms...)
	}
	set, err := buildSet(tops, opts, strings.Join(paths, ", "))
	if err != nil {
		return nil, err
	}
	if a.Region == "" {
		a.Region = templateRegion(set)
	}
	e := &Estimate{Source: set.source, Assumptions: a, Hours: table.HoursPerMonth, table: table}
	e.price(set)
	return e, nil
}

// azName is a literal availability zone name: its region is the template's.
var azName = regexp.MustCompile(`^([a-z]{2}(-gov)?-[a-z]+-\d)[a-z]$`)

// templateRegion is the region the templates say they are for: a cloud
// assembly's environment, else a literal AZ name, else us-east-1.
func templateRegion(set *templateSet) string {
	for _, m := range set.members {
		if m.region != "" {
			return m.region
		}
	}
	if set.opts.Region != "" {
		return set.opts.Region
	}
	for _, m := range set.members {
		for _, id := range sortedKeys(m.t.Resources) {
			if az, ok := m.t.Resources[id].Properties["AvailabilityZone"].(string); ok {
				if g := azName.FindStringSubmatch(az); g != nil {
					return g[1]
				}
			}
		}
	}
	return DefaultCostRegion
}

// price walks every resource of every template.
func (e *Estimate) price(set *templateSet) {
	cs := newCaseState(nil)
	type nat struct {
		id      string
		gateway bool
	}
	var nats []nat
	var natGB []int // indexes of the NAT gateways' data lines
	for _, m := range set.members {
		r := m.resolver(set, cs)
		for _, id := range sortedKeys(m.t.Resources) {
			res := m.t.Resources[id]
			note := ""
			if res.Condition != "" {
				switch r.condition(res.Condition) {
				case condFalse:
					continue
				case condUndecided:
					note = "only when " + res.Condition
				}
			}
			qid := m.scope + id
			add := func(item, priceItem string, qty float64, unitNote string) int {
				e.line(qid, item, priceItem, qty, joinNotes(note, unitNote))
				return len(e.Lines) - 1
			}
			p := func() map[string]interface{} { return r.props(id) }
			switch res.Type {
			case "AWS::EC2::NatGateway":
				add("NAT gateway hours", "nat-gateway-hour", e.Hours, "")
				natGB = append(natGB, add("NAT gateway data processed", "nat-gateway-gb", 0, ""))
				nats = append(nats, nat{qid, true})
			case "AWS::EC2::EIP":
				add("public IPv4 address hours", "public-ipv4-hour", e.Hours, "")
			case "AWS::EC2::Instance":
				props := p()
				typ, ok := str(props["InstanceType"])
				if !ok {
					typ = "m1.small" // EC2's default when the template gives none
					if _, open := firstUnknown(props["InstanceType"]); open {
						typ = "?"
					}
				}
				add("EC2 instance hours ("+typ+")", "ec2-hour:"+typ, e.Hours, "")
				if natInstance(props) {
					nats = append(nats, nat{qid, false})
				}
				if publicAddress(props) {
					add("public IPv4 address hours", "public-ipv4-hour", e.Hours, "auto-assigned")
				}
			case "AWS::EC2::VPCEndpoint":
				props := p()
				if t, _ := str(props["VpcEndpointType"]); strings.EqualFold(t, "Interface") {
					azs := 1.0
					if l, ok := props["SubnetIds"].([]interface{}); ok && len(l) > 0 {
						azs = float64(len(l))
					}
					add("interface endpoint hours (one per subnet's AZ)", "interface-endpoint-az-hour", azs*e.Hours, "")
					add("interface endpoint data processed", "interface-endpoint-gb", 0, "traffic not assumed")
				} else {
					add("gateway endpoint", "gateway-endpoint", 1, "")
				}
			case "AWS::EC2::FlowLog":
				item := "flow-log-cloudwatch-gb"
				if t, _ := str(p()["LogDestinationType"]); strings.EqualFold(t, "s3") {
					item = "flow-log-s3-gb"
				}
				add("flow log data", item, e.Assumptions.LogGBPerMonth, "")
			case "AWS::CloudWatch::Alarm":
				metrics, high := alarmMetrics(p())
				item := "alarm-metric-standard"
				if high {
					item = "alarm-metric-high-resolution"
				}
				add("alarm metrics", item, metrics, "")
			case "AWS::Route53Resolver::FirewallDomainList":
				if _, fromS3 := p()["DomainFileUrl"]; fromS3 {
					e.Lines = append(e.Lines, CostLine{Resource: qid, Item: "DNS firewall domain names", Unpriced: true, Note: joinNotes(note, "the domains are in a file in S3, which netcheck does not read")})
					break
				}
				domains, _ := p()["Domains"].([]interface{})
				add("DNS firewall domain names", "dns-firewall-domain-month", float64(len(domains)), "")
			case "AWS::Route53Resolver::FirewallRuleGroupAssociation":
				add("DNS firewall queries (millions)", "dns-firewall-million-queries", e.Assumptions.DNSQueriesPerMonth/1e6, "")
			case "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::TransitGateway", "AWS::EC2::VPNConnection", "AWS::NetworkFirewall::Firewall":
				e.Lines = append(e.Lines, CostLine{Resource: qid, Item: res.Type, Unpriced: true, Note: joinNotes(note, "netcheck does not price this type")})
			}
		}
	}
	// The functions' traffic, split evenly between the NAT devices (a NAT
	// instance charges nothing per GB).
	if len(nats) > 0 {
		share := e.Assumptions.GBPerMonth / float64(len(nats))
		for _, i := range natGB {
			l := &e.Lines[i]
			l.Quantity = share
			l.USD = round2(l.Quantity * l.UnitUSD)
		}
	}
	for _, l := range e.Lines {
		e.TotalUSD += l.USD
	}
	e.TotalUSD = round2(e.TotalUSD)
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// line adds one priced item.
func (e *Estimate) line(resource, item, priceItem string, qty float64, note string) {
	l := CostLine{Resource: resource, Item: item, Quantity: qty, Note: note, priceItem: priceItem}
	p, ok := e.table.lookup(priceItem, e.Assumptions.Region)
	if !ok {
		l.Unpriced = true
		l.Note = joinNotes(note, "no price for "+e.Assumptions.Region+" in the table")
	} else {
		l.Unit, l.UnitUSD, l.Confirmed = p.Unit, p.USD, p.Confirmed
		l.USD = round2(qty * p.USD)
	}
	e.Lines = append(e.Lines, l)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// natInstance: an instance whose source/destination check is off forwards
// traffic (a NAT instance).
func natInstance(props map[string]interface{}) bool {
	if v, ok := str(props["SourceDestCheck"]); ok && v == "false" {
		return true
	}
	if l, ok := props["NetworkInterfaces"].([]interface{}); ok {
		for _, e := range l {
			if m, ok := e.(map[string]interface{}); ok {
				if v, ok := str(m["SourceDestCheck"]); ok && v == "false" {
					return true
				}
			}
		}
	}
	return false
}

// publicAddress: the instance's interface asks for a public IPv4 address.
func publicAddress(props map[string]interface{}) bool {
	if l, ok := props["NetworkInterfaces"].([]interface{}); ok {
		for _, e := range l {
			if m, ok := e.(map[string]interface{}); ok {
				if v, ok := str(m["AssociatePublicIpAddress"]); ok && v == "true" {
					return true
				}
			}
		}
	}
	return false
}

// alarmMetrics is the number of metrics an alarm is billed for (a metric
// math alarm: each metric it reads) and whether it is high resolution
// (a period under 60 s).
func alarmMetrics(props map[string]interface{}) (float64, bool) {
	high := false
	period := func(v interface{}) {
		if s, ok := str(v); ok {
			if n, err := strconv.Atoi(s); err == nil && n < 60 {
				high = true
			}
		}
	}
	period(props["Period"])
	l, ok := props["Metrics"].([]interface{})
	if !ok || len(l) == 0 {
		return 1, high
	}
	n := 0.0
	for _, e := range l {
		m, _ := e.(map[string]interface{})
		if ms, ok := m["MetricStat"].(map[string]interface{}); ok {
			n++
			period(ms["Period"])
		}
	}
	if n == 0 {
		n = 1
	}
	return n, high
}

// money formats dollars.
func money(x float64) string {
	s := strconv.FormatFloat(math.Abs(x), 'f', 2, 64)
	if x < 0 {
		return "-$" + s
	}
	return "$" + s
}

func qtyString(q float64) string {
	return strconv.FormatFloat(q, 'f', -1, 64)
}

// WriteText writes the estimate: one line per item, the total, what is
// assumed and what is not included.
func (e *Estimate) WriteText(w io.Writer) {
	a := e.Assumptions
	fmt.Fprintf(w, "Monthly cost of the network of %s\n", e.Source)
	fmt.Fprintf(w, "region %s, %s hours a month, %s GB a month through the NAT devices, %s GB of flow logs each, %s DNS queries each\n\n",
		a.Region, qtyString(e.Hours), qtyString(a.GBPerMonth), qtyString(a.LogGBPerMonth), qtyString(a.DNSQueriesPerMonth))
	rw := resourceWidth(e.Lines)
	fmt.Fprintf(w, "  %-*s %-46s %12s  %s\n", rw, "resource", "item", "per month", "price")
	for _, l := range e.Lines {
		fmt.Fprintf(w, "  %-*s %-46s %12s  %s\n", rw, l.Resource, l.Item, lineUSD(l), priceNote(l))
	}
	fmt.Fprintf(w, "  %-*s %-46s %12s  %s\n", rw, "total", "", money(e.TotalUSD), e.totalNote())
	e.writeFooter(w)
}

func lineUSD(l CostLine) string {
	if l.Unpriced {
		return "unpriced"
	}
	return money(l.USD)
}

func priceNote(l CostLine) string {
	var s string
	if !l.Unpriced {
		s = fmt.Sprintf("%s x $%s/%s", qtyString(round4(l.Quantity)), strconv.FormatFloat(l.UnitUSD, 'f', -1, 64), l.Unit)
		if !l.Confirmed {
			s += " (unconfirmed)"
		}
	}
	return strings.TrimSpace(s + " " + parenNote(l.Note))
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func parenNote(n string) string {
	if n == "" {
		return ""
	}
	return "[" + n + "]"
}

func (e *Estimate) totalNote() string {
	var parts []string
	unconfirmed, unpriced := 0, 0
	for _, l := range e.Lines {
		if l.Unpriced {
			unpriced++
		} else if !l.Confirmed && l.USD != 0 {
			unconfirmed++
		}
	}
	if unconfirmed > 0 {
		parts = append(parts, fmt.Sprintf("%d line(s) at unconfirmed prices", unconfirmed))
	}
	if unpriced > 0 {
		parts = append(parts, fmt.Sprintf("%d unpriced line(s) not included", unpriced))
	}
	if len(parts) == 0 {
		return ""
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func (e *Estimate) writeFooter(w io.Writer) {
	fmt.Fprintf(w, "\nPrices: netcheck's table of %s (netcheck/prices.json, %s list prices on demand; unconfirmed = not read on an AWS page for this region).\n", e.table.Date, e.table.Currency)
	fmt.Fprintln(w, "Not included: data transfer out to the internet and across AZs, CloudWatch Logs storage, the function itself.")
	seen := map[string]bool{}
	var srcs []string
	for _, l := range e.Lines {
		if l.Unpriced || seen[l.priceItem] {
			continue
		}
		seen[l.priceItem] = true
		if p, ok := e.table.lookup(l.priceItem, e.Assumptions.Region); ok {
			srcs = append(srcs, fmt.Sprintf("  %s: %s", l.priceItem, p.Source))
		}
	}
	sort.Strings(srcs)
	if len(srcs) > 0 {
		fmt.Fprintln(w, "Sources:")
		for _, s := range srcs {
			fmt.Fprintln(w, s)
		}
	}
}

// WriteDiff writes the change from base to e line by line: + a line only
// e has, - one only base has, ~ one whose cost changed.
func (e *Estimate) WriteDiff(w io.Writer, base *Estimate) {
	type key struct{ resource, item string }
	old := map[key]CostLine{}
	for _, l := range base.Lines {
		old[key{l.Resource, l.Item}] = l
	}
	seen := map[key]bool{}
	fmt.Fprintf(w, "Monthly cost change: %s -> %s\n", base.Source, e.Source)
	a := e.Assumptions
	fmt.Fprintf(w, "region %s, %s hours a month, %s GB a month through the NAT devices, %s GB of flow logs each, %s DNS queries each\n\n",
		a.Region, qtyString(e.Hours), qtyString(a.GBPerMonth), qtyString(a.LogGBPerMonth), qtyString(a.DNSQueriesPerMonth))
	changed := 0
	rw := resourceWidth(append(append([]CostLine{}, e.Lines...), base.Lines...))
	for _, l := range e.Lines {
		k := key{l.Resource, l.Item}
		seen[k] = true
		o, had := old[k]
		switch {
		case !had:
			fmt.Fprintf(w, "+ %-*s %-46s %12s  %s\n", rw, l.Resource, l.Item, signed(l.USD, l.Unpriced), priceNote(l))
			changed++
		case o.USD != l.USD || o.Unpriced != l.Unpriced:
			fmt.Fprintf(w, "~ %-*s %-46s %12s  %s -> %s\n", rw, l.Resource, l.Item, signed(l.USD-o.USD, l.Unpriced || o.Unpriced), lineUSD(o), lineUSD(l))
			changed++
		}
	}
	for _, o := range base.Lines {
		if !seen[key{o.Resource, o.Item}] {
			fmt.Fprintf(w, "- %-*s %-46s %12s  %s\n", rw, o.Resource, o.Item, signed(-o.USD, o.Unpriced), priceNote(o))
			changed++
		}
	}
	if changed == 0 {
		fmt.Fprintln(w, "  no change")
	}
	fmt.Fprintf(w, "  %-*s %-46s %12s  %s -> %s %s\n", rw, "total", "", signed(e.TotalUSD-base.TotalUSD, false), money(base.TotalUSD), money(e.TotalUSD), e.totalNote())
	e.writeFooter(w)
}

func signed(x float64, unpriced bool) string {
	if unpriced {
		return "unpriced"
	}
	x = round2(x)
	if x > 0 {
		return "+" + money(x)
	}
	return money(x)
}

// runCost is netcheck --cost [--base OLD]: exit status 0, or 2 for bad
// input.
func runCost(paths []string, stdin io.Reader, stdout, stderr io.Writer, opts Options, a CostAssumptions, base, format string) int {
	fail := func(format string, args ...interface{}) int {
		fmt.Fprintf(stderr, "netcheck: "+format+"\n", args...)
		return 2
	}
	for _, x := range []struct {
		flag string
		v    float64
	}{{"--gb-per-month", a.GBPerMonth}, {"--log-gb-per-month", a.LogGBPerMonth}, {"--dns-queries-per-month", a.DNSQueriesPerMonth}} {
		if x.v < 0 || math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return fail("%s %v: give a number of 0 or more", x.flag, x.v)
		}
	}
	if format != "text" && format != "json" {
		return fail("--cost --format %q: use text or json", format)
	}
	e, err := EstimateCost(paths, stdin, opts, a)
	if err != nil {
		return fail("%v", err)
	}
	var old *Estimate
	if base != "" {
		// The same region and assumptions on both sides: the difference is
		// the change's alone.
		ba := a
		ba.Region = e.Assumptions.Region
		if old, err = EstimateCost([]string{base}, stdin, opts, ba); err != nil {
			return fail("--base: %v", err)
		}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		out := map[string]interface{}{"estimate": e}
		if old != nil {
			out["base"] = old
			out["changeUsd"] = round2(e.TotalUSD - old.TotalUSD)
		}
		enc.Encode(out)
		return 0
	}
	if old != nil {
		e.WriteDiff(stdout, old)
	} else {
		e.WriteText(stdout)
	}
	return 0
}

func resourceWidth(lines []CostLine) int {
	n := len("resource")
	for _, l := range lines {
		n = max(n, len(l.Resource))
	}
	return n
}
