package vpclambda

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// GatewayEndpointService is an AWS service a gateway VPC endpoint reaches
// from the private subnets without the NAT device.
type GatewayEndpointService string

// The services with gateway endpoints. Gateway endpoints cost nothing, and
// the traffic to the service no longer pays the NAT gateway's per-GB
// processing (nor its connection limit); AWS recommends them.
const (
	GatewayEndpointS3       GatewayEndpointService = "s3"
	GatewayEndpointDynamoDB GatewayEndpointService = "dynamodb"
)

// DefaultGatewayEndpoints are the endpoints of a VPC the construct creates
// unless VpcLambdaProps.GatewayEndpoints says otherwise: both.
var DefaultGatewayEndpoints = []GatewayEndpointService{GatewayEndpointS3, GatewayEndpointDynamoDB}

// planGatewayEndpoints validates VpcLambdaProps.GatewayEndpoints.
func planGatewayEndpoints(ps *problems, list *[]GatewayEndpointService) []GatewayEndpointService {
	if list == nil {
		return DefaultGatewayEndpoints
	}
	seen := map[GatewayEndpointService]bool{}
	var out []GatewayEndpointService
	for i, s := range *list {
		prop := fmt.Sprintf("GatewayEndpoints[%d]", i)
		switch {
		case s != GatewayEndpointS3 && s != GatewayEndpointDynamoDB:
			ps.add(prop, fmt.Sprintf("%q", s), "is not a service with a gateway endpoint (only S3 and DynamoDB have them)",
				"use vpclambda.GatewayEndpointS3 or vpclambda.GatewayEndpointDynamoDB; add interface endpoints for other services yourself")
		case seen[s]:
			ps.add(prop, fmt.Sprintf("%q", s), "is listed twice", "list each service once")
		default:
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// gatewayEndpoints creates one gateway endpoint per service on every
// private route table, so every subnet of the function reaches the service
// the same way.
func (b *networkBuilder) gatewayEndpoints(services []GatewayEndpointService) {
	if len(services) == 0 {
		return
	}
	var rts []interface{}
	for _, rt := range b.n.PrivateRouteTables {
		rts = append(rts, b.v.id(rt, rt.AttrRouteTableId))
	}
	region := b.v.region()
	b.n.GatewayEndpoints = map[GatewayEndpointService]awsec2.CfnVPCEndpoint{}
	for _, s := range services {
		id := map[GatewayEndpointService]string{GatewayEndpointS3: "S3Endpoint", GatewayEndpointDynamoDB: "DynamoDbEndpoint"}[s]
		b.n.GatewayEndpoints[s] = awsec2.NewCfnVPCEndpoint(b.v, jsii.String(id), &awsec2.CfnVPCEndpointProps{
			VpcId:           b.vpcID,
			ServiceName:     awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("com.amazonaws."), region, jsii.String("." + string(s))}),
			VpcEndpointType: jsii.String("Gateway"),
			RouteTableIds:   &rts,
		})
	}
}
