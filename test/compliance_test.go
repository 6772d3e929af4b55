package test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// nagPackNames are the cdk-nag packs a regulated platform team runs, by the
// prefix of their rule ids (and report file names).
var nagPackNames = []string{"AwsSolutions", "Serverless", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"}

// nagPacks returns the five packs, each writing its report.
func nagPacks() []awscdk.IAspect {
	props := func() *cdknag.NagPackProps {
		return &cdknag.NagPackProps{Verbose: jsii.Bool(true), Reports: jsii.Bool(true)}
	}
	return []awscdk.IAspect{
		cdknag.NewAwsSolutionsChecks(props()),
		cdknag.NewServerlessChecks(props()),
		cdknag.NewNIST80053R5Checks(props()),
		cdknag.NewHIPAASecurityChecks(props()),
		cdknag.NewPCIDSS321Checks(props()),
	}
}

// suppressEmbeddersVpc suppresses, on the VPC the existingVpc variant
// builds with awsec2.Vpc, the findings of that VPC itself: it stands for an
// embedder's network, whose compliance is its owner's; the construct only
// adds its security group, roles, log group and function to it, and those
// are checked like every other variant's.
func suppressEmbeddersVpc(vpc awsec2.Vpc) {
	reason := "This VPC stands for an embedder's existing network in the tests; its flow logs, routes and default security group are its owner's to configure. The construct's own resources in it are checked without suppressions of their own."
	var rules []*cdknag.NagPackSuppression
	for _, id := range []string{
		"AwsSolutions-VPC7",
		"NIST.800.53.R5-VPCFlowLogsEnabled", "HIPAA.Security-VPCFlowLogsEnabled", "PCI.DSS.321-VPCFlowLogsEnabled",
		"NIST.800.53.R5-VPCDefaultSecurityGroupClosed", "HIPAA.Security-VPCDefaultSecurityGroupClosed", "PCI.DSS.321-VPCDefaultSecurityGroupClosed",
		"NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW", "HIPAA.Security-VPCNoUnrestrictedRouteToIGW", "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW",
		"NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled", "HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled", "PCI.DSS.321-VPCSubnetAutoAssignPublicIpDisabled",
	} {
		rules = append(rules, &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)})
	}
	cdknag.NagSuppressions_AddResourceSuppressions(vpc, &rules, jsii.Bool(true))
}

type nagRow struct{ rule, resource, compliance, reason string }

// nagReport reads one pack's report of a fixture.
func nagReport(t *testing.T, f *fixture, pack string) []nagRow {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(f.Outdir, pack+"-*"+*f.Stack.ArtifactId()+"-NagReport.csv"))
	if len(paths) != 1 {
		entries, _ := os.ReadDir(f.Outdir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("want one %s report for %s, got %v in %v", pack, f.Name, paths, names)
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []nagRow
	for _, r := range rows[1:] {
		out = append(out, nagRow{r[0], r[1], r[2], r[3]})
	}
	return out
}

// TestCompliancePacks applies all five packs to the app's stack and to
// every variant: no unsuppressed error or warning, and every suppression
// with a reason a reviewer can weigh.
func TestCompliancePacks(t *testing.T) {
	for _, name := range variantNames() {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			for path, es := range metadataEntries(t, f) {
				for _, e := range es {
					if e.Type == "aws:cdk:error" || e.Type == "aws:cdk:warning" {
						t.Errorf("%s on %s: %v", strings.TrimPrefix(e.Type, "aws:cdk:"), path, e.Data)
					}
				}
			}
			for _, pack := range nagPackNames {
				rows := nagReport(t, f, pack)
				if len(rows) == 0 {
					t.Errorf("pack %s checked nothing in %s", pack, name)
				}
				for _, r := range rows {
					switch r.compliance {
					case "Non-Compliant":
						t.Errorf("%s is non-compliant on %s", r.rule, r.resource)
					case "Suppressed":
						if len(strings.TrimSpace(r.reason)) < 80 {
							t.Errorf("suppression of %s on %s needs a reason naming the design choice, got %q", r.rule, r.resource, r.reason)
						}
					case "Compliant", "N/A", "Not Applicable":
					default:
						if !strings.HasPrefix(r.compliance, "UNKNOWN") {
							t.Errorf("%s on %s: compliance %q", r.rule, r.resource, r.compliance)
						} else {
							t.Errorf("%s on %s could not be evaluated: %s", r.rule, r.resource, r.compliance)
						}
					}
				}
			}
		})
	}
}

// TestCompliancePacksFindDefects proves the packs' findings are not all
// suppressed wholesale: rules the construct fixes by design are reported
// compliant, not suppressed.
func TestCompliancePacksFindDefects(t *testing.T) {
	f := get(t, "app")
	want := map[string]string{
		"AwsSolutions-VPC7":                                "the flow log",
		"NIST.800.53.R5-VPCFlowLogsEnabled":                "the flow log",
		"NIST.800.53.R5-IAMNoInlinePolicy":                 "the deny as a customer managed policy",
		"PCI.DSS.321-IAMNoInlinePolicy":                    "the deny as a customer managed policy",
		"HIPAA.Security-LambdaInsideVPC":                   "the function in the VPC",
		"NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod": "retention on every log group",
	}
	got := map[string]map[string]bool{}
	for _, pack := range nagPackNames {
		for _, r := range nagReport(t, f, pack) {
			if got[r.rule] == nil {
				got[r.rule] = map[string]bool{}
			}
			got[r.rule][r.compliance] = true
		}
	}
	for rule, why := range want {
		if !got[rule]["Compliant"] || got[rule]["Suppressed"] || got[rule]["Non-Compliant"] {
			t.Errorf("%s must be compliant by design (%s), got %v", rule, why, fmt.Sprint(got[rule]))
		}
	}
}
