package sim

import (
	"context"
	"fmt"
	"io"
	"slices"

	"karta/readers/emv"
	"karta/readers/transcript"
)

// Transcript reads the card with r and returns the conversation as a
// transcript, with the card's name and description as comments. The read's
// own result is returned too: a failing card makes a transcript as well.
func Transcript(ctx context.Context, c *Card, r *emv.Reader) (*transcript.Transcript, error) {
	rec := transcript.Record(c.Insert())
	_, readErr := r.Read(ctx, rec)
	t := rec.Transcript()
	t.Comments = []string{
		"karta sim card " + c.Name + ": " + c.About,
		"Virtual card: its number is a test number, not a person's card.",
	}
	if readErr != nil {
		t.Comments = append(t.Comments, "The read ends in an error: "+readErr.Error())
	}
	t.Exchanges = slices.DeleteFunc(t.Exchanges, func(e transcript.Exchange) bool {
		if len(e.Response) >= 2 {
			return false
		}
		t.Comments = append(t.Comments, fmt.Sprintf("Left out: %X was answered with %d byte(s) and no status word, which a transcript cannot hold.", e.Command, len(e.Response)))
		return true
	})
	return t, readErr
}

// WriteTranscript writes the transcript of reading c to w.
func WriteTranscript(ctx context.Context, w io.Writer, c *Card, r *emv.Reader) error {
	t, _ := Transcript(ctx, c, r) // a failing read is part of the transcript
	if _, err := t.WriteTo(w); err != nil {
		return fmt.Errorf("sim: transcript of %s: %w", c.Name, err)
	}
	return nil
}
