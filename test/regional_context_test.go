package test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/stacks"
)

// The regional NAT gateway's bad settings are cases of TestSettings'
// table (settings_test.go).

// natProvider=regional with the manual-mode settings builds the regional
// gateway; the stack's outputs name it, and NatPublicIps only when the
// template knows the addresses (manual mode with created Elastic IPs).
func TestRegionalContextBuildsTheGateway(t *testing.T) {
	for _, c := range []struct {
		ctx       map[string]interface{}
		publicIPs bool
		want      string
	}{
		{map[string]interface{}{"natProvider": "regional"}, false, `"AvailabilityMode":"regional"`},
		{map[string]interface{}{"natProvider": "regional", "natEipsPerAz": "2", "natMaxDrainSeconds": "120"}, true, `"MaxDrainDurationSeconds":120`},
		{map[string]interface{}{"natProvider": "regional", "account": "123456789012", "region": "us-east-1",
			"availability-zones:account=123456789012:region=us-east-1": []interface{}{"us-east-1a", "us-east-1b", "us-east-1c"},
			"natAllocationIds": "us-east-1a:eipalloc-0123456789abcdef0+eipalloc-0123456789abcdef1, us-east-1b:eipalloc-0fedcba9876543210"}, false,
			`"AvailabilityZoneAddresses":[{"AllocationIds":["eipalloc-0123456789abcdef0","eipalloc-0123456789abcdef1"],"AvailabilityZone":"us-east-1a"},{"AllocationIds":["eipalloc-0fedcba9876543210"],"AvailabilityZone":"us-east-1b"}]`},
	} {
		var tpl string
		must(t, func() {
			ctx := c.ctx
			app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
			id, props, err := stacks.PropsFromContext(app.Node())
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := props.Construct.NatProvider.(*vpclambda.RegionalNatGatewayProvider); !ok || props.Construct.NatGateways != nil {
				t.Fatalf("%v: provider %T, NatGateways %v", ctx, props.Construct.NatProvider, props.Construct.NatGateways)
			}
			s, err := stacks.NewStack(app, id, props)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(assertions.Template_FromStack(s.Stack, nil).ToJSON())
			tpl = string(b)
		})
		if !strings.Contains(tpl, c.want) {
			t.Errorf("%v: the template lacks %s", c.ctx, c.want)
		}
		if !strings.Contains(tpl, `"RegionalNatGatewayId"`) {
			t.Errorf("%v: no RegionalNatGatewayId output", c.ctx)
		}
		if got := strings.Contains(tpl, `"NatPublicIps"`); got != c.publicIPs {
			t.Errorf("%v: NatPublicIps output present = %v, want %v", c.ctx, got, c.publicIPs)
		}
	}
}
