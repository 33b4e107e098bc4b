// Package systemtest runs the whole tap path as real processes, for fault
// tests: karta-central (embedded broker or an external Mosquitto; SQLite or
// PostgreSQL) and karta-agent devices with simulated readers, provisioned
// the way a depot does it (karta keys, karta-sim registry, karta list
// build, karta-central device-password).
//
// The model:
//
//   - Build compiles the four commands once per test binary run; the
//     test package's TestMain calls RemoveBuilds after the run.
//   - A Fleet holds what every device of a test shares: the token key, the
//     pinned list key, the signed bus-fleet list.
//   - A Central and each Agent are one process at a time, started, killed
//     (SIGKILL: a crash, not a goodbye) and started again on the same
//     files. An Agent remembers, across its runs, which seq each tap it
//     logged got and under which boot.
//   - ExactlyOnce is the verdict: central's database holds every tap each
//     journal ever numbered, once, under the boot that wrote it, and every
//     journal is drained.
//
// # Caveats
//
//   - An Agent's journal can be read (Journal) only while it is stopped:
//     the running agent holds the file lock. While it runs, Backlog asks
//     its metrics endpoint.
//   - A killed agent may have journaled a tap it did not live to log:
//     the journal, not the log, says which seqs exist.
//   - Processes get SIGKILL when the test ends and when the test binary
//     dies (Pdeathsig), so a failed test leaves nothing running.
package systemtest
