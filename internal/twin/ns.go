package twin

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// netnsDir is where ip(8) keeps named network namespaces.
const netnsDir = "/var/run/netns"

// run runs a command and returns its error with its output.
func run(name string, args ...string) error {
	return runIn(nil, name, args...)
}

// runIn runs a command with stdin.
func runIn(stdin []byte, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// ns is one network namespace of the twin.
type ns struct{ name string }

// ip runs ip(8) inside the namespace.
func (n ns) ip(args ...string) error {
	return run("ip", append([]string{"-n", n.name}, args...)...)
}

// nft loads an nftables ruleset into the namespace.
func (n ns) nft(ruleset string) error {
	return runIn([]byte(ruleset), "ip", "netns", "exec", n.name, "nft", "-f", "-")
}

// sysctl sets kernel parameters of the namespace (key=value pairs).
func (n ns) sysctl(kv ...string) error {
	return run("ip", append([]string{"netns", "exec", n.name, "sysctl", "-q", "-w"}, kv...)...)
}

// do runs f on an OS thread that has entered the namespace: sockets f
// creates belong to it. The thread returns to the caller's namespace.
func (n ns) do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open(filepath.Join(netnsDir, n.name))
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("entering network namespace %s: %w", n.name, err)
			return
		}
		ferr := f()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			// The thread stays locked and dies with this goroutine.
			errc <- fmt.Errorf("leaving network namespace %s: %w", n.name, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// listen opens a listener inside the namespace.
func (n ns) listen(network, addr string) (l net.Listener, err error) {
	err = n.do(func() error { l, err = net.Listen(network, addr); return err })
	return l, err
}

// listenPacket opens a packet socket inside the namespace.
func (n ns) listenPacket(network, addr string) (c net.PacketConn, err error) {
	err = n.do(func() error { c, err = net.ListenPacket(network, addr); return err })
	return c, err
}

// base prepares a new namespace: loopback up, forwarding as asked, no
// reverse-path filter and no redirects (the twin's links are point to
// point /32s, as in a VPC where every hop is the VPC router).
func (n ns) base(forward bool) error {
	if err := n.ip("link", "set", "lo", "up"); err != nil {
		return err
	}
	fwd := "0"
	if forward {
		fwd = "1"
	}
	return n.sysctl("net.ipv4.ip_forward="+fwd, "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
		"net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0",
		"net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
		"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
		"net.ipv6.conf.all.forwarding="+fwd, "net.ipv6.conf.default.forwarding="+fwd)
}

// veth joins two namespaces with a veth pair, each end created directly in
// its namespace (nothing appears in the host's), and brings both ends up.
func veth(a ns, aName string, b ns, bName string) error {
	if err := run("ip", "link", "add", aName, "netns", a.name, "type", "veth", "peer", "name", bName, "netns", b.name); err != nil {
		return err
	}
	if err := a.ip("link", "set", aName, "up"); err != nil {
		return err
	}
	return b.ip("link", "set", bName, "up")
}

// CheckPrivileges says plainly when this process cannot build a twin.
func CheckPrivileges() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("the twin needs root (network namespaces, veth pairs, nftables): run it as root, e.g. with sudo")
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("the twin needs %s (Debian: apt-get install iproute2 nftables)", tool)
		}
	}
	probe := fmt.Sprintf("twinprobe%d", os.Getpid())
	if err := run("ip", "netns", "add", probe); err != nil {
		return fmt.Errorf("cannot create a network namespace (%v): the twin needs CAP_SYS_ADMIN and CAP_NET_ADMIN", err)
	}
	return run("ip", "netns", "del", probe)
}

// step is one ip(8) command in a namespace.
type step struct {
	ns   ns
	args []string
}

func runSteps(steps []step) error {
	for _, s := range steps {
		if err := s.ns.ip(s.args...); err != nil {
			return err
		}
	}
	return nil
}
