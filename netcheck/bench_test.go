package netcheck

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
)

// largeTemplate writes a YAML template of fns functions, each in subnets
// private subnets (fns*subnets paths), in the style people write: short
// tags, a parameter, Fn::Sub, Fn::Select/Fn::GetAZs, one NAT gateway, a
// security group and a role per function, and enough environment per
// function that 1,000 functions make about 5 MB.
func largeTemplate(fns, subnets int) string {
	var b strings.Builder
	w := func(format string, a ...interface{}) { fmt.Fprintf(&b, format, a...) }
	w("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env:\n    Type: String\n    Default: prod\nResources:\n")
	w("  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n")
	w("  Igw:\n    Type: AWS::EC2::InternetGateway\n  Att:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref Igw\n")
	w("  Pub:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.200.0/24\n      AvailabilityZone: !Select [0, !GetAZs '']\n")
	w("  PubRt:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  PubRoute:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref PubRt\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n")
	w("  PubAssoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Pub\n      RouteTableId: !Ref PubRt\n")
	w("  Eip:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n  Nat:\n    Type: AWS::EC2::NatGateway\n    Properties:\n      SubnetId: !Ref Pub\n      AllocationId: !GetAtt Eip.AllocationId\n")
	w("  PrivRt:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  PrivRoute:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref PrivRt\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: !Ref Nat\n")
	for i := 0; i < subnets; i++ {
		w("  Priv%d:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.%d.0/24\n      AvailabilityZone: !Select [%d, !GetAZs '']\n", i, i, i%3)
		w("  Priv%dAssoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Priv%d\n      RouteTableId: !Ref PrivRt\n", i, i)
	}
	for f := 0; f < fns; f++ {
		w("  Fn%dSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: !Sub 'function %d in ${Env}'\n      VpcId: !Ref Vpc\n      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 0.0.0.0/0\n", f, f)
		w("  Fn%dRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Service: lambda.amazonaws.com\n            Action: sts:AssumeRole\n      ManagedPolicyArns:\n        - !Sub 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'\n", f)
		w("  Fn%d:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Sub '${Env}-fn-%d'\n      Runtime: provided.al2023\n      Handler: bootstrap\n      Role: !GetAtt Fn%dRole.Arn\n      Code:\n        S3Bucket: !Sub 'artifacts-${AWS::AccountId}'\n        S3Key: fn%d.zip\n      Environment:\n        Variables:\n", f, f, f, f)
		for k := 0; k < 50; k++ {
			w("          VAR_%d: value-%d-%s\n", k, k, strings.Repeat("x", 40))
		}
		w("      VpcConfig:\n        SecurityGroupIds:\n          - !GetAtt Fn%dSg.GroupId\n        SubnetIds:\n", f)
		for i := 0; i < subnets; i++ {
			w("          - !Ref Priv%d\n", i)
		}
	}
	return b.String()
}

// BenchmarkLargeTemplate reads and checks a YAML template of 1,000
// functions x 10 subnets (10,000 paths, about 5 MB) in process: parse,
// facts, analysis and the text report.
//
//	go test ./netcheck -run '^$' -bench LargeTemplate -benchtime 5x
func BenchmarkLargeTemplate(b *testing.B) {
	data := []byte(largeTemplate(1000, 10))
	b.ReportMetric(float64(len(data))/(1<<20), "MB-template")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := ParseTemplate(data, "large.yaml")
		if err != nil {
			b.Fatal(err)
		}
		f, err := FromTemplate(t, "large.yaml")
		if err != nil {
			b.Fatal(err)
		}
		r, err := AnalyzeWith(f, DefaultDestination, "", AnalyzeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		r.WriteText(io.Discard)
		if r.ExitStatus() != 0 {
			b.Fatalf("exit %d: %s", r.ExitStatus(), r.Summary())
		}
	}
}

// BenchmarkLargeTemplateCommand runs the netcheck command, as a user does,
// on the same template and reports its wall time and its peak resident
// memory (the kernel's maxrss of the process).
//
//	go test ./netcheck -run '^$' -bench 'LargeTemplateCommand$' -benchtime 5x
func BenchmarkLargeTemplateCommand(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("maxrss is read from Linux's rusage")
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "large.yaml")
	if err := os.WriteFile(path, []byte(largeTemplate(1000, 10)), 0o644); err != nil {
		b.Fatal(err)
	}
	// Linux carries the resident high-water mark of the process that
	// execs into the new program (Go starts commands with vfork, so that
	// is this process's): the command's maxrss is only its own while this
	// process stays small. Give back what generating the template took,
	// and refuse to report after a benchmark that grew this process.
	debug.FreeOSMemory()
	var self syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err == nil && self.Maxrss > 64<<10 {
		b.Skipf("this test process already peaked at %d MB, which the command's maxrss would report: run this benchmark alone (-bench 'LargeTemplateCommand$')", self.Maxrss>>10)
	}
	bin := filepath.Join(dir, "netcheck")
	build := exec.Command("go", "build", "-o", bin, "../cmd/netcheck")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var peak int64
	var wall time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, path)
		cmd.Stdout = io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("netcheck: %v", err)
		}
		wall += time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
			peak = ru.Maxrss
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s/run")
}
