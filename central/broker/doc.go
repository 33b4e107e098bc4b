// Package broker is central's embedded MQTT broker (mochi-mqtt): what a
// one-machine karta runs instead of Mosquitto or EMQX.
//
// Devices authenticate with their device id as client id and username and
// a password derived from central's secret (Passwords), or, on a listener
// with client certificates, by a certificate whose common name is their
// device id. Each device may publish only its own taps and status
// (karta/v1/dev/{id}/taps|status), and read only its own acks, config and
// commands and the lists. Central itself speaks through mochi's inline
// client (Conn), which the ACL lets do anything. A revoked device is
// refused at connect (Options.Revoked) and dropped at once by Disconnect.
//
// The same policy is written for an external Mosquitto (MosquittoConf):
// MosquittoDeviceACL gives each device in service a user block of its own
// topics, so a device left out — decommissioned — may connect with its
// certificate but neither publish nor read; MosquittoACL, by pattern,
// admits every certificate of the fleet CA.
//
// # Caveats
//
//   - A refused publish is dropped by the broker: the device sees no
//     error beyond its missing ack, and central never sees the payload.
//   - Mosquitto reads the ACL at start and on SIGHUP only: a device
//     registered or decommissioned since has the rights it had until the
//     ACL is written again and reloaded.
//   - Retained messages (status, manifests, list chunks) live in memory:
//     central republishes its lists and configs when it starts.
package broker
