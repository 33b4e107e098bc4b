// Package lists is central's side of the signed lists: which lists there
// are, building their versions from the registry, and publishing them to
// devices over MQTT.
//
// # Lists and audiences
//
// A list is for an audience (store.Audience): "bus-fleet" holds every
// card with a bus right, and each school S has a list named S holding
// the cards whose pass or meals name S. Every list also holds every
// stopped card: a stop must reach every device. The lists that exist are
// bus-fleet, every school an entitlement names, and every list built
// before (a school whose last card left gets versions of stops only,
// rather than a last version that devices would keep forever). A school
// whose name is no list name ([a-z0-9._-], 1-64, or "bus-fleet") is
// skipped with a warning.
//
// # Building
//
// Builder.Build makes, for each list whose audience changed since its
// latest version, version N+1 twice: as a snapshot and as a delta from N,
// both signed (offline/bundle). It does not keep version N's entries: it
// keeps its members (store.Member: each token and a hash of its entry's
// encoding) and merges them with the audience, both streamed in token
// order, so a build reads each list once. The snapshot, the delta and the
// member changes are stored in one transaction that also moves the list's
// head from N to N+1, so two centrals building at once store one N+1
// between them (the other gets store.ErrExists and builds nothing).
//
// An unchanged audience gets no version, unless its latest version
// expires within Builder.Renew or Build is asked to refresh: then N+1 is
// the same entries with a new expiry, and its delta is empty. A Builder
// that runs again and again (karta-central serve) remembers the
// registry's stamp (store.RegistryStamp: the count of entitlements and
// the time of the last write) and scans no audience while it stays the
// same.
//
// # Publishing
//
// Publisher keeps the broker's retained messages in step with the
// store. For each list it publishes, retained at QoS 1:
//
//  1. every chunk of the latest snapshot and of the recent deltas
//     (N-1→N, N-2→N-1, ... up to tapsync.MaxOffered-1 of them) on
//     tapsync.ChunkTopic(list, version, base, i);
//  2. then the tapsync.ListOffer on tapsync.ManifestTopic(list): the
//     snapshot's signed manifest first, then the deltas' from the newest;
//  3. then an empty retained message on each chunk topic of a version it
//     offered before and offers no more, which clears it.
//
// The order means a device that sees an offer finds its chunks there.
// The Publisher looks at the store every few seconds with one cheap query
// (each list's newest version) and does nothing more while it is
// unchanged.
//
// # Caveats
//
//   - The offer is not signed; each manifest in it is. See tapsync.ListOffer.
//   - Several centrals may publish the same lists: the bytes are the same,
//     so that is harmless, except that an instance that looks at the store
//     a moment late may briefly put back the offer of the version before,
//     whose snapshot chunks the other instance has cleared; devices retry
//     and the late instance catches up at its next look.
//   - A Publisher forgets what it published when it stops. A new one
//     clears, at its first round, the chunks of the versions just below
//     those it offers (2×MaxOffered of them), not older ones.
//   - The stamp misses an update written with a clock behind the last
//     one (another central's, or after the clock was set back) until the
//     next import that moves it, or the next renewal.
//   - Retained chunks of a 2,000,000-entry list are about 90 MB at the
//     broker; the embedded broker keeps them in memory.
package lists
