// Package twin builds a packet-level twin of a VPC's data plane from
// netcheck's Facts, in Linux network namespaces on this machine, and runs a
// function's real bootstrap in it: the function reaches the twin's test
// internet (one HTTPS host that answers with the source address it sees)
// only if the twin's routes, network ACLs, security groups, NAT gateways and
// internet gateways let it, packet by packet. See docs/twin.md for
// what is modelled and what is not.
package twin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vpclambda/vpclambda/netcheck"
)

// NamePrefix starts the name of every network namespace a twin creates.
const NamePrefix = "vpctwin-"

// Options of a twin.
type Options struct {
	// Function limits the twin to one function (logical id or name).
	Function string
	// Config gives each function's bootstrap, environment and timeout.
	Config func(fn *netcheck.Function) (FunctionConfig, error)
	// Names are more DNS names of the test internet, besides the hosts of
	// the functions' checkip URLs (CheckNames).
	Names []string
	// FunctionLog receives the functions' output (nil: discarded).
	FunctionLog io.Writer
	// Subnet limits the functions' interfaces to this subnet (one
	// invocation, Invoke).
	Subnet string
}

// Twin is a built twin; Close tears it down.
type Twin struct {
	facts       *netcheck.Facts
	id          string
	dir         string
	router      ns
	internet    *internet
	namespaces  []ns
	nodes       []*node
	natGateways map[string]*natGateway
	// natInstances by interface id and by instance id.
	natInstances map[string]*natInstance
	igws         map[string]*internetGateway
	eigws        map[string]*egressOnlyGateway
	services     []*serviceStandIn
	links        int // links to the test internet so far
	resolver     *resolver
	resolvers    []*resolver // the Amazon-provided one and the custom servers
	// nameServers are the functions' DNS servers (the DHCP options'), in
	// order; reserved are addresses the twin gave a server, which no
	// function interface takes.
	nameServers []netip.Addr
	reserved    map[netip.Addr]bool
	enis        []*functionENI
	publicIPs   map[netip.Addr]netip.Addr // private address -> Elastic IP
	eips        map[string]netip.Addr     // allocation -> Elastic IP
	standIns    int                       // Elastic IPs given from TEST-NET-2 so far
	nextAddr    map[netip.Prefix]netip.Addr
	procs       []*exec.Cmd
	closers     []io.Closer
	etcDirs     []string
	notes       []string
	functionLog io.Writer
	record      string       // the run's record (runs.go), removed last by Close
	probes      atomic.Int64 // witness probes so far (their source ports)
	closeOnce   sync.Once
}

// SubnetResult is what a function answered from one subnet.
type SubnetResult struct {
	Function string `json:"function"`
	Subnet   string `json:"subnet"`
	Address  string `json:"address"`
	Nat      string `json:"nat,omitempty"`        // the NAT device the subnet routes to
	Expected string `json:"expectedIp,omitempty"` // its Elastic IP
	// Service is the gateway-endpoint service asked about (RunService),
	// Via how its stand-in is reached from the subnet: "gateway endpoint
	// ID" (it must see the function's private address) or "NAT" (its
	// Elastic IP).
	Service string   `json:"service,omitempty"`
	Via     string   `json:"via,omitempty"`
	Probes  []Probe  `json:"invocations"`
	Matched bool     `json:"matched"`
	Elapsed Duration `json:"elapsedMs"`
	Answer  string   `json:"answer"`
	Failure *Probe   `json:"-"`
	fn      *netcheck.Function
	eni     *functionENI
}

// Duration is a duration printed in milliseconds.
type Duration time.Duration

// MarshalJSON writes milliseconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprint(time.Duration(d).Milliseconds())), nil
}

// Build builds the twin of the facts' VPC. On error everything created so
// far is torn down.
func Build(facts *netcheck.Facts, opts Options) (t *Twin, err error) {
	var fns []*netcheck.Function
	for _, fn := range facts.Functions {
		if opts.Function == "" || fn.ID == opts.Function || fn.Name == opts.Function {
			fns = append(fns, fn)
		}
	}
	if len(fns) == 0 {
		return nil, fmt.Errorf("no VPC-attached function%s in %s", map[bool]string{true: " " + opts.Function}[opts.Function != ""], facts.Source)
	}
	vpc, err := theVpc(facts, fns)
	if err != nil {
		return nil, err
	}
	suffix := make([]byte, 3)
	rand.Read(suffix)
	t = &Twin{facts: facts, id: newRunID(hex.EncodeToString(suffix)), natGateways: map[string]*natGateway{}, natInstances: map[string]*natInstance{},
		igws: map[string]*internetGateway{}, eigws: map[string]*egressOnlyGateway{}, publicIPs: map[netip.Addr]netip.Addr{}, eips: map[string]netip.Addr{},
		nextAddr: map[netip.Prefix]netip.Addr{}, reserved: map[netip.Addr]bool{}, functionLog: opts.FunctionLog}
	if t.functionLog == nil {
		t.functionLog = io.Discard
	}
	defer func() {
		if err != nil {
			t.Close()
			t = nil
		}
	}()
	// What dead runs left behind goes first (runs.go); then this run is
	// recorded before it makes anything.
	removed, err := CleanDeadRuns()
	for _, m := range removed {
		t.notef("%s", m)
	}
	if err != nil {
		return t, err
	}
	t.dir = filepath.Join(os.TempDir(), t.id+"-files")
	if err = t.writeRecord(); err != nil {
		return t, err
	}
	if err = os.Mkdir(t.dir, 0o700); err != nil {
		return t, err
	}
	cfgs := make([]FunctionConfig, len(fns))
	for i, fn := range fns {
		if cfgs[i], err = opts.Config(fn); err != nil {
			return t, fmt.Errorf("function %s: %w", fn.ID, err)
		}
	}
	names := append(CheckNames(cfgs), opts.Names...)
	if t.router, err = t.newNS("vpc", true); err != nil {
		return t, err
	}
	if _, err = t.startResolver(vpc, names); err != nil {
		return t, err
	}
	if err = t.startInternet(names); err != nil {
		return t, err
	}
	if err = t.startEcho(); err != nil {
		return t, err
	}
	if t.nameServers, err = t.startCustomDNS(vpc, names); err != nil {
		return t, err
	}
	if err = t.startServices(vpc); err != nil {
		return t, err
	}
	if err = t.addGateways(vpc); err != nil {
		return t, err
	}
	for i, fn := range fns {
		for _, sid := range fn.SubnetIDs {
			if opts.Subnet != "" && sid != opts.Subnet {
				continue
			}
			if err = t.addFunctionENI(fn, sid, cfgs[i]); err != nil {
				return t, err
			}
		}
	}
	for id, ni := range t.natInstances {
		if id == ni.eni.ID {
			if err = ni.rules(t, vpc); err != nil {
				return t, err
			}
		}
	}
	if err = t.buildRouter(vpc); err != nil {
		return t, err
	}
	for _, g := range t.igws {
		if err = g.translate(t, vpc); err != nil {
			return t, err
		}
	}
	return t, nil
}

// theVpc is the one VPC the functions are attached to.
func theVpc(f *netcheck.Facts, fns []*netcheck.Function) (*netcheck.Vpc, error) {
	var vpc *netcheck.Vpc
	for _, fn := range fns {
		for _, sid := range fn.SubnetIDs {
			sn := f.Subnets[sid]
			if sn == nil {
				return nil, fmt.Errorf("function %s: subnet %s is not in the facts (imported?): the twin cannot place it", fn.ID, sid)
			}
			v := f.Vpcs[sn.VpcID]
			if v == nil || !v.Cidr.IsValid() {
				return nil, fmt.Errorf("subnet %s: its VPC %s is not in the facts", sid, sn.VpcID)
			}
			if vpc != nil && vpc != v {
				return nil, fmt.Errorf("the functions span two VPCs (%s, %s): the twin builds one", vpc.ID, v.ID)
			}
			vpc = v
		}
	}
	return vpc, nil
}

// addGateways adds the NAT gateways and the internet gateways attached to
// the VPC, and lists the ways out the twin does not model.
func (t *Twin) addGateways(vpc *netcheck.Vpc) error {
	var ids []string
	for id := range t.facts.InternetGateways {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if igw := t.facts.InternetGateways[id]; attached(igw.AttachedVpcs, vpc.ID) {
			if err := t.addInternetGateway(igw, vpc); err != nil {
				return err
			}
		}
	}
	ids = ids[:0]
	for id := range t.facts.EgressOnlyInternetGateways {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if g := t.facts.EgressOnlyInternetGateways[id]; attached(g.AttachedVpcs, vpc.ID) {
			if err := t.addEgressOnlyGateway(g, vpc); err != nil {
				return err
			}
		}
	}
	ids = ids[:0]
	for id := range t.facts.NatGateways {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		gw := t.facts.NatGateways[id]
		add := t.addNatGateway
		if gw.Regional {
			add = func(gw *netcheck.NatGateway) error { return t.addRegionalNatGateway(gw, vpc) } // natgw_regional.go
		}
		if err := add(gw); err != nil {
			return err
		}
	}
	return t.addNatInstances(vpc)
}

// elasticIP is the address of an allocation. A deployed network's facts
// name it ("eipalloc-... (ADDRESS)"): the twin uses that address when it is
// a public one. A template cannot know it, and an emulator's may be a
// loopback or private address no internet would route: those allocations
// get one of TEST-NET-2 (198.51.100.0/24, RFC 5737) in the order the twin
// meets them.
func (t *Twin) elasticIP(alloc string) netip.Addr {
	if a, ok := t.eips[alloc]; ok {
		return a
	}
	if a, ok := publicAddr(alloc); ok {
		t.eips[alloc] = a
		return a
	}
	a := netip.AddrFrom4([4]byte{198, 51, 100, byte(10 + t.standIns)})
	t.standIns++
	t.eips[alloc] = a
	if namesAddr(alloc) {
		t.notef("Elastic IP %s is not a public address (an emulator's?): the twin uses %s for it", alloc, a)
	}
	return a
}

// namesAddr reports whether a description names an address (a deployed
// network's do, a template's do not).
func namesAddr(s string) bool {
	for _, word := range strings.Fields(s) {
		if _, err := netip.ParseAddr(strings.Trim(word, "()")); err == nil {
			return true
		}
	}
	return false
}

// The blocks the twin uses itself: its gateways' links to the test internet
// (TEST-NET-1) and the test internet (TEST-NET-3).
var (
	twinLinks    = netip.MustParsePrefix("192.0.2.0/24")
	twinInternet = netip.MustParsePrefix("203.0.113.0/24")
)

// publicAddr finds the address in a deployed network's description of a
// public address: a NAT gateway's allocation ("eipalloc-... (ADDRESS)"), a
// NAT instance's interface ("ADDRESS (Elastic IP eipalloc-...)"), or a bare
// ADDRESS; when it can be a public address in the twin: not loopback,
// private or link-local (an emulator's), nor one of the blocks the twin
// uses itself. A template's descriptions name no address.
func publicAddr(alloc string) (netip.Addr, bool) {
	for _, word := range strings.Fields(alloc) {
		a, err := netip.ParseAddr(strings.Trim(word, "()"))
		if err != nil {
			continue
		}
		if !a.Is4() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast() || a.IsMulticast() ||
			twinLinks.Contains(a) || twinInternet.Contains(a) || twinServices.Contains(a) {
			return netip.Addr{}, false
		}
		return a, true
	}
	return netip.Addr{}, false
}

// newNS creates one of the twin's namespaces.
func (t *Twin) newNS(label string, forward bool) (ns, error) {
	n := ns{name: fmt.Sprintf("%s-%d%s", t.id, len(t.namespaces), label)}
	if err := run("ip", "netns", "add", n.name); err != nil {
		return n, err
	}
	t.namespaces = append(t.namespaces, n)
	return n, n.base(forward)
}

// nextLink numbers the links to the test internet, from 1.
func (t *Twin) nextLink() int {
	t.links++
	return t.links
}

func prefixes(ps []netip.Prefix) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Masked().String())
	}
	return out
}

func (t *Twin) notef(format string, a ...interface{}) {
	n := fmt.Sprintf(format, a...)
	for _, m := range t.notes {
		if m == n {
			return
		}
	}
	t.notes = append(t.notes, n)
}

// Notes are what the twin could not model in these facts.
func (t *Twin) Notes() []string { return t.notes }

// ElasticIPs maps allocations to the addresses the twin gave them.
func (t *Twin) ElasticIPs() map[string]netip.Addr { return t.eips }

// Run invokes every function once per subnet (once per class of reply
// ports, see Probe), the subnets in parallel. With ipv6 the question is the
// IPv6 one: the test internet's names resolve to its IPv6 address, and the
// function must answer with its own IPv6 address (no translation: through
// an egress-only or internet gateway). Runs of one twin must not overlap.
func (t *Twin) Run(ctx context.Context, ipv6 bool) []SubnetResult {
	for _, r := range t.resolvers {
		r.ipv6.Store(ipv6)
		r.service.Store(nil)
	}
	return t.run(ctx, ipv6, "")
}

// RunService asks the question of a gateway-endpoint service (s3,
// dynamodb): the test internet's names resolve to the service's stand-in,
// which each subnet must reach through its endpoint (the stand-in then
// sees the function's private address) when its route table has the
// endpoint's route, else through its NAT device (the Elastic IP).
func (t *Twin) RunService(ctx context.Context, svc string) ([]SubnetResult, error) {
	s := t.standIn(svc)
	if s == nil {
		return nil, fmt.Errorf("the twin has no stand-in for service %q (it has s3 and dynamodb)", svc)
	}
	a := s.addr
	for _, r := range t.resolvers {
		r.ipv6.Store(false)
		r.service.Store(&a)
	}
	defer func() {
		for _, r := range t.resolvers {
			r.service.Store(nil)
		}
	}()
	return t.run(ctx, false, svc), nil
}

// expect is what a subnet's function must answer for a question, and the
// network ACLs on its way (their ports split the invocations).
func (t *Twin) expect(e *functionENI, ipv6 bool, svc string) (SubnetResult, []*netcheck.NetworkAcl) {
	sn := t.facts.Subnets[e.subnet]
	r := SubnetResult{Function: e.fn.ID, Subnet: e.subnet, Address: e.addr.String(), Service: svc, fn: e.fn, eni: e}
	acls := []*netcheck.NetworkAcl{t.naclOf(sn)}
	var eip netip.Addr
	switch route := t.serviceRoute(sn, svc); {
	case ipv6:
		r.Nat, eip = t.expectedGateway6(sn), e.addr6
	case svc != "" && route != nil:
		r.Nat, r.Via = route.Target, "gateway endpoint "+route.Target
		if t.endpointUsable(*route, t.facts.Vpcs[sn.VpcID]) {
			eip = e.addr
		}
	default:
		r.Nat, eip = t.expectedNat(sn, t.questionHost(svc))
		if nd := t.natNode(r.Nat); nd != nil && nd.subnet != "" {
			acls = append(acls, t.naclOf(t.facts.Subnets[nd.subnet]))
		}
		if svc != "" {
			r.Via = "NAT"
		}
	}
	if eip.IsValid() {
		r.Expected = eip.String()
	}
	return r, acls
}

// questionHost is the address the function's connection goes to.
func (t *Twin) questionHost(svc string) netip.Addr {
	if s := t.standIn(svc); s != nil {
		return s.addr
	}
	return netip.MustParseAddr(InternetHost)
}

func (t *Twin) run(ctx context.Context, ipv6 bool, svc string) []SubnetResult {
	out := make([]SubnetResult, len(t.enis))
	var wg sync.WaitGroup
	for i, e := range t.enis {
		r, acls := t.expect(e, ipv6, svc)
		wg.Add(1)
		go func(i int, r SubnetResult, classes [][2]int) {
			defer wg.Done()
			start := time.Now()
			r.Probes = r.eni.invoke(ctx, classes, i)
			r.Elapsed = Duration(time.Since(start))
			r.Matched = r.Expected != ""
			for j := range r.Probes {
				p := &r.Probes[j]
				if p.PublicIP != r.Expected || p.Error != "" {
					r.Matched = false
					if r.Failure == nil {
						r.Failure = p
					}
				}
			}
			r.Answer = r.Probes[0].PublicIP
			if r.Failure != nil {
				r.Answer = r.Failure.PublicIP
				if r.Failure.Error != "" {
					r.Answer = "error: " + r.Failure.Error
				}
			}
			out[i] = r
		}(i, r, replyPortClasses(acls...))
	}
	wg.Wait()
	return out
}

// Close stops every process and server of the twin and deletes its
// namespaces (with them, every interface it created). It is safe to call
// more than once.
func (t *Twin) Close() error {
	var first error
	t.closeOnce.Do(func() {
		for _, p := range t.procs {
			if p.Process != nil {
				syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			}
		}
		for _, e := range t.enis {
			select {
			case <-e.exited:
			case <-time.After(5 * time.Second):
			}
		}
		for _, c := range t.closers {
			c.Close()
		}
		if t.internet != nil && t.internet.srv != nil {
			t.internet.srv.Close()
		}
		for i := len(t.namespaces) - 1; i >= 0; i-- {
			if err := run("ip", "netns", "del", t.namespaces[i].name); err != nil && first == nil {
				first = err
			}
		}
		for _, d := range t.etcDirs {
			os.RemoveAll(d)
		}
		if t.dir != "" {
			os.RemoveAll(t.dir)
		}
		if t.record != "" && first == nil {
			os.Remove(t.record) // last: a failed teardown leaves it for the next run
		}
	})
	return first
}

// Leftovers lists the namespaces of this process's twins still present on
// this machine (none once every twin is closed). Other processes' twins,
// running at the same time, are not this process's leftovers: see
// LeftoversOf and CleanDeadRuns.
func Leftovers() ([]string, error) {
	return LeftoversOf(os.Getpid()), nil
}
