// The twin of the Go app (main.go + stacks/): the default stack with its
// outputs, tag and cdk-nag metadata. Run with node after tsc, like a Go app
// runs as a built binary. The handler is built by the benchmark (the same
// cached build the Go app uses) and passed in TWIN_HANDLER_DIR and
// TWIN_HANDLER_HASH.
import { App, CfnOutput, Fn, Stack, Tags } from 'aws-cdk-lib';
import { buildTopology } from './topology';
import { Construct } from 'constructs';

const handlerDir = process.env.TWIN_HANDLER_DIR;
const handlerHash = process.env.TWIN_HANDLER_HASH;
if (!handlerDir || !handlerHash) {
  console.error('TWIN_HANDLER_DIR and TWIN_HANDLER_HASH must name the built checkip handler (the benchmark sets them)');
  process.exit(1);
}

const app = new App();
const stack = new Stack(app, 'VpcLambdaInternet');
const scope = new Construct(stack, 'VpcLambda');
const t = buildTopology(scope, {
  vpcCidr: '10.0.0.0/16',
  maxAzs: 2,
  natGateways: 1,
  handlerDir,
  handlerHash,
  description: "Returns the public IP it reaches the internet from (the NAT gateway's Elastic IP)",
});

const out = (id: string, description: string, value: string) => new CfnOutput(stack, id, { value, description });
out('FunctionName', 'Name of the VPC-attached Lambda function', t.fn.functionName);
out('FunctionArn', 'ARN of the VPC-attached Lambda function', t.fn.functionArn);
out('VpcId', 'VPC the function is attached to', t.vpc.vpcId);
out('PrivateSubnetIds', "The function's private subnets (comma-separated)", Fn.join(',', t.privateSubnets.map((s) => s.subnetId)));
out('NatPublicIps', 'Elastic IP(s) of the NAT device(s): the addresses the function reaches the internet from', Fn.join(',', t.elasticIps.map((e) => e.attrPublicIp)));
out('InvokeCommand', 'Invoke the function; its publicIp must be one of NatPublicIps',
  Fn.join('', ['aws lambda invoke --function-name ', t.fn.functionName, ' --region ', stack.region, ' /dev/stdout']));
Tags.of(stack).add('Application', 'vpc-lambda-internet');
app.synth();
