package twin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"syscall"

	"github.com/vpclambda/vpclambda/netcheck"
)

// InvokeResult is one invocation of a function, as Lambda's Invoke answers
// it: the handler's payload, or its error payload (FunctionError set).
type InvokeResult struct {
	Subnet        string
	Address       string
	Payload       []byte
	FunctionError bool
}

// Invoke runs one invocation of the twin's function in one of its subnets
// (subnet, or when empty one the twin picks at random, as Lambda picks any
// of the function's subnets) with payload as the event.
func (t *Twin) Invoke(ctx context.Context, subnet string, payload []byte) (InvokeResult, error) {
	if len(t.enis) == 0 {
		return InvokeResult{}, fmt.Errorf("the twin runs no function")
	}
	e := t.enis[rand.IntN(len(t.enis))]
	if subnet != "" {
		e = nil
		for _, x := range t.enis {
			if x.subnet == subnet {
				e = x
			}
		}
		if e == nil {
			return InvokeResult{}, fmt.Errorf("the function has no interface in subnet %s", subnet)
		}
	}
	res := e.api.invoke(ctx, "invoke-"+e.subnet, payload, e.cfg.Timeout, e.exited, e.exitReason)
	out := InvokeResult{Subnet: e.subnet, Address: e.addr.String(), Payload: res.body}
	if res.errMsg != "" {
		out.FunctionError = true
		var probe struct{ ErrorMessage string }
		if json.Unmarshal(res.body, &probe) != nil || probe.ErrorMessage == "" {
			// The runtime posted no error of its own (a timeout, a crash):
			// Lambda's own error document.
			out.Payload, _ = json.Marshal(map[string]string{"errorType": "Runtime.Unhandled", "errorMessage": res.errMsg})
		}
	}
	return out, nil
}

// runInvoke is the --invoke mode: build the twin of one deployed function's
// network, invoke it once with the event on stdin, print the raw payload
// (or the handler's error payload) on stdout, say on stderr which subnet
// ran it; exit 0 answered, 1 the handler failed, 2 no twin.
func (c CLI) runInvoke(facts *netcheck.Facts, opts Options, subnet string, stdin io.Reader) int {
	event, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(c.Stderr, "twin: reading the event: %v\n", err)
		return 2
	}
	if len(event) == 0 {
		event = []byte("{}")
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if _, ok := <-sigs; ok {
			cancel()
		}
	}()
	for _, fn := range facts.Functions {
		if fn.ID == opts.Function || fn.Name == opts.Function {
			if subnet == "" && len(fn.SubnetIDs) > 0 {
				// Lambda picks any of the function's subnets: so does the twin.
				subnet = fn.SubnetIDs[rand.IntN(len(fn.SubnetIDs))]
			}
		}
	}
	opts.Subnet = subnet
	tw, err := Build(facts, opts)
	if err != nil {
		fmt.Fprintf(c.Stderr, "twin: cannot build the twin: %v\n", err)
		return 2
	}
	defer tw.Close()
	res, err := tw.Invoke(ctx, subnet, event)
	if err != nil {
		fmt.Fprintf(c.Stderr, "twin: %v\n", err)
		return 2
	}
	fmt.Fprintf(c.Stderr, "twin: invoked %s in subnet %s (%s), one of its subnets picked at random as Lambda does\n", opts.Function, res.Subnet, res.Address)
	for _, n := range tw.Notes() {
		fmt.Fprintf(c.Stderr, "twin: note: %s\n", n)
	}
	c.Stdout.Write(res.Payload)
	if res.FunctionError {
		return 1
	}
	return 0
}
