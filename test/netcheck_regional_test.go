package test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/netcheck"
)

// l2RegionalTemplate is what a new user of aws-cdk writes, not this
// project's construct: aws-cdk's own L2 Vpc with NatProvider_RegionalGateway
// (automatic mode, or manual mode with one Elastic IP per zone) and a
// function in its private subnets.
func l2RegionalTemplate(t *testing.T, manual bool) map[string]interface{} {
	t.Helper()
	var out map[string]interface{}
	must(t, func() {
		app := awscdk.NewApp(nil)
		stack := awscdk.NewStack(app, jsii.String("L2Regional"), &awscdk.StackProps{
			Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
		})
		props := &awsec2.RegionalNatGatewayProviderProps{}
		if manual {
			var addrs []*awsec2.AvailabilityZoneAddress
			for _, az := range []string{"us-east-1a", "us-east-1b"} {
				eip := awsec2.NewCfnEIP(stack, jsii.String("Eip-"+az), nil)
				addrs = append(addrs, &awsec2.AvailabilityZoneAddress{AvailabilityZone: jsii.String(az), AllocationIds: &[]*string{eip.AttrAllocationId()}})
			}
			props.AvailabilityZoneAddresses = &addrs
		}
		vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
			AvailabilityZones:            jsii.Strings("us-east-1a", "us-east-1b"),
			NatGatewayProvider:           awsec2.NatProvider_RegionalGateway(props),
			RestrictDefaultSecurityGroup: jsii.Bool(false),
		})
		awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
			Runtime: awslambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler"),
			Code: awslambda.Code_FromInline(jsii.String("def handler(e, c): return 1")),
			Vpc:  vpc, AllowAllOutbound: jsii.Bool(true),
		})
		b, _ := json.Marshal(assertions.Template_FromStack(stack, nil).ToJSON())
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
	})
	return out
}

// subnetChecks returns the checks of the analysis by name, over every
// subnet of every function.
func subnetChecks(r *netcheck.Report, name string) []netcheck.Check {
	var out []netcheck.Check
	for _, fr := range r.Functions {
		for _, s := range fr.Subnets {
			for _, c := range s.Checks {
				if c.Name == name {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

func TestNetcheckPassesAwsCdkRegionalVpc(t *testing.T) {
	for _, manual := range []bool{false, true} {
		m := tpl(l2RegionalTemplate(t, manual))
		var nats []string
		for id, r := range m.res() {
			if r.(map[string]interface{})["Type"] == "AWS::EC2::NatGateway" {
				nats = append(nats, id)
			}
		}
		if len(nats) != 1 || m.props(nats[0])["AvailabilityMode"] != "regional" {
			t.Fatalf("aws-cdk's L2 Vpc must emit one regional NAT gateway, got %v", nats)
		}
		r := analyze(t, m, "l2-regional")
		var b bytes.Buffer
		r.WriteText(&b)
		if !r.Reachable || r.Unknown || len(r.Functions) != 1 || len(r.Functions[0].Subnets) != 2 {
			t.Fatalf("manual=%v: netcheck must pass aws-cdk's regional VPC:\n%s", manual, b.String())
		}
		for _, w := range r.Functions[0].Warnings {
			if w.Name == netcheck.CheckSingleNat {
				t.Errorf("manual=%v: a regional NAT gateway is no single-AZ NAT: %s", manual, w.Reason)
			}
		}
		for _, name := range []string{netcheck.CheckNatNaclIn, netcheck.CheckNatNaclOut, netcheck.CheckNatSubnetPublic} {
			if cs := subnetChecks(r, name); len(cs) != 0 {
				t.Errorf("manual=%v: a regional NAT gateway sits in no subnet, yet the path has %s: %v", manual, name, cs)
			}
		}
		if n := len(subnetChecks(r, netcheck.CheckNaclOut)); n != 2 {
			t.Errorf("manual=%v: want the function subnet's outbound ACL checked in both subnets, got %d", manual, n)
		}
		if !strings.Contains(b.String(), "regional NAT gateway") {
			t.Errorf("manual=%v: the report must name the regional NAT gateway:\n%s", manual, b.String())
		}
	}
}

// Each way a regional NAT gateway fails a subnet is a FAIL with its
// reason and fix, and the picture shows the gateway.
func TestNetcheckRegionalFailures(t *testing.T) {
	find := func(m tpl, typ string) string {
		for id, r := range m.res() {
			if r.(map[string]interface{})["Type"] == typ {
				return id
			}
		}
		t.Fatalf("no %s", typ)
		return ""
	}
	for _, c := range []struct {
		name   string
		manual bool
		break_ func(m tpl)
		check  string
		reason string
		fix    string
	}{
		{"manual mode does not list a zone", true, func(m tpl) {
			p := m.props(find(m, "AWS::EC2::NatGateway"))
			p["AvailabilityZoneAddresses"] = p["AvailabilityZoneAddresses"].([]interface{})[:1]
		}, netcheck.CheckNatGateway, "manual mode and serves only us-east-1a (AvailabilityZoneAddresses); the subnet is in us-east-1b", "add an AvailabilityZoneAddresses entry for us-east-1b"},
		{"no internet gateway attached", false, func(m tpl) {
			delete(m.res(), find(m, "AWS::EC2::VPCGatewayAttachment"))
		}, netcheck.CheckInternetGateway, "no internet gateway is attached to VPC", "create an internet gateway and attach it"},
		{"private connectivity", false, func(m tpl) {
			m.props(find(m, "AWS::EC2::NatGateway"))["ConnectivityType"] = "private"
		}, netcheck.CheckNatGateway, "the regional NAT gateway is private", "use ConnectivityType public"},
		{"another VPC", false, func(m tpl) {
			m.add("OtherVpc", "AWS::EC2::VPC", map[string]interface{}{"CidrBlock": "10.9.0.0/16"})
			m.props(find(m, "AWS::EC2::NatGateway"))["VpcId"] = map[string]interface{}{"Ref": "OtherVpc"}
		}, netcheck.CheckNatGateway, "belongs to VPC OtherVpc, not to the subnet's VPC", "route to a NAT gateway of VPC"},
		{"zones by id", true, func(m tpl) {
			for i, a := range m.props(find(m, "AWS::EC2::NatGateway"))["AvailabilityZoneAddresses"].([]interface{}) {
				e := a.(map[string]interface{})
				delete(e, "AvailabilityZone")
				e["AvailabilityZoneId"] = []string{"use1-az1", "use1-az2"}[i]
			}
		}, netcheck.CheckNatGateway, "lists zones by id (use1-az1, use1-az2), which cannot be matched", "list the zones by name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := tpl(l2RegionalTemplate(t, c.manual))
			c.break_(m)
			r := analyze(t, m, c.name)
			var b bytes.Buffer
			r.WriteText(&b)
			if r.Reachable {
				t.Fatalf("must not be reachable:\n%s", b.String())
			}
			found := false
			for _, ch := range subnetChecks(r, c.check) {
				if (ch.Status == netcheck.Fail || ch.Status == netcheck.Unknown) && strings.Contains(ch.Reason, c.reason) && strings.Contains(ch.Fix, c.fix) {
					found = true
				}
			}
			if !found {
				t.Errorf("want %s with %q (fix %q):\n%s", c.check, c.reason, c.fix, b.String())
			}
		})
	}
}

func TestNetcheckRegionalPicture(t *testing.T) {
	f := get(t, "regional")
	_, facts := templateFacts(t, clone(t, f), "regional")
	r, err := netcheck.Analyze(facts, netcheck.DefaultDestination, "")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	netcheck.WriteDot(&b, facts, r)
	dot := b.String()
	for _, want := range []string{"regional NAT gateway VpcLambdaRegionalNatGateway", "(no subnet)", "automatic mode: every AZ", "AWS-managed route table", `-> "internet-gateway/`} {
		if !strings.Contains(dot, want) {
			t.Errorf("the picture lacks %q:\n%s", want, dot)
		}
	}
}

// brokenRegionalWaysOut break the regional NAT gateway variants (for
// brokenWaysOut: netcheck must find each, the twin must agree).
func brokenRegionalWaysOut(t testing.TB) []brokenWayOut {
	auto, manual := get(t, "regional"), get(t, "regionalManual")
	autoNat := one(t, auto, "AWS::EC2::NatGateway", "")
	manualNat := one(t, manual, "AWS::EC2::NatGateway", "")
	attachment := one(t, auto, "AWS::EC2::VPCGatewayAttachment", "")
	return []brokenWayOut{
		{"regional NAT gateway: manual mode without the third AZ", manual, netcheck.DefaultDestination,
			func(m tpl) {
				p := m.props(manualNat)
				p["AvailabilityZoneAddresses"] = p["AvailabilityZoneAddresses"].([]interface{})[:2]
			},
			netcheck.CheckNatGateway, manualNat, 1, "manual mode and serves only az1, az2 (AvailabilityZoneAddresses); the subnet is in az3", false},
		{"regional NAT gateway: no internet gateway attached", auto, netcheck.DefaultDestination,
			func(m tpl) { delete(m.res(), attachment) },
			netcheck.CheckInternetGateway, autoNat, 2, "no internet gateway is attached to VPC", false},
	}
}
