package emv

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"karta/readers"
)

// Tokenizer turns the card number and the payment account reference into
// the tokens that leave a read. The PAN and PAR are ASCII and are wiped by
// the reader after the call; a Tokenizer must not keep them.
type Tokenizer interface {
	PANToken(pan []byte) string
	PARToken(par []byte) string
}

// Options tune a Reader. The zero value reads with DefaultTerminal, the
// standard GPO and no logging.
type Options struct {
	Terminal *Terminal    // terminal values for the PDOL; nil: DefaultTerminal()
	GPO      GPOStep      // nil: StandardGPO with Terminal
	Log      *slog.Logger // debug logs of the exchanges, without card data
}

// Reader reads card identities. It is safe for concurrent use by several
// goroutines, each reading its own card.
type Reader struct {
	tok Tokenizer
	gpo GPOStep
	log *slog.Logger
}

// NewReader returns a Reader that tokenizes with tok.
func NewReader(tok Tokenizer, opts Options) *Reader {
	term := DefaultTerminal()
	if opts.Terminal != nil {
		term = *opts.Terminal
	}
	r := &Reader{tok: tok, gpo: opts.GPO, log: opts.Log}
	if r.gpo == nil {
		r.gpo = StandardGPO{Terminal: term}
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return r
}

// Read identifies the card: the Mir fast path first (SELECT A000000658,
// GPO, READ RECORD until the number and expiry are known), then the card's
// directory (PPSE, PSE) and the known AIDs. A card taken away mid-read gives
// an error wrapping readers.ErrCardRemoved and no identity: on error only
// APDUs is set.
func (r *Reader) Read(ctx context.Context, card readers.Card) (Identity, error) {
	f := &flow{r: r, s: &session{card: card, log: r.log}, tried: map[string]bool{}}
	id, err := f.run(ctx)
	if err != nil {
		r.log.Debug("emv: read failed", "apdus", f.s.apdus, "err", err)
		return Identity{APDUs: f.s.apdus}, err
	}
	id.APDUs = f.s.apdus
	r.log.Debug("emv: read", "scheme", id.Scheme, "aid", hex.EncodeToString(id.AID), "apdus", id.APDUs, "token", id.Token)
	return id, nil
}

// maxMirApps bounds SELECT next on the fast path.
const maxMirApps = 4

// flow is the state of one read.
type flow struct {
	r        *Reader
	s        *session
	tried    map[string]bool
	selected bool // some application answered SELECT
	failures []error
}

func (f *flow) run(ctx context.Context) (Identity, error) {
	if id, err, done := f.fastPath(ctx); done {
		return id, err
	}
	for _, app := range f.candidates(ctx) {
		if f.tried[string(app.AID)] {
			continue
		}
		id, err := f.try(ctx, selectCommand(app.AID, false))
		if err == nil || fatal(err) {
			return id, err
		}
	}
	return Identity{}, f.failure()
}

// fastPath selects Mir by its RID, and the next Mir application while the
// one before it gives no identity.
func (f *flow) fastPath(ctx context.Context) (Identity, error, bool) {
	for i := 0; i < maxMirApps; i++ {
		id, err := f.try(ctx, selectCommand(MirRID, i > 0))
		if err == nil || fatal(err) {
			return id, err, true
		}
		var se *StatusError
		if errors.As(err, &se) && strings.HasPrefix(se.Command, "SELECT") {
			break
		}
	}
	return Identity{}, nil, false
}

// try selects one application and reads it; non-fatal failures are kept
// for the final error.
func (f *flow) try(ctx context.Context, sel Command) (Identity, error) {
	id, aid, err := f.read(ctx, sel)
	f.tried[string(sel.Data)] = true
	if aid != nil {
		f.tried[string(aid)] = true
	}
	if err != nil {
		f.failures = append(f.failures, appError(aid, sel.Data, err))
	}
	return id, err
}

func (f *flow) read(ctx context.Context, sel Command) (Identity, []byte, error) {
	r, err := call(ctx, f.s, sel)
	if err != nil {
		return Identity{}, nil, err
	}
	app, err := parseFCI(r.Data, sel.Data)
	if err != nil {
		return Identity{}, nil, err
	}
	f.selected = true
	id, err := f.readApp(ctx, app)
	return id, app.AID, err
}

// readApp runs GPO and reads records until the number and expiry are known.
func (f *flow) readApp(ctx context.Context, app Application) (Identity, error) {
	var c collector
	defer c.wipe()
	proc, err := f.r.gpo.ProcessingOptions(ctx, f.s, app)
	if err != nil {
		return Identity{}, err
	}
	if err := c.add(proc.Data); err != nil {
		return Identity{}, err
	}
	var recErr error
	for _, e := range proc.AFL {
		for rec := int(e.First); rec <= int(e.Last) && !c.complete(); rec++ {
			err := f.readRecord(ctx, e.SFI, byte(rec), &c)
			if fatal(err) {
				return Identity{}, err
			}
			recErr = cmpErr(recErr, err)
		}
	}
	if c.pan == nil {
		return Identity{}, cmpErr(recErr, ErrNoPAN)
	}
	return f.identity(app, &c), nil
}

func (f *flow) readRecord(ctx context.Context, sfi, rec byte, c *collector) error {
	r, err := call(ctx, f.s, readRecordCommand(sfi, rec))
	if err != nil {
		return err
	}
	objs, err := Parse(r.Data)
	if err != nil {
		return fmt.Errorf("record %d of SFI %d: %w", rec, sfi, err)
	}
	// The template is 70; some cards use 77 (seen on a CB + Mastercard card).
	if len(objs) == 0 || objs[0].Tag != TagRecord && objs[0].Tag != TagGPOFormat2 {
		return malformed("record %d of SFI %d is not a 70 template", rec, sfi)
	}
	return c.add(objs[0].Children)
}

func (f *flow) identity(app Application, c *collector) Identity {
	id := Identity{
		Scheme:    SchemeOf(app.AID),
		AID:       app.AID,
		Label:     app.Label,
		PANMasked: c.pan.String(),
		PANSource: c.source,
		Expiry:    c.expiry,
		PSN:       c.psn,
		Token:     f.r.tok.PANToken(c.pan),
	}
	if c.par != nil {
		id.PARPresent = true
		id.PARToken = f.r.tok.PARToken(c.par)
	}
	return id
}

// cmpErr keeps the first error.
func cmpErr(have, err error) error {
	if have != nil {
		return have
	}
	return err
}

// fatal errors end the read at once: the card is gone, the reader or the
// context failed, or the card is stalling. Refusals and bad data only end
// the current application.
func fatal(err error) bool {
	return err != nil && !errors.Is(err, ErrStatus) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrNoPAN)
}

// failure explains why no application gave an identity.
func (f *flow) failure() error {
	kind := ErrNoApplication
	if f.selected {
		kind = ErrNoPAN
	}
	return &ReadError{Kind: kind, Apps: f.failures}
}

// ReadError says why a card gave no identity, application by application.
// errors.Is matches its Kind (ErrNoApplication or ErrNoPAN) and every cause.
type ReadError struct {
	Kind error
	Apps []error
}

func (e *ReadError) Error() string {
	var parts []string
	absent := 0
	for _, a := range e.Apps {
		var se *StatusError
		if errors.As(a, &se) && se.Command == "SELECT" && se.SW == 0x6A82 {
			absent++ // probing a known AID the card does not have
			continue
		}
		parts = append(parts, strings.ReplaceAll(a.Error(), "emv: ", ""))
	}
	msg := e.Kind.Error()
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, "; ")
	}
	if absent > 0 {
		msg += fmt.Sprintf(" (%d AIDs tried that the card does not have)", absent)
	}
	return msg
}

func (e *ReadError) Unwrap() []error { return append([]error{e.Kind}, e.Apps...) }

// appError names the application an error belongs to.
func appError(aid, requested []byte, err error) error {
	if aid == nil {
		aid = requested
	}
	return fmt.Errorf("%X: %w", aid, err)
}
