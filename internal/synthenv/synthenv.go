// Package synthenv sets the environment of the jsii runtime. The runtime's
// Node.js process starts while aws-cdk-go's packages are initialized, before
// main runs, and takes its environment from that moment: a package that
// needs nothing but os, imported by main, is initialized before them.
package synthenv

import "os"

// ValidationEnv is aws-cdk-lib's switch for its built-in synth-time
// CloudFormation validation.
const ValidationEnv = "CDK_VALIDATION"

// SkippedValidation reports whether this package turned the built-in
// validation off (it was not set by the user).
var SkippedValidation bool

func init() {
	// The Node.js 20 end-of-life banner of the jsii runtime says nothing
	// this project's users can act on at synth time.
	if _, set := os.LookupEnv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"); !set {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	// The built-in validation costs ~3-4 s per synth on a 2-core machine
	// and writes the same template; `make synth` and `make test` run
	// cfn-lint on every template instead. CDK_VALIDATION=true restores it.
	if _, set := os.LookupEnv(ValidationEnv); !set {
		os.Setenv(ValidationEnv, "false")
		SkippedValidation = true
	}
}
