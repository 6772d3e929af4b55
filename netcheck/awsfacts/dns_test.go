package awsfacts

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
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

// A rule without a domain list and an association not yet in force are
// opaque (UNKNOWN when they are reached), never read as "no rule".
func TestDnsFirewallFromSDK(t *testing.T) {
	r := ruleFromSDK(r53types.FirewallRule{Name: aws.String("advanced"), Priority: aws.Int32(5), Action: r53types.ActionBlock})
	if r.Opaque == "" || r.Priority != 5 {
		t.Errorf("advanced rule: %+v", r)
	}
	r = ruleFromSDK(r53types.FirewallRule{Priority: aws.Int32(100), Action: r53types.ActionAllow, FirewallDomainListId: aws.String("rslvr-fdl-1")})
	if r.Opaque != "" || r.DomainList != "rslvr-fdl-1" || r.Action != "ALLOW" {
		t.Errorf("domain list rule: %+v", r)
	}
	a := associationFromSDK(r53types.FirewallRuleGroupAssociation{Id: aws.String("rslvr-frgassoc-1"), FirewallRuleGroupId: aws.String("rslvr-frg-1"), VpcId: aws.String("vpc-1"), Priority: aws.Int32(1000), Status: r53types.FirewallRuleGroupAssociationStatusUpdating})
	if a.Opaque == "" || a.Priority != 1000 {
		t.Errorf("updating association: %+v", a)
	}
}
