package vpclambda

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// buildNetwork creates the reference network from a validated plan. It uses
// CloudFormation resources directly: the L2 awsec2.Vpc always makes one
// route table per subnet and a public subnet per AZ, and cannot express
// "one private route table shared by every private subnet".
func (v *VpcLambda) buildNetwork(np *networkPlan) {
	n := &Network{
		Cidr:              np.cidr.String(),
		AvailabilityZones: np.azs,
		NetworkAclEntries: map[string]awsec2.CfnNetworkAclEntry{},
	}
	v.Network = n
	tag := func(id string) *[]*awscdk.CfnTag {
		return &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(*v.Node().Path() + "/" + id)}}
	}
	path := func(rs ...awscdk.CfnResource) { n.internetPath = append(n.internetPath, rs...) }

	n.Vpc = awsec2.NewCfnVPC(v, jsii.String("Vpc"), &awsec2.CfnVPCProps{
		CidrBlock:          jsii.String(n.Cidr),
		EnableDnsSupport:   jsii.Bool(true),
		EnableDnsHostnames: jsii.Bool(true),
		Tags:               tag("Vpc"),
	})
	vpcID := n.Vpc.AttrVpcId()

	n.InternetGateway = awsec2.NewCfnInternetGateway(v, jsii.String("InternetGateway"), &awsec2.CfnInternetGatewayProps{Tags: tag("InternetGateway")})
	n.GatewayAttachment = awsec2.NewCfnVPCGatewayAttachment(v, jsii.String("InternetGatewayAttachment"), &awsec2.CfnVPCGatewayAttachmentProps{
		VpcId:             vpcID,
		InternetGatewayId: n.InternetGateway.AttrInternetGatewayId(),
	})
	path(n.GatewayAttachment)

	// Public tier: the NAT gateways' subnets, routed to the internet gateway.
	n.PublicRouteTable = awsec2.NewCfnRouteTable(v, jsii.String("PublicRouteTable"), &awsec2.CfnRouteTableProps{VpcId: vpcID, Tags: tag("PublicRouteTable")})
	n.PublicDefaultRoute = awsec2.NewCfnRoute(v, jsii.String("PublicDefaultRoute"), &awsec2.CfnRouteProps{
		RouteTableId:         n.PublicRouteTable.AttrRouteTableId(),
		DestinationCidrBlock: jsii.String(anyIpv4),
		GatewayId:            n.InternetGateway.AttrInternetGatewayId(),
	})
	// A route to an internet gateway fails until the gateway is attached.
	n.PublicDefaultRoute.AddResourceDependency(n.GatewayAttachment, jsii.String("the internet gateway must be attached before it is a route target"))
	path(n.PublicDefaultRoute)

	n.PublicNetworkAcl = awsec2.NewCfnNetworkAcl(v, jsii.String("PublicNetworkAcl"), &awsec2.CfnNetworkAclProps{VpcId: vpcID, Tags: tag("PublicNetworkAcl")})
	n.PrivateNetworkAcl = awsec2.NewCfnNetworkAcl(v, jsii.String("PrivateNetworkAcl"), &awsec2.CfnNetworkAclProps{VpcId: vpcID, Tags: tag("PrivateNetworkAcl")})
	v.naclEntries(naclPublicTierName, n.PublicNetworkAcl, PublicNaclRules(n.Cidr))
	v.naclEntries(naclPrivateTierName, n.PrivateNetworkAcl, PrivateNaclRules(n.Cidr))

	for j, cidr := range np.layout.Public {
		id := fmt.Sprintf("PublicSubnet%d", j+1)
		s := awsec2.NewCfnSubnet(v, jsii.String(id), &awsec2.CfnSubnetProps{
			VpcId:               vpcID,
			CidrBlock:           jsii.String(cidr.String()),
			AvailabilityZone:    np.azs[j],
			MapPublicIpOnLaunch: jsii.Bool(false), // only the NAT gateway lives here, with its Elastic IP
			Tags:                tag(id),
		})
		n.PublicSubnets = append(n.PublicSubnets, s)
		path(awsec2.NewCfnSubnetRouteTableAssociation(v, jsii.String(id+"RouteTableAssociation"), &awsec2.CfnSubnetRouteTableAssociationProps{
			SubnetId: s.AttrSubnetId(), RouteTableId: n.PublicRouteTable.AttrRouteTableId(),
		}))
		path(awsec2.NewCfnSubnetNetworkAclAssociation(v, jsii.String(id+"NetworkAclAssociation"), &awsec2.CfnSubnetNetworkAclAssociationProps{
			SubnetId: s.AttrSubnetId(), NetworkAclId: n.PublicNetworkAcl.AttrId(),
		}))

		natID := fmt.Sprintf("NatGateway%d", j+1)
		eip := awsec2.NewCfnEIP(v, jsii.String(natID+"Eip"), &awsec2.CfnEIPProps{Domain: jsii.String("vpc"), Tags: tag(natID + "Eip")})
		// An Elastic IP for a VPC in the same template needs the gateway
		// attachment first (CloudFormation's documented requirement).
		eip.AddResourceDependency(n.GatewayAttachment, jsii.String("an Elastic IP in a VPC needs the internet gateway attached"))
		nat := awsec2.NewCfnNatGateway(v, jsii.String(natID), &awsec2.CfnNatGatewayProps{
			AllocationId:     eip.AttrAllocationId(),
			SubnetId:         s.AttrSubnetId(),
			ConnectivityType: jsii.String("public"),
			Tags:             tag(natID),
		})
		n.ElasticIps = append(n.ElasticIps, eip)
		n.NatGateways = append(n.NatGateways, nat)

		rtID := fmt.Sprintf("PrivateRouteTable%d", j+1)
		rt := awsec2.NewCfnRouteTable(v, jsii.String(rtID), &awsec2.CfnRouteTableProps{VpcId: vpcID, Tags: tag(rtID)})
		route := awsec2.NewCfnRoute(v, jsii.String(rtID+"DefaultRoute"), &awsec2.CfnRouteProps{
			RouteTableId:         rt.AttrRouteTableId(),
			DestinationCidrBlock: jsii.String(anyIpv4),
			NatGatewayId:         nat.AttrNatGatewayId(),
		})
		n.PrivateRouteTables = append(n.PrivateRouteTables, rt)
		n.PrivateDefaultRoutes = append(n.PrivateDefaultRoutes, route)
		path(route)
	}

	var privateIDs, privateRTs, privateCidrs []*string
	for i, cidr := range np.layout.Private {
		id := fmt.Sprintf("PrivateSubnet%d", i+1)
		s := awsec2.NewCfnSubnet(v, jsii.String(id), &awsec2.CfnSubnetProps{
			VpcId:               vpcID,
			CidrBlock:           jsii.String(cidr.String()),
			AvailabilityZone:    np.azs[i],
			MapPublicIpOnLaunch: jsii.Bool(false),
			Tags:                tag(id),
		})
		n.PrivateSubnets = append(n.PrivateSubnets, s)
		rt := n.PrivateRouteTables[i%len(n.PrivateRouteTables)]
		path(awsec2.NewCfnSubnetRouteTableAssociation(v, jsii.String(id+"RouteTableAssociation"), &awsec2.CfnSubnetRouteTableAssociationProps{
			SubnetId: s.AttrSubnetId(), RouteTableId: rt.AttrRouteTableId(),
		}))
		path(awsec2.NewCfnSubnetNetworkAclAssociation(v, jsii.String(id+"NetworkAclAssociation"), &awsec2.CfnSubnetNetworkAclAssociationProps{
			SubnetId: s.AttrSubnetId(), NetworkAclId: n.PrivateNetworkAcl.AttrId(),
		}))
		privateIDs = append(privateIDs, s.AttrSubnetId())
		privateRTs = append(privateRTs, rt.AttrRouteTableId())
		privateCidrs = append(privateCidrs, jsii.String(cidr.String()))
	}

	// The network as an IVpc for other constructs. Imported subnet groups
	// must have one subnet per AZ, so the public subnets are part of it only
	// when there is one per AZ.
	attrs := &awsec2.VpcAttributes{
		VpcId:                       vpcID,
		VpcCidrBlock:                jsii.String(n.Cidr),
		AvailabilityZones:           &np.azs,
		PrivateSubnetIds:            &privateIDs,
		PrivateSubnetRouteTableIds:  &privateRTs,
		PrivateSubnetIpv4CidrBlocks: &privateCidrs,
	}
	var publicSubnets []awsec2.ISubnet
	if len(n.PublicSubnets) == len(np.azs) {
		var ids, rts, cidrs []*string
		for j, s := range n.PublicSubnets {
			ids = append(ids, s.AttrSubnetId())
			rts = append(rts, n.PublicRouteTable.AttrRouteTableId())
			cidrs = append(cidrs, jsii.String(np.layout.Public[j].String()))
		}
		attrs.PublicSubnetIds, attrs.PublicSubnetRouteTableIds, attrs.PublicSubnetIpv4CidrBlocks = &ids, &rts, &cidrs
	}
	v.Vpc = awsec2.Vpc_FromVpcAttributes(v, jsii.String("VpcReference"), attrs)
	v.PrivateSubnets = *v.Vpc.PrivateSubnets()
	if attrs.PublicSubnetIds != nil {
		publicSubnets = *v.Vpc.PublicSubnets()
	} else {
		for j, s := range n.PublicSubnets {
			publicSubnets = append(publicSubnets, awsec2.Subnet_FromSubnetAttributes(v, jsii.String(fmt.Sprintf("PublicSubnet%dReference", j+1)), &awsec2.SubnetAttributes{
				SubnetId:         s.AttrSubnetId(),
				AvailabilityZone: np.azs[j],
				RouteTableId:     n.PublicRouteTable.AttrRouteTableId(),
				Ipv4CidrBlock:    jsii.String(np.layout.Public[j].String()),
			}))
		}
	}
	v.PublicSubnets = publicSubnets

	// Custom network ACLs are the reference design (AwsSolutions-VPC3 is a
	// reminder that they exist, not a defect).
	acls := []awscdk.CfnResource{n.PublicNetworkAcl, n.PrivateNetworkAcl}
	for _, e := range n.NetworkAclEntries {
		acls = append(acls, e)
	}
	for _, acl := range acls {
		acl.AddMetadata(jsii.String("cdk_nag"), map[string]interface{}{
			"rules_to_suppress": []interface{}{map[string]interface{}{
				"id":     "AwsSolutions-VPC3",
				"reason": "Explicit, numbered network ACL rules for the private and public tiers are part of AWS's reference topology for VPC Lambda internet access.",
			}},
		})
	}
}

// naclEntries creates the entries of one tier's network ACL.
func (v *VpcLambda) naclEntries(tier string, acl awsec2.CfnNetworkAcl, rules []NaclRule) {
	for _, r := range rules {
		props := &awsec2.CfnNetworkAclEntryProps{
			NetworkAclId: acl.AttrId(),
			RuleNumber:   jsii.Number(r.RuleNumber),
			RuleAction:   jsii.String("allow"),
			Egress:       jsii.Bool(r.Egress),
			Protocol:     jsii.Number(r.Protocol),
			CidrBlock:    jsii.String(r.CidrBlock),
		}
		if r.Protocol == ProtocolTcp || r.Protocol == ProtocolUdp {
			props.PortRange = &awsec2.CfnNetworkAclEntry_PortRangeProperty{From: jsii.Number(r.FromPort), To: jsii.Number(r.ToPort)}
		}
		e := awsec2.NewCfnNetworkAclEntry(v, jsii.String(tier+"NetworkAcl"+r.Name), props)
		v.Network.NetworkAclEntries[tier+"/"+r.Name] = e
		v.Network.internetPath = append(v.Network.internetPath, e)
	}
}
