package broker

import (
	"crypto/tls"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// certName returns the common name of the client certificate a client
// connected with, if any.
func certName(cl *mqtt.Client) (string, bool) {
	c, ok := cl.Net.Conn.(*tls.Conn)
	if !ok {
		return "", false
	}
	certs := c.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", false
	}
	return certs[0].Subject.CommonName, true
}
