// Package bundletest makes signed list bundles for tests in one call: a
// fixed signing key (the same in every run, so golden files stay stable), a
// key ring that trusts it, snapshots and deltas of given entries, and
// synthetic entries for benchmarks.
//
//	key := bundletest.Key(t)
//	b := bundletest.Snapshot(t, key, "bus-fleet", 7, entries, bundletest.Expires)
//	v, err := bundle.Open(b, bundletest.Ring(t, key), bundletest.Now)
//
// # Caveats
//
//   - The keys are public knowledge: never trust them outside tests.
//   - Bundles are issued 30 days before they expire.
package bundletest
