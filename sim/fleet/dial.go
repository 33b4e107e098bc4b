package fleet

import (
	"time"

	tapsync "karta/sync"
)

// DialMQTT returns each device's dialer to the broker at url: paho, the
// device id as client id and username, and its password from password
// (for central's embedded broker, broker.Passwords.For); a nil password
// connects without credentials (an open or external broker).
func DialMQTT(url string, password func(device string) string, timeout time.Duration) func(device string) tapsync.Dialer {
	return func(id string) tapsync.Dialer {
		o := tapsync.MQTTOptions{URL: url, ClientID: id, Timeout: timeout}
		if password != nil {
			o.Username, o.Password = id, password(id)
		}
		return tapsync.DialMQTT(o)
	}
}
