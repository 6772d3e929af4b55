package vpclambda

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// synthNetwork builds a VpcLambda with props (inline code, so no Go
// build) and returns its template's resources, or the construct's error.
func synthNetwork(t *testing.T, env *awscdk.Environment, props *VpcLambdaProps) (map[string]map[string]interface{}, error) {
	t.Helper()
	var out map[string]map[string]interface{}
	var verr error
	if err := CatchJsii(func() {
		app := awscdk.NewApp(nil)
		stack := awscdk.NewStack(app, jsii.String("Regional"), &awscdk.StackProps{Env: env})
		p := *props
		p.Function = &FunctionOptions{Code: awslambda.Code_FromInline(jsii.String("x")), Runtime: awslambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler")}
		if _, verr = NewVpcLambda(stack, "VpcLambda", &p); verr != nil {
			return
		}
		b, _ := json.Marshal((*assertions.Template_FromStack(stack, nil).ToJSON())["Resources"])
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return out, verr
}

// idsOf lists the logical ids of the resources of a type, sorted.
func idsOf(rs map[string]map[string]interface{}, typ string) []string {
	var ids []string
	for id := range ofType(rs, typ) {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func jsonOf(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Automatic mode: one regional gateway in the VPC, no subnet, no Elastic
// IP, no public tier; one private route table for every private subnet,
// its default route to the gateway; the gateway after the internet
// gateway's attachment.
func TestRegionalNatGatewayAutomatic(t *testing.T) {
	rs, err := synthNetwork(t, nil, &VpcLambdaProps{NatProvider: RegionalNatGateway(nil), MaxAzs: jsii.Number(3)})
	if err != nil {
		t.Fatal(err)
	}
	nats := idsOf(rs, "AWS::EC2::NatGateway")
	if len(nats) != 1 || !strings.HasPrefix(nats[0], "VpcLambdaRegionalNatGateway") {
		t.Fatalf("want one regional NAT gateway, got %v", nats)
	}
	nat := rs[nats[0]]
	p := nat["Properties"].(map[string]interface{})
	if p["AvailabilityMode"] != "regional" || p["ConnectivityType"] != "public" || p["VpcId"] == nil {
		t.Errorf("regional gateway properties: %s", jsonOf(p))
	}
	for _, k := range []string{"SubnetId", "AllocationId", "AvailabilityZoneAddresses", "MaxDrainDurationSeconds"} {
		if p[k] != nil {
			t.Errorf("automatic mode must not set %s: %s", k, jsonOf(p[k]))
		}
	}
	att := idsOf(rs, "AWS::EC2::VPCGatewayAttachment")
	if len(att) != 1 || !strings.Contains(jsonOf(nat["DependsOn"]), att[0]) {
		t.Errorf("the gateway must depend on the internet gateway's attachment %v: %s", att, jsonOf(nat["DependsOn"]))
	}
	if n := len(idsOf(rs, "AWS::EC2::EIP")); n != 0 {
		t.Errorf("automatic mode: want no Elastic IP, got %d", n)
	}
	if n := len(idsOf(rs, "AWS::EC2::Subnet")); n != 3 {
		t.Errorf("want the 3 private subnets only, got %d subnets", n)
	}
	if n := len(idsOf(rs, "AWS::EC2::NetworkAcl")); n != 1 {
		t.Errorf("want the private network ACL only, got %d", n)
	}
	rts := idsOf(rs, "AWS::EC2::RouteTable")
	if len(rts) != 1 {
		t.Fatalf("want one private route table, got %v", rts)
	}
	routes := idsOf(rs, "AWS::EC2::Route")
	if len(routes) != 1 {
		t.Fatalf("want one route (0.0.0.0/0 to the gateway), got %v", routes)
	}
	rp := rs[routes[0]]["Properties"].(map[string]interface{})
	if rp["DestinationCidrBlock"] != "0.0.0.0/0" || !strings.Contains(jsonOf(rp["NatGatewayId"]), nats[0]) || !strings.Contains(jsonOf(rp["RouteTableId"]), rts[0]) {
		t.Errorf("default route: %s", jsonOf(rp))
	}
	for _, a := range idsOf(rs, "AWS::EC2::SubnetRouteTableAssociation") {
		if !strings.Contains(jsonOf(rs[a]["Properties"]), rts[0]) {
			t.Errorf("%s: every private subnet must use the one private route table", a)
		}
	}
	// The alarms watch the gateway.
	alarms := idsOf(rs, "AWS::CloudWatch::Alarm")
	if len(alarms) != 2 || !strings.Contains(jsonOf(rs[alarms[0]]), nats[0]) {
		t.Errorf("want two alarms on the regional gateway, got %v", alarms)
	}
}

// Manual mode with Elastic IPs the construct creates: each AZ listed with
// its own addresses; MaxDrainDuration in whole seconds.
func TestRegionalNatGatewayManualCreated(t *testing.T) {
	env := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}
	rs, err := synthNetwork(t, env, &VpcLambdaProps{
		AvailabilityZones: jsii.Strings("us-east-1a", "us-east-1b"),
		NatProvider:       RegionalNatGateway(&RegionalNatGatewayOptions{ElasticIpsPerAz: jsii.Number(2), MaxDrainDuration: awscdk.Duration_Minutes(jsii.Number(10))}),
	})
	if err != nil {
		t.Fatal(err)
	}
	eips := idsOf(rs, "AWS::EC2::EIP")
	if len(eips) != 4 {
		t.Fatalf("want 2 Elastic IPs in each of 2 AZs, got %v", eips)
	}
	p := rs[idsOf(rs, "AWS::EC2::NatGateway")[0]]["Properties"].(map[string]interface{})
	if p["MaxDrainDurationSeconds"] != 600.0 {
		t.Errorf("MaxDrainDurationSeconds = %v, want 600", p["MaxDrainDurationSeconds"])
	}
	addrs, _ := p["AvailabilityZoneAddresses"].([]interface{})
	if len(addrs) != 2 {
		t.Fatalf("AvailabilityZoneAddresses: %s", jsonOf(p["AvailabilityZoneAddresses"]))
	}
	used := map[string]bool{}
	for i, a := range addrs {
		m := a.(map[string]interface{})
		if m["AvailabilityZone"] != []string{"us-east-1a", "us-east-1b"}[i] {
			t.Errorf("entry %d: zone %v", i, m["AvailabilityZone"])
		}
		ids := m["AllocationIds"].([]interface{})
		if len(ids) != 2 {
			t.Errorf("entry %d: want 2 allocation ids, got %s", i, jsonOf(ids))
		}
		for _, id := range ids {
			s := jsonOf(id)
			if used[s] || !strings.Contains(s, "AllocationId") {
				t.Errorf("entry %d: allocation %s is not a distinct Elastic IP of the stack", i, s)
			}
			used[s] = true
		}
	}
}

// Manual mode with the user's allocation ids, by zone name.
func TestRegionalNatGatewayManualGiven(t *testing.T) {
	env := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}
	rs, err := synthNetwork(t, env, &VpcLambdaProps{
		AvailabilityZones: jsii.Strings("us-east-1a", "us-east-1b"),
		NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{
			"us-east-1b": {"eipalloc-0000000000000000b"}, "us-east-1a": {"eipalloc-0000000000000000a", "eipalloc-00000000000000001"},
		}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	p := rs[idsOf(rs, "AWS::EC2::NatGateway")[0]]["Properties"].(map[string]interface{})
	want := `[{"AllocationIds":["eipalloc-0000000000000000a","eipalloc-00000000000000001"],"AvailabilityZone":"us-east-1a"},{"AllocationIds":["eipalloc-0000000000000000b"],"AvailabilityZone":"us-east-1b"}]`
	if got := jsonOf(p["AvailabilityZoneAddresses"]); got != want {
		t.Errorf("AvailabilityZoneAddresses\n got %s\nwant %s", got, want)
	}
	if n := len(idsOf(rs, "AWS::EC2::EIP")); n != 0 {
		t.Errorf("given addresses: want no Elastic IP created, got %d", n)
	}
}

// Every bad setting is a synth-time error naming the prop, the value and
// the fix.
func TestRegionalNatGatewayErrors(t *testing.T) {
	env := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}
	azs := jsii.Strings("us-east-1a", "us-east-1b")
	ids := func(n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, "eipalloc-"+strings.Repeat("0", 15)+string(rune('a'+i%6))+strings.Repeat("1", i/6))
		}
		return out
	}
	for _, c := range []struct {
		name  string
		env   *awscdk.Environment
		props VpcLambdaProps
		want  []string
	}{
		{"zone not listed", env, VpcLambdaProps{AvailabilityZones: azs, NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{"us-east-1a": {"eipalloc-0000000000000000a"}}})},
			[]string{`NatProvider.AllocationIds = {us-east-1a}: does not list us-east-1b, where private subnet 2 is`, "fix: add allocation ids for us-east-1b, or leave AllocationIds unset for automatic mode"}},
		{"zone not of the VPC", env, VpcLambdaProps{AvailabilityZones: azs, NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{
			"us-east-1a": {"eipalloc-0000000000000000a"}, "us-east-1b": {"eipalloc-0000000000000000b"}, "us-east-1c": {"eipalloc-0000000000000000c"}}})},
			[]string{`NatProvider.AllocationIds["us-east-1c"] = [eipalloc-0000000000000000c]: is not an Availability Zone of the VPC (us-east-1a, us-east-1b)`}},
		{"too many addresses", env, VpcLambdaProps{AvailabilityZones: azs, NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{
			"us-east-1a": ids(33), "us-east-1b": {"eipalloc-0000000000000000f"}}})},
			[]string{`NatProvider.AllocationIds["us-east-1a"] = 33 allocation ids: must list 1 to 32 Elastic IPs`}},
		{"created too many", nil, VpcLambdaProps{NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{ElasticIpsPerAz: jsii.Number(33)})},
			[]string{"NatProvider.ElasticIpsPerAz = 33: must be a whole number from 1 to 32 (a regional NAT gateway uses at most 32 Elastic IPs per Availability Zone)"}},
		{"bad allocation id", env, VpcLambdaProps{AvailabilityZones: azs, NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{
			"us-east-1a": {"eip-123"}, "us-east-1b": {"eipalloc-0000000000000000b"}}})},
			[]string{`NatProvider.AllocationIds["us-east-1a"] = "eip-123": is not an Elastic IP allocation id`}},
		{"same address twice", env, VpcLambdaProps{AvailabilityZones: azs, NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{
			"us-east-1a": {"eipalloc-0000000000000000a"}, "us-east-1b": {"eipalloc-0000000000000000a"}}})},
			[]string{`is listed for us-east-1a too`}},
		{"zones unknown", nil, VpcLambdaProps{NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{"us-east-1a": {"eipalloc-0000000000000000a"}}})},
			[]string{"NatProvider.AllocationIds = {us-east-1a}: needs the VPC's Availability Zone names at synth time", "fix: set AvailabilityZones"}},
		{"both modes", nil, VpcLambdaProps{NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{ElasticIpsPerAz: jsii.Number(1), AllocationIds: map[string][]string{}})},
			[]string{"NatProvider.ElasticIpsPerAz = 1: is set together with AllocationIds"}},
		{"drain too long", nil, VpcLambdaProps{NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{MaxDrainDuration: awscdk.Duration_Hours(jsii.Number(2))})},
			[]string{"NatProvider.MaxDrainDuration = 7200 seconds: must be a whole number of seconds from 1 to 4000"}},
		{"drain fraction", nil, VpcLambdaProps{NatProvider: RegionalNatGateway(&RegionalNatGatewayOptions{MaxDrainDuration: awscdk.Duration_Millis(jsii.Number(1500))})},
			[]string{"NatProvider.MaxDrainDuration = 1.5 seconds: must be a whole number of seconds"}},
		{"public subnet mask", nil, VpcLambdaProps{NatProvider: RegionalNatGateway(nil), PublicSubnetCidrMask: jsii.Number(24)},
			[]string{"PublicSubnetCidrMask = 24: is set, but the NatProvider needs no public subnet", "fix: remove PublicSubnetCidrMask"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := synthNetwork(t, c.env, &c.props)
			if err == nil {
				t.Fatal("want a validation error, got none")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// existingVpc is aws-cdk's L2 Vpc in two AZs with the given subnets and no
// NAT gateways of its own.
func existingVpc(stack awscdk.Stack, subnets ...*awsec2.SubnetConfiguration) awsec2.Vpc {
	return awsec2.NewVpc(stack, jsii.String("Existing"), &awsec2.VpcProps{
		MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0), SubnetConfiguration: &subnets, RestrictDefaultSecurityGroup: jsii.Bool(false),
	})
}

func synthExisting(t *testing.T, subnets []*awsec2.SubnetConfiguration, sel *awsec2.SubnetSelection, provider NatProvider) (map[string]map[string]interface{}, error) {
	t.Helper()
	var out map[string]map[string]interface{}
	var verr error
	if err := CatchJsii(func() {
		app := awscdk.NewApp(nil)
		stack := awscdk.NewStack(app, jsii.String("Existing"), nil)
		vpc := existingVpc(stack, subnets...)
		if _, verr = NewVpcLambda(stack, "VpcLambda", &VpcLambdaProps{Vpc: vpc, PrivateSubnets: sel, NatProvider: provider,
			Function: &FunctionOptions{Code: awslambda.Code_FromInline(jsii.String("x")), Runtime: awslambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler")}}); verr != nil {
			return
		}
		b, _ := json.Marshal((*assertions.Template_FromStack(stack, nil).ToJSON())["Resources"])
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return out, verr
}

var (
	publicTier   = &awsec2.SubnetConfiguration{Name: jsii.String("Public"), SubnetType: awsec2.SubnetType_PUBLIC}
	isolatedTier = &awsec2.SubnetConfiguration{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	isolated     = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
)

// With an existing VPC (Vpc), RegionalNatGateway adds the gateway to it
// and a default route to each selected subnet's route table; the function
// waits for them.
func TestRegionalNatGatewayInExistingVpc(t *testing.T) {
	rs, err := synthExisting(t, []*awsec2.SubnetConfiguration{publicTier, isolatedTier}, isolated, RegionalNatGateway(nil))
	if err != nil {
		t.Fatal(err)
	}
	nats := idsOf(rs, "AWS::EC2::NatGateway")
	if len(nats) != 1 {
		t.Fatalf("want one NAT gateway, got %v", nats)
	}
	p := rs[nats[0]]["Properties"].(map[string]interface{})
	if p["AvailabilityMode"] != "regional" || !strings.Contains(jsonOf(p["VpcId"]), "Existing") || p["SubnetId"] != nil {
		t.Errorf("regional gateway: %s", jsonOf(p))
	}
	if !strings.Contains(jsonOf(rs[nats[0]]["DependsOn"]), "IGW") {
		t.Errorf("the gateway must wait for the VPC's internet gateway attachment: %s", jsonOf(rs[nats[0]]["DependsOn"]))
	}
	var toNat []string
	for _, r := range idsOf(rs, "AWS::EC2::Route") {
		rp := rs[r]["Properties"].(map[string]interface{})
		if strings.Contains(jsonOf(rp["NatGatewayId"]), nats[0]) {
			if rp["DestinationCidrBlock"] != "0.0.0.0/0" || !strings.Contains(jsonOf(rp["RouteTableId"]), "Isolated") {
				t.Errorf("route %s: %s", r, jsonOf(rp))
			}
			toNat = append(toNat, r)
		}
	}
	if len(toNat) != 2 {
		t.Fatalf("want a default route in each isolated subnet's route table, got %v", toNat)
	}
	fn := idsOf(rs, "AWS::Lambda::Function")[0]
	for _, r := range append(toNat, nats[0]) {
		if !strings.Contains(jsonOf(rs[fn]["DependsOn"]), r) {
			t.Errorf("the function must wait for %s", r)
		}
	}
}

func TestRegionalNatGatewayInExistingVpcErrors(t *testing.T) {
	for _, c := range []struct {
		name     string
		subnets  []*awsec2.SubnetConfiguration
		sel      *awsec2.SubnetSelection
		provider NatProvider
		want     []string
	}{
		{"no internet gateway", []*awsec2.SubnetConfiguration{isolatedTier}, isolated, RegionalNatGateway(nil),
			[]string{"Vpc = Existing/Existing: has no internet gateway: a regional NAT gateway sends its traffic out through the VPC's internet gateway", "fix: give the VPC a public subnet"}},
		{"subnets with their own default route", []*awsec2.SubnetConfiguration{publicTier, isolatedTier, {Name: jsii.String("Egress"), SubnetType: awsec2.SubnetType_PUBLIC}}, &awsec2.SubnetSelection{SubnetGroupName: jsii.String("Egress")}, RegionalNatGateway(nil),
			[]string{"PrivateSubnets[0]", "already routes 0.0.0.0/0 (its DefaultRoute)", "fix: select subnets without a default route (SubnetType PRIVATE_ISOLATED)"}},
		{"manual mode needs the zones", []*awsec2.SubnetConfiguration{publicTier, isolatedTier}, isolated,
			RegionalNatGateway(&RegionalNatGatewayOptions{AllocationIds: map[string][]string{"us-east-1a": {"eipalloc-0000000000000000a"}}}),
			[]string{"NatProvider.AllocationIds = {us-east-1a}: needs the VPC's Availability Zone names at synth time"}},
		{"zonal providers shape a new VPC only", []*awsec2.SubnetConfiguration{publicTier, isolatedTier}, isolated, NatInstances(nil),
			[]string{"NatProvider = set: shapes a new VPC and cannot apply to the existing VPC given in Vpc"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := synthExisting(t, c.subnets, c.sel, c.provider)
			if err == nil {
				t.Fatal("want a validation error, got none")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
