//go:build lifecycle

package lifecycle

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

// netcheck's deployed-only checks, read back through the AWS SDK from a
// network built with the EC2 API in the emulator: the healthy path passes
// (function Active, default tenancy), a function in a VPC with dedicated
// tenancy fails, and a route left behind by a deleted NAT gateway is a
// blackhole.
func TestNetcheckDeployedOnlyChecks(t *testing.T) {
	dir := root(t)
	ctx := context.Background()
	emu := startEmulator(t, dir)
	cfg, err := emu.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, lam, im := ec2.NewFromConfig(cfg), lambda.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	role, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn-role"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	must("role", err)
	_, err = im.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("fn-role"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")})
	must("managed policy", err)
	var code bytes.Buffer
	zw := zip.NewWriter(&code)
	w, _ := zw.Create("bootstrap")
	w.Write([]byte("#!/bin/sh\n"))
	zw.Close()

	// network builds a VPC with the reference topology and a function in
	// its two private subnets; it returns the function's name and the NAT
	// gateway.
	network := func(name, tenancy string) (string, string) {
		vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"), InstanceTenancy: ec2types.Tenancy(tenancy)})
		must("vpc", err)
		vpcID := aws.ToString(vpc.Vpc.VpcId)
		subnet := func(cidr, az string) string {
			s, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(az)})
			must("subnet", err)
			return aws.ToString(s.Subnet.SubnetId)
		}
		pub, a, b := subnet("10.0.255.0/24", "us-east-1a"), subnet("10.0.0.0/20", "us-east-1a"), subnet("10.0.16.0/20", "us-east-1b")
		igw, err := e.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})
		must("igw", err)
		igwID := aws.ToString(igw.InternetGateway.InternetGatewayId)
		_, err = e.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(igwID), VpcId: aws.String(vpcID)})
		must("attach", err)
		eip, err := e.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
		must("eip", err)
		nat, err := e.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(pub), AllocationId: eip.AllocationId})
		must("nat", err)
		natID := aws.ToString(nat.NatGateway.NatGatewayId)
		table := func(route func(*ec2.CreateRouteInput), subnets ...string) {
			rt, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(vpcID)})
			must("route table", err)
			in := &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0")}
			route(in)
			_, err = e.CreateRoute(ctx, in)
			must("route", err)
			for _, s := range subnets {
				_, err = e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(s)})
				must("association", err)
			}
		}
		table(func(in *ec2.CreateRouteInput) { in.GatewayId = aws.String(igwID) }, pub)
		table(func(in *ec2.CreateRouteInput) { in.NatGatewayId = aws.String(natID) }, a, b)
		sg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(vpcID)})
		must("security group", err)
		_, err = lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Role: role.Role.Arn,
			Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Code: &lambdatypes.FunctionCode{ZipFile: code.Bytes()},
			VpcConfig: &lambdatypes.VpcConfig{SubnetIds: []string{a, b}, SecurityGroupIds: []string{aws.ToString(sg.GroupId)}}})
		must("function", err)
		return name, natID
	}
	inspect := func(fn string) *netcheck.Report {
		t.Helper()
		facts, err := awsfacts.NewClients(cfg).Load(ctx, "emulator", []string{fn})
		must("reading the facts", err)
		r, err := netcheck.Analyze(facts, netcheck.DefaultDestination, "")
		must("analysis", err)
		return r
	}
	text := func(r *netcheck.Report) string {
		var b strings.Builder
		r.WriteText(&b)
		return b.String()
	}
	healthy, nat := network("healthy", "default")
	r := inspect(healthy)
	if !r.Reachable {
		t.Fatalf("the healthy network must pass:\n%s", text(r))
	}
	for _, n := range []string{netcheck.CheckVpcTenancy, netcheck.CheckFunctionState} {
		if c := r.Find(n); c == nil || c.Status != netcheck.Pass {
			t.Errorf("want PASS %s (the emulator reports the function Active, the VPC default):\n%s", n, text(r))
		}
	}

	dedicated, _ := network("dedicated", "dedicated")
	r = inspect(dedicated)
	if c := r.Find(netcheck.CheckVpcTenancy); r.Reachable || c == nil || c.Status != netcheck.Fail || !strings.Contains(c.Reason, "dedicated instance tenancy") {
		t.Errorf("want FAIL vpc-tenancy:\n%s", text(r))
	}

	_, err = e.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(nat)})
	must("deleting the NAT gateway", err)
	r = inspect(healthy)
	if c := r.Find(netcheck.CheckRoute); r.Reachable || c == nil || c.Status != netcheck.Fail || !strings.Contains(c.Reason, "blackhole: route 0.0.0.0/0 -> "+nat) {
		t.Errorf("want FAIL route (blackhole):\n%s", text(r))
	}
}
