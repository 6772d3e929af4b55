package twin

import (
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vpclambda/vpclambda/netcheck"
)

// FunctionConfig is what the twin needs to run a function: its built
// bootstrap, the architecture it was built for, its environment and its
// timeout.
type FunctionConfig struct {
	Bootstrap string
	Arch      string // "arm64" or "x86_64"
	Env       map[string]string
	Timeout   time.Duration
}

// functionENI is a function's network interface in one of its subnets, with
// the function's bootstrap running behind a Runtime API in its namespace.
type functionENI struct {
	*node
	fn     *netcheck.Function
	cfg    FunctionConfig
	api    *runtimeAPI
	cmd    *exec.Cmd
	exited chan struct{}
	// exit says how the bootstrap's process ended (set before exited is
	// closed): its exit status and the last of its output.
	exit string
	dns  netip.Addr
}

// exitReason is how the bootstrap ended, for an invocation it never
// answered.
func (e *functionENI) exitReason() string {
	select {
	case <-e.exited:
		return e.exit
	default:
		return ""
	}
}

func (t *Twin) addFunctionENI(fn *netcheck.Function, subnetID string, cfg FunctionConfig) error {
	sn := t.facts.Subnets[subnetID]
	if sn == nil || !sn.Cidr.IsValid() {
		return fmt.Errorf("function %s: subnet %s is not in the facts", fn.ID, subnetID)
	}
	addr, err := t.hostAddr(sn.Cidr)
	if err != nil {
		return err
	}
	n, err := t.newNode("fn", subnetID, addr, false)
	if err != nil {
		return err
	}
	if fn.Ipv6AllowedForDualStack && t.allDualStack(fn) {
		a6, err := t.hostAddr(sn.Ipv6Cidr)
		if err != nil {
			return err
		}
		if err := t.setIPv6(n, a6); err != nil {
			return err
		}
	}
	vpc := t.facts.Vpcs[sn.VpcID]
	e := &functionENI{node: n, fn: fn, cfg: cfg, exited: make(chan struct{}), dns: vpc.Cidr.Masked().Addr().Next().Next()}
	if err := n.ns.nft(securityGroupRules(t.facts, fn.SecurityGroups, e.dns)); err != nil {
		return err
	}
	// ip netns exec mounts /etc/netns/NAME/resolv.conf over
	// /etc/resolv.conf for the processes it starts: the VPC resolver.
	etc := filepath.Join("/etc/netns", n.ns.name)
	t.etcDirs = append(t.etcDirs, etc)
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return err
	}
	var conf strings.Builder
	for _, a := range t.nameServers {
		fmt.Fprintf(&conf, "nameserver %s\n", a)
	}
	conf.WriteString("options timeout:2 attempts:2\n")
	if err := os.WriteFile(filepath.Join(etc, "resolv.conf"), []byte(conf.String()), 0o644); err != nil {
		return err
	}
	arn := "arn:aws:lambda:us-east-1:123456789012:function:" + functionName(fn)
	if e.api, err = t.startRuntimeAPI(n.ns, arn); err != nil {
		return err
	}
	if err := t.startBootstrap(e); err != nil {
		return err
	}
	t.enis = append(t.enis, e)
	return nil
}

// allDualStack reports whether every subnet of the function has an IPv6
// block: Lambda accepts Ipv6AllowedForDualStack only then, so otherwise the
// function gets no IPv6 address in any subnet.
func (t *Twin) allDualStack(fn *netcheck.Function) bool {
	for _, id := range fn.SubnetIDs {
		if sn := t.facts.Subnets[id]; sn == nil || !sn.Ipv6Cidr.IsValid() {
			t.notef("function %s: Ipv6AllowedForDualStack, but subnet %s is not dual-stack: Lambda refuses that configuration, so the twin gives the function no IPv6 address", fn.ID, id)
			return false
		}
	}
	return true
}

func functionName(fn *netcheck.Function) string {
	if fn.Name != "" {
		return fn.Name
	}
	return fn.ID
}

// startBootstrap runs the function's bootstrap in its namespace (under
// qemu-user-static when the host cannot run its architecture), with the
// environment Lambda gives a custom runtime and the function's own.
func (t *Twin) startBootstrap(e *functionENI) error {
	if err := runnable(e.cfg.Bootstrap, e.cfg.Arch); err != nil {
		return fmt.Errorf("function %s: %w", e.fn.ID, err)
	}
	argv := []string{"netns", "exec", e.ns.name}
	if emu := emulator(e.cfg.Arch); emu != "" {
		path, err := exec.LookPath(emu)
		if err != nil {
			return fmt.Errorf("the function is built for %s: running it on %s needs %s (Debian: apt-get install qemu-user-static)", e.cfg.Arch, runtime.GOARCH, emu)
		}
		argv = append(argv, path)
	}
	argv = append(argv, e.cfg.Bootstrap)
	cmd := exec.Command("ip", argv...)
	cmd.Dir = filepath.Dir(e.cfg.Bootstrap)
	env := lambdaEnv(functionName(e.fn), cmd.Dir, e.cfg.Env, t.internet.caFile)
	var keys []string
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	out := &tailWriter{max: 2048}
	cmd.Stdout, cmd.Stderr = io.MultiWriter(t.functionLog, out), io.MultiWriter(t.functionLog, out)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("function %s: starting its bootstrap %s: %w", e.fn.ID, e.cfg.Bootstrap, err)
	}
	e.cmd = cmd
	t.procs = append(t.procs, cmd)
	go func() {
		err := cmd.Wait()
		e.exit = exitDescription(e.cfg.Bootstrap, err, out.String())
		close(e.exited)
	}()
	return nil
}

// runnable says plainly when a bootstrap cannot be run at all (missing, not
// a file, not executable, a program for another architecture than the
// function's): that is the twin's input, not the function's failure. A
// script (#!) is left to its interpreter.
func runnable(path, arch string) error {
	if path == "" {
		return fmt.Errorf("no bootstrap to run")
	}
	if !filepath.IsAbs(path) {
		return fmt.Errorf("the bootstrap's path %s is not absolute", path)
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("its bootstrap %s cannot be run: %v", path, err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("its bootstrap %s cannot be run: not a regular file", path)
	case st.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("its bootstrap %s cannot be run: not executable (mode %s)", path, st.Mode().Perm())
	}
	head := make([]byte, 2)
	if f, err := os.Open(path); err == nil {
		io.ReadFull(f, head)
		f.Close()
	}
	if string(head) == "#!" {
		return nil
	}
	ef, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("its bootstrap %s cannot be run: neither a script nor a Linux program (%v)", path, err)
	}
	defer ef.Close()
	want := map[string]elf.Machine{"arm64": elf.EM_AARCH64, "": elf.EM_AARCH64, "x86_64": elf.EM_X86_64}[arch]
	if want != 0 && ef.Machine != want {
		return fmt.Errorf("its bootstrap %s cannot be run: built for %s, the function's architecture is %s", path, ef.Machine, arch)
	}
	return nil
}

// exitDescription is how the bootstrap's process ended: ip(8) exits 255
// with "exec of ... failed" when the bootstrap could not be started at all
// (a wrong format, a missing interpreter), which is not the function's
// answer.
func exitDescription(bootstrap string, err error, output string) string {
	output = strings.TrimSpace(output)
	status := "exit status 0"
	if err != nil {
		status = err.Error()
	}
	if strings.Contains(output, "exec of") && strings.Contains(output, "failed") {
		return fmt.Sprintf("the bootstrap %s could not be started (%s: %s)", bootstrap, status, lastLine(output))
	}
	if output == "" {
		return status
	}
	return fmt.Sprintf("%s; its last output: %s", status, lastLine(output))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > w.max {
		w.b = append([]byte{}, w.b[len(w.b)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}

// reservedEnv are the variables Lambda sets itself and a function's
// configuration cannot (Lambda refuses them as reserved keys): the twin's
// values win over the function's.
var reservedEnv = []string{"_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT"}

// lambdaEnv is the environment the bootstrap runs with, in this order of
// precedence (later wins): what Lambda gives a custom runtime that a
// function may override (PATH, LANG, TZ), the function's own variables,
// the variables Lambda reserves (its Runtime API: the twin's), and
// SSL_CERT_FILE, the twin's test CA (the only CA its test internet's
// certificates chain to). CHECKIP_URL is the function's: the twin's
// resolver answers its host with the test internet.
func lambdaEnv(name, taskRoot string, fnEnv map[string]string, caFile string) map[string]string {
	env := map[string]string{"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8", "TZ": ":UTC"}
	for k, v := range fnEnv {
		env[k] = v
	}
	lambda := map[string]string{
		"AWS_LAMBDA_RUNTIME_API": runtimeAPIAddr, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME": name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023",
		"LAMBDA_TASK_ROOT": taskRoot, "_HANDLER": "bootstrap",
	}
	for _, k := range reservedEnv {
		env[k] = lambda[k]
	}
	env["SSL_CERT_FILE"] = caFile
	return env
}

// emulator is the qemu-user-static binary the host needs for arch, "" when
// it runs it natively.
func emulator(arch string) string {
	switch {
	case (arch == "arm64" || arch == "") && runtime.GOARCH != "arm64":
		return "qemu-aarch64-static"
	case arch == "x86_64" && runtime.GOARCH != "amd64":
		return "qemu-x86_64-static"
	}
	return ""
}

// Probe is one invocation: the reply port the function's connection used
// and what the function answered.
type Probe struct {
	Ports    [2]int `json:"replyPorts"`
	PublicIP string `json:"publicIp,omitempty"`
	Error    string `json:"error,omitempty"`
}

// invoke runs one invocation per class of reply ports (replyPortClasses):
// before each the function's namespace is limited to a few ports of the
// class, so its connection, and the NAT device's translation of it (which
// keeps the port), use a port of that class.
func (e *functionENI) invoke(ctx context.Context, classes [][2]int, slot int) []Probe {
	var out []Probe
	for i, c := range classes {
		// Four ports of the class (the resolver's lookups take some too),
		// apart from other interfaces' so that two flows through one NAT
		// device never contend for a port.
		lo := c[0] + 4*slot
		if lo+3 > c[1] {
			lo = c[0]
		}
		hi := min(lo+3, c[1])
		p := Probe{Ports: c}
		if err := e.ns.sysctl(fmt.Sprintf("net.ipv4.ip_local_port_range=%d %d", lo, hi)); err != nil {
			p.Error = err.Error()
			out = append(out, p)
			continue
		}
		res := e.api.invoke(ctx, fmt.Sprintf("%s-%s-%d", e.fn.ID, e.subnet, i), []byte("{}"), e.cfg.Timeout, e.exited, e.exitReason)
		if res.errMsg != "" {
			p.Error = strings.TrimSpace(res.errMsg)
		} else {
			var r struct {
				PublicIP string `json:"publicIp"`
			}
			if err := json.Unmarshal(res.body, &r); err != nil || r.PublicIP == "" {
				p.Error = fmt.Sprintf("unexpected answer %q", res.body)
			} else {
				p.PublicIP = r.PublicIP
			}
		}
		out = append(out, p)
	}
	return out
}
