//go:build lifecycle

package lifecycle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// metricAlarm is the part of a CloudWatch alarm the test reads.
type metricAlarm struct {
	AlarmName  string
	MetricName string
	Dimensions []dimension `xml:"Dimensions>member"`
	Metrics    []struct {
		MetricStat struct {
			Metric struct {
				MetricName string
				Dimensions []dimension `xml:"Dimensions>member"`
			}
		}
	} `xml:"Metrics>member"`
}

type dimension struct{ Name, Value string }

// describeAlarms calls CloudWatch's DescribeAlarms with the query protocol,
// signed with the SDK's signer. (The Go SDK's CloudWatch client speaks
// only the newer CBOR protocol, which the emulator does not; AWS answers
// both.)
func describeAlarms(ctx context.Context, cfg aws.Config, params url.Values) ([]metricAlarm, error) {
	params.Set("Action", "DescribeAlarms")
	params.Set("Version", "2010-08-01")
	body := params.Encode()
	endpoint := aws.ToString(cfg.BaseEndpoint)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "monitoring", cfg.Region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("DescribeAlarms: HTTP %d: %s", resp.StatusCode, data)
	}
	var out struct {
		Alarms []metricAlarm `xml:"DescribeAlarmsResult>MetricAlarms>member"`
	}
	if err := xml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("DescribeAlarms: %v", err)
	}
	return out.Alarms, nil
}
