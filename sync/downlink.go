package sync

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"karta/offline"
	"karta/offline/bundle"
)

// What the downlink consumes, each as small as it can be.
type (
	// ListStates tells which version of a list is installed (offline.Lists).
	ListStates interface {
		State(list string) (offline.ListState, bool)
	}
	// Installer verifies a complete bundle (bundle.Open with the pinned
	// keys) and installs it: the device's one install path (agent.Inbox).
	// A refusal leaves the installed list as it was.
	Installer interface {
		InstallBundle(b *bundle.Bundle) (offline.ListVersion, error)
	}
	// ConfigApplier runs a config from central (agent.RemoteConfig): Apply
	// parses and compiles its rules, keeps the signed bytes for the next
	// boot and swaps the rules in; an error leaves the running rules alone.
	ConfigApplier interface {
		Version() uint64
		Apply(c Config, signed []byte) error
	}
)

// Downlink is what a device receives from central: list versions, its
// config and commands. A Link with a Downlink subscribes to their topics on
// every connection; its MQTT handlers only hand the messages over, and two
// goroutines of the link do the work: one fetches and installs lists, one
// applies config and runs commands. Neither is on the tap path.
type Downlink struct {
	Ring      bundle.KeyRing  // the pinned keys: manifests, config and commands are signed with them
	Dir       string          // downloads in progress and commands run (data/downlink)
	Lists     func() []string // the lists the running rules consult
	Installed ListStates
	Install   Installer
	Config    ConfigApplier // nil: config from central is not taken
	// Selftest runs the device's checks and reports them; nil: the
	// selftest command fails saying so.
	Selftest func(ctx context.Context) (ok bool, report string)
	Now      func() time.Time // nil: time.Now
	Opts     DownlinkOptions

	log     *slog.Logger
	offers  chan rawMsg
	chunks  chan rawMsg
	configs chan []byte
	cmds    chan rawMsg
	conns   chan Conn

	mu        sync.Mutex
	configErr string
	lastCmd   *CommandResult
	progress  []Download
}

// DownlinkOptions tune the downlink; zero values get defaults.
type DownlinkOptions struct {
	Window int           // chunk subscriptions open at once; 0: 8
	Stall  time.Duration // ask again for chunks after this long without one; 0: 30s
}

// Download is a list version being fetched, for diagnostics.
type Download struct {
	List            string
	Version, Base   uint64
	Stored, Chunks  int
	Started, Latest time.Time
}

type rawMsg struct {
	topic   string
	payload []byte
}

func (d *Downlink) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Downlink) init(log *slog.Logger) {
	if d.Opts.Window <= 0 {
		d.Opts.Window = 8
	}
	if d.Opts.Stall <= 0 {
		d.Opts.Stall = 30 * time.Second
	}
	d.log = log
	d.offers = make(chan rawMsg, 16)
	d.chunks = make(chan rawMsg, 2*d.Opts.Window)
	d.configs = make(chan []byte, 1)
	d.cmds = make(chan rawMsg, 16)
	d.conns = make(chan Conn, 1)
}

// run runs the downlink's two goroutines until ctx ends.
func (d *Downlink) run(ctx context.Context, l *Link) {
	var wg sync.WaitGroup
	wg.Go(func() { newLister(d).run(ctx) })
	wg.Go(func() { (&control{d: d, l: l}).run(ctx) })
	wg.Wait()
}

// connected tells the lister which connection to fetch chunks on; nil:
// none. The newest wins.
func (d *Downlink) connected(c Conn) {
	for {
		select {
		case d.conns <- c:
			return
		default:
		}
		select {
		case <-d.conns:
		default:
		}
	}
}

// handlers, on the MQTT client's goroutine: hand over, never block. What
// does not fit is dropped and said: an offer comes again with the next
// connection, a chunk when the fetch asks again, a command when central
// sends it again.

func (d *Downlink) onOffer(topic string, b []byte) { d.hand(d.offers, rawMsg{topic, b}) }
func (d *Downlink) onChunk(topic string, b []byte) { d.hand(d.chunks, rawMsg{topic, b}) }
func (d *Downlink) onCmd(topic string, b []byte)   { d.hand(d.cmds, rawMsg{topic, b}) }

func (d *Downlink) hand(ch chan rawMsg, m rawMsg) {
	if len(m.payload) == 0 {
		return // central cleared a retained message (an old version's chunk): nothing to do
	}
	select {
	case ch <- m:
	default:
		d.log.Warn("sync: downlink busy; message dropped", "topic", m.topic)
	}
}

// onConfig keeps only the newest config: a retained config replaces the
// one before it.
func (d *Downlink) onConfig(_ string, b []byte) {
	if len(b) == 0 {
		return // cleared: the device keeps the config it runs
	}
	for {
		select {
		case d.configs <- b:
			return
		default:
		}
		select {
		case <-d.configs:
		default:
		}
	}
}

// subscribe subscribes conn to the downlink's topics of device.
func (d *Downlink) subscribe(conn Conn, device string, lists []string) error {
	subs := map[string]func(string, []byte){ConfigTopic(device): d.onConfig, CmdTopic(device): d.onCmd}
	for filter, h := range subs {
		if err := conn.Subscribe(filter, 1, h); err != nil {
			return err
		}
	}
	for _, list := range lists {
		if err := d.subscribeOffer(conn, list); err != nil {
			return err
		}
	}
	return nil
}

// subscribeOffer subscribes to the offer of list; a name that could not
// be a list's (a wildcard, a slash) is skipped, said, and subscribes to
// nothing.
func (d *Downlink) subscribeOffer(conn Conn, list string) error {
	if !ValidListName(list) {
		d.log.Error("sync: the rules name a list that cannot exist; no offer of it is taken", "list", list)
		return nil
	}
	return conn.Subscribe(ManifestTopic(list), 1, d.onOffer)
}

// fillStatus adds what the downlink knows to the device's status.
func (d *Downlink) fillStatus(st *Status) {
	if d.Config != nil {
		st.Config = d.Config.Version()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	st.ConfigError = d.configErr
	if d.lastCmd != nil {
		c := *d.lastCmd
		st.Command = &c
	}
}

func (d *Downlink) setProgress(p []Download) {
	d.mu.Lock()
	d.progress = p
	d.mu.Unlock()
}

// Downloads returns the list versions being fetched.
func (d *Downlink) Downloads() []Download {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Download(nil), d.progress...)
}
