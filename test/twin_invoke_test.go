package test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vpclambda/vpclambda/internal/twin"
)

// One invocation in one subnet (the emulator's Lambda Invoke, twin
// --invoke): the twin builds that subnet's interface only, and answers
// with the handler's raw payload, or its error document.
func TestTwinInvokeOne(t *testing.T) {
	needTwin(t)
	app := get(t, "app")
	for _, c := range []struct {
		name   string
		break_ func(tpl)
	}{
		{"app", nil},
		{"private default route removed", func(m tpl) { delete(m.res(), ids(t, app).privateRoute) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := tpl(clone(t, app))
			if c.break_ != nil {
				c.break_(m)
			}
			data, facts := templateFacts(t, m, c.name)
			config, err := twin.TemplateConfigs(data, app.File, buildHandler)
			if err != nil {
				t.Fatal(err)
			}
			fn := facts.Functions[0]
			subnet := fn.SubnetIDs[len(fn.SubnetIDs)-1]
			tw, err := twin.Build(facts, twin.Options{Function: fn.ID, Config: config, Subnet: subnet})
			if err != nil {
				t.Fatal(err)
			}
			defer tw.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := tw.Invoke(ctx, fn.SubnetIDs[0], []byte("{}")); err == nil {
				t.Errorf("the twin invoked the function in %s, a subnet it was not built for", fn.SubnetIDs[0])
			}
			r, err := tw.Invoke(ctx, "", []byte("{}"))
			if err != nil {
				t.Fatal(err)
			}
			if r.Subnet != subnet {
				t.Errorf("invoked in %s, want %s", r.Subnet, subnet)
			}
			var answer struct{ PublicIP, ErrorMessage, ErrorType string }
			if err := json.Unmarshal(r.Payload, &answer); err != nil {
				t.Fatalf("payload %q: %v", r.Payload, err)
			}
			if c.break_ == nil {
				var want string
				for _, a := range tw.ElasticIPs() {
					want = a.String()
				}
				if r.FunctionError || answer.PublicIP != want {
					t.Errorf("answered %s (function error %v), want publicIp %s", r.Payload, r.FunctionError, want)
				}
				return
			}
			if !r.FunctionError || answer.PublicIP != "" || !strings.Contains(answer.ErrorMessage, "route to the NAT gateway") {
				t.Errorf("answered %s (function error %v), want the handler's error naming the route to check", r.Payload, r.FunctionError)
			}
		})
	}
	if left, _ := twin.Leftovers(); len(left) > 0 {
		t.Errorf("namespaces left behind: %v", left)
	}
}
