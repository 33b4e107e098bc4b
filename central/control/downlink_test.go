package control_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"karta/central/broker"
	"karta/central/control"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/internal/mosquittotest"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

var pw = broker.Passwords{Secret: []byte("control-test-secret-0123456789ab")}

// mqtt is a broker for one test: central's connection, a way to connect
// a device that listens to its config and cmd topics, and a way to drop
// one (nil on Mosquitto).
type mqtt struct {
	central tapsync.Conn
	listen  func(t *testing.T, id string) <-chan message
	kick    func(id string)
	addr    string // of the embedded broker
}

func embedded(t *testing.T, revoked func(string) bool) *mqtt {
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw, Revoked: revoked})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return &mqtt{central: b.Conn(), addr: b.Addr(), kick: func(id string) { b.Disconnect(id) }, listen: func(t *testing.T, id string) <-chan message {
		return listen(t, "tcp://"+b.Addr(), id, pw.For(id))
	}}
}

func mosquitto(t *testing.T) *mqtt {
	b := mosquittotest.Start(t)
	central, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: b.URL(), ClientID: "karta-central-test", Timeout: 5 * time.Second})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(central.Close)
	return &mqtt{central: central, listen: func(t *testing.T, id string) <-chan message {
		return listen(t, b.URL(), id, "")
	}}
}

type message struct {
	topic   string
	payload []byte
}

// listen connects device id and subscribes it to its config and cmd
// topics. Unlike tapsync's connection it hands messages over in the order
// they arrived, so that a marker published last arrives last.
func listen(t *testing.T, url, id, password string) <-chan message {
	t.Helper()
	got := make(chan message, 64)
	c := paho.NewClient(paho.NewClientOptions().AddBroker(url).SetClientID(id).SetUsername(id).SetPassword(password).
		SetOrderMatters(true).SetAutoReconnect(false).SetConnectTimeout(5 * time.Second))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", id, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	handle := func(_ paho.Client, m paho.Message) { got <- message{m.Topic(), m.Payload()} }
	tok := c.SubscribeMultiple(map[string]byte{tapsync.ConfigTopic(id): 1, tapsync.CmdTopic(id): 1}, handle)
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", id, tok.Error())
	}
	return got
}

func next(t *testing.T, got <-chan message) message {
	t.Helper()
	select {
	case m := <-got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("nothing arrived in 10 s")
		return message{}
	}
}

// until reads messages up to a marker central publishes on the device's
// cmd topic after everything else: what came before it is all there is.
func until(t *testing.T, m *mqtt, got <-chan message, id string) []message {
	t.Helper()
	if err := m.central.Publish(tapsync.CmdTopic(id), 1, false, []byte("marker")); err != nil {
		t.Fatal(err)
	}
	var out []message
	for {
		msg := next(t, got)
		if string(msg.payload) == "marker" {
			return out
		}
		out = append(out, msg)
	}
}

func TestDownlinkEmbedded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { testDownlink(t, s, embedded(t, nil)) })
}

func TestDownlinkMosquitto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { testDownlink(t, s, mosquitto(t)) })
}

// testDownlink: a device with the public key gets its config, retained,
// and each newer version; each live command exactly once, an expired one
// never, and a command for it while it was offline once it is online.
func testDownlink(t *testing.T, s *store.Store, m *mqtt) {
	ctx := context.Background()
	key := bundletest.Key(t)
	ring := bundletest.Ring(t, key)
	registry(t, s)
	now := t0
	clock := func() time.Time { return now }
	is := &control.Issuer{Store: s, Key: key, Now: clock}
	dl := &control.Downlink{Conn: m.central, Store: s, Now: clock, Log: slog.New(slog.NewTextHandler(tlog{t}, nil))}

	if _, err := is.Config(ctx, "bus-0001", busRules); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(-time.Hour)
	if _, err := is.Command(ctx, "bus-0001", tapsync.CmdSelftest, time.Minute); err != nil { // expired by t0
		t.Fatal(err)
	}
	now = t0
	queued, err := is.Command(ctx, "bus-0001", tapsync.CmdResync, 10*time.Minute) // while bus-0001 is offline
	if err != nil {
		t.Fatal(err)
	}
	got := m.listen(t, "bus-0001")
	dl.Poll(ctx) // the config; bus-0001 is not online in the registry yet
	msgs := until(t, m, got, "bus-0001")
	if len(msgs) == 0 {
		t.Fatal("first poll sent nothing, want the config")
	}
	for _, msg := range msgs { // the embedded broker may deliver a retained message twice to a new subscriber
		if c, err := tapsync.DecodeConfig("bus-0001", msg.payload, ring); msg.topic != tapsync.ConfigTopic("bus-0001") || err != nil || c.Version != 1 || c.Rules != busRules {
			t.Fatalf("first poll sent %s: %+v, %v; want config 1 only", msg.topic, c, err)
		}
	}

	online(t, s, "bus-0001")
	now = t0.Add(time.Minute)
	live, err := is.Command(ctx, "bus-0001", tapsync.CmdDiagnostics, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := is.Config(ctx, "bus-0001", busRules+"# v2\n"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		dl.Poll(ctx)
	}
	var cmds []string
	var configs []uint64
	for _, msg := range until(t, m, got, "bus-0001") {
		switch msg.topic {
		case tapsync.CmdTopic("bus-0001"):
			c, err := tapsync.DecodeCommand("bus-0001", msg.payload, ring, now)
			if err != nil {
				t.Fatalf("command refused by the device: %v", err)
			}
			cmds = append(cmds, c.ID)
		case tapsync.ConfigTopic("bus-0001"):
			c, err := tapsync.DecodeConfig("bus-0001", msg.payload, ring)
			if err != nil {
				t.Fatalf("config refused by the device: %v", err)
			}
			configs = append(configs, c.Version)
		}
	}
	if len(cmds) != 2 || cmds[0] != queued.ID || cmds[1] != live.ID {
		t.Errorf("commands %v, want %s then %s, once each, and not the expired one", cmds, queued.ID, live.ID)
	}
	if len(configs) == 0 || configs[len(configs)-1] != 2 {
		t.Errorf("configs %v, want version 2 last", configs)
	}

	late := m.listen(t, "bus-0002") // another device: it reads only its own
	if msgs := until(t, m, late, "bus-0002"); len(msgs) != 0 {
		t.Errorf("bus-0002 got %d messages of bus-0001's", len(msgs))
	}
	late = m.listen(t, "bus-0001") // again, as after a restart
	if msg := next(t, late); msg.topic != tapsync.ConfigTopic("bus-0001") {
		t.Errorf("a device connecting later got %s first, want its retained config", msg.topic)
	} else if c, err := tapsync.DecodeConfig("bus-0001", msg.payload, ring); err != nil || c.Version != 2 {
		t.Errorf("retained config %+v, %v", c, err)
	}
}

func online(t *testing.T, s *store.Store, id string) {
	t.Helper()
	if err := s.UpdateStatus(context.Background(), tapsync.Status{Device: id, Online: true, Time: t0}, t0); err != nil {
		t.Fatal(err)
	}
}

// tlog writes a log into the test's.
type tlog struct{ t *testing.T }

func (w tlog) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// TestDownlinkRevokes: a device revoked while connected is dropped at the
// next poll, refused when it comes back, and gets no config.
func TestDownlinkRevokes(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.DSN(t, "sqlite"))
	registry(t, s)
	revoked := func(id string) bool { d, err := s.Device(ctx, id); return err != nil || d.Revoked }
	m := embedded(t, revoked)
	is := &control.Issuer{Store: s, Key: bundletest.Key(t)}
	if _, err := is.Config(ctx, "bus-0001", busRules); err != nil {
		t.Fatal(err)
	}
	dev := dial(t, "tcp://"+m.addr, "bus-0001")
	got := make(chan string, 4)
	if err := dev.Subscribe(tapsync.ConfigTopic("bus-0001"), 1, func(topic string, _ []byte) { got <- topic }); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeDevice(ctx, "bus-0001"); err != nil {
		t.Fatal(err)
	}
	dl := &control.Downlink{Conn: m.central, Store: s, Kick: m.kick}
	dl.Poll(ctx)
	select {
	case <-dev.Lost():
	case <-time.After(10 * time.Second):
		t.Fatal("the revoked device stayed connected")
	}
	select {
	case topic := <-got:
		t.Errorf("the revoked device got %s", topic)
	default:
	}
	if _, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + m.addr, ClientID: "bus-0001", Username: "bus-0001",
		Password: pw.For("bus-0001"), Timeout: 5 * time.Second})(ctx, "", nil); err == nil {
		t.Error("the revoked device connected again")
	}
}

func dial(t *testing.T, url, id string) tapsync.Conn {
	t.Helper()
	c, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: url, ClientID: id, Username: id, Password: pw.For(id), Timeout: 5 * time.Second})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
