package transcript

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Exchange is one command and the card's response to it.
type Exchange struct {
	Command  []byte // command APDU; ignored when Any is set
	Any      bool   // "C: *": the command was not recorded and matches any
	Response []byte // response APDU including SW1 SW2; nil if not recorded
	Line     int    // line of the C: in the source, 0 if not parsed
}

// Transcript is a parsed or recorded conversation with one card.
type Transcript struct {
	Exchanges []Exchange
	Comments  []string // text after "#", one leading space dropped
}

// WriteTo writes t in the transcript format: the comments first, then one
// C:/R: pair per exchange in uppercase hex. It writes nothing and returns an
// error if an exchange could not be read back (an empty command that is not
// Any, a response shorter than two bytes).
func (t *Transcript) WriteTo(w io.Writer) (int64, error) {
	for i, e := range t.Exchanges {
		if err := e.check(); err != nil {
			return 0, fmt.Errorf("transcript: exchange %d: %w", i, err)
		}
	}
	var b bytes.Buffer
	for _, c := range t.Comments {
		writeComment(&b, c)
	}
	for _, e := range t.Exchanges {
		e.writeTo(&b)
	}
	n, err := w.Write(b.Bytes())
	if err != nil {
		err = fmt.Errorf("transcript: write: %w", err)
	}
	return int64(n), err
}

// check reports why e cannot be written in a form Parse accepts.
func (e Exchange) check() error {
	switch {
	case !e.Any && len(e.Command) == 0:
		return fmt.Errorf("empty command")
	case e.Response != nil && len(e.Response) < 2:
		return fmt.Errorf("response shorter than 2 bytes (SW1 SW2)")
	}
	return nil
}

// writeComment writes c as one "#" line per line of c.
func writeComment(b *bytes.Buffer, c string) {
	for line := range strings.Lines(c) {
		line = strings.TrimRight(line, "\r\n")
		fmt.Fprintf(b, "# %s\n", line)
	}
	if c == "" {
		b.WriteString("# \n")
	}
}

func (e Exchange) writeTo(b *bytes.Buffer) {
	if e.Any {
		b.WriteString("C: *\n")
	} else {
		fmt.Fprintf(b, "C: %s\n", upperHex(e.Command))
	}
	if e.Answered() {
		fmt.Fprintf(b, "R: %s\n", upperHex(e.Response))
	}
}

// Answered reports whether the response was recorded. An unanswered
// exchange (a C: with no R: below it) never answers in replay.
func (e Exchange) Answered() bool { return e.Response != nil }

func upperHex(p []byte) string { return strings.ToUpper(hex.EncodeToString(p)) }

// cloneExchanges returns a deep copy of es.
func cloneExchanges(es []Exchange) []Exchange {
	out := make([]Exchange, len(es))
	for i, e := range es {
		e.Command, e.Response = bytes.Clone(e.Command), bytes.Clone(e.Response)
		out[i] = e
	}
	return out
}
