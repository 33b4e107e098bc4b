package pn532

import (
	"context"
	"errors"
	"fmt"
	"time"

	"karta/readers"
)

// call is one command on the line, from sending it to its answer
// (UM0701-02 §6.2.1): the PN532 acknowledges the command with an ACK, then
// answers with an information frame whose code is the command's plus one.
// A missing ACK or a NACK makes the command go again; a damaged or
// truncated answer is asked for again with a NACK; both at most
// Options.Retries times.
type call struct {
	l        *line
	opt      *Options
	code     byte
	out      []byte // the encoded command
	timeout  time.Duration
	sends    int
	nacks    int
	acked    bool
	deadline time.Time
}

// do sends command code with params and returns the answer's data after
// its code.
func (l *line) do(ctx context.Context, opt *Options, code byte, params []byte, timeout time.Duration) ([]byte, error) {
	out, err := Info(TFIHost, code, params...).Append(nil)
	if err != nil {
		return nil, err
	}
	if err := l.drain(); err != nil {
		return nil, err
	}
	c := &call{l: l, opt: opt, code: code, out: out, timeout: timeout}
	if err := c.send(); err != nil {
		return nil, err
	}
	f, err := c.wait(ctx)
	if err != nil {
		return nil, c.abort(err)
	}
	return f.Data[1:], nil
}

func (c *call) wait(ctx context.Context) (Frame, error) {
	for {
		f, err := c.l.next(ctx, c.deadline)
		if err != nil {
			if err := c.recover(err); err != nil {
				return Frame{}, err
			}
			continue
		}
		if done, err := c.take(f); done {
			return f, err
		}
	}
}

// take handles one frame and reports whether it ends the call.
func (c *call) take(f Frame) (bool, error) {
	switch {
	case f.Kind == KindACK && !c.acked:
		c.acked, c.deadline = true, time.Now().Add(c.timeout)
	case f.Kind == KindNACK:
		return c.resend()
	case f.Kind == KindError:
		return true, fmt.Errorf("pn532: %s: %w", commandName(c.code), ErrRejected)
	case f.Kind == KindInfo && f.TFI == TFIDevice && f.Code() == c.code+1:
		return true, nil
	}
	return false, nil // a late answer to an older command, a repeated ACK
}

func (c *call) resend() (bool, error) {
	if c.sends > c.opt.Retries {
		return true, c.timedOut("no ACK after %d tries", c.sends)
	}
	return false, c.send()
}

// recover handles a wait that ended without a frame. An acknowledged
// command whose answer does not come by the deadline gets a NACK too: the
// line may have broken the answer beyond recognition (cut short in its
// header, say). A PN532 still working on the command has sent the ACK
// last, and sends that again, which changes nothing.
func (c *call) recover(err error) error {
	switch {
	case err == errDamaged, err == errDeadline && (c.acked || c.l.dec.Damaged()):
		return c.nack()
	case err != errDeadline:
		return err
	}
	_, err = c.resend()
	return err
}

func (c *call) send() error {
	c.sends++
	c.acked, c.deadline = false, time.Now().Add(c.opt.AckTimeout)
	return c.l.write(c.out)
}

// nack asks the PN532 to send its last frame again.
func (c *call) nack() error {
	if c.nacks >= c.opt.Retries {
		return c.timedOut("no whole answer within %v and %d NACKs", c.timeout, c.nacks)
	}
	c.nacks++
	c.l.dec.Reset()
	c.deadline = later(c.deadline, time.Now().Add(c.opt.AckTimeout))
	return c.l.write(nackFrame)
}

func (c *call) timedOut(format string, args ...any) error {
	return fmt.Errorf("pn532: %s: %s: %w", commandName(c.code), fmt.Sprintf(format, args...), readers.ErrTimeout)
}

// abort sends an ACK, which makes the PN532 drop the command it is working
// on, when the call ends without its answer while the line still works.
func (c *call) abort(err error) error {
	var le *LineError
	if errors.As(err, &le) || errors.Is(err, readers.ErrClosed) {
		return err
	}
	if werr := c.l.write(ackFrame); werr != nil {
		return errors.Join(err, werr)
	}
	return err
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
