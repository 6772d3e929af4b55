package test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/stacks"
)

// settingCase is one way a user sets the app's context: as JSON (the form
// of cdk.json and cdk.context.json; a `-c key=value` arrives as a string).
// A bad one names, on one line, each key in lines with the value, what is
// wrong and the fix (every string of want on that key's line, none of
// notWant anywhere); a good one passes check on the props it gives.
type settingCase struct {
	name    string
	ctx     string
	lines   map[string][]string // key -> substrings of its line "context key = ..."
	notWant []string
	check   func(id string, p *stacks.StackProps) error
}

var long136 = strings.Repeat("a", 136)

var settingCases = []settingCase{
	// account and region.
	{name: "account as a JSON number", ctx: `{"account":123456789012,"region":"us-east-1"}`,
		check: func(_ string, p *stacks.StackProps) error {
			if p.Env == nil || *p.Env.Account != "123456789012" || *p.Env.Region != "us-east-1" {
				return fmt.Errorf("env %+v", p.Env)
			}
			return nil
		}},
	{name: "account as a JSON number that lost its leading zero", ctx: `{"account":12345678901,"region":"us-east-1"}`,
		lines: map[string][]string{"account": {"= 12345678901:", "JSON number of 11 digits", `"account": "012345678901"`}}, notWant: []string{"e+", "S3 bucket"}},
	{name: "region as a JSON number", ctx: `{"account":"123456789012","region":1}`,
		lines: map[string][]string{"region": {"= 1:", "is not a region name", "fix: -c region=us-east-1"}}},
	{name: "account and region both empty", ctx: `{"account":"","region":""}`,
		lines: map[string][]string{"account": {`= "":`, "is empty"}, "region": {`= "":`, "is empty", "environment-agnostic"}}},
	{name: "account of 5 digits", ctx: `{"account":"12345","region":"us-east-1"}`,
		lines: map[string][]string{"account": {"= 12345:", "exactly 12 digits", "fix: give the 12 digits"}}},
	{name: "account with letters", ctx: `{"account":"12345678901a","region":"us-east-1"}`,
		lines: map[string][]string{"account": {"exactly 12 digits"}}},
	{name: "region that does not exist", ctx: `{"account":"123456789012","region":"us-east-9"}`,
		lines: map[string][]string{"region": {"= us-east-9:", "is not an AWS region", "us-east-1"}}},
	{name: "region in upper case", ctx: `{"account":"123456789012","region":"US-EAST-1"}`,
		lines: map[string][]string{"region": {"lower case", "fix: -c region=us-east-1"}}},
	{name: "account alone", ctx: `{"account":"111111111111"}`,
		lines: map[string][]string{"region": {"account and region must be given together", "fix: -c account=123456789012 -c region=us-east-1"}}},
	{name: "region alone", ctx: `{"region":"eu-west-1"}`,
		lines: map[string][]string{"account": {"account and region must be given together"}}},

	// stackName.
	{name: "stack name of 136 characters", ctx: `{"stackName":"` + long136 + `"}`,
		lines: map[string][]string{"stackName": {"has 136 characters; CloudFormation allows at most 128", "fix: use a name of at most 128"}}},
	{name: "stack name with a slash", ctx: `{"stackName":"a/b"}`,
		lines: map[string][]string{"stackName": {"= a/b:", "must start with a letter and hold only letters, digits and hyphens", "fix: -c stackName=a-b"}}},
	{name: "empty stack name", ctx: `{"stackName":""}`,
		lines: map[string][]string{"stackName": {`= "":`, "is empty", "leave stackName out"}}, notWant: []string{"root constructs"}},
	{name: "stack name starting with a digit", ctx: `{"stackName":"1stack"}`,
		lines: map[string][]string{"stackName": {"must start with a letter", "-c stackName=Stack-1stack"}}},
	{name: "stack name", ctx: `{"stackName":"My-Stack-2"}`,
		check: func(id string, _ *stacks.StackProps) error {
			if id != "My-Stack-2" {
				return fmt.Errorf("id %q", id)
			}
			return nil
		}},

	// vpcCidr.
	{name: "VPC block too small for the default subnets", ctx: `{"vpcCidr":"10.0.0.0/28"}`,
		lines:   map[string][]string{"vpcCidr": {"= 10.0.0.0/28:", "is too small for 2 private /20 and 1 public /24 subnets", "fix: use a /18 or larger block"}},
		notWant: []string{"PrivateSubnetCidrMask", "PublicSubnetCidrMask"}},
	{name: "VPC block /19", ctx: `{"vpcCidr":"10.0.0.0/19"}`,
		lines: map[string][]string{"vpcCidr": {"too small", "use a /18 or larger block"}}},
	{name: "VPC block in 0.0.0.0/8", ctx: `{"vpcCidr":"0.0.0.0/16"}`,
		lines: map[string][]string{"vpcCidr": {"0.0.0.0/8", "not usable VPC space", "InvalidVpc.Range", `fix: use private space (RFC 1918), e.g. "10.0.0.0/16"`}}},
	{name: "VPC block in loopback", ctx: `{"vpcCidr":"127.0.0.0/16"}`,
		lines: map[string][]string{"vpcCidr": {"127.0.0.0/8", "loopback", "InvalidVpc.Range"}}},
	{name: "VPC block in multicast", ctx: `{"vpcCidr":"224.0.0.0/16"}`,
		lines: map[string][]string{"vpcCidr": {"224.0.0.0/4", "multicast"}}},
	{name: "VPC block in link-local", ctx: `{"vpcCidr":"169.254.0.0/16"}`,
		lines: map[string][]string{"vpcCidr": {"169.254.0.0/16", "link-local"}}},
	{name: "VPC block in reserved space", ctx: `{"vpcCidr":"240.0.0.0/16"}`,
		lines: map[string][]string{"vpcCidr": {"240.0.0.0/4", "reserved"}}},
	{name: "VPC block in public space is allowed (netcheck warns)", ctx: `{"vpcCidr":"8.8.0.0/16"}`,
		check: func(_ string, p *stacks.StackProps) error {
			if *p.Construct.VpcCidr != "8.8.0.0/16" {
				return fmt.Errorf("vpcCidr %v", p.Construct.VpcCidr)
			}
			return nil
		}},
	{name: "malformed VPC block", ctx: `{"vpcCidr":"10.0.0/16"}`,
		lines: map[string][]string{"vpcCidr": {"= 10.0.0/16:", "is not an IPv4 CIDR block", `"10.0.0.0/16"`}}},
	{name: "VPC block /8", ctx: `{"vpcCidr":"10.0.0.0/8"}`,
		lines: map[string][]string{"vpcCidr": {"/16 to /28"}}},
	{name: "VPC block with host bits", ctx: `{"vpcCidr":"10.0.0.1/16"}`,
		lines: map[string][]string{"vpcCidr": {"host bits", `"10.0.0.0/16"`}}},
	{name: "VPC block as a JSON number", ctx: `{"vpcCidr":10}`,
		lines: map[string][]string{"vpcCidr": {"= 10:", "is not an IPv4 CIDR block (a JSON string)"}}},
	{name: "empty VPC block", ctx: `{"vpcCidr":" "}`,
		lines: map[string][]string{"vpcCidr": {"is empty"}}},

	// Keys like the app's own.
	{name: "abbreviation memory", ctx: `{"memory":"512"}`,
		lines: map[string][]string{"memory": {"= 512:", "is not a setting of this app (did you mean memorySize?)", "fix: -c memorySize=512"}}},
	{name: "abbreviation endpoints", ctx: `{"endpoints":"s3"}`,
		lines: map[string][]string{"endpoints": {"did you mean gatewayEndpoints", "fix: -c gatewayEndpoints=s3"}}},
	{name: "abbreviation azs", ctx: `{"azs":"3"}`,
		lines: map[string][]string{"azs": {"did you mean maxAzs", "fix: -c maxAzs=3"}}},
	{name: "another case", ctx: `{"maxAZs":"3"}`,
		lines: map[string][]string{"maxAZs": {"= 3:", "did you mean maxAzs", "fix: -c maxAzs=3"}}},
	{name: "snake case", ctx: `{"max_azs":"3"}`,
		lines: map[string][]string{"max_azs": {"did you mean maxAzs"}}},
	{name: "singular", ctx: `{"natGateway":"2"}`,
		lines: map[string][]string{"natGateway": {"did you mean natGateways"}}},
	{name: "capitalized", ctx: `{"MemorySize":"256"}`,
		lines: map[string][]string{"MemorySize": {"did you mean memorySize"}}},
	{name: "lower case, beside a good key", ctx: `{"stackname":"X","vpcCidr":"10.1.0.0/16"}`,
		lines: map[string][]string{"stackname": {"did you mean stackName"}}},
	{name: "prefix of two keys", ctx: `{"nat":"instance"}`,
		lines: map[string][]string{"nat": {"did you mean natAllocationIds or natEipsPerAz or natGateways or natMaxDrainSeconds or natProvider", "fix: -c natAllocationIds=instance or -c natEipsPerAz=instance or -c natGateways=instance or -c natMaxDrainSeconds=instance or -c natProvider=instance"}}},
	{name: "key with a suffix", ctx: `{"accountId":"123456789012"}`,
		lines: map[string][]string{"accountId": {"did you mean account"}}},
	{name: "near spelling", ctx: `{"memroySize":"256"}`,
		lines: map[string][]string{"memroySize": {"did you mean memorySize"}}},
	{name: "CDK's own keys and keys unlike any pass", ctx: `{"maxAzs":"2","@aws-cdk/core:newStyleStackSynthesis":true,"availability-zones:account=1:region=r":["a"],"aws:cdk:enable-path-metadata":true,"myOwnSetting":"x","debug":"1","env":"prod","team":"x"}`,
		check: func(_ string, p *stacks.StackProps) error {
			if *p.Construct.MaxAzs != 2 {
				return fmt.Errorf("maxAzs %v", *p.Construct.MaxAzs)
			}
			return nil
		}},

	// Every problem at once, the context's and the construct's.
	{name: "context and construct problems together", ctx: `{"natProvider":"nat","maxAzs":"1","stackName":"a/b","memorySize":"20000"}`,
		lines: map[string][]string{
			"natProvider": {"= nat:", "is not one of gateway, instance or regional", "fix: -c natProvider=gateway or -c natProvider=instance or -c natProvider=regional"},
			"maxAzs":      {"= 1:", "must be a whole number from 2 to 6"},
			"stackName":   {"= a/b:"},
			"memorySize":  {"= 20000:", "must be a whole number from 128 to 10240", "fix: use 128 to 10240 MB"},
		}, notWant: []string{"MaxAzs", "Function.MemorySize"}},

	// Numbers.
	{name: "AZs from 1", ctx: `{"maxAzs":"1"}`,
		lines: map[string][]string{"maxAzs": {"= 1:", "from 2 to 6", "at least two AZs"}}, notWant: []string{"MaxAzs"}},
	{name: "fractional AZs", ctx: `{"maxAzs":2.5}`,
		lines: map[string][]string{"maxAzs": {"= 2.5:", "whole number"}}},
	{name: "AZs as a JSON number", ctx: `{"maxAzs":3,"natGateways":3,"memorySize":256}`,
		check: func(_ string, p *stacks.StackProps) error {
			c := p.Construct
			if *c.MaxAzs != 3 || *c.NatGateways != 3 || *c.Function.MemorySize != 256 {
				return fmt.Errorf("%v %v %v", *c.MaxAzs, *c.NatGateways, *c.Function.MemorySize)
			}
			return nil
		}},
	{name: "NAT gateways not a number", ctx: `{"natGateways":"lots"}`,
		lines: map[string][]string{"natGateways": {"= lots:", "is not a number", "fix: -c natGateways=2"}}},
	{name: "NAT gateways as a list", ctx: `{"natGateways":[1]}`,
		lines: map[string][]string{"natGateways": {"= [1]:", "is not a number"}}},
	{name: "hexadecimal or infinite", ctx: `{"maxAzs":"0x3","memorySize":"Inf"}`,
		lines: map[string][]string{"maxAzs": {"is not a number"}, "memorySize": {"is not a number"}}},
	{name: "memory not a number", ctx: `{"memorySize":"big"}`,
		lines: map[string][]string{"memorySize": {"= big:", "is not a number"}}},
	{name: "zero NAT gateways", ctx: `{"natGateways":"0"}`,
		lines: map[string][]string{"natGateways": {"= 0:", "at least 1"}}, notWant: []string{"NatGateways"}},
	{name: "more NAT gateways than AZs", ctx: `{"natGateways":"3"}`,
		lines:   map[string][]string{"natGateways": {"= 3:", "more than the 2 Availability Zones", "fix: use at most 2 (one per AZ), or raise maxAzs"}},
		notWant: []string{"MaxAzs", "NatGateways"}},
	{name: "more NAT instances than AZs", ctx: `{"natProvider":"instance","natGateways":"3"}`,
		lines: map[string][]string{"natGateways": {"= 3:", "from 1 to 2", "raise maxAzs"}}, notWant: []string{"NatProvider.Count", "MaxAzs"}},

	// Choices and lists, in their natural forms.
	{name: "NAT provider in another case", ctx: `{"natProvider":"Instance","natGateways":"2"}`,
		check: func(_ string, p *stacks.StackProps) error {
			if _, ok := p.Construct.NatProvider.(*vpclambda.NatInstanceProvider); !ok || p.Construct.NatGateways != nil {
				return fmt.Errorf("provider %T, NatGateways %v", p.Construct.NatProvider, p.Construct.NatGateways)
			}
			return nil
		}},
	{name: "NAT provider gateway", ctx: `{"natProvider":"GATEWAY","natGateways":"2","maxAzs":"2"}`,
		check: func(_ string, p *stacks.StackProps) error {
			if p.Construct.NatProvider != nil || *p.Construct.NatGateways != 2 {
				return fmt.Errorf("provider %T, NatGateways %v", p.Construct.NatProvider, p.Construct.NatGateways)
			}
			return nil
		}},
	{name: "gateway endpoint in upper case", ctx: `{"gatewayEndpoints":"S3"}`, check: endpoints("[s3]")},
	{name: "gateway endpoints as a JSON list", ctx: `{"gatewayEndpoints":["s3","DynamoDB"]}`, check: endpoints("[s3 dynamodb]")},
	{name: "gateway endpoints as an empty JSON list", ctx: `{"gatewayEndpoints":[]}`, check: endpoints("[]")},
	{name: "no gateway endpoints", ctx: `{"gatewayEndpoints":"None"}`, check: endpoints("[]")},
	{name: "unknown gateway endpoint", ctx: `{"gatewayEndpoints":"s3,sqs"}`,
		lines:   map[string][]string{"gatewayEndpoints": {"= s3,sqs:", "names sqs, which is not one of dynamodb, s3", "fix: -c gatewayEndpoints=dynamodb,s3"}},
		notWant: []string{"vpclambda.", "GatewayEndpointS3"}},
	{name: "unknown gateway endpoint in a JSON list", ctx: `{"gatewayEndpoints":["s3",1]}`,
		lines: map[string][]string{"gatewayEndpoints": {`= ["s3",1]:`, "names 1, which is not one of"}}},
	{name: "gateway endpoints as a JSON object", ctx: `{"gatewayEndpoints":{"s3":true}}`,
		lines: map[string][]string{"gatewayEndpoints": {"is not a list", `["s3", "dynamodb"]`}}},
	{name: "none with a service", ctx: `{"gatewayEndpoints":"none,s3"}`,
		lines: map[string][]string{"gatewayEndpoints": {"lists none together with services"}}},
	{name: "gateway endpoint twice", ctx: `{"gatewayEndpoints":"s3,S3"}`,
		lines: map[string][]string{"gatewayEndpoints": {"= s3,S3:", "is listed twice", "list each service once"}}, notWant: []string{"GatewayEndpoints["}},
	{name: "allowed domains", ctx: `{"allowedDomains":"api.example.com, *.amazonaws.com"}`,
		check: func(_ string, p *stacks.StackProps) error {
			if d := p.Construct.AllowedDomains; d == nil || len(*d) != 2 || *(*d)[0] != "api.example.com" || *(*d)[1] != "*.amazonaws.com" {
				return fmt.Errorf("allowedDomains %v", d)
			}
			return nil
		}},
	{name: "allowed domains as a JSON list", ctx: `{"allowedDomains":["api.example.com"]}`,
		check: func(_ string, p *stacks.StackProps) error {
			if d := p.Construct.AllowedDomains; d == nil || len(*d) != 1 {
				return fmt.Errorf("allowedDomains %v", d)
			}
			return nil
		}},
	{name: "allowed domain malformed", ctx: `{"allowedDomains":"api.example.com,https://x.example.com"}`,
		lines: map[string][]string{"allowedDomains": {"= api.example.com,https://x.example.com:", "not a domain DNS Firewall accepts", "host name only"}}},
	{name: "allowed domains empty", ctx: `{"allowedDomains":""}`,
		lines: map[string][]string{"allowedDomains": {"allows no domain", "leave allowedDomains unset"}}},
	{name: "allowed domains as a number", ctx: `{"allowedDomains":3}`,
		lines: map[string][]string{"allowedDomains": {"= 3:", "is not a list"}}},
	{name: "unknown NAT provider", ctx: `{"natProvider":"nat"}`,
		lines: map[string][]string{"natProvider": {"is not one of gateway, instance or regional", "-c natProvider=gateway or -c natProvider=instance or -c natProvider=regional"}}},
	// The regional NAT gateway's settings.
	{name: "regional setting without natProvider=regional", ctx: `{"natEipsPerAz":"2"}`,
		lines: map[string][]string{"natEipsPerAz": {"= 2:", "applies only to a regional NAT gateway", "fix: add -c natProvider=regional, or remove natEipsPerAz"}}},
	{name: "regional drain with NAT instances", ctx: `{"natProvider":"instance","natMaxDrainSeconds":"60"}`,
		lines: map[string][]string{"natMaxDrainSeconds": {"= 60:", "applies only to a regional NAT gateway"}}},
	{name: "regional allocation ids without natProvider=regional", ctx: `{"natAllocationIds":"us-east-1a:eipalloc-0a"}`,
		lines: map[string][]string{"natAllocationIds": {"= us-east-1a:eipalloc-0a:", "applies only to a regional NAT gateway"}}},
	{name: "natGateways with a regional gateway", ctx: `{"natProvider":"regional","natGateways":"2"}`,
		lines: map[string][]string{"natGateways": {"= 2:", "does not apply to a regional NAT gateway (one gateway serves every AZ)", "fix: remove natGateways, or use -c natProvider=gateway"}}},
	{name: "regional Elastic IPs not a number", ctx: `{"natProvider":"regional","natEipsPerAz":"two"}`,
		lines: map[string][]string{"natEipsPerAz": {"= two:", "is not a number", "fix: -c natEipsPerAz=1"}}},
	{name: "regional drain not a number", ctx: `{"natProvider":"regional","natMaxDrainSeconds":"long"}`,
		lines: map[string][]string{"natMaxDrainSeconds": {"= long:", "is not a number"}}},
	{name: "regional allocation ids without zones", ctx: `{"natProvider":"regional","natAllocationIds":"eipalloc-0a"}`,
		lines: map[string][]string{"natAllocationIds": {"= eipalloc-0a:", `has "eipalloc-0a", which is not zone:allocation-id`, "fix: -c natAllocationIds=us-east-1a:eipalloc-"}}},
	{name: "regional allocation ids with a zone twice", ctx: `{"natProvider":"regional","natAllocationIds":"a:x,a:y"}`,
		lines: map[string][]string{"natAllocationIds": {"lists zone a twice"}}},
	{name: "regional key misspelt", ctx: `{"natProvider":"regional","natEipPerAz":"1"}`,
		lines: map[string][]string{"natEipPerAz": {"did you mean natEipsPerAz"}}},
	{name: "IPv6 in upper case and guardrails as JSON true", ctx: `{"ipv6":"TRUE","guardrails":true}`,
		check: func(_ string, p *stacks.StackProps) error {
			if p.Construct.Ipv6 == nil || !*p.Construct.Ipv6 || !p.Guardrails {
				return fmt.Errorf("ipv6 %v guardrails %v", p.Construct.Ipv6, p.Guardrails)
			}
			return nil
		}},
	{name: "IPv6 yes", ctx: `{"ipv6":"yes"}`,
		lines: map[string][]string{"ipv6": {"= yes:", "is not true or false", "fix: -c ipv6=true or -c ipv6=false"}}},
	{name: "guardrails yes please", ctx: `{"guardrails":"yes please"}`,
		lines: map[string][]string{"guardrails": {`= "yes please":`, "is not true or false", "fix: -c guardrails=true"}}},
	{name: "IPv6 as a JSON number", ctx: `{"ipv6":1}`,
		lines: map[string][]string{"ipv6": {"= 1:", "is not true or false"}}},
	{name: "every setting", ctx: `{"maxAzs":"3","natGateways":"2","vpcCidr":"10.1.0.0/16","memorySize":"256","stackName":"Other","guardrails":"true"}`,
		check: func(id string, p *stacks.StackProps) error {
			c := p.Construct
			if id != "Other" || *c.MaxAzs != 3 || *c.NatGateways != 2 || *c.VpcCidr != "10.1.0.0/16" || *c.Function.MemorySize != 256 || !p.Guardrails {
				return fmt.Errorf("parsed %v %+v", id, p)
			}
			return nil
		}},
}

func endpoints(want string) func(string, *stacks.StackProps) error {
	return func(_ string, p *stacks.StackProps) error {
		if p.Construct.GatewayEndpoints == nil || fmt.Sprint(*p.Construct.GatewayEndpoints) != want {
			return fmt.Errorf("gatewayEndpoints %v, want %s", p.Construct.GatewayEndpoints, want)
		}
		return nil
	}
}

// TestSettings runs every case: the props of a good one, and for a bad one
// the error of building the app's stack from that context (as main does),
// which must list every problem, one line each.
func TestSettings(t *testing.T) {
	for _, c := range settingCases {
		t.Run(c.name, func(t *testing.T) {
			var ctx map[string]interface{}
			if err := json.Unmarshal([]byte(c.ctx), &ctx); err != nil {
				t.Fatal(err)
			}
			if c.check != nil {
				var id string
				var props *stacks.StackProps
				var err error
				must(t, func() {
					app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
					id, props, err = stacks.PropsFromContext(app.Node())
				})
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				if err := c.check(id, props); err != nil {
					t.Error(err)
				}
				return
			}
			var err error
			must(t, func() {
				app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
				_, err = stacks.NewStackFromContext(app)
			})
			if err == nil {
				t.Fatal("want an error")
			}
			msg := err.Error()
			lines := strings.Split(msg, "\n")
			if len(lines)-1 != len(c.lines) {
				t.Errorf("want %d problems, got %d:\n%s", len(c.lines), len(lines)-1, msg)
			}
			for key, want := range c.lines {
				var line string
				for _, l := range lines {
					if strings.HasPrefix(l, "  - context "+key+" = ") {
						line = l
					}
				}
				if line == "" {
					t.Errorf("no line names context %s:\n%s", key, msg)
					continue
				}
				if !strings.Contains(line, "; fix: ") {
					t.Errorf("line without a fix: %s", line)
				}
				if e := contains(line, want...); e != nil {
					t.Errorf("%v in: %s", e, line)
				}
			}
			for _, bad := range c.notWant {
				if strings.Contains(msg, bad) {
					t.Errorf("must not say %q:\n%s", bad, msg)
				}
			}
		})
	}
}
