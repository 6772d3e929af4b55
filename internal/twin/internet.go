package twin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
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
)

// internet is the test internet: one host, reached only through an internet
// gateway, serving HTTPS "checkip" (the source address it sees) for the
// names the VPC resolver gives its address, with a certificate of a test
// certificate authority made for this twin.
type internet struct {
	ns     ns
	caFile string // the CA's certificate (PEM), for SSL_CERT_FILE
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
	cert, caPEM, err := testCertificate(names)
	if err != nil {
		return err
	}
	t.internet.caFile = filepath.Join(t.dir, "test-ca.pem")
	if err := os.WriteFile(t.internet.caFile, caPEM, 0o644); err != nil {
		return err
	}
	l, err := n.listen("tcp", net.JoinHostPort(InternetHost, "443"))
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			// One connection per request: every invocation opens its
			// own, from the reply port the twin chose for it.
			w.Header().Set("Connection", "close")
			w.Write([]byte(host + "\n"))
		}),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	t.internet.srv = srv
	go srv.ServeTLS(l, "", "")
	return nil
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
		IPAddresses: []net.IP{net.ParseIP(InternetHost)},
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
