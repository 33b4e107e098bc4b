// Package pcsctest starts a real pcscd for a test, with vsmartcard's vpcd
// driver as its readers, so that tests drive the whole PC/SC stack: the
// virtual card (sim/vpcd) connects to the driver inside pcscd, and the code
// under test talks to pcscd through libpcsclite.
//
// # Isolation
//
// pcscd 1.9 (Debian 12) always creates its socket and pid file in
// /run/pcscd; it ignores PCSCLITE_CSOCK_NAME, which only the client library
// honours. So Start runs pcscd in a mount namespace of its own, where a
// per-process directory is bind-mounted on /run/pcscd, and points this
// process's libpcsclite at the socket there with PCSCLITE_CSOCK_NAME. A
// system pcscd, or the pcscd of another test binary, is never touched.
// The namespace needs root, or unprivileged user namespaces (on by default
// in Debian 11 and later).
//
// pcscd reads the reader configuration from the directory given with
// --config instead of /etc/reader.conf.d, so each Daemon writes its own vpcd
// entry with free ports: vpcd listens on CHANNELID for its first slot and
// CHANNELID+1 for its second, and pcscd names them "Virtual PCD 00 00" and
// "Virtual PCD 00 01".
//
// # Missing parts
//
// Without pcscd, the vpcd driver or a way to make the namespace, Start
// skips the test saying what is missing, and fails it when CI=true.
//
// # Caveats
//
//   - libpcsclite reads PCSCLITE_CSOCK_NAME once, at the first PC/SC call of
//     the process. Start sets it before that; a test binary that uses
//     PC/SC before calling Start talks to the system's pcscd.
//   - One Daemon at a time per test binary: they share the socket path.
package pcsctest
