package netcheck

// The resources of the ways out besides a NAT gateway, read from a
// template: IPv6 blocks, egress-only internet gateways, NAT instances
// (their network interface, Elastic IP and security group) and gateway
// endpoints.

import (
	"fmt"
	"strings"
)

func (x *templateReader) vpcCidrBlock(id string, p map[string]interface{}) {
	vpc := x.f.Vpcs[refID(p["VpcId"])]
	if vpc == nil || vpc.Ipv6Cidrs != nil {
		return // read once per VPC, from every block the resolver knows
	}
	blocks, placeholder := x.r.vpcIpv6Blocks(vpc.ID)
	for i, b := range blocks {
		if pfx := x.prefix(vpc.ID, fmt.Sprintf("Ipv6CidrBlock[%d]", i), b); pfx.IsValid() {
			vpc.Ipv6Cidrs = append(vpc.Ipv6Cidrs, pfx)
		}
	}
	vpc.Ipv6Placeholder = placeholder
}

func (x *templateReader) egressOnlyGateway(id string, p map[string]interface{}) {
	x.f.EgressOnlyInternetGateways[id] = &EgressOnlyInternetGateway{ID: id, AttachedVpcs: []string{refID(p["VpcId"])}}
}

// boolProp reads a boolean property, def when it is absent.
func boolProp(v interface{}, def bool) bool {
	s, ok := str(v)
	if !ok {
		return def
	}
	return strings.EqualFold(s, "true")
}

func refList(v interface{}) []string {
	list, _ := v.([]interface{})
	var out []string
	for _, e := range list {
		if id := refID(e); id != "" {
			out = append(out, id)
		}
	}
	return out
}

func (x *templateReader) networkInterface(id string, p map[string]interface{}) {
	x.f.NetworkInterfaces[id] = &NetworkInterface{ID: id, SubnetID: refID(p["SubnetId"]), SecurityGroups: refList(p["GroupSet"]),
		SourceDestCheck: boolProp(p["SourceDestCheck"], true), DeviceIndex: -1, Existing: true}
}

// launchTemplate keeps a launch template's network interfaces for the
// Auto Scaling groups that launch it (read in the second pass).
func (x *templateReader) launchTemplate(id string, p map[string]interface{}) {
	data, _ := p["LaunchTemplateData"].(map[string]interface{})
	if data == nil {
		return
	}
	x.launchTemplates()[id] = data
}

func (x *templateReader) launchTemplates() map[string]map[string]interface{} {
	if x.lts == nil {
		x.lts = map[string]map[string]interface{}{}
	}
	return x.lts
}

// autoScalingGroup reads an Auto Scaling group that launches a NAT
// instance from a launch template: its instance is modelled as one
// instance ("<group>#instance") with the template's interfaces, in the
// group's first subnet. An interface the template names
// (NetworkInterfaceId) is an existing interface: EC2 gives an existing
// interface no public IPv4 address at launch, whatever
// AssociatePublicIpAddress says, so only an Elastic IP makes it public.
func (x *templateReader) autoScalingGroup(id string, p map[string]interface{}) {
	lt, _ := p["LaunchTemplate"].(map[string]interface{})
	if lt == nil {
		if mip, ok := p["MixedInstancesPolicy"].(map[string]interface{}); ok {
			lts, _ := mip["LaunchTemplate"].(map[string]interface{})
			lt, _ = lts["LaunchTemplateSpecification"].(map[string]interface{})
		}
	}
	data := x.launchTemplates()[refID(lt["LaunchTemplateId"])]
	if data == nil {
		data = x.launchTemplates()[refID(lt["LaunchTemplateName"])]
	}
	if data == nil {
		return
	}
	subnets := refList(p["VPCZoneIdentifier"])
	inst := map[string]interface{}{"NetworkInterfaces": data["NetworkInterfaces"], "SecurityGroupIds": data["SecurityGroupIds"], "SourceDestCheck": nil}
	if len(subnets) > 0 {
		inst["SubnetId"] = subnets[0]
	}
	x.instance(id+"#instance", inst)
	x.attachInstances()
}

// capacityProvider keeps a Lambda capacity provider's VPC configuration:
// a function on Lambda Managed Instances runs on its instances, in its
// subnets and security groups.
func (x *templateReader) capacityProvider(id string, p map[string]interface{}) {
	if vc, ok := p["VpcConfig"].(map[string]interface{}); ok {
		if x.cps == nil {
			x.cps = map[string]map[string]interface{}{}
		}
		x.cps[id] = vc
	}
}

// capacityProviderVpc is the VPC configuration of the capacity provider a
// function runs on (CapacityProviderConfig.
// LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn), nil
// when it runs on none of the template's.
func (x *templateReader) capacityProviderVpc(id string, p map[string]interface{}) map[string]interface{} {
	cfg, _ := p["CapacityProviderConfig"].(map[string]interface{})
	lmi, _ := cfg["LambdaManagedInstancesCapacityProviderConfig"].(map[string]interface{})
	if lmi == nil {
		return nil
	}
	arn := lmi["CapacityProviderArn"]
	if u, ok := arn.(unknown); ok {
		x.unresolved(id, "CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn", u)
		return nil
	}
	cp := refID(unArn(arn))
	vc := x.cps[cp]
	if vc == nil {
		return nil
	}
	x.capacityOf[id] = cp
	return vc
}

// instance reads an EC2 instance and its interfaces: interfaces it names
// (NetworkInterfaceId) are attached to it; interfaces it describes inline,
// or its implicit primary interface, become interfaces of their own
// ("<instance>#eni<device index>").
func (x *templateReader) instance(id string, p map[string]interface{}) {
	inst := &Instance{ID: id, SubnetID: refID(p["SubnetId"])}
	srcDst := boolProp(p["SourceDestCheck"], true)
	nics, _ := p["NetworkInterfaces"].([]interface{})
	type nic struct {
		id    string
		index int
	}
	var attached []nic
	for _, n := range nics {
		m, _ := n.(map[string]interface{})
		index := intOf(m["DeviceIndex"], 0)
		eniID := refID(m["NetworkInterfaceId"])
		if eniID == "" {
			eniID = fmt.Sprintf("%s#eni%d", id, index)
			groups := refList(m["GroupSet"])
			if groups == nil {
				groups = refList(m["Groups"]) // a launch template's interfaces
			}
			eni := &NetworkInterface{ID: eniID, SubnetID: refID(m["SubnetId"]), SecurityGroups: groups, SourceDestCheck: srcDst}
			if eni.SubnetID == "" && index == 0 {
				eni.SubnetID = inst.SubnetID
			}
			if boolProp(m["AssociatePublicIpAddress"], false) {
				eni.PublicIP = "a public IPv4 address assigned at launch"
			}
			x.f.NetworkInterfaces[eniID] = eni
		}
		attached = append(attached, nic{eniID, index})
	}
	if len(nics) == 0 {
		eniID := id + "#eni0"
		x.f.NetworkInterfaces[eniID] = &NetworkInterface{ID: eniID, SubnetID: inst.SubnetID, SecurityGroups: append(refList(p["SecurityGroupIds"]), refList(p["SecurityGroups"])...),
			SourceDestCheck: srcDst}
		attached = append(attached, nic{eniID, 0})
	}
	for _, n := range attached {
		if n.index == 0 {
			inst.NetworkInterfaces = append([]string{n.id}, inst.NetworkInterfaces...)
		} else {
			inst.NetworkInterfaces = append(inst.NetworkInterfaces, n.id)
		}
	}
	x.f.Instances[id] = inst
}

// attachInstances links the interfaces an instance names to it (they may
// be read before or after the instance).
func (x *templateReader) attachInstances() {
	for _, inst := range x.f.Instances {
		for i, eniID := range inst.NetworkInterfaces {
			if eni := x.f.NetworkInterfaces[eniID]; eni != nil {
				eni.Instance, eni.DeviceIndex = inst.ID, i
				if i == 0 && inst.SubnetID == "" {
					inst.SubnetID = eni.SubnetID
				}
			}
		}
	}
}

// primaryInterface is the interface an Elastic IP given to an instance
// lands on.
func (x *templateReader) primaryInterface(inst string) *NetworkInterface {
	if i := x.f.Instances[inst]; i != nil && len(i.NetworkInterfaces) > 0 {
		return x.f.NetworkInterfaces[i.NetworkInterfaces[0]]
	}
	return nil
}

func (x *templateReader) eipAssociation(id string, p map[string]interface{}) {
	alloc := refID(p["AllocationId"])
	if alloc == "" {
		alloc, _ = str(p["EIP"])
	}
	var eni *NetworkInterface
	if n := refID(p["NetworkInterfaceId"]); n != "" {
		eni = x.f.NetworkInterfaces[n]
	} else if inst := refID(p["InstanceId"]); inst != "" {
		eni = x.primaryInterface(inst)
	}
	if eni != nil && alloc != "" {
		eni.PublicIP = "Elastic IP " + alloc
	}
}

func (x *templateReader) eip(id string, p map[string]interface{}) {
	if inst := refID(p["InstanceId"]); inst != "" {
		if eni := x.primaryInterface(inst); eni != nil {
			eni.PublicIP = "Elastic IP " + id
		}
	}
}

// ServiceOf is the short name of an endpoint service: the last label of
// com.amazonaws.REGION.s3.
func ServiceOf(serviceName string) string {
	return serviceName[strings.LastIndex(serviceName, ".")+1:]
}

// vpcEndpoint reads an endpoint; a gateway endpoint adds a route to its
// service's prefix list to each of its route tables.
func (x *templateReader) vpcEndpoint(id string, p map[string]interface{}) {
	typ, ok := str(p["VpcEndpointType"])
	if !ok {
		typ = "Gateway" // CloudFormation's default
	}
	name := display(p["ServiceName"])
	ep := &VpcEndpoint{ID: id, VpcID: refID(p["VpcId"]), Type: typ, ServiceName: name, Service: ServiceOf(name), RouteTables: refList(p["RouteTableIds"])}
	x.f.VpcEndpoints[id] = ep
	if !strings.EqualFold(typ, "Gateway") {
		return
	}
	for _, rtID := range ep.RouteTables {
		if rt := x.f.RouteTables[rtID]; rt != nil {
			rt.Routes = append(rt.Routes, Route{ID: id, PrefixList: "service:" + ep.Service, Kind: TargetVpcEndpoint, Target: id})
		}
	}
}
