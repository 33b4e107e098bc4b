package broker_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/pki"
	"karta/internal/mosquittotest"
	tapsync "karta/sync"
)

// fleet is a CA with the certificates of a Mosquitto deployment.
type fleet struct {
	dir string
	ca  *pki.Cert
}

func newFleet(t *testing.T) *fleet {
	t.Helper()
	f := &fleet{dir: t.TempDir()}
	var err error
	if f.ca, err = pki.NewCA("karta fleet CA", 10); err != nil {
		t.Fatal(err)
	}
	srv, err := f.ca.Server([]string{"127.0.0.1", "localhost"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*pki.Cert{"ca": f.ca, "server": srv} {
		if err := c.Save(f.dir, name); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fleet) tls(t *testing.T, id string) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(f.ca.Cert)
	tc := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	if id != "" {
		c, err := f.ca.Client(id, 1)
		if err != nil {
			t.Fatal(err)
		}
		tc.Certificates = []tls.Certificate{{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}}
	}
	return tc
}

func (f *fleet) dial(t *testing.T, b *mosquittotest.Broker, id string, certFor string) (tapsync.Conn, error) {
	return tapsync.DialMQTT(tapsync.MQTTOptions{URL: "ssl://" + b.Addr(), ClientID: id, TLS: f.tls(t, certFor), Timeout: 3 * time.Second})(context.Background(), "", nil)
}

// TestMosquittoMTLS runs Mosquitto with the generated config and ACL: a
// device speaks for itself only; central reads every device's taps on the
// shared subscription; a client without a certificate is refused.
func TestMosquittoMTLS(t *testing.T) {
	f := newFleet(t)
	acl := filepath.Join(f.dir, "acl")
	if err := os.WriteFile(acl, []byte(broker.MosquittoACL("")), 0o644); err != nil {
		t.Fatal(err)
	}
	b := mosquittotest.StartConfig(t, func(port int) string {
		return broker.MosquittoConf(broker.MosquittoOptions{Port: port, ACLFile: acl,
			CAFile: filepath.Join(f.dir, "ca.pem"), CertFile: filepath.Join(f.dir, "server.pem"), KeyFile: filepath.Join(f.dir, "server.key")})
	})
	central, err := f.dial(t, b, "karta-central-1", "karta-central")
	if err != nil {
		t.Fatal(err)
	}
	defer central.Close()
	got := make(chan string, 8)
	if err := central.Subscribe(tapsync.SharedTapsFilter, 1, func(topic string, p []byte) { got <- topic + " " + string(p) }); err != nil {
		t.Fatal(err)
	}
	dev, err := f.dial(t, b, "bus-0042", "bus-0042")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	dev.Publish(tapsync.TapsTopic("bus-0043"), 1, false, []byte("forged"))
	if err := dev.Publish(tapsync.TapsTopic("bus-0042"), 1, false, []byte("own")); err != nil {
		t.Fatal(err)
	}
	select { // one connection delivers in order: "forged" would come first
	case m := <-got:
		if m != tapsync.TapsTopic("bus-0042")+" own" {
			t.Fatalf("central got %q first", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the device's taps did not reach central")
	}
	if c, err := f.dial(t, b, "bus-0044", ""); err == nil {
		c.Close()
		t.Error("a client without a certificate connected")
	}
}
