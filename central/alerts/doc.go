// Package alerts raises what ops should look at from what devices send:
// seq gaps, clock skew and cloned cards from stored tap batches, a journal
// near full from statuses; and from what they do not send: a device
// offline too long, a device on a stale list (Sweeper).
//
// # The model
//
// Ingest hands each stored batch to a Checker after the round's acks are
// out (ingest.Ingester.Saved); the status handler hands it each status.
// Neither waits: the Checker queues the event, or drops it (counted) when
// its queue is full, so alerting can never slow the tap path. Its own
// goroutine (Run) takes the queued events in groups, looks at the
// database once per group, and raises alerts through store.RaiseAlerts,
// which stores an alert only if no open alert of the same kind, device and
// card exists: a device that keeps resending, or a card that keeps
// tapping, raises one alert until ops resolve it.
//
//   - seq gap: a batch starts above its device's highest stored seq + 1.
//     Batches may arrive out of order (a resend, another instance's round
//     not yet committed), so a gap is only a suspicion: after a grace
//     period (Rules.GapGrace) the Checker counts the seqs still missing,
//     and raises the alert only if some are.
//   - clock skew: a batch holding taps the device took on a synced clock
//     ("synced"), sent (by the device's clock) more than Rules.Skew away
//     from when central received it, or holding such a tap from more than
//     Rules.Skew in central's future. Old taps are not skew: a device that
//     was offline sends them late.
//   - cloned card: one card token tapped on two devices closer in time
//     than anyone travels between them: two buses within Rules.BusHop, two
//     schools (registered on the devices) within Rules.SchoolHop. Each
//     batch's cards are looked up in the card history (token, time index)
//     on both sides of each tap, so the order the devices sync in does
//     not matter; the alert is raised against the first device of the
//     pair by id, so that a pair raises one alert whichever device's batch
//     is checked first. Only tokens are involved, never card numbers.
//   - journal near full: a status whose backlog is Rules.JournalFull
//     percent of its capacity or more.
//
// A Sweeper looks at the whole registry every minute (serve runs one):
//
//   - offline: a device last seen (its last online status) longer than
//     Rules.Offline ago (30 min). Revoked devices and devices never seen
//     (registered, not yet installed) are left out.
//   - stale list: a list a device says it runs is past its version's
//     expiry, or behind the newest version since a newer one was issued
//     longer than Rules.StaleList ago (6 h).
//
// Both are raised through RaiseAlerts, so a device stays one open alert
// of each kind, and resolved by the sweep that finds the device back, on
// the newest list, revoked or gone. Several instances on one PostgreSQL
// may sweep alike: they find the same and RaiseAlerts dedupes under a lock.
//
// # Caveats
//
//   - A batch with nothing new (a resend) is not checked at all.
//   - A bus is a vehicle: two validators on one vehicle would look like
//     two buses. A transfer between buses faster than BusHop is flagged;
//     tune it to the region's network.
//   - Events dropped when the queue is full are not checked later; Stats
//     counts them.
//   - Suspected gaps wait in memory: a restart forgets them (the gap is
//     still in the database; the next batch past it does not see it).
package alerts
