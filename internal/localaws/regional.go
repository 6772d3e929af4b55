package localaws

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// NatPublicIPs is what the deployed function's publicIp must be one of: the
// stack's NatPublicIps output, or for a regional NAT gateway in automatic
// mode (whose addresses AWS chooses, so the template cannot name them) the
// gateway's addresses as DescribeNatGateways lists them, one per AZ it
// serves (the function answers with the address of its subnet's AZ).
func NatPublicIPs(ctx context.Context, cfg aws.Config, outputs map[string]string) (string, error) {
	if ips := outputs["NatPublicIps"]; ips != "" {
		return ips, nil
	}
	id := outputs["RegionalNatGatewayId"]
	if id == "" {
		return "", nil
	}
	out, err := ec2.NewFromConfig(cfg).DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	if err != nil {
		return "", fmt.Errorf("reading regional NAT gateway %s: %w", id, err)
	}
	var ips []string
	for _, n := range out.NatGateways {
		for _, a := range n.NatGatewayAddresses {
			if ip := aws.ToString(a.PublicIp); ip != "" {
				ips = append(ips, ip)
			}
		}
	}
	if len(ips) == 0 {
		return "", fmt.Errorf("regional NAT gateway %s has no address", id)
	}
	return strings.Join(ips, ","), nil
}
