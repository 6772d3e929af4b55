package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// regionalContextKeys are the context keys of the regional NAT gateway
// (natProvider=regional), with what they set.
var regionalContextKeys = map[string]string{
	"natEipsPerAz":       "with natProvider=regional: manual mode, this many Elastic IPs the stack creates in each AZ (1 to 32; default: automatic mode)",
	"natAllocationIds":   "with natProvider=regional: manual mode with your Elastic IPs, e.g. us-east-1a:eipalloc-0a1+eipalloc-0a2,us-east-1b:eipalloc-0b1 (needs account and region, or known AZs)",
	"natMaxDrainSeconds": "with natProvider=regional: MaxDrainDuration in seconds (1 to 4000; default AWS's 350)",
}

func init() {
	for k, v := range regionalContextKeys {
		ContextKeys[k] = v
	}
}

// regionalNatContext reads the regional NAT gateway's settings: with
// natProvider=regional it sets the construct's NatProvider; without it,
// any of its keys is a problem.
func regionalNatContext(get func(string) (string, bool), num func(string) *float64, cp *vpclambda.VpcLambdaProps) []string {
	var problems []string
	if provider, _ := get("natProvider"); provider != "regional" {
		for _, k := range []string{"natEipsPerAz", "natAllocationIds", "natMaxDrainSeconds"} {
			if v, ok := get(k); ok {
				problems = append(problems, fmt.Sprintf("context %s = %q applies only to a regional NAT gateway; fix: add -c natProvider=regional, or remove %s", k, v, k))
			}
		}
		return problems
	}
	if s, ok := get("natGateways"); ok {
		problems = append(problems, fmt.Sprintf("context natGateways = %q does not apply to a regional NAT gateway (one gateway serves every AZ); fix: remove natGateways, or use -c natProvider=gateway", s))
	}
	cp.NatGateways = nil
	opts := &vpclambda.RegionalNatGatewayOptions{ElasticIpsPerAz: num("natEipsPerAz")}
	if v, ok := get("natAllocationIds"); ok {
		ids, err := parseAllocationIds(v)
		if err != "" {
			problems = append(problems, fmt.Sprintf("context natAllocationIds = %q %s; fix: -c natAllocationIds=us-east-1a:eipalloc-0123456789abcdef0,us-east-1b:eipalloc-0fedcba9876543210 (zone:id+id+..., zones separated by commas)", v, err))
		} else {
			opts.AllocationIds = ids
		}
	}
	if secs := num("natMaxDrainSeconds"); secs != nil {
		opts.MaxDrainDuration = awscdk.Duration_Seconds(jsii.Number(*secs))
	}
	cp.NatProvider = vpclambda.RegionalNatGateway(opts)
	return problems
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
