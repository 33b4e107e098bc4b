package broker

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	tapsync "karta/sync"
)

// Passwords derives each device's MQTT password from central's secret, so
// that central needs no password table: HMAC-SHA256(secret, device id).
type Passwords struct{ Secret []byte }

// For returns the password of device.
func (p Passwords) For(device string) string {
	m := hmac.New(sha256.New, p.Secret)
	m.Write([]byte("karta/mqtt/v1\x00" + device))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// acl is the hook that authenticates devices and limits each to its topics.
type acl struct {
	mqtt.HookBase
	passwords Passwords
	revoked   func(device string) bool
}

func (h *acl) ID() string { return "karta-acl" }

func (h *acl) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}

// OnConnectAuthenticate admits a device whose client id is its identity:
// its client certificate's common name, or its username with the right
// password.
func (h *acl) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	id := cl.ID
	if !tapsync.ValidDeviceID(id) || h.revoked != nil && h.revoked(id) {
		return false
	}
	if cn, ok := certName(cl); ok {
		return cn == id
	}
	user, pass := string(pk.Connect.Username), pk.Connect.Password
	return user == id && len(h.passwords.Secret) > 0 && hmac.Equal(pass, []byte(h.passwords.For(id)))
}

// OnACLCheck: the inline client (central) may do anything; a device may
// write its taps and status, and read its ack, config, cmd and the lists.
func (h *acl) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if cl.Net.Inline {
		return true
	}
	if write {
		return mayWrite(cl.ID, topic)
	}
	return mayRead(cl.ID, topic)
}
