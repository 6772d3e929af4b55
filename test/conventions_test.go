package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// flagExceptions are recommended feature flags that cdk.json deliberately
// sets to another value, each with its reason. None today.
var flagExceptions = map[string]string{}

// The pinned aws-cdk-lib writes a feature-flag report into every cloud
// assembly: each flag it knows, its recommended value and the value the app
// was given. cdk.json must set every recommended flag (as `cdk init` would
// for a new project), so that an upgrade of aws-cdk-lib cannot leave new
// recommendations unset: run `npx cdk flags --unstable=flags --set
// --unconfigured --recommended --yes`, review the template diff, commit.
func TestCdkJSONSetsEveryRecommendedFeatureFlag(t *testing.T) {
	f := get(t, "app")
	data, err := os.ReadFile(filepath.Join(f.Outdir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Artifacts map[string]struct {
			Type       string `json:"type"`
			Properties struct {
				Flags map[string]struct {
					UserValue        interface{} `json:"userValue"`
					RecommendedValue interface{} `json:"recommendedValue"`
				} `json:"flags"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	checked := 0
	var missing, differ []string
	for _, a := range m.Artifacts {
		if a.Type != "cdk:feature-flag-report" {
			continue
		}
		for name, fl := range a.Properties.Flags {
			if fl.RecommendedValue == nil {
				continue
			}
			checked++
			switch {
			case fl.UserValue == nil:
				missing = append(missing, name)
			case fmt.Sprint(fl.UserValue) != fmt.Sprint(fl.RecommendedValue) && flagExceptions[name] == "":
				differ = append(differ, fmt.Sprintf("%s = %v (recommended %v)", name, fl.UserValue, fl.RecommendedValue))
			}
		}
	}
	if checked == 0 {
		t.Fatal("the cloud assembly has no feature-flag report: the check would pass without checking anything")
	}
	sort.Strings(missing)
	sort.Strings(differ)
	if len(missing) > 0 {
		t.Errorf("cdk.json does not set %d feature flag(s) the pinned aws-cdk-lib recommends: %v\nfix: npx cdk flags --unstable=flags --set --unconfigured --recommended --yes, review the template diff (make snapshot), commit cdk.json", len(missing), missing)
	}
	if len(differ) > 0 {
		t.Errorf("cdk.json sets feature flags to values other than recommended without a reason in flagExceptions: %v", differ)
	}
	t.Logf("%d recommended feature flags checked", checked)
}
