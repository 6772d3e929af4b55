package localaws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

// StateDir is where `up` records the running emulator, relative to the root.
const StateDir = ".local-aws"

// State is what `up` records for `down` and for the user.
type State struct {
	PID      int    `json:"pid"`
	Port     int    `json:"port"`
	Endpoint string `json:"endpoint"`
	Log      string `json:"log"`
	Stack    string `json:"stack,omitempty"`
	// Twin is the VPC twin the emulator answers Lambda Invoke with ("":
	// none, Invoke fails).
	Twin string `json:"twin,omitempty"`
}

func statePath(dir string) string { return filepath.Join(dir, "emulator.json") }

// ReadState returns the emulator recorded in the state directory dir, or nil
// when none is recorded or the recorded process is no longer the emulator.
func ReadState(dir string) (*State, error) {
	data, err := os.ReadFile(statePath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %v", statePath(dir), err)
	}
	if !IsEmulator(s.PID) {
		os.Remove(statePath(dir))
		return nil, nil
	}
	return &s, nil
}

func writeState(dir string, s *State) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(s, "", "  ")
	return os.WriteFile(statePath(dir), append(data, '\n'), 0o644)
}

// UpOptions for Up.
type UpOptions struct {
	Root    string
	Stack   string   // default VpcLambdaInternet
	Port    int      // 0: a free port
	App     string   // --app for cdk deploy (a cloud assembly directory); default cdk.json's
	Context []string // extra -c key=value for cdk deploy
	Out     io.Writer
	// StateDir records the running emulator; default Root/.local-aws.
	StateDir string
	// Started, when set, is called with the emulator Up starts.
	Started func(*Emulator)
}

// Up starts the emulator (or reuses the one `up` started before), bootstraps
// it, deploys the stack, prints its outputs and the inspection of the
// deployed network. When starting, bootstrapping or deploying fails, the
// emulator it started is stopped: nothing is left running. It returns the
// report of the inspection, which is not reachable when the inspection
// found a broken path (the emulator keeps running then, to look around).
func Up(ctx context.Context, o UpOptions) (*netcheck.Report, error) {
	if o.Stack == "" {
		o.Stack = "VpcLambdaInternet"
	}
	if o.StateDir == "" {
		o.StateDir = filepath.Join(o.Root, StateDir)
	}
	if err := CheckCLI(o.Root); err != nil {
		return nil, err
	}
	state, err := ReadState(o.StateDir)
	if err != nil {
		return nil, err
	}
	started := false
	var emu *Emulator
	// Interrupted at any point (Ctrl-C, a closed terminal, kill): stop the
	// emulator this run started or reused, and its VPC twin with it, so
	// nothing is left running and the next run starts afresh.
	defer func() {
		if ctx.Err() != nil && emu != nil {
			fmt.Fprintf(o.Out, "==> interrupted: stopping the emulator (pid %d)\n", emu.PID)
			emu.Stop()
			os.Remove(statePath(o.StateDir))
		}
	}()
	if state != nil && (o.Port == 0 || o.Port == state.Port) {
		fmt.Fprintf(o.Out, "==> reusing the emulator at %s (pid %d)\n", state.Endpoint, state.PID)
		emu = &Emulator{Port: state.Port, PID: state.PID, LogPath: state.Log}
	} else {
		if state != nil {
			return nil, fmt.Errorf("an emulator is already running at %s (pid %d); stop it first with `make destroy-local`", state.Endpoint, state.PID)
		}
		if err := os.MkdirAll(o.StateDir, 0o755); err != nil {
			return nil, err
		}
		fmt.Fprintln(o.Out, "==> building the VPC twin, which answers the emulator's Lambda Invoke")
		twinCmd, err := BuildTwin(ctx, o.Root, o.StateDir)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("interrupted while building the VPC twin: %w", ctx.Err())
		}
		if err != nil {
			fmt.Fprintf(o.Out, "    cannot: %v\n    the deploy goes on; the invoke step at the end is skipped\n", err)
		}
		fmt.Fprintln(o.Out, "==> starting the local AWS emulator (moto 5.2.1 with this project's patches)")
		emu, err = Start(ctx, Options{Root: o.Root, Port: o.Port, Detach: true, LogPath: filepath.Join(o.StateDir, "emulator.log"), Twin: twinCmd})
		if err != nil {
			return nil, err
		}
		started = true
		if o.Started != nil {
			o.Started(emu)
		}
		state = &State{PID: emu.PID, Port: emu.Port, Endpoint: emu.Endpoint(), Log: emu.LogPath, Twin: twinCmd}
		if err := writeState(o.StateDir, state); err != nil {
			emu.Stop()
			return nil, err
		}
		fmt.Fprintf(o.Out, "    listening on %s (pid %d, log %s)\n", emu.Endpoint(), emu.PID, emu.LogPath)
	}
	fail := func(err error) (*netcheck.Report, error) {
		if started {
			emu.Stop()
			os.Remove(statePath(o.StateDir))
			return nil, fmt.Errorf("%w\n(the emulator was stopped; its log is %s)", err, emu.LogPath)
		}
		return nil, err
	}

	cdk := &CDK{Root: o.Root, Env: emu.Env(), Log: o.Out}
	fmt.Fprintln(o.Out, "==> cdk bootstrap")
	if err := cdk.Bootstrap(ctx); err != nil {
		return fail(err)
	}
	fmt.Fprintf(o.Out, "==> cdk deploy %s\n", o.Stack)
	var outputs map[string]string
	if o.App != "" {
		outputs, err = cdk.DeployAssembly(ctx, o.App, o.Stack)
	} else {
		outputs, err = cdk.Deploy(ctx, o.Stack, o.Context...)
	}
	if err != nil {
		return fail(err)
	}
	state.Stack = o.Stack
	writeState(o.StateDir, state)

	fmt.Fprintf(o.Out, "\n==> stack outputs\n%s", FormatOutputs(outputs))
	cfg, err := emu.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(o.Out, "\n==> inspection of the deployed network (AWS SDK for Go v2, the same analysis as netcheck)")
	report, err := Inspect(ctx, cfg, o.Stack)
	if err != nil {
		return nil, fmt.Errorf("inspecting the deployed network: %w", err)
	}
	report.WriteText(o.Out)
	invoked, err := invokeStep(ctx, o.Out, cfg, state, outputs)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, `
==> the emulator keeps running (pid %d) until you stop it
Look around with the AWS CLI:
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=%s AWS_DEFAULT_REGION=%s AWS_ENDPOINT_URL=%s
  aws ec2 describe-route-tables --filters Name=vpc-id,Values=%s
  aws --endpoint-url %s lambda get-function-configuration --function-name %s   # or name the endpoint per call
  aws cloudformation describe-stacks --stack-name %s
  go run ./cmd/netcheck --stack %s     # the inspection again
  aws lambda invoke --function-name %s /dev/stdout   # the function again, in the VPC twin
On a real account, run the InvokeCommand output: its publicIp must be the NAT gateway's Elastic IP.
Tear down:  make destroy-local   (cdk destroy, then stops the emulator)
`, emu.PID, Region, Region, emu.Endpoint(), outputs["VpcId"], emu.Endpoint(), outputs["FunctionName"], o.Stack, o.Stack, outputs["FunctionName"])
	if invoked != nil && !invoked.Pass {
		return report, fmt.Errorf("the deployed function did not answer with one of NatPublicIps: %s", invoked)
	}
	return report, nil
}

// invokeStep invokes the deployed function through the emulator's Lambda
// API and prints its answer next to NatPublicIps; it is skipped (nil) when
// the emulator has no VPC twin to run it.
func invokeStep(ctx context.Context, out io.Writer, cfg aws.Config, state *State, outputs map[string]string) (*Invocation, error) {
	fmt.Fprintf(out, "\n==> invoke %s (the emulator's Lambda API; the function runs in the VPC twin of the deployed network)\n", outputs["FunctionName"])
	if state.Twin == "" {
		fmt.Fprintln(out, "    NOT RUN, NOT A PASS: the emulator has no VPC twin (it needs root and the twin's packages; see above), so nothing proves the deployed function reaches the internet")
		return nil, nil
	}
	ips, err := NatPublicIPs(ctx, cfg, outputs) // regional.go
	if err != nil {
		return nil, err
	}
	r, err := Invoke(ctx, cfg, outputs["FunctionName"], ips)
	if err != nil {
		return nil, fmt.Errorf("invoking the deployed function: %w", err)
	}
	fmt.Fprintf(out, "    %s\n", r)
	return r, nil
}

// CheckedName is the name the app's function calls (functions/checkip's
// DefaultURL): the inspection asks for it, so a DNS Firewall rule that
// blocks it fails the inspection as it fails the function.
const CheckedName = "checkip.amazonaws.com"

// Inspect reads the deployed network of a stack's functions and runs the
// internet-path analysis on it: TCP 443 to the internet, by the name the
// function calls (its resolution and the DNS Firewall first).
func Inspect(ctx context.Context, cfg aws.Config, stack string) (*netcheck.Report, error) {
	facts, err := awsfacts.NewClients(cfg).FromStack(ctx, stack)
	if err != nil {
		return nil, err
	}
	dest := netcheck.DefaultDestination
	dest.Name = CheckedName
	return netcheck.Analyze(facts, dest, "")
}

// Down destroys the stack `up` deployed and stops the emulator. The
// emulator is stopped even when the destroy fails.
func Down(ctx context.Context, root string, out io.Writer) error {
	dir := filepath.Join(root, StateDir)
	state, err := ReadState(dir)
	if err != nil {
		return err
	}
	if state == nil {
		fmt.Fprintln(out, "no local emulator is running")
		return nil
	}
	var destroyErr error
	if state.Stack != "" {
		fmt.Fprintf(out, "==> cdk destroy %s\n", state.Stack)
		emu := &Emulator{Port: state.Port, PID: state.PID}
		cdk := &CDK{Root: root, Env: emu.Env(), Log: out}
		if err := CheckCLI(root); err != nil {
			destroyErr = err
		} else {
			_, destroyErr = cdk.Run(ctx, 3*time.Minute, "destroy", state.Stack, "--force")
		}
	}
	fmt.Fprintf(out, "==> stopping the emulator (pid %d)\n", state.PID)
	if err := StopPID(state.PID, 5*time.Second); err != nil {
		return err
	}
	os.Remove(statePath(dir))
	if destroyErr != nil {
		return fmt.Errorf("the emulator was stopped, but cdk destroy failed first: %w", destroyErr)
	}
	fmt.Fprintln(out, "stopped")
	return nil
}
