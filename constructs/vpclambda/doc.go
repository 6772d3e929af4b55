// Package vpclambda is an AWS CDK construct that gives a Lambda function in
// a VPC access to the internet, the way AWS's guidance describes it:
//
//   - a VPC with private subnets in at least two Availability Zones for the
//     function and a public subnet for the NAT gateway;
//   - an internet gateway, and a NAT gateway with an Elastic IP;
//   - a public route table (0.0.0.0/0 to the internet gateway) and a private
//     route table (0.0.0.0/0 to the NAT gateway) shared by every private
//     subnet, because Lambda picks one of the function's subnets at random;
//   - network ACLs that let requests out and the replies back in on the
//     ephemeral ports 1024-65535;
//   - a security group without inbound rules;
//   - an execution role with AWSLambdaVPCAccessExecutionRole and a deny of
//     the EC2 network interface APIs to the function's own code;
//   - the function, attached to every private subnet, with a log group.
//
// NewVpcLambda validates its props and returns a *ValidationError naming
// every bad prop, its value and the fix, before it adds anything to the
// construct tree. Everything it creates is exposed on VpcLambda.
package vpclambda
