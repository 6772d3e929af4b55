package twin

// Witness probes: netcheck's witnesses (netcheck/witness.go, one concrete
// packet per class of the destination the rules separate, each with its
// verdict) sent as real packets from a function's interface. The probe is
// the twin's own client in the function's namespace (the handler only
// knows its checkip URL): its packets leave through the interface's
// security groups, the VPC router's network ACLs and routes, the NAT device
// and the gateways, and the test internet answers for every address and
// port with the source address it saw; the reply comes back the same way.
// A witness is reachable in the twin when every class of reply ports
// (replyPortClasses) got its answer.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vpclambda/vpclambda/netcheck"
)

// EchoPort is the test internet's echo service: every TCP and UDP packet
// from a gateway to any address the twin does not use itself is answered
// there (nftables dnat in the test internet's namespace; the replies are
// translated back, so the probe sees the address and port it asked for).
const EchoPort = 7

// probeTimeout bounds one probe's handshake (or UDP answer): the twin's
// links are in-kernel, an answer takes well under a millisecond, so a
// probe that gets none in this time was dropped.
const probeTimeout = 1500 * time.Millisecond

// WitnessResult is one witness of netcheck's, from one function subnet:
// netcheck's verdict and the twin's.
type WitnessResult struct {
	Function string `json:"function"`
	Subnet   string `json:"subnet"`
	Address  string `json:"address"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Class    string `json:"class"`
	// Netcheck is netcheck's verdict (reachable, blocked, unknown) and
	// its reason; Twin the twin's (reachable, blocked, or "not probed").
	Netcheck       string `json:"netcheck"`
	NetcheckReason string `json:"netcheckReason,omitempty"`
	Twin           string `json:"twin"`
	// Seen is the source address the test internet saw (the NAT device's
	// Elastic IP, or the function's own IPv6 address).
	Seen string `json:"seen,omitempty"`
	// Detail says what failed: the reply ports of the class that got no
	// answer, and the error.
	Detail   string   `json:"detail,omitempty"`
	Probes   int      `json:"probes"`
	Elapsed  Duration `json:"elapsedMs"`
	Agree    bool     `json:"agree"`
	Compared bool     `json:"compared"`
}

// String is one line of the cross-check.
func (w WitnessResult) String() string {
	verdict := "AGREE"
	switch {
	case !w.Compared:
		verdict = "SKIP "
	case !w.Agree:
		verdict = "DIFFER"
	}
	s := fmt.Sprintf("%s %s in %s: %s %s:%d (%s): netcheck %s, twin %s", verdict, w.Function, w.Subnet, w.Protocol, w.Address, w.Port, w.Class, w.Netcheck, w.Twin)
	if w.Seen != "" {
		s += " (seen as " + w.Seen + ")"
	}
	if w.NetcheckReason != "" && w.Netcheck != netcheck.WitnessReachable {
		s += "; netcheck: " + w.NetcheckReason
	}
	if w.Detail != "" {
		s += "; twin: " + w.Detail
	}
	return s
}

// ProbeWitnesses sends every witness of the report from every function
// subnet the twin has an interface in, and compares each with netcheck's
// verdict. All are probed at once, each from its own source port, when the
// reply-port classes are wide enough for that; else one subnet after the
// other (two flows through one NAT device to one witness must not share a
// source port: the device would move one of them to another port, maybe of
// another class).
func (t *Twin) ProbeWitnesses(ctx context.Context, r *netcheck.Report) []WitnessResult {
	type job struct {
		e   *functionENI
		w   netcheck.Witness
		res *WitnessResult
	}
	var subnets [][]job
	var out []*WitnessResult
	probes, narrowest := 0, 1<<30
	for _, fr := range r.Functions {
		for _, sr := range fr.Subnets {
			var e *functionENI
			for _, x := range t.enis {
				if x.fn.ID == fr.Function && x.subnet == sr.Subnet {
					e = x
				}
			}
			var jobs []job
			for _, w := range sr.Witnesses {
				res := &WitnessResult{Function: fr.Function, Subnet: sr.Subnet, Address: w.Address, Port: w.Port, Protocol: w.Protocol,
					Class: w.Class, Netcheck: w.Verdict, NetcheckReason: w.Reason}
				out = append(out, res)
				if e == nil {
					res.Twin, res.Detail = "not probed", "the twin has no interface of the function in this subnet"
					continue
				}
				jobs = append(jobs, job{e, w, res})
				for _, c := range t.witnessClasses(e, w) {
					probes++
					narrowest = min(narrowest, c[1]-c[0]+1)
				}
			}
			subnets = append(subnets, jobs)
		}
	}
	runJobs := func(jobs []job) {
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.probeWitness(ctx, j.e, j.w, j.res)
			}()
		}
		wg.Wait()
	}
	if probes <= narrowest {
		var all []job
		for _, jobs := range subnets {
			all = append(all, jobs...)
		}
		runJobs(all)
	} else {
		for _, jobs := range subnets {
			runJobs(jobs)
		}
	}
	results := make([]WitnessResult, len(out))
	for i, x := range out {
		x.Compared = x.Netcheck != netcheck.WitnessUnknown && x.Twin != "not probed"
		x.Agree = !x.Compared || x.Netcheck == x.Twin
		results[i] = *x
	}
	return results
}

// witnessClasses are the classes of reply ports one witness is sent with:
// the ports where the network ACLs on its way (the function's subnet's,
// and for IPv4 the NAT device's subnet's) change their verdict.
func (t *Twin) witnessClasses(e *functionENI, w netcheck.Witness) [][2]int {
	dst, err := netip.ParseAddr(w.Address)
	proto := map[string]int{"tcp": 6, "udp": 17}[w.Protocol]
	if err != nil || proto == 0 {
		return nil
	}
	sn := t.facts.Subnets[e.subnet]
	acls := []*netcheck.NetworkAcl{t.naclOf(sn)}
	if dst.Is4() {
		if nat, _ := t.expectedNat(sn, dst); nat != "" {
			// A regional NAT gateway sits in no subnet of the VPC: no
			// network ACL of the VPC's is on its side of the path.
			if nd := t.natNode(nat); nd != nil && t.facts.Subnets[nd.subnet] != nil {
				acls = append(acls, t.naclOf(t.facts.Subnets[nd.subnet]))
			}
		}
	}
	return replyPortClassesFor(proto, acls...)
}

// probeWitness sends one witness once per class of reply ports.
func (t *Twin) probeWitness(ctx context.Context, e *functionENI, w netcheck.Witness, res *WitnessResult) {
	start := time.Now()
	defer func() { res.Elapsed = Duration(time.Since(start)) }()
	dst, err := netip.ParseAddr(w.Address)
	proto := map[string]int{"tcp": 6, "udp": 17}[w.Protocol]
	if err != nil || proto == 0 || w.Port <= 0 || w.Port > 65535 {
		res.Twin, res.Detail = "not probed", fmt.Sprintf("the twin probes TCP and UDP to an address and port, not %s %s:%d", w.Protocol, w.Address, w.Port)
		return
	}
	sn := t.facts.Subnets[e.subnet]
	vpc := t.facts.Vpcs[sn.VpcID]
	for _, b := range append([]netip.Prefix{vpc.Cidr}, vpc.Ipv6Cidrs...) {
		if b.Contains(dst) {
			res.Twin, res.Detail = "not probed", "inside the VPC: the twin's test internet is outside it"
			return
		}
	}
	src := e.addr
	if dst.Is6() {
		if !e.addr6.IsValid() {
			res.Twin, res.Detail = netcheck.WitnessBlocked, "the function has no IPv6 address in this subnet: no packet can be sent"
			return
		}
		src = e.addr6
	}
	res.Twin = netcheck.WitnessReachable
	for _, c := range t.witnessClasses(e, w) {
		res.Probes++
		port := t.probePort(c)
		seen, err := e.probe(ctx, proto, netip.AddrPortFrom(src, uint16(port)), netip.AddrPortFrom(dst, uint16(w.Port)), t.internet.caPool)
		// Witnesses are sent at once: another probe of the same twin may
		// hold this source port (classes of different widths can pick
		// the same one). That says nothing about the network: take
		// another port of the class (or wait for a one-port class).
		for try := 0; try < 20 && errors.Is(err, syscall.EADDRINUSE); try++ {
			time.Sleep(25 * time.Millisecond)
			port = t.probePort(c)
			seen, err = e.probe(ctx, proto, netip.AddrPortFrom(src, uint16(port)), netip.AddrPortFrom(dst, uint16(w.Port)), t.internet.caPool)
		}
		if err != nil {
			res.Twin = netcheck.WitnessBlocked
			res.Detail = fmt.Sprintf("from reply port %d (class %d-%d): %v", port, c[0], c[1], err)
			return
		}
		res.Seen = seen
	}
}

// probePort is a source port of a class of reply ports, a new one for each
// probe of the twin as far as the class allows: no two probes of one twin
// share a flow through a NAT device.
func (t *Twin) probePort(c [2]int) int {
	n := int(t.probes.Add(1))
	return c[0] + n%(c[1]-c[0]+1)
}

// probe sends one packet from src to dst in the interface's namespace and
// returns the source address the test internet saw.
func (e *functionENI) probe(ctx context.Context, proto int, src, dst netip.AddrPort, ca *x509.CertPool) (string, error) {
	var seen string
	err := e.ns.do(func() error {
		ctl := func(network, address string, c syscall.RawConn) error {
			var serr error
			c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1) })
			return serr
		}
		ctx, cancel := context.WithTimeout(ctx, probeTimeout)
		defer cancel()
		if proto == 17 {
			d := net.Dialer{LocalAddr: net.UDPAddrFromAddrPort(src), Control: ctl}
			c, err := d.DialContext(ctx, "udp", dst.String())
			if err != nil {
				return err
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(probeTimeout))
			if _, err := c.Write([]byte("witness\n")); err != nil {
				return err
			}
			buf := make([]byte, 128)
			n, err := c.Read(buf)
			if err != nil {
				return fmt.Errorf("no UDP answer: %w", err)
			}
			seen = strings.TrimSpace(string(buf[:n]))
			return nil
		}
		d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(src), Control: ctl}
		c, err := d.DialContext(ctx, "tcp", dst.String())
		if err != nil {
			return err
		}
		tc := c.(*net.TCPConn)
		defer func() { tc.SetLinger(0); tc.Close() }() // a reset: no TIME_WAIT on a port the next probe may use
		c.SetDeadline(time.Now().Add(3 * probeTimeout))
		if host := dst.Addr().String(); dst.Port() == InternetPort && (host == InternetHost || host == InternetHost6) {
			// The test internet's HTTPS host itself: its checkip answer.
			tl := tls.Client(c, &tls.Config{RootCAs: ca, ServerName: host})
			fmt.Fprintf(tl, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
			resp, err := bufio.NewReader(tl).ReadString(0)
			if i := strings.LastIndex(resp, "\r\n\r\n"); i >= 0 {
				seen = strings.TrimSpace(resp[i+4:])
				return nil
			}
			return fmt.Errorf("connected, but no HTTPS answer: %v", err)
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return fmt.Errorf("connected, but no answer: %w", err)
		}
		seen = strings.TrimSpace(line)
		return nil
	})
	return seen, err
}

// startEcho starts the test internet's echo service (EchoPort, TCP and
// UDP, both families) and the translation that sends it every packet from
// a gateway to an address and port the twin does not use itself: the
// witnesses' addresses, wherever they are, are answered inside the twin
// and never routed anywhere else (the test internet has no route out).
func (t *Twin) startEcho() error {
	n := t.internet.ns
	for _, host := range []string{InternetHost, InternetHost6} {
		addr := net.JoinHostPort(host, strconv.Itoa(EchoPort))
		l, err := n.listen("tcp", addr)
		if err != nil {
			return err
		}
		t.closers = append(t.closers, l)
		go serveEcho(l)
		pc, err := n.listenPacket("udp", addr)
		if err != nil {
			return err
		}
		t.closers = append(t.closers, pc)
		go serveEchoUDP(pc)
	}
	return n.nft(fmt.Sprintf(`table inet witness {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr %[1]s tcp dport %[3]d return
    ip6 daddr %[2]s tcp dport %[3]d return
    ip daddr { %[4]s } return
    meta nfproto ipv4 meta l4proto { tcp, udp } dnat ip to %[1]s:%[5]d
    meta nfproto ipv6 meta l4proto { tcp, udp } dnat ip6 to [%[2]s]:%[5]d
  }
}
`, InternetHost, InternetHost6, InternetPort, twinServices, EchoPort))
}

// serveEcho answers every connection with the source address it came from,
// then waits for the client to close first (it resets: no TIME_WAIT).
func serveEcho(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Write([]byte(host + "\n"))
			buf := make([]byte, 64)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		}()
	}
}

func serveEchoUDP(c net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		_, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		host, _, _ := net.SplitHostPort(from.String())
		c.WriteTo([]byte(host+"\n"), from)
	}
}

// HostInterfaces lists the network interfaces of this process's own
// namespace: a twin adds none (its namespaces are joined only to each
// other), which a test checks.
func HostInterfaces() ([]string, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, i := range ifs {
		out = append(out, i.Name)
	}
	sort.Strings(out)
	return out, nil
}

// InternetNamespace is the name of the test internet's namespace: it has
// no route out of the twin (a test checks).
func (t *Twin) InternetNamespace() string { return t.internet.ns.name }
