package netcheck

// regionalNatGateway completes a NAT gateway read from a template when it
// is regional (AvailabilityMode regional), from its resolved properties:
// its VPC, and in manual mode (AvailabilityZoneAddresses) the zones it
// serves with their Elastic IPs. A zonal gateway is left as it is.
func regionalNatGateway(nat *NatGateway, p map[string]interface{}) {
	if mode, _ := str(p["AvailabilityMode"]); mode != "regional" {
		return
	}
	nat.Regional = true
	nat.VpcID = refID(p["VpcId"])
	raw, set := p["AvailabilityZoneAddresses"]
	if !set || raw == nil {
		return // automatic mode
	}
	nat.Manual = true
	list, ok := raw.([]interface{})
	if !ok {
		return // manual, but which zones cannot be read: Zones stays nil
	}
	nat.Zones = []NatZone{}
	for _, e := range list {
		m, _ := e.(map[string]interface{})
		az, _ := str(m["AvailabilityZone"])
		azID, _ := str(m["AvailabilityZoneId"])
		z := NatZone{AZ: az, AZID: azID}
		ids, _ := m["AllocationIds"].([]interface{})
		for _, id := range ids {
			if s := refID(id); s != "" {
				z.Allocations = append(z.Allocations, s)
			} else if s, ok := str(id); ok {
				z.Allocations = append(z.Allocations, s)
			}
		}
		nat.Zones = append(nat.Zones, z)
	}
}
