package broker

import "github.com/mochi-mqtt/server/v2/packets"

// Disconnect drops device's connection, if it has one, and reports
// whether it had. Its last will is published (an outage, not a goodbye).
// For a revoked device: Options.Revoked refuses it when it comes back.
func (b *Broker) Disconnect(device string) bool {
	cl, ok := b.srv.Clients.Get(device)
	if !ok || cl.Net.Inline || cl.Closed() {
		return false
	}
	cl.Stop(packets.ErrNotAuthorized)
	return true
}
