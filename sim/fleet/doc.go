// Package fleet simulates a fleet of karta devices syncing to central, for
// load tests and the end-to-end benchmarks.
//
// # Model
//
// A Device is what a karta-agent is to central, minus the card reader: a
// journal of taps (the outbox) and a real tapsync.Link that sends it up and
// prunes what central acks. The journal is an offline.Journal in bbolt
// (one journal.db per device, as on the device) or, for thousands of
// devices on one machine, a Memory outbox with the same contract. Each
// device has its own MQTT client id and credentials and a role (bus,
// turnstile, canteen) that shapes its taps. With Options.Downlink a
// device also takes lists, config and commands, into a store of its own.
//
// A Fleet runs its devices in four phases:
//
//  1. the journals are opened, each prefilled with Options.Backlog taps;
//  2. the links start, each after a small random stagger, so the devices
//     do not all connect in the same millisecond;
//  3. every device taps at Options.Rate (per device, with jitter) for
//     Options.Duration or until it has made Options.Taps taps; meanwhile,
//     every OutageEvery, a random share of the devices loses its link for
//     OutageFor (the connection is closed and refused until the outage
//     ends), so backlogs build up and drain;
//  4. the fleet waits until every backlog is empty (at most DrainTimeout),
//     then stops the links.
//
// Counters are kept per device and summed for Progress: taps journaled,
// taps acked (pruned after central's ack), backlog (journaled − acked),
// devices connected and cut. The Summary adds the largest total backlog
// seen and the drain time: from the end of tapping to an empty backlog.
//
// # Caveats
//
//   - An outage closes the device's MQTT connection cleanly (a DISCONNECT):
//     the broker does not publish the device's last will. What matters for
//     delivery is the same as after a cable cut: batches in flight and acks
//     on their way are lost, and the device sends again from its journal.
//   - Taps carry tokens made up from a card number drawn at random
//     ("k1.S" and 19 digits): well-formed for central, never a PAN.
//   - Run is bounded: tapping ends after Duration or Taps, and the drain
//     after DrainTimeout; a Fleet runs once.
//   - The simulated devices share the machine with whatever they load: a
//     fleet on central's machine takes CPU from central. The link's ack
//     timeout is kept (15 s): shorter, a busy central makes every device
//     send its whole window again, and the duplicates keep it busy.
package fleet
