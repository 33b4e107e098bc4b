package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"karta/central/store"
)

// skewLimit is the clock skew shown as a problem.
const skewLimit = 2 * time.Minute

// deviceRow is a device as the pages show it.
type deviceRow struct {
	store.Device
	State        string // online, offline, revoked
	Place        string // route or school
	SkewBad      bool
	ReaderErrors int
}

func newDeviceRow(d store.Device) deviceRow {
	row := deviceRow{Device: d, State: "offline", Place: d.Route, SkewBad: d.ClockSkew > skewLimit || d.ClockSkew < -skewLimit}
	switch {
	case d.Revoked:
		row.State = "revoked"
	case d.Online:
		row.State = "online"
	}
	if d.School != "" {
		row.Place = d.School
	}
	for _, r := range d.Readers {
		row.ReaderErrors += r.Errors
	}
	return row
}

// devices is GET /devices: every device with its health.
func (s *server) devices(w http.ResponseWriter, r *http.Request, c *call) {
	ds, err := s.Store.Devices(r.Context())
	if err != nil {
		s.Log.Error("web: devices", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	rows := make([]deviceRow, len(ds))
	for i, d := range ds {
		rows[i] = newDeviceRow(d)
	}
	s.render(w, c, http.StatusOK, "devices", view{Title: "title.devices", Nav: "devices", D: struct{ Devices []deviceRow }{rows}})
}

type deviceData struct {
	Dev      deviceRow
	Cmds     []store.Command
	Taps     []store.StoredTap
	Commands bool // sending is on
	now      time.Time
}

// Expired says whether a command expired before it was sent.
func (d deviceData) Expired(cmd store.Command) bool {
	return cmd.Sent.IsZero() && d.now.After(cmd.Expires)
}

// device is GET /devices/{id}: one device, its commands and latest taps.
func (s *server) device(w http.ResponseWriter, r *http.Request, c *call) {
	v := view{}
	if k := r.URL.Query().Get("sent"); k != "" && slices.Contains(uiCommands, k) {
		v.Flash = c.tf("device.sent", c.tf("command."+k))
	}
	s.showDevice(w, r, c, http.StatusOK, v)
}

func (s *server) showDevice(w http.ResponseWriter, r *http.Request, c *call, code int, v view) {
	ctx, id := r.Context(), r.PathValue("id")
	dev, err := s.Store.Device(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, c, http.StatusNotFound, "error.no_device", id)
		return
	}
	d := deviceData{Dev: newDeviceRow(dev), Commands: s.Commands != nil, now: s.now()}
	if err == nil {
		d.Cmds, err = s.Store.Commands(ctx, id, 10)
	}
	if err == nil {
		d.Taps, err = s.Store.Taps(ctx, store.TapQuery{Device: id, Limit: 20})
	}
	if err != nil {
		s.Log.Error("web: device", "device", id, "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	v.Title, v.Subject, v.Nav, v.D = "title.device", dev.ID, "devices", d
	s.render(w, c, code, "device", v)
}

// uiCommands are the commands the UI sends.
var uiCommands = []string{"resync", "selftest"}

// command is POST /devices/{id}/command: sign and store a command; the
// downlink sends it once the device is online.
func (s *server) command(w http.ResponseWriter, r *http.Request, c *call) {
	id, kind := r.PathValue("id"), r.PostForm.Get("kind")
	switch {
	case s.Commands == nil:
		s.showDevice(w, r, c, http.StatusServiceUnavailable, view{Error: c.tf("device.command_off")})
		return
	case !slices.Contains(uiCommands, kind):
		s.showDevice(w, r, c, http.StatusBadRequest, view{Error: c.tf("device.bad_kind")})
		return
	}
	cmd, err := s.Commands.Command(r.Context(), id, kind, commandTTL)
	if err != nil {
		s.Log.Warn("web: command refused", "user", c.sess.User, "device", id, "kind", kind, "err", err)
		s.showDevice(w, r, c, http.StatusBadRequest, view{Error: c.tf("device.command_error", err.Error())})
		return
	}
	s.Log.Info("web: command issued", "user", c.sess.User, "device", id, "kind", kind, "id", cmd.ID)
	http.Redirect(w, r, "/devices/"+url.PathEscape(id)+"?sent="+kind, http.StatusSeeOther)
}
