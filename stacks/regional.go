package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// regionalSettings are the regional NAT gateway's settings
// (natProvider=regional), entries of the settings table like any other
// key; what they set is gathered in the reader and becomes the provider
// once every key is read (regionalNat).
var regionalSettings = []setting{
	{key: "natEipsPerAz", doc: "with natProvider=regional: manual mode, this many Elastic IPs the stack creates in each AZ (1 to 32; default: automatic mode)",
		read: func(r *reader, v interface{}) {
			r.regional.ElasticIpsPerAz = r.number("natEipsPerAz", v, "-c natEipsPerAz=1")
			r.regionalKeys = append(r.regionalKeys, "natEipsPerAz")
		},
		props: []string{"NatProvider.ElasticIpsPerAz"}, fix: "-c natEipsPerAz=1"},
	{key: "natAllocationIds", doc: "with natProvider=regional: manual mode with your Elastic IPs, e.g. us-east-1a:eipalloc-0a1+eipalloc-0a2,us-east-1b:eipalloc-0b1 (needs account and region, or known AZs)",
		read: func(r *reader, v interface{}) {
			r.regionalKeys = append(r.regionalKeys, "natAllocationIds")
			text := r.text("natAllocationIds", v, "zone:allocation-id pairs", allocationFix)
			if text == nil {
				return
			}
			ids, err := parseAllocationIds(*text)
			if err != "" {
				r.bad("natAllocationIds", v, err, allocationFix)
				return
			}
			r.regional.AllocationIds = ids
		},
		props: []string{"NatProvider.AllocationIds"}, fix: allocationFix},
	{key: "natMaxDrainSeconds", doc: "with natProvider=regional: MaxDrainDuration in seconds (1 to 4000; default AWS's 350)",
		read: func(r *reader, v interface{}) {
			r.regionalKeys = append(r.regionalKeys, "natMaxDrainSeconds")
			if secs := r.number("natMaxDrainSeconds", v, "-c natMaxDrainSeconds=350"); secs != nil {
				r.regional.MaxDrainDuration = awscdk.Duration_Seconds(jsii.Number(*secs))
			}
		},
		props: []string{"NatProvider.MaxDrainDuration"}, fix: "-c natMaxDrainSeconds=350"},
}

const allocationFix = "-c natAllocationIds=us-east-1a:eipalloc-0123456789abcdef0,us-east-1b:eipalloc-0fedcba9876543210 (zone:id+id+..., zones separated by commas)"

// regionalNat makes the regional NAT gateway when natProvider=regional;
// without it, any of its keys is a problem, and natGateways does not
// apply to one gateway for every AZ.
func (r *reader) regionalNat(c *vpclambda.VpcLambdaProps) {
	if r.natProviderName != "regional" {
		for _, k := range r.regionalKeys {
			r.bad(k, r.all[k], "applies only to a regional NAT gateway", "add -c natProvider=regional, or remove "+k)
		}
		return
	}
	if v, ok := r.all["natGateways"]; ok && v != nil {
		r.bad("natGateways", v, "does not apply to a regional NAT gateway (one gateway serves every AZ)", "remove natGateways, or use -c natProvider=gateway")
	}
	c.NatGateways = nil
	c.NatProvider = vpclambda.RegionalNatGateway(&r.regional)
}

// parseAllocationIds reads "zone:id+id,zone:id" into the construct's map;
// the construct checks the zones and ids themselves.
func parseAllocationIds(v string) (map[string][]string, string) {
	out := map[string][]string{}
	for _, part := range strings.Split(v, ",") {
		zone, ids, ok := strings.Cut(strings.TrimSpace(part), ":")
		zone = strings.TrimSpace(zone)
		if !ok || zone == "" || strings.TrimSpace(ids) == "" {
			return nil, fmt.Sprintf("has %q, which is not zone:allocation-id", part)
		}
		if _, dup := out[zone]; dup {
			return nil, fmt.Sprintf("lists zone %s twice", zone)
		}
		for _, id := range strings.Split(ids, "+") {
			out[zone] = append(out[zone], strings.TrimSpace(id))
		}
	}
	return out, ""
}
