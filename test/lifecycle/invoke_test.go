//go:build lifecycle

package lifecycle

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpclambda/vpclambda/internal/localaws"
)

// twinCommand builds the VPC twin the emulator answers Lambda Invoke with.
// Where the twin cannot run (not root) the invocations are skipped, and
// said so; in CI (root) it must run.
func twinCommand(t *testing.T, dir string) string {
	t.Helper()
	cmd, err := localaws.BuildTwin(context.Background(), dir, t.TempDir())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the VPC twin must run in CI: %v", err)
		}
		t.Logf("NOT PROVEN: the invocations cannot run (the emulator's Lambda Invoke runs the function in the VPC twin): %v; the test will end skipped, not passed", err)
		return ""
	}
	return cmd
}

// natElasticIPs are the public IPs of the VPC's NAT devices, as EC2
// describes them: its NAT gateways' addresses and its instances' public
// IPs (NAT instances).
func natElasticIPs(ctx context.Context, c *clients, vpc string) ([]string, error) {
	vf := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}
	out, err := c.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: vf})
	if err != nil {
		return nil, err
	}
	var ips []string
	for _, n := range out.NatGateways {
		for _, a := range n.NatGatewayAddresses {
			if ip := aws.ToString(a.PublicIp); ip != "" {
				ips = append(ips, ip)
			}
		}
	}
	insts, err := c.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: vf})
	if err != nil {
		return nil, err
	}
	for _, r := range insts.Reservations {
		for _, i := range r.Instances {
			if ip := aws.ToString(i.PublicIpAddress); ip != "" {
				ips = append(ips, ip)
			}
		}
	}
	return ips, nil
}

// invokeAnswersNatIP invokes the function through the emulator's Lambda
// API: its publicIp must be the NAT gateway's Elastic IP, the one the
// stack's NatPublicIps output names.
func invokeAnswersNatIP(ctx context.Context, c *clients, outputs map[string]string) error {
	if !c.twin {
		return nil
	}
	r, err := localaws.Invoke(ctx, c.cfg, outputs["FunctionName"], outputs["NatPublicIps"])
	if err != nil {
		return err
	}
	ips, err := natElasticIPs(ctx, c, outputs["VpcId"])
	if err != nil {
		return err
	}
	if !r.Pass || !slices.Contains(ips, r.PublicIP) {
		return fmt.Errorf("the function answered %s; want a deployed NAT device's public address %v", r, ips)
	}
	return nil
}

// invokeFailsFast invokes the function with its subnets' route to the NAT
// gateway deleted: the handler's error must come well within the function's
// timeout and name what to check.
func invokeFailsFast(ctx context.Context, c *clients, outputs map[string]string) error {
	if !c.twin {
		return nil
	}
	r, err := localaws.Invoke(ctx, c.cfg, outputs["FunctionName"], outputs["NatPublicIps"])
	if err != nil {
		return err
	}
	if r.Pass || r.Error == "" {
		return fmt.Errorf("the function answered %s with the route deleted; want the handler's error", r)
	}
	if !strings.Contains(r.Error, "route to the NAT gateway") {
		return fmt.Errorf("the handler's error %q does not name the route to check", r.Error)
	}
	if r.Elapsed > 10*time.Second {
		return fmt.Errorf("the failed invocation took %s; want it to fail fast", r.Elapsed)
	}
	return nil
}
