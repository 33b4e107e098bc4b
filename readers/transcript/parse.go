package transcript

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxContent is the longest hex or comment text a line may carry. The scanner
// allows a little more so that any line WriteTo produces ("C: " + hex) from a
// parsed transcript parses again.
const (
	maxContent = 1 << 20
	maxLine    = maxContent + 1024
)

const msgTooLong = "line longer than 1 MiB"

// ParseFile parses the transcript in the named file.
func ParseFile(path string) (*Transcript, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	defer f.Close()
	t, err := Parse(f)
	if se, ok := errors.AsType[*SyntaxError](err); ok {
		se.Path = path
	}
	return t, err
}

// Parse reads a transcript. Malformed input yields an error wrapping
// ErrSyntax, a *SyntaxError with the line number.
func Parse(r io.Reader) (*Transcript, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	p := &parser{t: &Transcript{}}
	for sc.Scan() {
		p.line++
		if err := p.parseLine(sc.Text()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, &SyntaxError{Line: p.line + 1, Msg: msgTooLong}
	} else if err != nil {
		return nil, fmt.Errorf("transcript: read: %w", err)
	}
	return p.finish()
}

// parser holds the state between lines: the C: still waiting for its R:.
type parser struct {
	t       *Transcript
	line    int
	pending *Exchange
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return &SyntaxError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parseLine(s string) error {
	if p.line == 1 {
		s = strings.TrimPrefix(s, "\uFEFF") // byte order mark left by some editors
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if text, ok := strings.CutPrefix(s, "#"); ok {
		return p.comment(text)
	}
	if len(s) < 2 || s[1] != ':' {
		return p.errorf(p.line, `unknown line: want "C:", "R:" or "#"`)
	}
	rest := strings.TrimSpace(s[2:])
	if len(rest) > maxContent {
		return p.errorf(p.line, "%s", msgTooLong)
	}
	switch s[0] {
	case 'C', 'c':
		return p.command(rest)
	case 'R', 'r':
		return p.response(rest)
	}
	return p.errorf(p.line, `unknown line: want "C:", "R:" or "#"`)
}

func (p *parser) comment(text string) error {
	if len(text) > maxContent {
		return p.errorf(p.line, "%s", msgTooLong)
	}
	p.t.Comments = append(p.t.Comments, strings.TrimPrefix(text, " "))
	return nil
}

func (p *parser) command(text string) error {
	p.flushUnanswered()
	e := &Exchange{Line: p.line, Any: text == "*"}
	if !e.Any {
		cmd, err := decodeHex(text)
		if err != nil {
			return p.errorf(p.line, "C: %v", err)
		}
		e.Command = cmd
	}
	p.pending = e
	return nil
}

func (p *parser) response(text string) error {
	if p.pending == nil {
		return p.errorf(p.line, "R: line without a C: line above it")
	}
	resp, err := decodeHex(text)
	if err != nil {
		return p.errorf(p.line, "R: %v", err)
	}
	if len(resp) < 2 {
		return p.errorf(p.line, "R: response shorter than 2 bytes (SW1 SW2)")
	}
	p.pending.Response = resp
	p.t.Exchanges = append(p.t.Exchanges, *p.pending)
	p.pending = nil
	return nil
}

func (p *parser) finish() (*Transcript, error) {
	p.flushUnanswered()
	return p.t, nil
}

// flushUnanswered keeps a C: whose response was not recorded: it documents
// what the terminal sent, and never answers in replay.
func (p *parser) flushUnanswered() {
	if p.pending != nil {
		p.t.Exchanges = append(p.t.Exchanges, *p.pending)
		p.pending = nil
	}
}
