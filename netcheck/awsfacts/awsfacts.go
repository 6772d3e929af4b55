// Package awsfacts reads the network of deployed VPC-attached Lambda
// functions through the AWS SDK for Go v2 and turns it into netcheck.Facts,
// so the same analysis that checks a synthesized template checks a live
// account: one model, two sources of facts.
//
// It honours the SDK's usual configuration (credentials, AWS_REGION,
// AWS_ENDPOINT_URL), so it works against a real account and against a
// local emulator alike. It only reads: Describe*, Get* and List* calls.
package awsfacts

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"

	"github.com/vpclambda/vpclambda/netcheck"
)

// Clients are the AWS API clients the loader uses.
type Clients struct {
	CloudFormation *cloudformation.Client
	EC2            *ec2.Client
	IAM            *iam.Client
	Lambda         *lambda.Client
	// Route53Resolver reads DNS Firewall; nil leaves it unread (its
	// verdicts UNKNOWN).
	Route53Resolver *route53resolver.Client
}

// NewClients makes the clients from an SDK configuration.
func NewClients(cfg aws.Config) *Clients {
	return &Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		EC2:            ec2.NewFromConfig(cfg),
		IAM:            iam.NewFromConfig(cfg),
		Lambda:         lambda.NewFromConfig(cfg),

		Route53Resolver: route53resolver.NewFromConfig(cfg),
	}
}

// StackFunctions returns the names of the Lambda functions a CloudFormation
// stack created.
func (c *Clients) StackFunctions(ctx context.Context, stack string) ([]string, error) {
	var names []string
	p := cloudformation.NewListStackResourcesPaginator(c.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: aws.String(stack)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the resources of stack %s: %w", stack, err)
		}
		for _, r := range page.StackResourceSummaries {
			if aws.ToString(r.ResourceType) == "AWS::Lambda::Function" && aws.ToString(r.PhysicalResourceId) != "" {
				names = append(names, aws.ToString(r.PhysicalResourceId))
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("stack %s has no Lambda function", stack)
	}
	sort.Strings(names)
	return names, nil
}

// FromStack reads the facts for every Lambda function of a stack.
func (c *Clients) FromStack(ctx context.Context, stack string) (*netcheck.Facts, error) {
	names, err := c.StackFunctions(ctx, stack)
	if err != nil {
		return nil, err
	}
	return c.Load(ctx, "stack "+stack, names)
}

// Load reads the facts for the named functions (names or ARNs): their VPC
// configuration, and for each VPC involved its subnets, route tables,
// network ACLs, NAT and internet gateways, plus the functions' security
// groups and execution roles. Function ids in the facts are function names;
// every other id is the AWS resource id.
func (c *Clients) Load(ctx context.Context, source string, functions []string) (*netcheck.Facts, error) {
	f := netcheck.NewFacts(source)
	vpcs := map[string]bool{}
	sgs := map[string]bool{}
	roles := map[string]bool{}
	subnetIDs := map[string]bool{}
	arns := map[string]string{} // function ARN -> name
	for _, name := range functions {
		out, err := c.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("reading function %s: %w", name, err)
		}
		if out.VpcConfig == nil || len(out.VpcConfig.SubnetIds) == 0 {
			continue // not attached to a VPC: nothing to check
		}
		fn := &netcheck.Function{
			ID:             aws.ToString(out.FunctionName),
			Name:           aws.ToString(out.FunctionName),
			SubnetIDs:      append([]string{}, out.VpcConfig.SubnetIds...),
			SecurityGroups: append([]string{}, out.VpcConfig.SecurityGroupIds...),
			Role:           roleName(aws.ToString(out.Role)),
			State:          string(out.State),
			StateReason:    aws.ToString(out.StateReason),

			Ipv6AllowedForDualStack: aws.ToBool(out.VpcConfig.Ipv6AllowedForDualStack),
		}
		arns[aws.ToString(out.FunctionArn)] = fn.ID
		f.Functions = append(f.Functions, fn)
		for _, g := range fn.SecurityGroups {
			sgs[g] = true
		}
		if fn.Role != "" {
			roles[fn.Role] = true
		}
		for _, s := range fn.SubnetIDs {
			subnetIDs[s] = true
		}
	}
	if len(f.Functions) == 0 {
		return nil, fmt.Errorf("%s: no VPC-attached Lambda function among %s", source, strings.Join(functions, ", "))
	}
	// The functions' subnets name the VPCs to read.
	subnets, err := c.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: sortedKeys(subnetIDs)})
	if err != nil {
		return nil, fmt.Errorf("reading the functions' subnets: %w", err)
	}
	for _, s := range subnets.Subnets {
		vpcs[aws.ToString(s.VpcId)] = true
	}
	for _, v := range sortedKeys(vpcs) {
		if err := c.loadVpc(ctx, f, v); err != nil {
			return nil, err
		}
	}
	for _, eni := range f.NetworkInterfaces {
		for _, g := range eni.SecurityGroups {
			sgs[g] = true // a NAT instance's groups
		}
	}
	if err := c.loadSecurityGroups(ctx, f, sortedKeys(sgs)); err != nil {
		return nil, err
	}
	for _, r := range sortedKeys(roles) {
		if err := c.loadRole(ctx, f, r, arns); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (c *Clients) loadVpc(ctx context.Context, f *netcheck.Facts, vpcID string) error {
	filter := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}
	vpcs, err := c.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}})
	if err != nil || len(vpcs.Vpcs) == 0 {
		return fmt.Errorf("reading VPC %s: %v", vpcID, err)
	}
	v := &netcheck.Vpc{ID: vpcID, Cidr: parsePrefix(aws.ToString(vpcs.Vpcs[0].CidrBlock)), InstanceTenancy: string(vpcs.Vpcs[0].InstanceTenancy),
		Ipv6Cidrs: vpcIpv6(vpcs.Vpcs[0])}
	f.Vpcs[vpcID] = v
	if err := c.loadDns(ctx, f, v, vpcs.Vpcs[0]); err != nil {
		return err
	}

	subnets, err := c.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: filter})
	if err != nil {
		return fmt.Errorf("reading the subnets of VPC %s: %w", vpcID, err)
	}
	for _, s := range subnets.Subnets {
		sn := subnetFromSDK(s)
		f.Subnets[sn.ID] = sn
	}

	if err := c.loadNatGateways(ctx, f, vpcID, filter); err != nil {
		return err
	}
	igwIDs, err := c.loadRouteTables(ctx, f, v, filter)
	if err != nil {
		return err
	}
	if err := c.regionalNatRouteTables(ctx, f, vpcID, igwIDs); err != nil {
		return err
	}
	if err := c.loadInternetGateways(ctx, f, vpcID, igwIDs); err != nil {
		return err
	}
	if err := c.loadWaysOut(ctx, f, vpcID, filter); err != nil {
		return err
	}
	return c.loadNetworkAcls(ctx, f, v, filter)
}

func (c *Clients) loadNatGateways(ctx context.Context, f *netcheck.Facts, vpcID string, filter []ec2types.Filter) error {
	nats, err := c.EC2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: filter})
	if err != nil {
		return fmt.Errorf("reading the NAT gateways of VPC %s: %w", vpcID, err)
	}
	for _, n := range nats.NatGateways {
		id := aws.ToString(n.NatGatewayId)
		if n.State == ec2types.NatGatewayStateDeleted {
			continue // gone: a route to it is a blackhole
		}
		nat := &netcheck.NatGateway{ID: id, SubnetID: aws.ToString(n.SubnetId), State: string(n.State),
			Public: n.ConnectivityType == "" || n.ConnectivityType == ec2types.ConnectivityTypePublic}
		for _, a := range n.NatGatewayAddresses {
			if aws.ToString(a.AllocationId) != "" && aws.ToString(a.PublicIp) != "" {
				nat.Allocation = aws.ToString(a.AllocationId) + " (" + aws.ToString(a.PublicIp) + ")"
				break
			}
		}
		regionalNatFromSDK(nat, n) // regional.go
		f.NatGateways[id] = nat
	}
	return nil
}

// loadRouteTables reads the VPC's route tables; it returns the internet
// gateways their routes name.
func (c *Clients) loadRouteTables(ctx context.Context, f *netcheck.Facts, v *netcheck.Vpc, filter []ec2types.Filter) (map[string]bool, error) {
	vpcID := v.ID
	tables, err := c.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: filter})
	if err != nil {
		return nil, fmt.Errorf("reading the route tables of VPC %s: %w", vpcID, err)
	}
	igwIDs := map[string]bool{}
	for _, t := range tables.RouteTables {
		rt := &netcheck.RouteTable{ID: aws.ToString(t.RouteTableId), VpcID: vpcID}
		for _, a := range t.Associations {
			if a.AssociationState != nil && a.AssociationState.State != ec2types.RouteTableAssociationStateCodeAssociated {
				continue
			}
			if aws.ToBool(a.Main) {
				rt.Main = true
				v.MainRouteTable = rt.ID
			} else if s := f.Subnets[aws.ToString(a.SubnetId)]; s != nil {
				s.RouteTable = rt.ID
			}
		}
		for _, r := range t.Routes {
			route := routeFromSDK(rt.ID, r)
			if route.Kind == netcheck.TargetNatGateway && f.NatGateways[route.Target] == nil {
				route.Kind = netcheck.TargetMissing
			}
			if route.Kind == netcheck.TargetInternetGateway {
				igwIDs[route.Target] = true
			}
			if route.Kind == netcheck.TargetLocal || (!route.Destination.IsValid() && route.PrefixList == "") {
				continue // the analysis adds the local routes from the VPC's blocks
			}
			rt.Routes = append(rt.Routes, route)
		}
		f.RouteTables[rt.ID] = rt
	}
	return igwIDs, nil
}

func (c *Clients) loadInternetGateways(ctx context.Context, f *netcheck.Facts, vpcID string, igwIDs map[string]bool) error {
	attached, err := c.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{
		Filters: []ec2types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{vpcID}}}})
	if err != nil {
		return fmt.Errorf("reading the internet gateways of VPC %s: %w", vpcID, err)
	}
	igws := attached.InternetGateways
	var others []string
	for id := range igwIDs {
		if !containsIgw(igws, id) {
			others = append(others, id)
		}
	}
	for _, id := range others {
		// A route may name a gateway attached elsewhere, or one that is gone.
		out, err := c.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{id}})
		if err == nil {
			igws = append(igws, out.InternetGateways...)
		}
	}
	for _, g := range igws {
		igw := &netcheck.InternetGateway{ID: aws.ToString(g.InternetGatewayId)}
		for _, a := range g.Attachments {
			if a.State == ec2types.AttachmentStatusAttached || string(a.State) == "available" {
				igw.AttachedVpcs = append(igw.AttachedVpcs, aws.ToString(a.VpcId))
			}
		}
		f.InternetGateways[igw.ID] = igw
	}
	for _, rt := range f.RouteTables {
		for i, r := range rt.Routes {
			if r.Kind == netcheck.TargetInternetGateway && f.InternetGateways[r.Target] == nil {
				rt.Routes[i].Kind = netcheck.TargetMissing
			}
		}
	}
	return nil
}

func (c *Clients) loadNetworkAcls(ctx context.Context, f *netcheck.Facts, v *netcheck.Vpc, filter []ec2types.Filter) error {
	vpcID := v.ID
	acls, err := c.EC2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: filter})
	if err != nil {
		return fmt.Errorf("reading the network ACLs of VPC %s: %w", vpcID, err)
	}
	for _, a := range acls.NetworkAcls {
		acl := &netcheck.NetworkAcl{ID: aws.ToString(a.NetworkAclId), VpcID: vpcID, Default: aws.ToBool(a.IsDefault)}
		if acl.Default {
			v.DefaultNetworkAcl = acl.ID
		}
		for _, e := range a.Entries {
			cidr := aws.ToString(e.CidrBlock)
			if cidr == "" {
				cidr = aws.ToString(e.Ipv6CidrBlock)
			}
			entry := netcheck.NaclEntry{
				ID:         fmt.Sprintf("%s/%s/%d", acl.ID, direction(aws.ToBool(e.Egress)), aws.ToInt32(e.RuleNumber)),
				RuleNumber: int(aws.ToInt32(e.RuleNumber)), Egress: aws.ToBool(e.Egress),
				Allow: e.RuleAction == ec2types.RuleActionAllow, Protocol: netcheck.ProtocolNumber(aws.ToString(e.Protocol)),
				Cidr: parsePrefix(cidr), FromPort: 0, ToPort: 65535,
			}
			if entry.RuleNumber >= 32767 {
				continue // the final denies (IPv4 32767, IPv6 32768): the analysis adds them
			}
			if e.PortRange != nil {
				entry.FromPort, entry.ToPort = int(aws.ToInt32(e.PortRange.From)), int(aws.ToInt32(e.PortRange.To))
			}
			acl.Entries = append(acl.Entries, entry)
		}
		for _, as := range a.Associations {
			if s := f.Subnets[aws.ToString(as.SubnetId)]; s != nil {
				s.NetworkAcl = acl.ID
			}
		}
		f.NetworkAcls[acl.ID] = acl
	}
	return nil
}

func (c *Clients) loadSecurityGroups(ctx context.Context, f *netcheck.Facts, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	out, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: ids})
	if err != nil {
		return fmt.Errorf("reading security groups %s: %w", strings.Join(ids, ", "), err)
	}
	for _, g := range out.SecurityGroups {
		sg := securityGroupFromSDK(g)
		f.SecurityGroups[sg.ID] = sg
	}
	return nil
}

func (c *Clients) loadRole(ctx context.Context, f *netcheck.Facts, name string, arns map[string]string) error {
	role := &netcheck.Role{ID: name}
	var docs []string
	attached := iam.NewListAttachedRolePoliciesPaginator(c.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("reading the policies of role %s: %w", name, err)
		}
		for _, p := range page.AttachedPolicies {
			arn := aws.ToString(p.PolicyArn)
			role.ManagedPolicies = append(role.ManagedPolicies, arn)
			if strings.Contains(arn, ":iam::aws:policy/") {
				continue // AWS managed: no deny of the function's own ARN in there
			}
			pol, err := c.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
			if err != nil || pol.Policy == nil {
				continue
			}
			ver, err := c.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId})
			if err == nil && ver.PolicyVersion != nil {
				docs = append(docs, aws.ToString(ver.PolicyVersion.Document))
			}
		}
	}
	inline := iam.NewListRolePoliciesPaginator(c.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("reading the inline policies of role %s: %w", name, err)
		}
		for _, p := range page.PolicyNames {
			out, err := c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(p)})
			if err != nil {
				return fmt.Errorf("reading inline policy %s of role %s: %w", p, name, err)
			}
			docs = append(docs, aws.ToString(out.PolicyDocument))
		}
	}
	for _, d := range docs {
		doc, err := policyDocument(d)
		if err != nil {
			return fmt.Errorf("role %s: %w", name, err)
		}
		for _, target := range netcheck.DenyTargets(doc) {
			if fn, ok := arns[target]; ok {
				target = fn
			}
			role.DenyFor = append(role.DenyFor, target)
		}
	}
	f.Roles[name] = role
	return nil
}

// policyDocument decodes a policy document as IAM returns it: URL-encoded
// JSON (the SDK does not decode it).
func policyDocument(s string) (interface{}, error) {
	if dec, err := url.QueryUnescape(s); err == nil && !strings.HasPrefix(strings.TrimSpace(s), "{") {
		s = dec
	}
	var doc interface{}
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("policy document is not JSON: %v", err)
	}
	return doc, nil
}

func roleName(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func parsePrefix(s string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}
	}
	return p.Masked()
}

func direction(egress bool) string {
	if egress {
		return "egress"
	}
	return "ingress"
}

func containsIgw(igws []ec2types.InternetGateway, id string) bool {
	for _, g := range igws {
		if aws.ToString(g.InternetGatewayId) == id {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
