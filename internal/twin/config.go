package twin

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vpclambda/vpclambda/netcheck"
)

// DefaultTimeout is a function's timeout when its source does not say
// (Lambda's default).
const DefaultTimeout = 3 * time.Second

// TemplateConfigs reads each function's architecture, environment, timeout
// and bootstrap from a CloudFormation template. The bootstrap is the one in
// the cloud assembly (the asset directory next to the template, named by
// the function's aws:asset:path metadata); when there is none, build is
// called with the architecture (nil: an error).
func TemplateConfigs(data []byte, templatePath string, build func(arch string) (string, error)) (func(fn *netcheck.Function) (FunctionConfig, error), error) {
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				Architectures []string
				Timeout       interface{}
				Environment   struct{ Variables map[string]interface{} }
				Code          struct{ S3Key interface{} }
			}
			Metadata map[string]interface{}
		}
	}
	if err := json.Unmarshal(data, &tpl); err != nil {
		return nil, err
	}
	return func(fn *netcheck.Function) (FunctionConfig, error) {
		r, ok := tpl.Resources[fn.ID]
		cfg := FunctionConfig{Arch: "x86_64", Timeout: DefaultTimeout, Env: map[string]string{}}
		if !ok {
			return cfg, fmt.Errorf("not a resource of the template")
		}
		if len(r.Properties.Architectures) > 0 {
			cfg.Arch = r.Properties.Architectures[0]
		}
		switch v := r.Properties.Timeout.(type) {
		case float64:
			cfg.Timeout = time.Duration(v * float64(time.Second))
		}
		for k, v := range r.Properties.Environment.Variables {
			if s, ok := v.(string); ok {
				cfg.Env[k] = s
			}
		}
		// The asset's directory: named by the metadata, or by the
		// object key the assembly uploads it as (asset.HASH for HASH.zip).
		var dirs []string
		if p, ok := r.Metadata["aws:asset:path"].(string); ok {
			dirs = append(dirs, p)
		}
		if key, ok := r.Properties.Code.S3Key.(string); ok && strings.HasSuffix(key, ".zip") {
			dirs = append(dirs, "asset."+strings.TrimSuffix(key, ".zip"))
		}
		for _, dir := range dirs {
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(filepath.Dir(templatePath), dir)
			}
			// Absolute: the bootstrap runs with its own folder as working
			// directory, where a path relative to this one means nothing.
			abs, err := filepath.Abs(filepath.Join(dir, "bootstrap"))
			if err != nil {
				return cfg, err
			}
			if st, err := os.Stat(abs); err == nil && st.Mode().IsRegular() {
				cfg.Bootstrap = abs
				return cfg, nil
			}
		}
		if build == nil {
			return cfg, fmt.Errorf("no bootstrap in the cloud assembly next to %s", templatePath)
		}
		b, err := build(cfg.Arch)
		cfg.Bootstrap = b
		return cfg, err
	}, nil
}

// CheckNames are the host names of the functions' checkip URLs
// (CHECKIP_URL, else the handler's default): the names the twin's resolver
// and certificate answer for.
func CheckNames(configs []FunctionConfig) []string {
	seen := map[string]bool{"checkip.amazonaws.com": true}
	out := []string{"checkip.amazonaws.com"}
	for _, c := range configs {
		if u, err := url.Parse(c.Env["CHECKIP_URL"]); err == nil && u.Hostname() != "" && !seen[strings.ToLower(u.Hostname())] {
			seen[strings.ToLower(u.Hostname())] = true
			out = append(out, strings.ToLower(u.Hostname()))
		}
	}
	return out
}
