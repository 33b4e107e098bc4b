// Package agent is the tap pipeline of a device: card in field, identity,
// decision, journal, signal. It holds the decision rules of each device role
// (bus validator, school turnstile, canteen till) as data, the device
// config and its metrics. It never waits on the network.
//
// It consumes readers (identity), offline (lists, journal), hardware
// (indicator, buzzer, relay, display) and sync, through small interfaces
// declared here; cmd/karta-agent wires the concrete drivers.
package agent
