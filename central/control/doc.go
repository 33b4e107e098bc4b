// Package control is how central steers devices beyond lists: each
// device's signed config and signed commands, and keeping revoked devices
// off the broker.
//
// # The model
//
// Ops issue; the downlink delivers. Issuing (Issuer) happens anywhere
// with the database and the offline signing key — typically the
// karta-central command line on an ops machine: it checks the request
// against the registry, signs a tapsync.Config or tapsync.Command with
// the list signing key devices pin at provisioning, and stores the signed
// bytes. Nothing is sent then. The Downlink, run by karta-central serve,
// polls the database every few seconds and delivers what is new:
//
//   - a config is published retained (QoS 1) on karta/v1/dev/{id}/config,
//     every device's at start (the broker may have lost its retained
//     messages) and a device's again whenever a newer version is stored.
//     A device applies a version only above the one it runs, so a config
//     published twice (by two instances, or after a restart) is harmless.
//   - a command is published once (QoS 1, not retained) on
//     karta/v1/dev/{id}/cmd, as soon as its device is online and before it
//     expires. The store claims it for exactly one instance; a publish
//     that fails releases it for the next poll.
//   - a revoked device is disconnected from the embedded broker, which
//     then refuses it at connect (broker.Options.Revoked).
//
// What came of it comes back in the device's status: the config version
// it runs (tapsync.Status.Config) and how its last command went
// (tapsync.Status.Command); Report records both.
//
// # Config rules
//
// A config carries the TOML of an agent's [rules] table, without the
// header. Central does not import the agent; CheckRules checks what it
// can without it: the text is no deeper and no more dotted than rules
// ever are (the TOML parser takes minutes over a pathological key, and
// every device parses the same text), parses as TOML, names only the
// tables and keys agent.Rules knows at the top level, and says the role,
// which must be the registered device's.
//
// # Caveats
//
//   - A command sent to a device that went offline a moment before is
//     lost with its session; its result never comes. Send it again.
//   - Polling notices a new config by a stamp (count and sum of versions),
//     one aggregate per poll; a poll with nothing new costs that and one
//     indexed read of the commands waiting.
//   - A device not registered gets no config and no command: register it
//     (karta-central device add) with its role first.
package control
