package agent

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"karta/readers"
	"karta/readers/emv"
	"karta/readers/transcript"
)

// Recorder writes a transcript of every card session into Dir, so that
// field traces of real Mir cards can be collected safely and replayed in
// tests. Every card number is replaced, wherever it appears (5A, 57, 56,
// 9F6B, ...), by a test number of the same length with the same issuer
// digits (emv.TestNumber), and cardholder names by X's. A transcript in
// which a number would survive is not written.
type Recorder struct {
	Dir string
	Now func() time.Time
}

// Wrap records the card's exchanges.
func (r *Recorder) Wrap(card readers.Card) *transcript.Recorder { return transcript.Record(card) }

// Save scrubs and writes what rec recorded; it returns the file written.
func (r *Recorder) Save(rec *transcript.Recorder, reader string, res Result) (string, error) {
	t := rec.Transcript()
	secrets := scrubbing(t)
	defer wipeKeys(secrets)
	if err := t.Scrub(secrets); err != nil {
		return "", fmt.Errorf("agent: record: %w", err)
	}
	var b bytes.Buffer
	t.Comments = recordComments(reader, res, len(secrets))
	if _, err := t.WriteTo(&b); err != nil {
		return "", fmt.Errorf("agent: record: %w", err)
	}
	if leaks(b.Bytes(), secrets) {
		return "", fmt.Errorf("agent: record: a card number survived scrubbing; transcript not written")
	}
	path := filepath.Join(r.Dir, fmt.Sprintf("%s-seq%d.txt", r.Now().UTC().Format("20060102T150405.000"), res.Seq))
	if err := os.WriteFile(path, b.Bytes(), 0o640); err != nil {
		return "", fmt.Errorf("agent: record: %w", err)
	}
	return path, nil
}

// scrubbing maps every card number and name in t to its replacement.
func scrubbing(t *transcript.Transcript) map[string]string {
	var resps [][]byte
	for _, e := range t.Exchanges {
		resps = append(resps, e.Response)
	}
	secrets := map[string]string{}
	for _, pan := range emv.CardNumbers(resps) {
		secrets[pan] = emv.TestNumber(pan)
	}
	for _, name := range emv.CardholderNames(resps) {
		secrets[name] = strings.Repeat("X", len(name))
	}
	return secrets
}

// leaks checks the written text for a number, as digits (BCD) or as the
// hex of its ASCII (track 1).
func leaks(text []byte, secrets map[string]string) bool {
	for s := range secrets {
		ascii := strings.ToUpper(hex.EncodeToString([]byte(s)))
		if bytes.Contains(text, []byte(s)) || bytes.Contains(text, []byte(ascii)) {
			return true
		}
	}
	return false
}

func recordComments(reader string, res Result, scrubbed int) []string {
	return []string{
		fmt.Sprintf("karta-agent record: reader %s, seq %d, decision %s", reader, res.Seq, res.Decision.Reason),
		fmt.Sprintf("%d card number(s) and name(s) replaced: numbers by test numbers of the same length and issuer, names by X", scrubbed),
	}
}

// wipeKeys drops the secrets; Go strings cannot be overwritten, so this only
// ends their reach from here.
func wipeKeys(m map[string]string) {
	for k := range m {
		delete(m, k)
	}
}
