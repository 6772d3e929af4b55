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

// The app's context options of the regional NAT gateway: each bad value
// is an error naming the key, the value and the fix.
func TestRegionalContextErrors(t *testing.T) {
	for ctx, want := range map[string]string{
		`{"natEipsPerAz":"2"}`:                                        `context natEipsPerAz = "2" applies only to a regional NAT gateway; fix: add -c natProvider=regional, or remove natEipsPerAz`,
		`{"natProvider":"instance","natMaxDrainSeconds":"60"}`:        `context natMaxDrainSeconds = "60" applies only to a regional NAT gateway`,
		`{"natAllocationIds":"us-east-1a:eipalloc-0a"}`:               `context natAllocationIds = "us-east-1a:eipalloc-0a" applies only to a regional NAT gateway`,
		`{"natProvider":"regional","natGateways":"2"}`:                `context natGateways = "2" does not apply to a regional NAT gateway (one gateway serves every AZ); fix: remove natGateways, or use -c natProvider=gateway`,
		`{"natProvider":"regional","natEipsPerAz":"two"}`:             `context natEipsPerAz = "two" is not a number; fix: -c natEipsPerAz=<number>`,
		`{"natProvider":"regional","natMaxDrainSeconds":"long"}`:      `context natMaxDrainSeconds = "long" is not a number`,
		`{"natProvider":"regional","natAllocationIds":"eipalloc-0a"}`: `context natAllocationIds = "eipalloc-0a" has "eipalloc-0a", which is not zone:allocation-id; fix: -c natAllocationIds=us-east-1a:eipalloc-`,
		`{"natProvider":"regional","natAllocationIds":"a:x,a:y"}`:     `context natAllocationIds = "a:x,a:y" lists zone a twice`,
		`{"natProvider":"regional","natEipPerAz":"1"}`:                "did you mean natEipsPerAz",
	} {
		var err error
		must(t, func() {
			var c map[string]interface{}
			json.Unmarshal([]byte(ctx), &c)
			app := awscdk.NewApp(&awscdk.AppProps{Context: &c})
			_, _, err = stacks.PropsFromContext(app.Node())
		})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", ctx, want, err)
		}
	}
}

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
