// The TypeScript twin of constructs/vpclambda with its defaults: the same
// CloudFormation resources, dependencies, tags and metadata, written the way a
// TypeScript CDK user would write them. The benchmark compares the Go app's
// synth with this one's; it fails when the two templates' resource types or
// counts drift apart.
//
// Keeping it in step: each part of the topology is one function below and
// `buildTopology` calls them in order. When the Go construct gains a default
// resource (flow logs, alarms, ...), add a function here that creates the
// same resources and call it from `buildTopology`.
import { Construct } from 'constructs';
import { ArnFormat, AssetHashType, CfnResource, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

const ANY_IPV4 = '0.0.0.0/0';

export interface TopologyProps {
  vpcCidr: string; // a /16
  maxAzs: number;
  natGateways: number;
  handlerDir: string; // directory holding the built `bootstrap`
  handlerHash: string; // its asset hash
  description: string;
}

export interface Topology {
  cfnVpc: ec2.CfnVPC;
  vpc: ec2.IVpc;
  privateSubnets: ec2.ISubnet[];
  elasticIps: ec2.CfnEIP[];
  fn: lambda.Function;
}

interface Network {
  vpc: ec2.CfnVPC;
  natGateways: ec2.CfnNatGateway[];
  privateRouteTables: ec2.CfnRouteTable[];
  cidr: string;
  azs: string[];
  privateSubnets: ec2.CfnSubnet[];
  elasticIps: ec2.CfnEIP[];
  internetPath: CfnResource[]; // the function is created after all of these
  ivpc: ec2.IVpc;
}

export function buildTopology(scope: Construct, props: TopologyProps): Topology {
  const net = network(scope, props);
  gatewayEndpoints(scope, net, ['s3', 'dynamodb']);
  flowLog(scope, net);
  natAlarms(scope, net);
  const sg = securityGroup(scope, net);
  const fn = fnWithRole(scope, props, net, sg);
  return { cfnVpc: net.vpc, vpc: net.ivpc, privateSubnets: net.ivpc.privateSubnets, elasticIps: net.elasticIps, fn };
}

// Keys in sorted order, as the Go construct's maps reach aws-cdk-lib.
function nagSuppress(r: CfnResource, id: string, reason: string, appliesTo?: string[]) {
  const rule = appliesTo ? { applies_to: appliesTo, id, reason } : { id, reason };
  r.addMetadata('cdk_nag', { rules_to_suppress: [rule] });
}

// One reason for several rules, as the Go construct's suppress writes them.
function nagSuppressAll(r: CfnResource, reason: string, ...ids: string[]) {
  r.addMetadata('cdk_nag', { rules_to_suppress: ids.map((id) => ({ id, reason })) });
}

const packs = (rule: string) => [`NIST.800.53.R5-${rule}`, `HIPAA.Security-${rule}`, `PCI.DSS.321-${rule}`];

// Subnet blocks as the Go construct lays them out: private subnets from the
// start of the VPC block, public subnets from its end.
function subnetCidr(vpcCidr: string, mask: number, index: number, fromEnd: boolean): string {
  const [addr] = vpcCidr.split('/');
  const base = addr.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - mask);
  const span = 2 ** (32 - Number(vpcCidr.split('/')[1]));
  const start = fromEnd ? base + span - (index + 1) * size : base + index * size;
  return [24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.') + '/' + mask;
}

function network(scope: Construct, props: TopologyProps): Network {
  const path = scope.node.path;
  const tags = (id: string) => [{ key: 'Name', value: `${path}/${id}` }];
  const azs = Array.from({ length: props.maxAzs }, (_, i) => Fn.select(i, Fn.getAzs('')));
  const internetPath: CfnResource[] = [];

  const vpc = new ec2.CfnVPC(scope, 'Vpc', { cidrBlock: props.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('Vpc') });
  const igw = new ec2.CfnInternetGateway(scope, 'InternetGateway', { tags: tags('InternetGateway') });
  const attachment = new ec2.CfnVPCGatewayAttachment(scope, 'InternetGatewayAttachment', { vpcId: vpc.attrVpcId, internetGatewayId: igw.attrInternetGatewayId });
  internetPath.push(attachment);

  const publicRt = new ec2.CfnRouteTable(scope, 'PublicRouteTable', { vpcId: vpc.attrVpcId, tags: tags('PublicRouteTable') });
  const publicRoute = new ec2.CfnRoute(scope, 'PublicDefaultRoute', { routeTableId: publicRt.attrRouteTableId, destinationCidrBlock: ANY_IPV4, gatewayId: igw.attrInternetGatewayId });
  publicRoute.addResourceDependency(attachment, 'the internet gateway must be attached before it is a route target');
  internetPath.push(publicRoute);
  nagSuppressAll(publicRoute, "The public subnet holds only the NAT devices (no public IPs on launch), and its default route to the internet gateway is how they reach the internet (and, with IPv6, how the public subnet's own IPv6 traffic does): AWS's reference topology for a VPC Lambda function with internet access. The function's private subnets route to the NAT gateway, never to the internet gateway.",
    ...packs('VPCNoUnrestrictedRouteToIGW'));

  const publicAcl = new ec2.CfnNetworkAcl(scope, 'PublicNetworkAcl', { vpcId: vpc.attrVpcId, tags: tags('PublicNetworkAcl') });
  const privateAcl = new ec2.CfnNetworkAcl(scope, 'PrivateNetworkAcl', { vpcId: vpc.attrVpcId, tags: tags('PrivateNetworkAcl') });
  const acls: CfnResource[] = [publicAcl, privateAcl];
  for (const [tier, acl] of [['Public', publicAcl], ['Private', privateAcl]] as const) {
    for (const r of naclRules(props.vpcCidr)) {
      const e = new ec2.CfnNetworkAclEntry(scope, `${tier}NetworkAcl${r.name}`, {
        networkAclId: acl.attrId, ruleNumber: r.number, ruleAction: 'allow', egress: r.egress, protocol: r.protocol, cidrBlock: r.cidr,
        portRange: r.ports ? { from: r.ports[0], to: r.ports[1] } : undefined,
      });
      acls.push(e);
      internetPath.push(e);
    }
  }

  const elasticIps: ec2.CfnEIP[] = [];
  const natGateways: ec2.CfnNatGateway[] = [];
  const privateRts: ec2.CfnRouteTable[] = [];
  const publicSubnets: ec2.CfnSubnet[] = [];
  for (let j = 0; j < props.natGateways; j++) {
    const id = `PublicSubnet${j + 1}`;
    const s = new ec2.CfnSubnet(scope, id, { vpcId: vpc.attrVpcId, cidrBlock: subnetCidr(props.vpcCidr, 24, j, true), availabilityZone: azs[j], mapPublicIpOnLaunch: false, tags: tags(id) });
    publicSubnets.push(s);
    internetPath.push(new ec2.CfnSubnetRouteTableAssociation(scope, `${id}RouteTableAssociation`, { subnetId: s.attrSubnetId, routeTableId: publicRt.attrRouteTableId }));
    internetPath.push(new ec2.CfnSubnetNetworkAclAssociation(scope, `${id}NetworkAclAssociation`, { subnetId: s.attrSubnetId, networkAclId: publicAcl.attrId }));
    const natId = `NatGateway${j + 1}`;
    const eip = new ec2.CfnEIP(scope, `${natId}Eip`, { domain: 'vpc', tags: tags(`${natId}Eip`) });
    eip.addResourceDependency(attachment, 'an Elastic IP in a VPC needs the internet gateway attached');
    const nat = new ec2.CfnNatGateway(scope, natId, { allocationId: eip.attrAllocationId, subnetId: s.attrSubnetId, connectivityType: 'public', tags: tags(natId) });
    elasticIps.push(eip);
    natGateways.push(nat);
    internetPath.push(nat);
    const rtId = `PrivateRouteTable${j + 1}`;
    const rt = new ec2.CfnRouteTable(scope, rtId, { vpcId: vpc.attrVpcId, tags: tags(rtId) });
    internetPath.push(new ec2.CfnRoute(scope, `${rtId}DefaultRoute`, { routeTableId: rt.attrRouteTableId, destinationCidrBlock: ANY_IPV4, natGatewayId: nat.attrNatGatewayId }));
    privateRts.push(rt);
  }

  const privateSubnets: ec2.CfnSubnet[] = [];
  for (let i = 0; i < props.maxAzs; i++) {
    const id = `PrivateSubnet${i + 1}`;
    const s = new ec2.CfnSubnet(scope, id, { vpcId: vpc.attrVpcId, cidrBlock: subnetCidr(props.vpcCidr, 20, i, false), availabilityZone: azs[i], mapPublicIpOnLaunch: false, tags: tags(id) });
    privateSubnets.push(s);
    const rt = privateRts[i % privateRts.length];
    internetPath.push(new ec2.CfnSubnetRouteTableAssociation(scope, `${id}RouteTableAssociation`, { subnetId: s.attrSubnetId, routeTableId: rt.attrRouteTableId }));
    internetPath.push(new ec2.CfnSubnetNetworkAclAssociation(scope, `${id}NetworkAclAssociation`, { subnetId: s.attrSubnetId, networkAclId: privateAcl.attrId }));
  }

  const ivpc = ec2.Vpc.fromVpcAttributes(scope, 'VpcReference', {
    vpcId: vpc.attrVpcId,
    vpcCidrBlock: props.vpcCidr,
    availabilityZones: azs,
    privateSubnetIds: privateSubnets.map((s) => s.attrSubnetId),
    privateSubnetRouteTableIds: privateSubnets.map((_, i) => privateRts[i % privateRts.length].attrRouteTableId),
    privateSubnetIpv4CidrBlocks: privateSubnets.map((_, i) => subnetCidr(props.vpcCidr, 20, i, false)),
  });
  nagSuppressAll(vpc, "Nothing the construct creates uses the VPC's default security group: every function gets the construct's own security group, without inbound rules. Removing the default group's rules needs a Lambda-backed custom resource (Custom::VpcRestrictDefaultSG), which the construct does not use by design (no code running at deploy time); keep the default group unused, which AWS Config's vpc-default-security-group-closed rule can monitor.",
    ...packs('VPCDefaultSecurityGroupClosed'));
  for (const acl of acls) {
    nagSuppress(acl, 'AwsSolutions-VPC3', 'Explicit, numbered network ACL rules for the private and public tiers are part of AWS\'s reference topology for VPC Lambda internet access.');
  }
  return { vpc, natGateways, privateRouteTables: privateRts, cidr: props.vpcCidr, azs, privateSubnets, elasticIps, internetPath, ivpc };
}

// Gateway endpoints (S3 and DynamoDB by default) on the private route tables.
function gatewayEndpoints(scope: Construct, net: Network, services: ('s3' | 'dynamodb')[]) {
  const region = Stack.of(scope).region;
  for (const svc of services) {
    new ec2.CfnVPCEndpoint(scope, svc === 's3' ? 'S3Endpoint' : 'DynamoDbEndpoint', {
      vpcId: net.vpc.attrVpcId,
      serviceName: Fn.join('', ['com.amazonaws.', region, `.${svc}`]),
      vpcEndpointType: 'Gateway',
      routeTableIds: net.privateRouteTables.map((rt) => rt.attrRouteTableId),
    });
  }
}

const FLOW_LOG_FORMAT = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end',
  'action', 'log-status', 'vpc-id', 'subnet-id', 'az-id', 'pkt-srcaddr', 'pkt-dstaddr', 'flow-direction', 'traffic-path', 'tcp-flags'].map((f) => `\${${f}}`).join(' ');

const UNENCRYPTED_LOGS = 'CloudWatch Logs encrypts every log group at rest with AWS-owned keys. A customer managed KMS key (VpcLambdaProps.LogEncryptionKey) adds control over who can decrypt, for about USD 1 a month per key plus requests; the construct leaves that choice to the embedder and uses the service encryption by default.';

// The VPC flow log: a log group, a role for the flow log service, a managed
// policy that lets it write there, and the flow log itself.
function flowLog(scope: Construct, net: Network) {
  const stack = Stack.of(scope);
  const group = new logs.LogGroup(scope, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  nagSuppressAll(group.node.defaultChild as CfnResource, UNENCRYPTED_LOGS, ...packs('CloudWatchLogGroupEncrypted'));
  const role = new iam.Role(scope, 'FlowLogRole', {
    description: `Writes the VPC flow log of ${scope.node.path} to its log group`,
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
      // Keys in sorted order, as a Go map reaches aws-cdk-lib.
      conditions: {
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ec2', resource: 'vpc-flow-log', resourceName: '*' }) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  });
  const policy = new iam.ManagedPolicy(scope, 'FlowLogPolicy', {
    description: `Lets the VPC flow log of ${scope.node.path} write to its log group, and nowhere else`,
    statements: [new iam.PolicyStatement({ sid: 'WriteFlowLogRecords', actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: [group.logGroupArn] })],
    roles: [role],
  });
  const fl = new ec2.CfnFlowLog(scope, 'FlowLog', {
    resourceId: net.vpc.attrVpcId,
    resourceType: 'VPC',
    trafficType: 'ALL',
    logFormat: FLOW_LOG_FORMAT,
    tags: [{ key: 'Name', value: `${scope.node.path}/FlowLog` }],
    logDestinationType: 'cloud-watch-logs',
    logDestination: group.logGroupArn,
    deliverLogsPermissionArn: role.roleArn,
  });
  fl.addResourceDependency(policy.node.defaultChild as CfnResource, "the flow log's role needs its permission before the flow log writes");
}

// Two alarms per NAT gateway: ports it could not allocate, packets it dropped.
function natAlarms(scope: Construct, net: Network) {
  const alarms = new Construct(scope, 'Alarms');
  net.natGateways.forEach((nat, i) => {
    const metric = (name: string) => new cloudwatch.Metric({
      namespace: 'AWS/NATGateway', metricName: name, dimensionsMap: { NatGatewayId: nat.attrNatGatewayId }, statistic: 'Sum', period: Duration.minutes(1),
    });
    const what = `NAT gateway ${i + 1} of ${scope.node.path}`;
    const add = (id: string, props: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(alarms, id, props);
      nagSuppressAll(alarm.node.defaultChild as CfnResource, "No notification target was given (AlarmProps.Topic), so the alarm has no action; its state changes still reach the CloudWatch console and Amazon EventBridge (CloudWatch Alarm State Change events), where the account's own routing applies. Creating an SNS topic for every embedder would add a resource that itself needs encryption and subscribers.",
        'NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction');
    };
    add(`NatGateway${i + 1}ErrorPortAllocation`, {
      alarmDescription: `${what} could not allocate source ports for new connections for 15 minutes (ErrorPortAllocation): the function cannot open more connections to one destination; add Elastic IPs to the NAT gateway or more NAT gateways`,
      metric: metric('ErrorPortAllocation'), threshold: 0, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 15, datapointsToAlarm: 15, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add(`NatGateway${i + 1}PacketsDropped`, {
      alarmDescription: `${what} dropped more than 0.01 % of its packets for 5 minutes (PacketsDropCount): check the AWS Health Dashboard for the NAT gateway's Availability Zone`,
      metric: new cloudwatch.MathExpression({
        expression: '100 * drop / (fromSource + fromDestination)',
        // In key order, as the Go construct's map arrives (JSON objects from Go are sorted).
        usingMetrics: { drop: metric('PacketsDropCount'), fromDestination: metric('PacketsInFromDestination'), fromSource: metric('PacketsInFromSource') },
        label: 'dropped packets (%)', period: Duration.minutes(1),
      }),
      threshold: 0.01, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5, datapointsToAlarm: 5, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  });
}

interface NaclRule { name: string; number: number; egress: boolean; protocol: number; cidr: string; ports?: [number, number] }

function naclRules(vpcCidr: string): NaclRule[] {
  return [
    { name: 'InboundFromVpc', number: 100, egress: false, protocol: -1, cidr: vpcCidr },
    { name: 'InboundEphemeralTcp', number: 200, egress: false, protocol: 6, cidr: ANY_IPV4, ports: [1024, 65535] },
    { name: 'InboundEphemeralUdp', number: 210, egress: false, protocol: 17, cidr: ANY_IPV4, ports: [1024, 65535] },
    { name: 'OutboundAll', number: 100, egress: true, protocol: -1, cidr: ANY_IPV4 },
  ];
}

function securityGroup(scope: Construct, net: Network): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: net.ivpc,
    allowAllOutbound: true,
    description: 'Lambda function network interfaces: no inbound rules, egress to the internet through the NAT gateway',
  });
}

// The function name the Go construct derives (stack name, id, FNV-1a hash of the path).
function defaultFunctionName(stack: Stack, path: string, id: string): string {
  let h = 14695981039346656037n;
  for (const c of Buffer.from(`${stack.stackName}/${path}`)) {
    h ^= BigInt(c);
    h = (h * 1099511628211n) & 0xffffffffffffffffn;
  }
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '');
  return `${clean(stack.stackName)}-${clean(id)}-${(h & 0xffffffffn).toString(16).padStart(8, '0')}`;
}

function fnWithRole(scope: Construct, props: TopologyProps, net: Network, sg: ec2.SecurityGroup): lambda.Function {
  const stack = Stack.of(scope);
  const name = defaultFunctionName(stack, `${scope.node.path}/Function`, scope.node.id);
  const fscope = new Construct(scope, 'Function');
  const arn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const deny = new iam.PolicyStatement({
    sid: 'DenyEniApisToFunctionCode',
    effect: iam.Effect.DENY,
    actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DetachNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: ['*'],
    conditions: { ArnEquals: { 'lambda:SourceFunctionArn': arn } },
  });
  const role = new iam.Role(fscope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of Lambda function ${name} (VPC access, ENI APIs denied to the function's code)`,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
  });
  const denyPolicy = new iam.ManagedPolicy(fscope, 'DenyEniPolicy', {
    description: 'Denies the EC2 network interface APIs to the code of one Lambda function (the Lambda service keeps them)',
    statements: [deny],
    roles: [role],
  });
  const roleCfn = role.node.defaultChild as iam.CfnRole;
  nagSuppress(roleCfn, 'AwsSolutions-IAM4', 'AWSLambdaVPCAccessExecutionRole is the AWS managed policy AWS prescribes for VPC-attached functions; Lambda needs its ENI permissions to attach the function to the VPC.',
    ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']);
  const logGroup = new logs.LogGroup(fscope, 'LogGroup', { logGroupName: `/aws/lambda/${name}`, retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  nagSuppressAll(logGroup.node.defaultChild as CfnResource, UNENCRYPTED_LOGS, ...packs('CloudWatchLogGroupEncrypted'));
  const fn = new lambda.Function(fscope, 'Function', {
    functionName: name,
    code: lambda.Code.fromAsset(props.handlerDir, { assetHash: props.handlerHash, assetHashType: AssetHashType.CUSTOM }),
    runtime: lambda.Runtime.PROVIDED_AL2023,
    handler: 'bootstrap',
    architecture: lambda.Architecture.ARM_64,
    memorySize: 128,
    timeout: Duration.seconds(30),
    description: props.description,
    role,
    logGroup,
    vpc: net.ivpc,
    vpcSubnets: { subnets: net.ivpc.privateSubnets },
    securityGroups: [sg],
  });
  const fnCfn = fn.node.defaultChild as lambda.CfnFunction;
  fnCfn.addResourceDependency(denyPolicy.node.defaultChild as CfnResource, 'the deny is in force before the function first runs');
  // Tracing as the Go construct sets it: the L1 property and a managed policy.
  fnCfn.tracingConfig = { mode: 'Active' };
  const tracing = new iam.ManagedPolicy(fscope, 'TracingPolicy', {
    description: `Lets Lambda function ${name} send its X-Ray traces`,
    statements: [new iam.PolicyStatement({ sid: 'SendTraces', actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resources: ['*'] })],
    roles: [role],
  });
  fnCfn.addResourceDependency(tracing.node.defaultChild as CfnResource, 'the function sends traces from its first invocation');
  nagSuppress(tracing.node.defaultChild as CfnResource, 'AwsSolutions-IAM5',
    'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (AWS Service Authorization Reference for X-Ray): the resource must be *. The policy grants nothing else.', ['Resource::*']);
  const concurrency = "Reserved concurrency is off by default: it is taken from the account's unreserved pool, and on accounts with the default quota of 10 any reservation fails the deploy (Lambda keeps 10 unreserved). Set FunctionOptions.ReservedConcurrentExecutions to cap or guarantee the function's concurrency.";
  const dlq = "A dead-letter queue only receives events of asynchronous invocations that failed every retry; a function called synchronously (as this construct's default caller, the invoke command, does) returns its error to the caller. Set FunctionOptions.DeadLetterQueue (or OnFailure) for asynchronous event sources.";
  fnCfn.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'].map((id) => ({ id, reason: concurrency })),
      ...['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'].map((id) => ({ id, reason: dlq })),
    ],
  });
  for (const r of net.internetPath) fnCfn.addResourceDependency(r, "the function's internet path must exist before the function runs");
  const keepRole = "keep the execution role until Lambda has deleted the function's network interfaces";
  (sg.node.defaultChild as CfnResource).addResourceDependency(roleCfn, keepRole);
  for (const s of net.privateSubnets) s.addResourceDependency(roleCfn, keepRole);
  return fn;
}
