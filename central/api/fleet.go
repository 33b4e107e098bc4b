package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"karta/central/lists"
	"karta/central/store"
	"karta/offline/bundle"
	tapsync "karta/sync"
)

// The device endpoints karta provision and karta decommission use:
//
//	POST   /api/v1/devices                  register a device (Registration → Registered)
//	GET    /api/v1/lists/{list}/snapshot    the newest signed snapshot, a bundle file
//	DELETE /api/v1/devices/{id}             decommission: revoked, dropped from the broker
//
// Registering an id already in service is a 409 unless the request says
// it replaces that device; a decommissioned id is never registered again.

// Fleet registers and decommissions devices for karta provision.
type Fleet interface {
	// Register puts the device in the registry and answers what the new
	// device needs. ErrInService: the id is in service and r.Replace is
	// false; ErrDecommissioned: the id was revoked.
	Register(ctx context.Context, r Registration) (Registered, error)
	// Snapshot is the newest stored snapshot of a list, as a bundle;
	// store.ErrNotFound if none.
	Snapshot(ctx context.Context, list string) (*bundle.Bundle, error)
	// Decommission revokes a device: refused by the broker from now on.
	// store.ErrNotFound for an unknown id.
	Decommission(ctx context.Context, id string) (Decommissioned, error)
}

// Sentinel errors of the device endpoints, answered as 409.
var (
	// ErrInService: the device id has connected or has taps at central,
	// and the registration does not replace it.
	ErrInService = errors.New("api: device id is in service")
	// ErrDecommissioned: the device id was revoked; ids are not reused.
	ErrDecommissioned = errors.New("api: device id was decommissioned")
)

// Registration is the body of POST /api/v1/devices.
type Registration struct {
	ID      string `json:"id"`
	Role    string `json:"role"`             // bus, turnstile, canteen
	Route   string `json:"route,omitempty"`  // a bus's route
	School  string `json:"school,omitempty"` // a turnstile's or canteen's school (its list's name)
	Replace bool   `json:"replace,omitempty"`
}

// Registered is the answer: the device as registered and what it needs.
type Registered struct {
	ID     string   `json:"id"`
	Role   string   `json:"role"`
	Route  string   `json:"route,omitempty"`
	School string   `json:"school,omitempty"`
	Lists  []string `json:"lists"` // the lists its rules consult
	// New: the id was not in the registry before.
	New bool `json:"new"`
	// BrokerPassword: the device's MQTT password on central's embedded
	// broker; empty on an external broker (devices use certificates).
	BrokerPassword string `json:"broker_password,omitempty"`
}

// Decommissioned is the answer of DELETE /api/v1/devices/{id}.
type Decommissioned struct {
	ID      string `json:"id"`
	Revoked bool   `json:"revoked"`
	// Note says what happens at the broker.
	Note string `json:"note"`
}

// Roles are the device roles a registration may name.
var Roles = []string{"bus", "turnstile", "canteen"}

// Check refuses a registration whose fields do not fit together: a valid
// id, a known role, a bus with a route and no school, a school device with
// a school (a list name) and no route.
func (r Registration) Check() error {
	switch {
	case !tapsync.ValidDeviceID(r.ID):
		return fmt.Errorf("%w: device id %q: 1-64 of a-z, 0-9 and -", store.ErrInvalid, r.ID)
	case !slices.Contains(Roles, r.Role):
		return fmt.Errorf("%w: role %q: want bus, turnstile or canteen", store.ErrInvalid, r.Role)
	case r.Role == "bus" && r.School != "":
		return fmt.Errorf("%w: a bus has a route, not a school", store.ErrInvalid)
	case r.Role == "bus" && r.Route == "":
		return fmt.Errorf("%w: a bus needs its route", store.ErrInvalid)
	case r.Role != "bus" && r.Route != "":
		return fmt.Errorf("%w: a %s has a school, not a route", store.ErrInvalid, r.Role)
	case r.Role != "bus" && !lists.ListName(r.School):
		return fmt.Errorf("%w: a %s needs its school (a list name: a-z, 0-9, . _ -), got %q", store.ErrInvalid, r.Role, r.School)
	case len(r.Route) > 64 || !printable(r.Route):
		return fmt.Errorf("%w: route %q: at most 64 printable characters", store.ErrInvalid, r.Route)
	}
	return nil
}

func printable(s string) bool {
	for _, c := range s {
		if !strconv.IsPrint(c) {
			return false
		}
	}
	return true
}

// DeviceLists are the lists a device of this role and school consults.
func DeviceLists(role, school string) []string {
	if role == "bus" {
		return []string{lists.BusFleet}
	}
	return []string{school}
}

// fleetRoutes adds the device registration endpoints when Options.Fleet is set.
func (s *server) fleetRoutes(mux *http.ServeMux) {
	if s.Fleet == nil {
		return
	}
	mux.Handle("POST /api/v1/devices", s.auth(http.HandlerFunc(s.register)))
	mux.Handle("DELETE /api/v1/devices/{id}", s.auth(http.HandlerFunc(s.decommission)))
	mux.Handle("GET /api/v1/lists/{list}/snapshot", s.auth(http.HandlerFunc(s.snapshot)))
}

// maxRegistration bounds a registration's body.
const maxRegistration = 4 << 10

func (s *server) register(w http.ResponseWriter, r *http.Request) {
	reg, err := decodeRegistration(io.LimitReader(r.Body, maxRegistration))
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	out, err := s.Fleet.Register(r.Context(), reg)
	if err == nil {
		s.Log.Info("api: device registered", "device", out.ID, "role", out.Role, "new", out.New, "replace", reg.Replace)
	}
	s.answerFleet(w, out, err)
}

// decodeRegistration reads and checks a registration; unknown fields are
// refused, so that a typo is not silently dropped.
func decodeRegistration(r io.Reader) (Registration, error) {
	var reg Registration
	d := json.NewDecoder(r)
	d.DisallowUnknownFields()
	if err := d.Decode(&reg); err != nil {
		return reg, fmt.Errorf("api: registration: %v", err)
	}
	if d.More() {
		return reg, errors.New("api: registration: one JSON object expected")
	}
	return reg, reg.Check()
}

func (s *server) decommission(w http.ResponseWriter, r *http.Request) {
	out, err := s.Fleet.Decommission(r.Context(), r.PathValue("id"))
	if err == nil {
		s.Log.Info("api: device decommissioned", "device", out.ID)
	}
	s.answerFleet(w, out, err)
}

// snapshot answers the bundle file with its length, for a progress bar.
func (s *server) snapshot(w http.ResponseWriter, r *http.Request) {
	list := r.PathValue("list")
	if !lists.ListName(list) {
		fail(w, http.StatusBadRequest, fmt.Sprintf("api: %q is not a list name", list))
		return
	}
	b, err := s.Fleet.Snapshot(r.Context(), list)
	if err != nil {
		s.answerFleet(w, nil, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(BundleSize(b), 10))
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.bundle"`, list))
	b.WriteTo(w) // a write error means the client left
}

// BundleSize is the length of b in the file container (what WriteTo
// writes).
func BundleSize(b *bundle.Bundle) int64 {
	n, _ := b.WriteTo(io.Discard) // io.Discard does not fail
	return n
}

// answerFleet is answer with the device endpoints' conflicts.
func (s *server) answerFleet(w http.ResponseWriter, v any, err error) {
	switch {
	case errors.Is(err, ErrInService), errors.Is(err, ErrDecommissioned):
		fail(w, http.StatusConflict, err.Error())
	case errors.Is(err, store.ErrNotFound):
		fail(w, http.StatusNotFound, err.Error())
	default:
		s.answer(w, v, err)
	}
}
