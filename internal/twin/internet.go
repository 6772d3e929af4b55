package twin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// InternetHost is the test internet's one host (TEST-NET-3, RFC 5737: never
// an address of the real internet), and InternetPort its HTTPS port: the
// destination netcheck is asked about when its verdict is compared with the
// twin's.
const (
	InternetHost = "203.0.113.10"
	InternetPort = 443
	// InternetHost6 is its IPv6 address (3fff::/20, RFC 9637's
	// documentation block: not the VPCs' placeholder 2001:db8::/32).
	InternetHost6 = "3fff::10"
)

// internet is the test internet: one host, reached only through an internet
// gateway, serving HTTPS "checkip" (the source address it sees) for the
// names the VPC resolver gives its address, with a certificate of a test
// certificate authority made for this twin.
type internet struct {
	ns     ns
	caFile string // the CA's certificate (PEM), for SSL_CERT_FILE
	caPool *x509.CertPool
	srv    *http.Server
}

func (t *Twin) startInternet(names []string) error {
	n, err := t.newNS("inet", false)
	if err != nil {
		return err
	}
	t.internet = &internet{ns: n}
	if err := n.ip("addr", "add", InternetHost+"/32", "dev", "lo"); err != nil {
		return err
	}
	if err := n.ip("-6", "addr", "add", InternetHost6+"/128", "dev", "lo", "nodad"); err != nil {
		return err
	}
	// A reply leaves by the gateway its flow came in through (an
	// egress-only gateway lets back only the replies to its own flows):
	// the flow's mark chooses the route back, also for the handshake's
	// reply (tcp_fwmark_accept).
	if err := n.sysctl("net.ipv4.tcp_fwmark_accept=1"); err != nil {
		return err
	}
	if err := n.nft(`table inet back {
  chain pre {
    type filter hook prerouting priority mangle; policy accept;
  }
  chain out {
    type route hook output priority mangle; policy accept;
    meta mark set ct mark
  }
}
`); err != nil {
		return err
	}
	all := append([]string{}, names...)
	for _, svc := range []string{"s3", "dynamodb"} {
		all = append(all, serviceNames[svc]...)
	}
	cert, caPEM, err := testCertificate(all)
	if err != nil {
		return err
	}
	t.internet.caPool = x509.NewCertPool()
	t.internet.caPool.AppendCertsFromPEM(caPEM)
	t.internet.caFile = filepath.Join(t.dir, "test-ca.pem")
	if err := os.WriteFile(t.internet.caFile, caPEM, 0o644); err != nil {
		return err
	}
	l, err := n.listen("tcp", net.JoinHostPort(InternetHost, "443"))
	if err != nil {
		return err
	}
	l6, err := n.listen("tcp", net.JoinHostPort(InternetHost6, "443"))
	if err != nil {
		l.Close()
		return err
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(echoSource),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	t.internet.srv = srv
	go srv.ServeTLS(l, "", "")
	go srv.ServeTLS(l6, "", "")
	return nil
}

// linkIPv6 is the IPv6 side of a gateway's link to the test internet: the
// gateway's default route, and the route back to the VPC's IPv6 blocks for
// the flows that came in through this link (link is its index, from 1).
func (t *Twin) linkIPv6(gw ns, inetIf string, link int, vpc6 []string) error {
	table := fmt.Sprint(300 + link)
	steps := []step{
		{gw, []string{"-6", "addr", "add", routerAddr6 + "/64", "dev", "i", "nodad"}},
		{gw, []string{"-6", "route", "add", "default", "via", peerAddr6, "dev", "i"}},
		{t.internet.ns, []string{"-6", "addr", "add", peerAddr6 + "/64", "dev", inetIf, "nodad"}},
		{t.internet.ns, []string{"-6", "rule", "add", "fwmark", fmt.Sprint(link), "table", table}},
	}
	for _, b := range vpc6 {
		steps = append(steps, step{t.internet.ns, []string{"-6", "route", "add", b, "via", routerAddr6, "dev", inetIf, "table", table}})
	}
	if err := runSteps(steps); err != nil {
		return err
	}
	return t.internet.ns.nft(fmt.Sprintf("add rule inet back pre iifname %q ct state new ct mark set %d meta mark set ct mark\n", inetIf, link))
}

// testCertificate makes a certificate authority and a server certificate
// for names, valid for a day.
func testCertificate(names []string) (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "VPC twin test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		IPAddresses: []net.IP{net.ParseIP(InternetHost), net.ParseIP(InternetHost6), net.ParseIP(Services["s3"]), net.ParseIP(Services["dynamodb"])},
		NotBefore:   now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caPEM, nil
}
