package awsfacts

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// DescribeDhcpOptions' domain-name-servers values become the set's
// servers, in order, whether EC2 lists them as values or comma-separated.
func TestDhcpFromSDK(t *testing.T) {
	o := dhcpFromSDK(ec2types.DhcpOptions{DhcpOptionsId: aws.String("dopt-0123456789abcdef0"), DhcpConfigurations: []ec2types.DhcpConfiguration{
		{Key: aws.String("domain-name"), Values: []ec2types.AttributeValue{{Value: aws.String("corp.example")}}},
		{Key: aws.String("domain-name-servers"), Values: []ec2types.AttributeValue{{Value: aws.String("10.0.9.10")}, {Value: aws.String("AmazonProvidedDNS, 10.0.9.11")}}},
	}})
	if got := strings.Join(o.DomainNameServers, " "); o.ID != "dopt-0123456789abcdef0" || got != "10.0.9.10 AmazonProvidedDNS 10.0.9.11" {
		t.Errorf("%s: %s", o.ID, got)
	}
}
