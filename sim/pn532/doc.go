// Package pn532 emulates an NXP PN532 NFC controller on a pseudo-terminal,
// so that the readers/pn532 driver (or any PN532 host software) talks to it
// through a real tty, as it would to a PN532 behind a USB-serial adapter.
//
// # The model
//
// New opens a pty pair (/dev/ptmx, unlock, raw mode) and answers on the
// master side; Path is the other side's device path, which the driver opens
// as a serial port (baud rate and parity settings are accepted and have no
// effect on a pty). The PN532 starts asleep and wakes at the HSU wake-up
// (a 0x55 byte), then answers GetFirmwareVersion, SAMConfiguration,
// RFConfiguration, InListPassiveTarget, InDataExchange, InDeselect,
// InRelease and Diagnose NumTst 00 and 06; anything else gets an error
// frame. Every command is acknowledged with an ACK, and a NACK from the
// host gets the last answer again; an ACK from the host cancels an answer
// still pending (see Faults.Slow).
//
// Insert puts a card in the field: any Responder, such as a sim card's
// Insert() or a transcript.NewCard. InListPassiveTarget activates it (Options.Target
// says how it answers); InDataExchange passes APDUs to it and hands long
// responses out in pieces of MaxDataIn bytes with the MI bit, the way the
// PN532 does when a card's answer does not fit one frame. Remove takes the
// card out: the next InDataExchange gets status 01, the target did not
// answer. A Responder failing with readers.ErrCardRemoved leaves the field
// the same way.
//
// # Faults
//
// Faults make the line noisy (garbage bursts between frames), slow, lose
// ACKs, corrupt checksums and cut frames short, each at a rate; Hang stops
// all answers until Hang(false); Disconnect closes the pty, as if the
// adapter were pulled, and Reconnect brings a freshly powered PN532 back on
// a new pty, which Options.Link keeps reachable under one path.
//
// # Caveats
//
//   - Linux only: the pty comes from /dev/ptmx with its ioctls.
//   - The emulator holds the device side open itself, so the driver may
//     close and reopen it freely; bytes sent while the driver had it closed
//     wait there for it.
//   - Corruption and truncation hit answers only, never ACKs: an ACK has no
//     checksum to break, and a lost one is DropACK.
//   - The fault dice come from Options.Seed; with one goroutine answering,
//     a run with the same seed and the same commands draws alike.
//   - The emulator logs command codes, statuses and lengths; never APDUs.
package pn532
