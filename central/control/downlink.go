package control

import (
	"context"
	"io"
	"log/slog"
	"time"

	"karta/central/store"
)

// DownlinkStore is what the downlink needs of central's database.
type DownlinkStore interface {
	ConfigStamp(ctx context.Context) (string, error)
	ConfigVersions(ctx context.Context) ([]store.ConfigVersion, error)
	Config(ctx context.Context, device string) (uint64, []byte, error)
	ClaimCommands(ctx context.Context, now time.Time) ([]store.Command, error)
	ReleaseCommand(ctx context.Context, id string) error
	RevokedDevices(ctx context.Context) ([]string, error)
}

// Publisher is the part of a tapsync.Conn the downlink uses.
type Publisher interface {
	Publish(topic string, qos byte, retained bool, payload []byte) error
}

// Downlink delivers stored configs and commands to devices and keeps
// revoked devices off the broker; see the package doc.
type Downlink struct {
	Conn  Publisher
	Store DownlinkStore
	Log   *slog.Logger
	Every time.Duration    // how often to poll the database; 0: 3s
	Now   func() time.Time // nil: time.Now
	// Kick, if set, disconnects a device from the broker; it is called
	// for every revoked device each poll and must be cheap when the
	// device is not connected (broker.Broker.Disconnect).
	Kick func(device string)

	stamp     string
	published map[string]uint64 // config version published per device
	revoked   map[string]bool
}

// Run polls until ctx ends. A poll that fails is logged and tried again
// at the next.
func (dl *Downlink) Run(ctx context.Context) error {
	dl.defaults()
	tick := time.NewTicker(dl.Every)
	defer tick.Stop()
	for {
		dl.Poll(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (dl *Downlink) defaults() {
	if dl.Every == 0 {
		dl.Every = 3 * time.Second
	}
	if dl.Now == nil {
		dl.Now = time.Now
	}
	if dl.Log == nil {
		dl.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if dl.published == nil {
		dl.published = map[string]uint64{}
	}
}

// Poll does one round: revocations, configs, commands. Run calls it; tests
// may call it directly.
func (dl *Downlink) Poll(ctx context.Context) {
	dl.defaults()
	if err := dl.revocations(ctx); err != nil {
		dl.Log.Warn("control: revoked devices not read", "err", err)
	}
	if err := dl.configs(ctx); err != nil {
		dl.Log.Warn("control: configs not published; trying again", "err", err)
	}
	if err := dl.commands(ctx); err != nil {
		dl.Log.Warn("control: commands not published; trying again", "err", err)
	}
}

func (dl *Downlink) revocations(ctx context.Context) error {
	ids, err := dl.Store.RevokedDevices(ctx)
	if err != nil {
		return err
	}
	dl.revoked = make(map[string]bool, len(ids))
	for _, id := range ids {
		dl.revoked[id] = true
		if dl.Kick != nil {
			dl.Kick(id)
		}
	}
	return nil
}
