package netcheck

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func estimate(t *testing.T, path string, a CostAssumptions) *Estimate {
	t.Helper()
	e, err := EstimateCost([]string{path}, nil, Options{}, a)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func lineOfCost(e *Estimate, resource, item string) *CostLine {
	for i, l := range e.Lines {
		if l.Resource == resource && strings.HasPrefix(l.Item, item) {
			return &e.Lines[i]
		}
	}
	return nil
}

// TestPriceTableHasSources: every price names its source; the table has a
// date and AWS calculator's 730 hours a month.
func TestPriceTableHasSources(t *testing.T) {
	table, err := Prices()
	if err != nil {
		t.Fatal(err)
	}
	if table.Date == "" || table.HoursPerMonth != 730 || table.Currency != "USD" {
		t.Fatalf("table: date %q, %v hours, %s", table.Date, table.HoursPerMonth, table.Currency)
	}
	seen := map[string]bool{}
	for _, p := range table.Prices {
		if p.Source == "" || p.Unit == "" || p.Region == "" || p.USD < 0 {
			t.Errorf("price %+v: needs a source, a unit, a region and a price", p)
		}
		if p.Confirmed && !strings.Contains(p.Source, "aws.amazon.com") {
			t.Errorf("price %s in %s is confirmed, but its source is not an AWS page: %s", p.Item, p.Region, p.Source)
		}
		k := p.Item + "@" + p.Region
		if seen[k] {
			t.Errorf("price %s given twice", k)
		}
		seen[k] = true
	}
}

// TestCostOfAGrownNetwork: each priced resource of the template is a line
// of the table's price times the quantity the template and the
// assumptions give; the traffic is split between the NAT devices.
func TestCostOfAGrownNetwork(t *testing.T) {
	table, _ := Prices()
	price := func(item string) float64 {
		p, ok := table.lookup(item, "us-east-1")
		if !ok {
			t.Fatalf("no %s price for us-east-1", item)
		}
		return p.USD
	}
	e := estimate(t, "testdata/review/grown.yaml", CostAssumptions{GBPerMonth: 300, LogGBPerMonth: 2, DNSQueriesPerMonth: 5e6})
	if e.Assumptions.Region != "us-east-1" {
		t.Errorf("region %s: the template's AZs are us-east-1's", e.Assumptions.Region)
	}
	for _, c := range []struct {
		resource, item string
		usd            float64
	}{
		{"Nat", "NAT gateway hours", 730 * price("nat-gateway-hour")},
		{"Nat", "NAT gateway data processed", 100 * price("nat-gateway-gb")}, // 300 GB over 3 NAT devices
		{"Nat2", "NAT gateway data processed", 100 * price("nat-gateway-gb")},
		{"NatIp", "public IPv4", 730 * price("public-ipv4-hour")},
		{"NatBox", "EC2 instance hours (t4g.nano)", 730 * price("ec2-hour:t4g.nano")},
		{"NatBox", "public IPv4", 730 * price("public-ipv4-hour")},
		{"SecretsEndpoint", "interface endpoint hours", 2 * 730 * price("interface-endpoint-az-hour")},
		{"FlowLog", "flow log data", 2 * price("flow-log-s3-gb")},
		{"FastAlarm", "alarm metrics", price("alarm-metric-high-resolution")},
		{"DnsFirewall", "DNS firewall", 5 * price("dns-firewall-million-queries")},
	} {
		l := lineOfCost(e, c.resource, c.item)
		if l == nil {
			t.Errorf("no line %s %s", c.resource, c.item)
			continue
		}
		if math.Abs(l.USD-round2(c.usd)) > 0.005 || l.Unpriced {
			t.Errorf("%s %s: %v, want %v", c.resource, c.item, l.USD, round2(c.usd))
		}
	}
	if l := lineOfCost(e, "Workers", "AWS::AutoScaling"); l == nil || !l.Unpriced {
		t.Errorf("an Auto Scaling group is listed as unpriced, not dropped: %+v", l)
	}
	sum := 0.0
	for _, l := range e.Lines {
		sum += l.USD
	}
	if math.Abs(e.TotalUSD-round2(sum)) > 0.005 {
		t.Errorf("total %v, lines sum to %v", e.TotalUSD, sum)
	}
}

// TestCostMarksWhatItCannotConfirm: unconfirmed prices say so on their
// line and in the total; a region without prices is unpriced, not
// guessed.
func TestCostMarksWhatItCannotConfirm(t *testing.T) {
	var out bytes.Buffer
	if code := RunCLI([]string{"--cost", "testdata/review/valid.yaml"}, nil, &out, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	text := out.String()
	for _, want := range []string{"NAT gateway hours", "$32.85", "(unconfirmed)", "line(s) at unconfirmed prices", "730 hours a month", "100 GB a month", "Sources:", "Not included: data transfer out"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	out.Reset()
	RunCLI([]string{"--cost", "--region", "ap-south-2", "testdata/review/valid.yaml"}, nil, &out, &out)
	if !strings.Contains(out.String(), "unpriced  [no price for ap-south-2 in the table]") || !strings.Contains(out.String(), "unpriced line(s) not included") {
		t.Errorf("a region without prices:\n%s", out.String())
	}
	out.Reset()
	RunCLI([]string{"--cost", "--region", "us-east-2", "testdata/review/valid.yaml"}, nil, &out, &out)
	if !strings.Contains(out.String(), "730 x $0.045/hour  ") && !strings.Contains(out.String(), "730 x $0.045/hour\n") {
		t.Errorf("us-east-2's NAT gateway price is confirmed:\n%s", out.String())
	}
}

// TestCostDiff: --base prints what a change adds (+), removes (-) and
// changes (~), and the total's difference.
func TestCostDiff(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := RunCLI([]string{"--cost", "--base", "testdata/review/valid.yaml", "testdata/review/grown.yaml"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{"+ Nat2 ", "+ NatBox ", "~ Nat ", "$4.50 -> $1.50", "+ SecretsEndpoint ", "$41.00 -> $98.47"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if strings.Contains(text, "\n- ") || strings.Contains(text, "NatIp  ") {
		t.Errorf("nothing is removed and unchanged lines are not printed:\n%s", text)
	}
	out.Reset()
	RunCLI([]string{"--cost", "--base", "testdata/review/grown.yaml", "testdata/review/valid.yaml"}, nil, &out, &errOut)
	if !strings.Contains(out.String(), "- Nat2 ") || !strings.Contains(out.String(), "-$57.47") {
		t.Errorf("the reverse change removes them:\n%s", out.String())
	}
	out.Reset()
	RunCLI([]string{"--cost", "--format", "json", "--base", "testdata/review/valid.yaml", "testdata/review/grown.yaml"}, nil, &out, &errOut)
	var doc struct {
		ChangeUSD float64 `json:"changeUsd"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.ChangeUSD != 57.47 {
		t.Errorf("JSON change %v (%v):\n%s", doc.ChangeUSD, err, out.String())
	}
}

// TestCostBadInput: bad flags and templates are clear errors.
func TestCostBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cost", "--gb-per-month", "-1", "testdata/review/valid.yaml"}, "--gb-per-month -1: give a number of 0 or more"},
		{[]string{"--cost", "--format", "sarif", "testdata/review/valid.yaml"}, `--cost --format "sarif": use text or json`},
		{[]string{"--cost", "--base", "testdata/review/missing.yaml", "testdata/review/valid.yaml"}, "--base: cannot read template"},
		{[]string{"--cost", "testdata/review/missing.yaml"}, "cannot read template"},
	} {
		var out, errOut bytes.Buffer
		if code := RunCLI(c.args, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errOut.String(), c.want)
		}
	}
}
