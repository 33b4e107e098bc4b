package registry

import (
	"context"
	"fmt"
)

// A full import replaces the registry: the stored cards an export does not
// name lose their entitlements. A truncated export must not empty the
// lists, so Absent refuses to name more than a share of the stored cards.

// DeleteFloor is how many absent cards a full import deletes whatever the
// share: a small registry may lose a few cards in one go.
const DeleteFloor = 100

// TokenScanner walks every stored card token (store.Store does).
type TokenScanner interface {
	ScanTokens(ctx context.Context, fn func(token string) error) error
}

// TooManyAbsent is Absent's refusal: the export lacks more of the stored
// cards than allowed.
type TooManyAbsent struct {
	Absent, Stored int
	Share, Max     float64 // percent of the stored cards: lacking, allowed
}

func (e *TooManyAbsent) Error() string {
	return fmt.Sprintf("registry: the export lacks %d of the %d stored cards (%.1f %%), more than the %g %% a full import may delete",
		e.Absent, e.Stored, e.Share, e.Max)
}

// Absent returns the stored tokens that kept does not hold, or a
// *TooManyAbsent when they are more than DeleteFloor and more than
// maxPercent of the stored ones.
func Absent(ctx context.Context, st TokenScanner, kept map[string]bool, maxPercent float64) ([]string, error) {
	var gone []string
	stored := 0
	err := st.ScanTokens(ctx, func(tok string) error {
		stored++
		if !kept[tok] {
			gone = append(gone, tok)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if share := 100 * float64(len(gone)) / float64(max(stored, 1)); len(gone) > DeleteFloor && share > maxPercent {
		return nil, &TooManyAbsent{Absent: len(gone), Stored: stored, Share: share, Max: maxPercent}
	}
	return gone, nil
}
