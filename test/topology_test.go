package test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// expected counts per variant: azs, NAT gateways, functions.
var shapes = map[string]struct{ azs, nats, fns int }{
	"app":              {2, 1, 1},
	"threeAzs":         {3, 1, 1},
	"natPerAz":         {3, 3, 1},
	"severalFunctions": {2, 1, 3},
}

func sortedNames(t *testing.T) []string {
	var names []string
	for n := range shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func TestResourceCounts(t *testing.T) {
	for _, name := range sortedNames(t) {
		s := shapes[name]
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			want := map[string]int{
				"AWS::EC2::VPC":                                  1,
				"AWS::EC2::InternetGateway":                      1,
				"AWS::EC2::VPCGatewayAttachment":                 1,
				"AWS::EC2::Subnet":                               s.azs + s.nats,
				"AWS::EC2::NatGateway":                           s.nats,
				"AWS::EC2::EIP":                                  s.nats,
				"AWS::EC2::RouteTable":                           1 + s.nats,
				"AWS::EC2::Route":                                1 + s.nats,
				"AWS::EC2::SubnetRouteTableAssociation":          s.azs + s.nats,
				"AWS::EC2::NetworkAcl":                           2,
				"AWS::EC2::NetworkAclEntry":                      8,
				"AWS::EC2::SubnetNetworkAclAssociation":          s.azs + s.nats,
				"AWS::EC2::SecurityGroup":                        1,
				"AWS::IAM::Role":                                 s.fns + 1,   // and the flow log's
				"AWS::IAM::ManagedPolicy":                        2*s.fns + 1, // each function's deny and tracing permission, the flow log's permission
				"AWS::Lambda::Function":                          s.fns,
				"AWS::Logs::LogGroup":                            s.fns + 1,
				"AWS::CloudWatch::Alarm":                         2 * s.nats,
				"AWS::IAM::Policy":                               0,
				"AWS::CloudFormation::CustomResource":            0,
				"Custom::LogRetention":                           0,
				"Custom::VpcRestrictDefaultSG":                   0,
				"AWS::EC2::SecurityGroupIngress":                 0,
				"AWS::EC2::SecurityGroupEgress":                  0,
				"AWS::EC2::VPCEndpoint":                          2, // S3 and DynamoDB gateway endpoints, by default
				"AWS::EC2::FlowLog":                              1,
				"AWS::EC2::EgressOnlyInternetGateway":            0,
				"AWS::EC2::NetworkInterface":                     0,
				"AWS::Lambda::Permission":                        0,
				"AWS::EC2::TransitGatewayAttachment":             0,
				"AWS::EC2::VPNGateway":                           0,
				"AWS::EC2::VPCCidrBlock":                         0,
				"AWS::EC2::SubnetCidrBlock":                      0,
				"AWS::EC2::LocalGatewayRouteTableVPCAssociation": 0,
			}
			must(t, func() {
				for typ, n := range want {
					f.Template.ResourceCountIs(jsii.String(typ), jsii.Number(n))
				}
			})
			for id, r := range f.JSON["Resources"].(map[string]interface{}) {
				if typ := r.(map[string]interface{})["Type"].(string); strings.HasPrefix(typ, "Custom::") {
					t.Errorf("%s is a custom resource (%s); the stack must have none", id, typ)
				}
			}
		})
	}
}

func TestVpc(t *testing.T) {
	f := get(t, "app")
	must(t, func() {
		f.Template.HasResourceProperties(jsii.String("AWS::EC2::VPC"), map[string]interface{}{
			"CidrBlock":          vpclambda.DefaultVpcCidr,
			"EnableDnsSupport":   true,
			"EnableDnsHostnames": true,
		})
	})
	vpc := f.resources("AWS::EC2::VPC")[0]
	igw := f.resources("AWS::EC2::InternetGateway")[0]
	att := f.props(f.resources("AWS::EC2::VPCGatewayAttachment")[0])
	if ref(att["VpcId"]) != vpc || ref(att["InternetGatewayId"]) != igw {
		t.Fatalf("the internet gateway must be attached to the VPC: %s", pretty(att))
	}
}

// tiers splits the subnets into public and private by their CIDR position
// (public from the end of the block) and checks every subnet is in the VPC.
func tiers(t testing.TB, f *fixture) (public, private []string) {
	vpc := f.resources("AWS::EC2::VPC")[0]
	for _, id := range f.resources("AWS::EC2::Subnet") {
		p := f.props(id)
		if ref(p["VpcId"]) != vpc {
			t.Errorf("subnet %s is not in the VPC", id)
		}
		if p["MapPublicIpOnLaunch"] != false {
			t.Errorf("subnet %s must not map public IPs on launch", id)
		}
		if strings.Contains(id, "Public") {
			public = append(public, id)
		} else {
			private = append(private, id)
		}
	}
	return public, private
}

func TestSubnetsAndAzs(t *testing.T) {
	for _, name := range sortedNames(t) {
		s := shapes[name]
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			public, private := tiers(t, f)
			if len(private) != s.azs || len(public) != s.nats {
				t.Fatalf("want %d private and %d public subnets, got %v %v", s.azs, s.nats, private, public)
			}
			seen := map[string]bool{}
			for i, id := range private {
				p := f.props(id)
				az := pretty(p["AvailabilityZone"])
				if seen[az] {
					t.Errorf("private subnet %s shares its AZ %s with another private subnet", id, az)
				}
				seen[az] = true
				want := fmt.Sprintf(`{"Fn::Select":[%d,{"Fn::GetAZs":""}]}`, i)
				if got := strings.Join(strings.Fields(az), ""); got != want {
					t.Errorf("private subnet %s: AZ %s, want %s", id, got, want)
				}
				if p["CidrBlock"] != fmt.Sprintf("10.0.%d.0/20", 16*i) {
					t.Errorf("private subnet %s: CIDR %v", id, p["CidrBlock"])
				}
			}
			for j, id := range public {
				if got := f.props(id)["CidrBlock"]; got != fmt.Sprintf("10.0.%d.0/24", 255-j) {
					t.Errorf("public subnet %s: CIDR %v", id, got)
				}
			}
		})
	}
}

// routeTableOf returns the route table associated with a subnet.
func routeTableOf(t testing.TB, f *fixture, subnet string) string {
	var rts []string
	for _, a := range f.resources("AWS::EC2::SubnetRouteTableAssociation") {
		if ref(f.props(a)["SubnetId"]) == subnet {
			rts = append(rts, ref(f.props(a)["RouteTableId"]))
		}
	}
	if len(rts) != 1 {
		t.Fatalf("subnet %s has %d route table associations, want 1", subnet, len(rts))
	}
	return rts[0]
}

// defaultRoute returns the 0.0.0.0/0 route of a route table.
func defaultRoute(t testing.TB, f *fixture, rt string) (string, map[string]interface{}) {
	var found []string
	for _, r := range f.resources("AWS::EC2::Route") {
		if ref(f.props(r)["RouteTableId"]) == rt && f.props(r)["DestinationCidrBlock"] == "0.0.0.0/0" {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("route table %s has %d default routes, want 1", rt, len(found))
	}
	return found[0], f.props(found[0])
}

func TestRoutes(t *testing.T) {
	for _, name := range sortedNames(t) {
		s := shapes[name]
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			public, private := tiers(t, f)
			igw := f.resources("AWS::EC2::InternetGateway")[0]
			att := f.resources("AWS::EC2::VPCGatewayAttachment")[0]
			publicRT := routeTableOf(t, f, public[0])
			for _, sn := range public {
				if rt := routeTableOf(t, f, sn); rt != publicRT {
					t.Errorf("public subnet %s uses route table %s, want the public table %s", sn, rt, publicRT)
				}
			}
			id, route := defaultRoute(t, f, publicRT)
			if ref(route["GatewayId"]) != igw || len(route) != 3 {
				t.Errorf("public default route must go to the internet gateway only: %s", pretty(route))
			}
			if !f.dependsOn(id)[att] {
				t.Errorf("public default route %s must depend on the gateway attachment", id)
			}

			// Every private subnet: 0.0.0.0/0 -> a NAT gateway that sits in a
			// public subnet, in the subnet's own AZ when there is one per AZ.
			natSubnet := map[string]string{}
			for _, nat := range f.resources("AWS::EC2::NatGateway") {
				p := f.props(nat)
				natSubnet[nat] = ref(p["SubnetId"])
				if ref(p["AllocationId"]) == "" || f.resource(ref(p["AllocationId"]))["Type"] != "AWS::EC2::EIP" {
					t.Errorf("NAT gateway %s has no Elastic IP", nat)
				}
			}
			tables := map[string]bool{}
			for i, sn := range private {
				rt := routeTableOf(t, f, sn)
				tables[rt] = true
				if rt == publicRT {
					t.Fatalf("private subnet %s uses the public route table", sn)
				}
				_, route := defaultRoute(t, f, rt)
				nat := ref(route["NatGatewayId"])
				if nat == "" || len(route) != 3 {
					t.Fatalf("private subnet %s: default route must go to a NAT gateway only: %s", sn, pretty(route))
				}
				if !strings.Contains(natSubnet[nat], "Public") {
					t.Errorf("NAT gateway %s is not in a public subnet", nat)
				}
				if s.nats == s.azs {
					if got, want := pretty(f.props(natSubnet[nat])["AvailabilityZone"]), pretty(f.props(sn)["AvailabilityZone"]); got != want {
						t.Errorf("private subnet %s routes to a NAT gateway in another AZ", sn)
					}
				}
				_ = i
			}
			if len(tables) != s.nats {
				t.Errorf("want %d private route table(s), got %d", s.nats, len(tables))
			}
			if s.nats == 1 && len(f.resources("AWS::EC2::RouteTable")) != 2 {
				t.Errorf("the default layout has exactly two route tables")
			}
		})
	}
}

func TestElasticIpAndNat(t *testing.T) {
	f := get(t, "app")
	att := f.resources("AWS::EC2::VPCGatewayAttachment")[0]
	must(t, func() {
		f.Template.HasResourceProperties(jsii.String("AWS::EC2::EIP"), map[string]interface{}{"Domain": "vpc"})
		f.Template.HasResourceProperties(jsii.String("AWS::EC2::NatGateway"), map[string]interface{}{"ConnectivityType": "public"})
	})
	eip := f.resources("AWS::EC2::EIP")[0]
	if !f.dependsOn(eip)[att] {
		t.Errorf("the Elastic IP must depend on the gateway attachment")
	}
}

type naclEntry struct {
	Egress   bool
	Rule     float64
	Protocol float64
	Cidr     string
	From, To float64
	Action   string
}

func TestNetworkAcls(t *testing.T) {
	for _, name := range sortedNames(t) {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			public, private := tiers(t, f)
			aclOf := func(subnet string) string {
				var acls []string
				for _, a := range f.resources("AWS::EC2::SubnetNetworkAclAssociation") {
					if ref(f.props(a)["SubnetId"]) == subnet {
						acls = append(acls, ref(f.props(a)["NetworkAclId"]))
					}
				}
				if len(acls) != 1 {
					t.Fatalf("subnet %s has %d network ACL associations", subnet, len(acls))
				}
				return acls[0]
			}
			entries := func(acl string) []naclEntry {
				var out []naclEntry
				for _, e := range f.resources("AWS::EC2::NetworkAclEntry") {
					p := f.props(e)
					if ref(p["NetworkAclId"]) != acl {
						continue
					}
					ne := naclEntry{Egress: p["Egress"] == true, Rule: p["RuleNumber"].(float64), Protocol: p["Protocol"].(float64),
						Cidr: p["CidrBlock"].(string), Action: p["RuleAction"].(string)}
					if pr, ok := p["PortRange"].(map[string]interface{}); ok {
						ne.From, ne.To = pr["From"].(float64), pr["To"].(float64)
					}
					out = append(out, ne)
				}
				sort.Slice(out, func(i, j int) bool {
					if out[i].Egress != out[j].Egress {
						return !out[i].Egress
					}
					return out[i].Rule < out[j].Rule
				})
				return out
			}
			vpcCidr := vpclambda.DefaultVpcCidr
			// The same rules for both tiers, spelled out here rather than
			// derived from the construct's own tables.
			want := []naclEntry{
				{false, 100, -1, vpcCidr, 0, 0, "allow"},
				{false, 200, 6, "0.0.0.0/0", 1024, 65535, "allow"},
				{false, 210, 17, "0.0.0.0/0", 1024, 65535, "allow"},
				{true, 100, -1, "0.0.0.0/0", 0, 0, "allow"},
			}
			privACL := aclOf(private[0])
			for _, sn := range private {
				if aclOf(sn) != privACL {
					t.Errorf("private subnet %s has another network ACL", sn)
				}
			}
			pubACL := aclOf(public[0])
			for _, sn := range public {
				if aclOf(sn) != pubACL {
					t.Errorf("public subnet %s has another network ACL", sn)
				}
			}
			if privACL == pubACL {
				t.Fatal("the private and public tiers must have their own network ACLs")
			}
			for tier, acl := range map[string]string{"private": privACL, "public": pubACL} {
				if got := entries(acl); !reflect.DeepEqual(got, want) {
					t.Errorf("%s network ACL entries:\n got %+v\nwant %+v", tier, got, want)
				}
			}
		})
	}
}

func TestSecurityGroup(t *testing.T) {
	f := get(t, "app")
	sg := f.resources("AWS::EC2::SecurityGroup")[0]
	p := f.props(sg)
	if _, ok := p["SecurityGroupIngress"]; ok {
		t.Errorf("the function's security group must have no inbound rules: %s", pretty(p))
	}
	want := []interface{}{map[string]interface{}{"CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic by default", "IpProtocol": "-1"}}
	if !reflect.DeepEqual(p["SecurityGroupEgress"], want) {
		t.Errorf("default egress must be all traffic: %s", pretty(p["SecurityGroupEgress"]))
	}

	restricted := get(t, "natPerAz")
	egress := restricted.props(restricted.resources("AWS::EC2::SecurityGroup")[0])["SecurityGroupEgress"]
	wantRestricted := []interface{}{map[string]interface{}{
		"CidrIp": "0.0.0.0/0", "Description": "to the internet on 443", "IpProtocol": "tcp", "FromPort": 443.0, "ToPort": 443.0,
	}}
	if !reflect.DeepEqual(egress, wantRestricted) {
		t.Errorf("AllowedEgress 443 must be the only egress rule: %s", pretty(egress))
	}
}

func TestRoleAndDenyPolicy(t *testing.T) {
	for _, name := range []string{"app", "severalFunctions", "existingVpc"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			var roles []string
			for _, r := range f.resources("AWS::IAM::Role") {
				if strings.Contains(pretty(f.props(r)["AssumeRolePolicyDocument"]), "lambda.amazonaws.com") {
					roles = append(roles, r)
				}
			}
			fns := f.resources("AWS::Lambda::Function")
			if len(roles) != len(fns) {
				t.Fatalf("want one role per function: %v %v", roles, fns)
			}
			for _, fn := range fns {
				fp := f.props(fn)
				role := ref(fp["Role"])
				rp := f.props(role)
				wantTrust := map[string]interface{}{"Version": "2012-10-17", "Statement": []interface{}{map[string]interface{}{
					"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]interface{}{"Service": "lambda.amazonaws.com"},
				}}}
				if !reflect.DeepEqual(rp["AssumeRolePolicyDocument"], wantTrust) {
					t.Errorf("%s: trust policy must let only Lambda assume the role: %s", role, pretty(rp["AssumeRolePolicyDocument"]))
				}
				managed := pretty(rp["ManagedPolicyArns"])
				if strings.Count(managed, "arn:") != 1 || !strings.Contains(managed, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole") {
					t.Errorf("%s: managed policies must be exactly AWSLambdaVPCAccessExecutionRole: %s", role, managed)
				}
				name := fp["FunctionName"].(string)
				wantStatement := map[string]interface{}{
					"Sid":    "DenyEniApisToFunctionCode",
					"Effect": "Deny",
					// Sorted: aws-cdk-lib orders a statement's actions under
					// the recommended feature flags (the order has no meaning
					// in IAM).
					"Action": []interface{}{"ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
						"ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface", "ec2:UnassignPrivateIpAddresses"},
					"Resource": "*",
					"Condition": map[string]interface{}{"ArnEquals": map[string]interface{}{"lambda:SourceFunctionArn": map[string]interface{}{
						"Fn::Join": []interface{}{"", []interface{}{"arn:", map[string]interface{}{"Ref": "AWS::Partition"}, ":lambda:",
							map[string]interface{}{"Ref": "AWS::Region"}, ":", map[string]interface{}{"Ref": "AWS::AccountId"}, ":function:" + name}},
					}}},
				}
				if rp["Policies"] != nil {
					t.Errorf("%s: the role must have no inline policy (IAMNoInlinePolicy): %s", role, pretty(rp["Policies"]))
				}
				// The deny: one customer managed policy attached to this
				// role, holding exactly the statement, created before the
				// function.
				var denies []string
				for _, mp := range f.resources("AWS::IAM::ManagedPolicy") {
					roles, _ := f.props(mp)["Roles"].([]interface{})
					if len(roles) == 1 && ref(roles[0]) == role && strings.Contains(pretty(f.props(mp)["PolicyDocument"]), "DenyEniApisToFunctionCode") {
						denies = append(denies, mp)
					}
				}
				if len(denies) != 1 {
					t.Fatalf("%s: want one managed policy attached to it, got %v", role, denies)
				}
				wantDoc := map[string]interface{}{"Version": "2012-10-17", "Statement": []interface{}{wantStatement}}
				if got := f.props(denies[0])["PolicyDocument"]; !reflect.DeepEqual(got, wantDoc) {
					t.Errorf("%s: deny policy:\n got %s\nwant %s", denies[0], pretty(got), pretty(wantDoc))
				}
				if !f.dependsOn(fn)[denies[0]] {
					t.Errorf("%s must depend on its deny policy %s (the deny is in force before it runs)", fn, denies[0])
				}
			}
		})
	}
}

func TestFunction(t *testing.T) {
	for _, name := range []string{"app", "threeAzs", "severalFunctions", "existingVpc"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			sg := f.resources("AWS::EC2::SecurityGroup")
			var private []string
			for _, sn := range f.VL.PrivateSubnets {
				private = append(private, pretty(f.Stack.Resolve(sn.SubnetId())))
			}
			if len(private) < 2 {
				t.Fatalf("want at least two private subnets, got %v", private)
			}
			names := map[string]bool{}
			for _, fn := range f.resources("AWS::Lambda::Function") {
				p := f.props(fn)
				if p["Runtime"] != "provided.al2023" || p["Handler"] != "bootstrap" || pretty(p["Architectures"]) != pretty([]string{"arm64"}) {
					t.Errorf("%s: runtime/handler/architecture: %v %v %v", fn, p["Runtime"], p["Handler"], p["Architectures"])
				}
				if p["Timeout"] != 30.0 {
					t.Errorf("%s: timeout %v", fn, p["Timeout"])
				}
				vc := p["VpcConfig"].(map[string]interface{})
				var got []string
				for _, s := range vc["SubnetIds"].([]interface{}) {
					got = append(got, pretty(s))
				}
				if !reflect.DeepEqual(got, private) {
					t.Errorf("%s: VpcConfig.SubnetIds = %v, want every private subnet %v", fn, got, private)
				}
				sgs := vc["SecurityGroupIds"].([]interface{})
				if len(sgs) != 1 || ref(sgs[0]) != sg[0] {
					t.Errorf("%s: VpcConfig.SecurityGroupIds = %v, want the shared %s", fn, sgs, sg[0])
				}
				if vc["Ipv6AllowedForDualStack"] != nil {
					t.Errorf("%s: IPv4-only network must not set Ipv6AllowedForDualStack", fn)
				}
				n := p["FunctionName"].(string)
				if names[n] || len(n) > 64 {
					t.Errorf("%s: function name %q is duplicated or too long", fn, n)
				}
				names[n] = true
				// The log group: explicit, retained for a month, deleted with the stack.
				lg := ref(p["LoggingConfig"].(map[string]interface{})["LogGroup"])
				if f.resource(lg)["Type"] != "AWS::Logs::LogGroup" {
					t.Fatalf("%s: LoggingConfig.LogGroup must be the stack's log group", fn)
				}
				lp := f.props(lg)
				if lp["LogGroupName"] != "/aws/lambda/"+n || lp["RetentionInDays"] != 30.0 || f.resource(lg)["DeletionPolicy"] != "Delete" {
					t.Errorf("%s: log group %s", lg, pretty(f.resource(lg)))
				}
			}
		})
	}
}

func TestCreationAndDeletionOrder(t *testing.T) {
	for _, name := range []string{"app", "natPerAz", "threeAzs", "severalFunctions", "existingVpc"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			sg := f.resources("AWS::EC2::SecurityGroup")[0]
			for _, fn := range f.resources("AWS::Lambda::Function") {
				role := ref(f.props(fn)["Role"])
				// Deletion order: deleting runs creation order backwards, so the
				// role is deleted after everything created after it. The SG and
				// the function's subnets must be created after the role.
				if !f.dependsOn(sg)[role] {
					t.Errorf("security group %s must DependsOn role %s (role outlives the ENIs)", sg, role)
				}
				for _, s := range f.props(fn)["VpcConfig"].(map[string]interface{})["SubnetIds"].([]interface{}) {
					sn := ref(s)
					if name == "existingVpc" {
						continue // subnets of another construct: the SG dependency carries the order
					}
					if !f.dependsOn(sn)[role] {
						t.Errorf("subnet %s must DependsOn role %s", sn, role)
					}
				}
				if name == "existingVpc" {
					continue
				}
				// Creation order: the internet path exists before the function.
				for _, typ := range []string{"AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::NetworkAclEntry",
					"AWS::EC2::SubnetNetworkAclAssociation", "AWS::EC2::NatGateway", "AWS::EC2::VPCGatewayAttachment"} {
					for _, r := range f.resources(typ) {
						if !f.after(fn, r) {
							t.Errorf("function %s must be created after %s %s", fn, typ, r)
						}
					}
				}
				for _, r := range f.resources("AWS::EC2::Route") {
					if ref(f.props(r)["NatGatewayId"]) != "" && !f.dependsOn(fn)[r] {
						t.Errorf("function %s must DependsOn the private route %s", fn, r)
					}
				}
			}
		})
	}
}

func TestNoDependencyCycle(t *testing.T) {
	for name := range variants {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			e := f.edges()
			state := map[string]int{}
			var visit func(n string, path []string)
			visit = func(n string, path []string) {
				switch state[n] {
				case 1:
					t.Fatalf("dependency cycle: %s -> %s", strings.Join(path, " -> "), n)
				case 2:
					return
				}
				state[n] = 1
				for d := range e[n] {
					visit(d, append(path, n))
				}
				state[n] = 2
			}
			for n := range e {
				visit(n, nil)
			}
		})
	}
}

func TestOutputs(t *testing.T) {
	f := get(t, "app")
	outs := f.JSON["Outputs"].(map[string]interface{})
	for _, k := range []string{"FunctionName", "FunctionArn", "VpcId", "PrivateSubnetIds", "NatPublicIps", "InvokeCommand"} {
		if outs[k] == nil {
			t.Errorf("missing output %s", k)
		}
	}
	fn := f.resources("AWS::Lambda::Function")[0]
	cmd := pretty(outs["InvokeCommand"])
	if err := contains(cmd, "aws lambda invoke --function-name ", `"Ref": "`+fn+`"`, `"Ref": "AWS::Region"`); err != nil {
		t.Errorf("InvokeCommand: %v in %s", err, cmd)
	}
	eip := f.resources("AWS::EC2::EIP")[0]
	if ref(outs["NatPublicIps"].(map[string]interface{})["Value"]) != eip {
		t.Errorf("NatPublicIps must be the NAT gateway's Elastic IP: %s", pretty(outs["NatPublicIps"]))
	}
}

func TestTags(t *testing.T) {
	f := get(t, "app")
	must(t, func() {
		for _, typ := range []string{"AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::NatGateway", "AWS::Lambda::Function", "AWS::IAM::Role"} {
			f.Template.AllResourcesProperties(jsii.String(typ), map[string]interface{}{
				"Tags": assertions.Match_ArrayWith(&[]interface{}{map[string]interface{}{"Key": "Application", "Value": "vpc-lambda-internet"}}),
			})
		}
	})
}
