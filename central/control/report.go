package control

import (
	"context"
	"errors"
	"fmt"

	tapsync "karta/sync"
)

// ReportStore is what recording a device's answers needs.
type ReportStore interface {
	NoteRunningConfig(ctx context.Context, device string, version uint64) error
	RecordCommandResult(ctx context.Context, device string, r tapsync.CommandResult) error
}

// Report records what a device's online status says of the downlink: the
// config version it runs and how its last command went. A status that
// says neither writes nothing.
func Report(ctx context.Context, st ReportStore, s tapsync.Status) error {
	if !s.Online {
		return nil
	}
	var errs []error
	if s.Config != 0 {
		errs = append(errs, st.NoteRunningConfig(ctx, s.Device, s.Config))
	}
	if s.Command != nil {
		errs = append(errs, st.RecordCommandResult(ctx, s.Device, *s.Command))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("control: report of %s: %w", s.Device, err)
	}
	return nil
}
