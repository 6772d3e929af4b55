package awsfacts

// The DNS facts of a deployed VPC: EnableDnsSupport (DescribeVpcAttribute)
// and the DNS servers of its DHCP option set (DescribeDhcpOptions).

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpclambda/vpclambda/netcheck"
)

// dnsFirewallNotRead is why DNS Firewall verdicts are UNKNOWN when the
// loader has no Route 53 Resolver client.
const dnsFirewallNotRead = "DNS Firewall was not read: no Route 53 Resolver client"

// loadDns reads the VPC's EnableDnsSupport and its DHCP option set.
func (c *Clients) loadDns(ctx context.Context, f *netcheck.Facts, v *netcheck.Vpc, sdk ec2types.Vpc) error {
	attr, err := c.EC2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(v.ID), Attribute: ec2types.VpcAttributeNameEnableDnsSupport})
	if err != nil {
		return fmt.Errorf("reading EnableDnsSupport of VPC %s: %w", v.ID, err)
	}
	if attr.EnableDnsSupport != nil && attr.EnableDnsSupport.Value != nil {
		v.DnsSupportOff = !aws.ToBool(attr.EnableDnsSupport.Value)
	}
	c.loadDnsFirewall(ctx, f, v.ID)
	id := aws.ToString(sdk.DhcpOptionsId)
	if id == "" || id == "default" {
		return nil // no set, or the default: AmazonProvidedDNS
	}
	out, err := c.EC2.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{DhcpOptionsIds: []string{id}})
	if err != nil || len(out.DhcpOptions) == 0 {
		return fmt.Errorf("reading DHCP option set %s of VPC %s: %v", id, v.ID, err)
	}
	v.DhcpOptions = id
	f.DhcpOptions[id] = dhcpFromSDK(out.DhcpOptions[0])
	return nil
}

// dhcpFromSDK maps a DHCP option set: its domain-name-servers values.
func dhcpFromSDK(o ec2types.DhcpOptions) *netcheck.DhcpOptions {
	d := &netcheck.DhcpOptions{ID: aws.ToString(o.DhcpOptionsId)}
	for _, c := range o.DhcpConfigurations {
		if aws.ToString(c.Key) != "domain-name-servers" {
			continue
		}
		for _, val := range c.Values {
			for _, s := range strings.Split(aws.ToString(val.Value), ",") {
				if s = strings.TrimSpace(s); s != "" {
					d.DomainNameServers = append(d.DomainNameServers, s)
				}
			}
		}
	}
	return d
}
