package pn532

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	drv "karta/readers/pn532"
)

// Responder answers command APDUs the way a card does; every readers.Card
// is one (a sim card's Insert, a transcript.NewCard).
type Responder interface {
	Transmit(ctx context.Context, command []byte) ([]byte, error)
}

// Faults make the emulated line and chip misbehave. Rates are chances from
// 0 to 1, drawn for each frame sent.
type Faults struct {
	Noise    float64       // a burst of 1–16 random bytes goes out before a frame
	Slow     time.Duration // every answer comes this long after its ACK
	DropACK  float64       // an ACK is left out; the answer still comes
	Corrupt  float64       // an answer goes out with a wrong data checksum
	Truncate float64       // an answer is cut short
}

// Options configure an Emulator. The zero value is a quiet PN532 v1.6 with
// DefaultTarget.
type Options struct {
	// Link, if set, is a symbolic link kept pointing at the current pty,
	// a path that outlives Disconnect and Reconnect (as udev's
	// /dev/serial/by-id names do for a real adapter).
	Link      string
	Target    drv.Target   // how a card answers activation; zero: DefaultTarget
	Firmware  drv.Firmware // zero: PN532 v1.6
	MaxDataIn int          // DataIn bytes per InDataExchange answer before MI chaining; 0: DefaultMaxDataIn
	Faults    Faults
	Seed      uint64 // of the fault dice; runs with one seed draw alike
	Log       *slog.Logger
}

// DefaultMaxDataIn is the most card data the emulator puts in one
// InDataExchange answer: what fits a normal frame (LEN 255 less TFI,
// code and status). Longer answers go out in pieces with the MI bit.
const DefaultMaxDataIn = 252

// DefaultTarget is a contactless bank card as InListPassiveTarget reports
// it: SENS_RES 0004, SEL_RES 20 (ISO 14443-4), a 4-byte random UID and an
// ATS with FSCI 8 (256 bytes).
var DefaultTarget = drv.Target{
	Tg: 1, SENSRes: [2]byte{0x00, 0x04}, SELRes: 0x20,
	NFCID: []byte{0x08, 0x5A, 0x3C, 0x91},
	ATS:   []byte{0x06, 0x78, 0x80, 0x70, 0x02, 0x00},
}

// ErrClosed: the Emulator was closed.
var ErrClosed = errors.New("pn532 sim: emulator closed")

// Emulator is a PN532 on a pty. It is safe for concurrent use. While
// connected it runs one goroutine, which Disconnect and Close stop and
// wait for.
type Emulator struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	faults Faults
	hung   bool
	card   *presentation // nil: nothing in the field
	sess   *session      // nil while disconnected
	rng    *rand.Rand
	stats  Stats
	closed bool
}

// presentation is one card in the field.
type presentation struct {
	card Responder
	gone bool // left mid-exchange: the Responder said so
}

// New creates a pty and starts answering on it as a PN532 that is asleep
// until the host wakes it (55 55 00 00 ...).
func New(opts Options) (*Emulator, error) {
	if opts.Target.NFCID == nil {
		opts.Target = DefaultTarget
	}
	if opts.Firmware == (drv.Firmware{}) {
		opts.Firmware = drv.Firmware{IC: 0x32, Ver: 1, Rev: 6, Support: 0x07}
	}
	if opts.MaxDataIn <= 0 || opts.MaxDataIn > drv.MaxLen-3 {
		opts.MaxDataIn = DefaultMaxDataIn
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &Emulator{opts: opts, log: log, faults: opts.Faults, rng: rand.New(rand.NewPCG(opts.Seed, 0x504E353332))}
	e.stats.Commands = map[byte]int{}
	if err := e.Reconnect(); err != nil {
		return nil, err
	}
	return e, nil
}
