package localaws

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/vpclambda/vpclambda/internal/twin"
)

// BuildTwin builds the VPC twin command (cmd/twin) into dir, for the
// emulator's Lambda Invoke (Options.Twin). It fails, saying why, when the
// twin cannot run on this machine (it needs root, ip and nft).
func BuildTwin(ctx context.Context, root, dir string) (string, error) {
	if err := twin.CheckPrivileges(); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "twin")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/twin")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the twin: %v: %s", err, tail(string(b), 5))
	}
	return out, nil
}

// Invocation is what one Invoke of the deployed function answered.
type Invocation struct {
	PublicIP     string   // the handler's publicIp
	Error        string   // the handler's error message (X-Amz-Function-Error)
	NatPublicIps []string // the stack's NatPublicIps
	Pass         bool     // PublicIP is one of NatPublicIps
	Elapsed      time.Duration
}

// String is the line `up` prints.
func (r *Invocation) String() string {
	verdict := "FAIL"
	if r.Pass {
		verdict = "PASS"
	}
	answer := "publicIp " + r.PublicIP
	if r.Error != "" {
		answer = "error: " + r.Error
	}
	return fmt.Sprintf("%s  %s   NatPublicIps %s   (%.1f s)", verdict, answer, strings.Join(r.NatPublicIps, ","), r.Elapsed.Seconds())
}

// Invoke invokes the function once through the emulator's Lambda API (the
// emulator answers it with the function running in the VPC twin of its
// deployed network) and compares its publicIp with natPublicIps (the
// stack's comma-separated output). An error is an Invoke the API refused
// (no twin, for one); a handler's error is in the Invocation.
func Invoke(ctx context.Context, cfg aws.Config, function, natPublicIps string) (*Invocation, error) {
	client := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.RetryMaxAttempts = 1 })
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	r := &Invocation{NatPublicIps: strings.Split(natPublicIps, ",")}
	t0 := time.Now()
	out, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(function), Payload: []byte("{}")})
	r.Elapsed = time.Since(t0)
	if err != nil {
		return nil, err
	}
	if out.FunctionError != nil {
		var e struct{ ErrorMessage, ErrorType string }
		if json.Unmarshal(out.Payload, &e) == nil && e.ErrorMessage != "" {
			r.Error = e.ErrorMessage
		} else {
			r.Error = string(out.Payload)
		}
		return r, nil
	}
	var answer struct {
		PublicIP string `json:"publicIp"`
	}
	if err := json.Unmarshal(out.Payload, &answer); err != nil || answer.PublicIP == "" {
		r.Error = fmt.Sprintf("unexpected answer %q", out.Payload)
		return r, nil
	}
	r.PublicIP = answer.PublicIP
	r.Pass = slices.Contains(r.NatPublicIps, r.PublicIP)
	return r, nil
}
