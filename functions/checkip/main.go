// Command checkip is the Lambda handler of the example app: it fetches
// https://checkip.amazonaws.com and returns the public IP address the
// request came from. For a function in private subnets that is the Elastic
// IP of the NAT gateway, which proves the function reaches the internet.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// DefaultURL is the service that echoes the caller's public IP address.
const DefaultURL = "https://checkip.amazonaws.com"

// Response is the function's result.
type Response struct {
	PublicIP  string `json:"publicIp"`
	Source    string `json:"source"`
	ElapsedMs int64  `json:"elapsedMs"`
}

// Checker fetches the caller's public IP.
type Checker struct {
	URL    string
	Client *http.Client
	// Timeout bounds one check; the invocation's own deadline, less a
	// margin to report the error, bounds it too.
	Timeout time.Duration
}

// NewChecker returns a Checker with timeouts on every phase of the request,
// so a missing route fails fast with a clear error instead of hanging until
// the function times out.
func NewChecker(url string) *Checker {
	dialer := &net.Dialer{Timeout: 3 * time.Second}
	return &Checker{
		URL:     url,
		Timeout: 8 * time.Second,
		Client: &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   3 * time.Second,
			ResponseHeaderTimeout: 5 * time.Second,
		}},
	}
}

// Check performs one request and validates the answer.
func (c *Checker) Check(ctx context.Context) (*Response, error) {
	timeout := c.Timeout
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline) - 500*time.Millisecond; left < timeout {
			timeout = left
		}
	}
	if timeout <= 0 {
		return nil, fmt.Errorf("no time left in the invocation to call %s", c.URL)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		hint := "check the subnet's route to the NAT gateway, network ACLs and security group egress"
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			// The name did not resolve: the path to the addresses was
			// never tried.
			hint = "the name did not resolve: check the VPC's DNS support, its DHCP options and any DNS Firewall rule group associated with it"
		}
		return nil, fmt.Errorf("no internet access: GET %s failed after %s: %w (%s)",
			c.URL, time.Since(start).Round(time.Millisecond), err, hint)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err != nil {
		return nil, fmt.Errorf("reading the answer of %s: %w", c.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %s", c.URL, resp.Status)
	}
	ip := strings.TrimSpace(string(body))
	if net.ParseIP(ip) == nil {
		return nil, fmt.Errorf("GET %s answered %q, which is not an IP address", c.URL, ip)
	}
	return &Response{PublicIP: ip, Source: c.URL, ElapsedMs: time.Since(start).Milliseconds()}, nil
}

func main() {
	url := os.Getenv("CHECKIP_URL")
	if url == "" {
		url = DefaultURL
	}
	c := NewChecker(url)
	lambda.Start(func(ctx context.Context) (*Response, error) { return c.Check(ctx) })
}
