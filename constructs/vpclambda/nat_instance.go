package vpclambda

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// DefaultNatInstanceType is the NAT instance's default type: the smallest
// Graviton burstable instance (about USD 3 a month in us-east-1).
const DefaultNatInstanceType = "t4g.nano"

// NatInstanceOptions configures NatInstances.
type NatInstanceOptions struct {
	// Count of NAT instances, 1 to the number of AZs.
	//
	// Default: 1.
	Count *float64

	// InstanceType of each instance. Its architecture must match CpuType.
	//
	// Default: t4g.nano (arm64).
	InstanceType awsec2.InstanceType

	// CpuType of the Amazon Linux 2023 image, resolved at deploy time from
	// AWS's public SSM parameter (so synth needs no lookup).
	//
	// Default: awsec2.AmazonLinuxCpuType_ARM_64.
	CpuType awsec2.AmazonLinuxCpuType
}

// NatInstanceProvider is the NatProvider of NAT instances: an Amazon Linux
// 2023 instance per device that forwards and masquerades the private
// subnets' traffic. Make it with NatInstances.
type NatInstanceProvider struct {
	opts  NatInstanceOptions
	count int
	itype awsec2.InstanceType
	cpu   awsec2.AmazonLinuxCpuType
}

// NatInstances returns the provider of NAT instances: about a tenth of a
// NAT gateway's fixed cost, no per-GB processing charge, but the bandwidth
// of the instance type, no managed failover (EC2's simplified automatic
// recovery restarts a supported instance on failed hardware) and patching
// is yours. Each instance: arm64 Amazon Linux 2023 by default, its image
// resolved at deploy time from AWS's public SSM parameter; source/
// destination check off; user data that turns on IP forwarding and
// masquerading and keeps them across reboots; IMDSv2 required; no SSH key;
// an encrypted root volume; a network interface of its own with an Elastic
// IP, which the private route table targets; a security group that lets in
// only the private subnets' traffic.
func NatInstances(opts *NatInstanceOptions) *NatInstanceProvider {
	p := &NatInstanceProvider{}
	if opts != nil {
		p.opts = *opts
	}
	return p
}

func (p *NatInstanceProvider) plan(ps *problems, prop string, vpc natVpc) natLayout {
	nAzs := vpc.nAzs
	p.count = wholeCount(ps, prop+".Count", p.opts.Count, 1, 1, nAzs,
		" (one NAT instance per AZ at most, each in its AZ's public subnet)",
		fmt.Sprintf("use 1 (one shared instance) to %d (one per AZ), or raise MaxAzs", nAzs))
	p.cpu = p.opts.CpuType
	if p.cpu == "" {
		p.cpu = awsec2.AmazonLinuxCpuType_ARM_64
	}
	p.itype = p.opts.InstanceType
	if p.itype == nil {
		p.itype = awsec2.NewInstanceType(jsii.String(DefaultNatInstanceType))
	}
	var arch string
	if err := CatchJsii(func() { arch = string(p.itype.Architecture()) }); err != nil {
		ps.add(prop+".InstanceType", *p.itype.ToString(), "is not an EC2 instance type aws-cdk knows: "+firstLine(err.Error()),
			`use a type such as awsec2.NewInstanceType(jsii.String("t4g.nano"))`)
	} else if arch != string(p.cpu) {
		fix := `use an arm64 (Graviton) type such as "t4g.nano", or set CpuType to awsec2.AmazonLinuxCpuType_X86_64`
		if p.cpu == awsec2.AmazonLinuxCpuType_X86_64 {
			fix = `use an x86_64 type such as "t3.nano", or set CpuType to awsec2.AmazonLinuxCpuType_ARM_64`
		}
		ps.add(prop+".InstanceType", fmt.Sprintf("%q", *p.itype.ToString()), fmt.Sprintf("is an %s instance type but the image is for %s (CpuType): the instance would not boot", arch, p.cpu), fix)
	}
	// One instance per public subnet, one private route table per instance.
	return natLayout{publicSubnets: p.count, routeTables: p.count}
}

// natInstanceImageParameter is AWS's public SSM parameter naming the latest
// Amazon Linux 2023 image (default kernel) for a CPU type.
func natInstanceImageParameter(cpu awsec2.AmazonLinuxCpuType) string {
	arch := "arm64"
	if cpu == awsec2.AmazonLinuxCpuType_X86_64 {
		arch = "x86_64"
	}
	return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch
}

// natInstanceUserData makes Amazon Linux 2023 a NAT device: forwarding on,
// reverse-path filtering off (replies leave by another path than the one
// they came in on), and a masquerade rule for the VPC's addresses; both are
// written where the system reads them at boot, so they survive a reboot.
func natInstanceUserData(vpcCidr string) string {
	return strings.Join([]string{
		"#!/bin/bash",
		"set -euo pipefail",
		"cat > /etc/sysctl.d/90-nat-instance.conf <<'EOF'",
		"net.ipv4.ip_forward = 1",
		"net.ipv4.conf.all.rp_filter = 0",
		"net.ipv4.conf.default.rp_filter = 0",
		"EOF",
		"sysctl --system",
		"command -v nft >/dev/null || dnf install -y nftables",
		"iface=$(ip -4 route show default | awk '{print $5; exit}')",
		"cat > /etc/sysconfig/nftables.conf <<EOF",
		"table ip nat {",
		"  chain postrouting {",
		"    type nat hook postrouting priority srcnat; policy accept;",
		"    oifname \"$iface\" ip saddr " + vpcCidr + " masquerade",
		"  }",
		"}",
		"EOF",
		"systemctl enable --now nftables",
		"systemctl restart nftables",
		"",
	}, "\n")
}

func (p *NatInstanceProvider) provide(b *networkBuilder, j int) natTarget {
	n := b.n
	subnet := b.publicSubnet(j)
	if n.NatInstanceSecurityGroup == nil { // the first instance of this network
		var ingress []interface{}
		for _, c := range b.np.layout.Private {
			ingress = append(ingress, &awsec2.CfnSecurityGroup_IngressProperty{
				IpProtocol: jsii.String("-1"), CidrIp: jsii.String(c.String()),
				Description: jsii.String("traffic of the private subnet " + c.String() + " to forward"),
			})
		}
		n.NatInstanceSecurityGroup = awsec2.NewCfnSecurityGroup(b.v, jsii.String("NatInstanceSecurityGroup"), &awsec2.CfnSecurityGroupProps{
			VpcId:                b.vpcID,
			GroupDescription:     jsii.String("NAT instances: in from the private subnets only, out to anywhere"),
			SecurityGroupIngress: &ingress,
			SecurityGroupEgress: &[]interface{}{&awsec2.CfnSecurityGroup_EgressProperty{
				IpProtocol: jsii.String("-1"), CidrIp: jsii.String(anyIpv4), Description: jsii.String("forwarded traffic to the internet"),
			}},
			Tags: b.tag("NatInstanceSecurityGroup"),
		})
	}
	// AWS's public parameter for the latest Amazon Linux 2023 with the
	// default kernel: a stack parameter resolved at deploy time (one per
	// image, however many instances).
	image := awsec2.MachineImage_FromSsmParameter(jsii.String(natInstanceImageParameter(p.cpu)), &awsec2.SsmParameterImageOptions{Os: awsec2.OperatingSystemType_LINUX})
	imageID := image.GetImage(b.v).ImageId
	id := fmt.Sprintf("NatInstance%d", j+1)
	eni := awsec2.NewCfnNetworkInterface(b.v, jsii.String(id+"NetworkInterface"), &awsec2.CfnNetworkInterfaceProps{
		SubnetId:        b.v.id(subnet, subnet.AttrSubnetId),
		GroupSet:        &[]interface{}{n.NatInstanceSecurityGroup.AttrGroupId()},
		SourceDestCheck: jsii.Bool(false), // it forwards traffic that is neither from nor to itself
		Description:     jsii.String("NAT instance " + id + ": the private route table's target"),
		Tags:            b.tag(id + "NetworkInterface"),
	})
	eip := awsec2.NewCfnEIP(b.v, jsii.String(id+"Eip"), &awsec2.CfnEIPProps{Domain: jsii.String("vpc"), Tags: b.tag(id + "Eip")})
	eip.AddResourceDependency(n.GatewayAttachment, jsii.String("an Elastic IP in a VPC needs the internet gateway attached"))
	assoc := awsec2.NewCfnEIPAssociation(b.v, jsii.String(id+"EipAssociation"), &awsec2.CfnEIPAssociationProps{
		AllocationId:       eip.AttrAllocationId(),
		NetworkInterfaceId: eni.Ref(),
	})
	inst := awsec2.NewCfnInstance(b.v, jsii.String(id), &awsec2.CfnInstanceProps{
		InstanceType: p.itype.ToString(),
		ImageId:      imageID,
		NetworkInterfaces: &[]interface{}{&awsec2.CfnInstance_NetworkInterfaceProperty{
			NetworkInterfaceId: eni.Ref(), DeviceIndex: jsii.String("0"),
		}},
		MetadataOptions: &awsec2.CfnInstance_MetadataOptionsProperty{
			HttpTokens: jsii.String("required"), HttpEndpoint: jsii.String("enabled"), HttpPutResponseHopLimit: jsii.Number(1),
		},
		BlockDeviceMappings: &[]interface{}{&awsec2.CfnInstance_BlockDeviceMappingProperty{
			DeviceName: jsii.String("/dev/xvda"),
			Ebs:        &awsec2.CfnInstance_EbsProperty{Encrypted: jsii.Bool(true), VolumeType: jsii.String("gp3")},
		}},
		UserData: awscdk.Fn_Base64(jsii.String(natInstanceUserData(b.np.cidr.String()))),
		Tags:     b.tag(id),
	})
	// At boot the instance may install nftables: its address and route to
	// the internet must exist first.
	inst.AddResourceDependency(assoc, jsii.String("the NAT instance needs its public address at boot"))
	inst.AddResourceDependency(n.PublicDefaultRoute, jsii.String("the NAT instance needs its route to the internet at boot"))
	n.NatInstances = append(n.NatInstances, inst)
	n.NatInstanceNetworkInterfaces = append(n.NatInstanceNetworkInterfaces, eni)
	n.ElasticIps = append(n.ElasticIps, eip)
	n.SecondaryElasticIps = append(n.SecondaryElasticIps, nil)
	return natTarget{networkInterfaceID: eni.Ref(), path: []awscdk.CfnResource{inst, assoc}}
}
