package netcheck

import (
	"bytes"
	"strings"
	"testing"
)

// ackTemplate is one function in two private subnets of two AZs behind one
// NAT gateway (a single-nat warning) whose security group allows nothing
// to the internet (a security-group failure); ack is the function's
// Metadata, natAck the NAT gateway's.
func ackTemplate(ack, natAck string) string {
	return `Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Igw: {Type: AWS::EC2::InternetGateway}
  Att: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
  Pub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.9.0/24, AvailabilityZone: !Select [0, !GetAZs '']}}
  PubRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  PubRoute: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref PubRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
  PubAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Pub, RouteTableId: !Ref PubRt}}
  Eip: {Type: AWS::EC2::EIP, Properties: {Domain: vpc}}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref Pub, AllocationId: !GetAtt Eip.AllocationId}
` + natAck + `
  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  Route: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [0, !GetAZs '']}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: !Select [1, !GetAZs '']}}
  AAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref A, RouteTableId: !Ref Rt}}
  BAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref B, RouteTableId: !Ref Rt}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: only the VPC
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{IpProtocol: '-1', CidrIp: 10.0.0.0/16}]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig: {SubnetIds: [!Ref A, !Ref B], SecurityGroupIds: [!Ref Sg]}
` + ack
}

func runAck(t *testing.T, tpl string) (*Report, error) {
	t.Helper()
	parsed, err := ParseTemplate([]byte(tpl), "ack.yaml")
	if err != nil {
		return nil, err
	}
	f, err := FromTemplate(parsed, "ack.yaml")
	if err != nil {
		return nil, err
	}
	return Analyze(f, DefaultDestination, "")
}

func TestAcknowledgements(t *testing.T) {
	// Nothing acknowledged: the security group fails, single-nat warns.
	r, err := runAck(t, ackTemplate("", ""))
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitStatus() != 1 || r.Find(CheckSecurityGroup, Fail) == nil {
		t.Fatalf("want the security group to fail: exit %d", r.ExitStatus())
	}
	if w := warning(r, CheckSingleNat); w == nil || w.Acknowledged != "" {
		t.Fatalf("want an unacknowledged single-nat warning, got %+v", w)
	}

	// The function acknowledges its security group's failure, the NAT
	// gateway its single-AZ warning: the verdicts stay, the reasons are
	// printed, the exit status and the summary ignore them.
	fnAck := `    Metadata:
      netcheck:
        acknowledge:
          - {check: security-group, reason: the function only talks to the VPC}
`
	natAck := `    Metadata:
      netcheck:
        acknowledge:
          - {check: single-nat, reason: a test stack needs no AZ resilience}
`
	r, err = runAck(t, ackTemplate(fnAck, natAck))
	if err != nil {
		t.Fatal(err)
	}
	sg := r.Find(CheckSecurityGroup)
	if sg == nil || sg.Status != Fail || sg.Acknowledged != "the function only talks to the VPC" {
		t.Fatalf("security-group: %+v", sg)
	}
	if w := warning(r, CheckSingleNat); w == nil || w.Acknowledged != "a test stack needs no AZ resilience" {
		t.Fatalf("single-nat: %+v", w)
	}
	if r.ExitStatus() != 0 {
		t.Errorf("exit %d, want 0 with every failure acknowledged", r.ExitStatus())
	}
	var out bytes.Buffer
	r.WriteText(&out)
	for _, want := range []string{"acknowledged: the function only talks to the VPC", "acknowledged: a test stack needs no AZ resilience", "REACHABLE: 1 function(s), 2 subnet(s), 0 blocked, 0 warning(s)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("want %q in:\n%s", want, out.String())
		}
	}

	// An acknowledgement without a reason is refused.
	_, err = runAck(t, ackTemplate("    Metadata: {netcheck: {acknowledge: [{check: security-group}]}}\n", ""))
	if err == nil || !strings.Contains(err.Error(), "needs a check name and a reason") {
		t.Errorf("want the missing reason refused, got %v", err)
	}
}

func warning(r *Report, name string) *Check {
	for fi := range r.Functions {
		for i := range r.Functions[fi].Warnings {
			if w := &r.Functions[fi].Warnings[i]; w.Name == name {
				return w
			}
		}
	}
	return nil
}
