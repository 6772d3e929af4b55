package localaws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
)

// Leftovers counts what is left of resources a stack created, the way the
// deploy tests check that deleting a stack leaves nothing behind.
type Leftovers struct {
	EC2    *ec2.Client
	Lambda *lambda.Client
	IAM    *iam.Client
	// Route53Resolver counts DNS Firewall resources (nil: not counted).
	Route53Resolver *route53resolver.Client
}

// NewLeftovers makes the clients from an SDK configuration (e.g. the
// emulator's).
func NewLeftovers(cfg aws.Config) *Leftovers {
	return &Leftovers{EC2: ec2.NewFromConfig(cfg), Lambda: lambda.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg),
		Route53Resolver: route53resolver.NewFromConfig(cfg)}
}

// Filter is an EC2 describe filter.
func Filter(name string, values ...string) []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String(name), Values: values}}
}

// Count tells how many of a resource still exist (in a state AWS counts as
// existing), given its CloudFormation type and physical id. counted is
// false for a type it does not count: routes and associations go with
// their tables and subnets.
func (l *Leftovers) Count(ctx context.Context, typ, id string) (n int, counted bool, err error) {
	f, ok := l.counters(ctx)[typ]
	if !ok {
		return 0, false, nil
	}
	n, err = f(id)
	return n, true, err
}

// Counts reports whether Count counts resources of a CloudFormation type.
func (l *Leftovers) Counts(typ string) bool {
	_, ok := l.counters(context.Background())[typ]
	return ok
}

func (l *Leftovers) counters(ctx context.Context) map[string]func(id string) (int, error) {
	c := l.EC2
	m := map[string]func(id string) (int, error){
		"AWS::EC2::VPC": func(id string) (int, error) {
			o, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: Filter("vpc-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.Vpcs), nil
		},
		"AWS::EC2::Subnet": func(id string) (int, error) {
			o, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: Filter("subnet-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.Subnets), nil
		},
		"AWS::EC2::RouteTable": func(id string) (int, error) {
			o, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: Filter("route-table-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.RouteTables), nil
		},
		"AWS::EC2::NatGateway": func(id string) (int, error) {
			o, err := c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: Filter("nat-gateway-id", id)})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, g := range o.NatGateways {
				if g.State != ec2types.NatGatewayStateDeleted { // AWS lists deleted NAT gateways for a while
					n++
				}
			}
			return n, nil
		},
		"AWS::EC2::EIP": func(id string) (int, error) { // its physical id is the address
			o, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: Filter("public-ip", id)})
			if err != nil {
				return 0, err
			}
			return len(o.Addresses), nil
		},
		"AWS::EC2::EIPAssociation": func(id string) (int, error) {
			o, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: Filter("association-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.Addresses), nil
		},
		"AWS::EC2::InternetGateway": func(id string) (int, error) {
			o, err := c.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: Filter("internet-gateway-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.InternetGateways), nil
		},
		"AWS::EC2::EgressOnlyInternetGateway": func(id string) (int, error) {
			o, err := c.DescribeEgressOnlyInternetGateways(ctx, &ec2.DescribeEgressOnlyInternetGatewaysInput{})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, g := range o.EgressOnlyInternetGateways {
				if aws.ToString(g.EgressOnlyInternetGatewayId) == id {
					n++
				}
			}
			return n, nil
		},
		"AWS::EC2::VPCCidrBlock": func(id string) (int, error) { // an association id
			o, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, v := range o.Vpcs {
				for _, a := range v.Ipv6CidrBlockAssociationSet {
					if aws.ToString(a.AssociationId) == id && a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State == ec2types.VpcCidrBlockStateCodeAssociated {
						n++
					}
				}
			}
			return n, nil
		},
		"AWS::EC2::NetworkInterface": func(id string) (int, error) {
			o, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: Filter("network-interface-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.NetworkInterfaces), nil
		},
		"AWS::EC2::Instance": func(id string) (int, error) {
			o, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: Filter("instance-id", id)})
			if err != nil {
				return 0, err
			}
			return LiveInstances(o), nil
		},
		"AWS::EC2::SecurityGroup": func(id string) (int, error) {
			o, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: Filter("group-id", id)})
			if err != nil {
				return 0, err
			}
			return len(o.SecurityGroups), nil
		},
		"AWS::EC2::NetworkAcl": func(id string) (int, error) {
			_, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{id}})
			return Existence(err)
		},
		"AWS::EC2::VPCEndpoint": func(id string) (int, error) {
			o, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, e := range o.VpcEndpoints {
				if aws.ToString(e.VpcEndpointId) == id && !strings.EqualFold(string(e.State), "deleted") { // AWS lists deleted endpoints for a while
					n++
				}
			}
			return n, nil
		},
		"AWS::Lambda::Function": func(id string) (int, error) {
			_, err := l.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(id)})
			return Existence(err)
		},
		"AWS::IAM::Role": func(id string) (int, error) {
			_, err := l.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(id)})
			return Existence(err)
		},
	}
	if r := l.Route53Resolver; r != nil {
		// DNS Firewall (a VPC's FirewallConfig always exists: not counted).
		m["AWS::Route53Resolver::FirewallDomainList"] = func(id string) (int, error) {
			_, err := r.GetFirewallDomainList(ctx, &route53resolver.GetFirewallDomainListInput{FirewallDomainListId: aws.String(id)})
			return Existence(err)
		}
		m["AWS::Route53Resolver::FirewallRuleGroup"] = func(id string) (int, error) {
			_, err := r.ListFirewallRules(ctx, &route53resolver.ListFirewallRulesInput{FirewallRuleGroupId: aws.String(id)})
			return Existence(err)
		}
		m["AWS::Route53Resolver::FirewallRuleGroupAssociation"] = func(id string) (int, error) {
			o, err := r.ListFirewallRuleGroupAssociations(ctx, &route53resolver.ListFirewallRuleGroupAssociationsInput{})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, a := range o.FirewallRuleGroupAssociations {
				if aws.ToString(a.Id) == id {
					n++
				}
			}
			return n, nil
		}
	}
	return m
}

// LiveInstances counts the instances that are not terminated (AWS lists
// terminated instances for a while).
func LiveInstances(o *ec2.DescribeInstancesOutput) int {
	n := 0
	for _, r := range o.Reservations {
		for _, i := range r.Instances {
			if i.State == nil || i.State.Name != ec2types.InstanceStateNameTerminated {
				n++
			}
		}
	}
	return n
}

// Existence turns a Get* or Describe* error into a count: NotFound (EC2,
// Lambda) or NoSuchEntity (IAM) means 0.
func Existence(err error) (int, error) {
	if err == nil {
		return 1, nil
	}
	if strings.Contains(err.Error(), "NotFound") || strings.Contains(err.Error(), "NoSuchEntity") {
		return 0, nil
	}
	return 0, err
}
