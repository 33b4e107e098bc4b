// Package pki is the fleet's certificate authority: the CA that issues
// the broker's server certificate and each device's client certificate,
// whose common name is the device id (the identity the broker binds the
// device's topics to).
package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// Cert is a certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
}

// NewCA makes a self-signed CA valid for years.
func NewCA(name string, years int) (*Cert, error) {
	tmpl := template(name, years)
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	return issue(tmpl, nil)
}

// Server issues a server certificate for hosts (names or IP addresses).
func (ca *Cert) Server(hosts []string, years int) (*Cert, error) {
	tmpl := template(hosts[0], years)
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return issue(tmpl, ca)
}

// Client issues a client certificate whose common name is id (a device id,
// or "karta-central").
func (ca *Cert) Client(id string, years int) (*Cert, error) {
	tmpl := template(id, years)
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	return issue(tmpl, ca)
}

func template(cn string, years int) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120)) // crypto/rand does not fail on Linux
	now := time.Now()
	return &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"karta"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(years, 0, 0)}
}

func issue(tmpl *x509.Certificate, ca *Cert) (*Cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: key: %w", err)
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.Cert, ca.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, fmt.Errorf("pki: sign %s: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	return &Cert{Cert: cert, Key: key}, err
}

// Save writes name.pem (certificate) and name.key (key, mode 0600) in dir.
func (c *Cert) Save(dir, name string) error {
	kb, err := x509.MarshalECPrivateKey(c.Key)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	cp := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
	kp := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	return errors.Join(os.WriteFile(dir+"/"+name+".pem", cp, 0o644), os.WriteFile(dir+"/"+name+".key", kp, 0o600))
}

// Load reads name.pem and name.key from dir.
func Load(dir, name string) (*Cert, error) {
	cp, err1 := os.ReadFile(dir + "/" + name + ".pem")
	kp, err2 := os.ReadFile(dir + "/" + name + ".key")
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	cb, kb := pemBytes(cp), pemBytes(kp)
	cert, err1 := x509.ParseCertificate(cb)
	key, err2 := x509.ParseECPrivateKey(kb)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pki: %s: %w", name, err)
	}
	return &Cert{Cert: cert, Key: key}, nil
}

func pemBytes(b []byte) []byte {
	if p, _ := pem.Decode(b); p != nil {
		return p.Bytes
	}
	return nil
}
