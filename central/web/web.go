package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// Store is what the pages read of central's database, and the one thing
// they change there (resolving an alert).
type Store interface {
	Devices(ctx context.Context) ([]store.Device, error)
	Device(ctx context.Context, id string) (store.Device, error)
	Taps(ctx context.Context, q store.TapQuery) ([]store.StoredTap, error)
	Alerts(ctx context.Context, open bool, limit int) ([]store.Alert, error)
	ResolveAlert(ctx context.Context, id int64) error
	ListNames(ctx context.Context) ([]string, error)
	ListVersions(ctx context.Context, list string) ([]store.ListRow, error)
	Commands(ctx context.Context, device string, limit int) ([]store.Command, error)
	Reports
}

// Reports are the store's aggregates: the overview's chart and the two
// reports. They count in the database; nothing here reads every tap.
type Reports interface {
	TapsPerHour(ctx context.Context, from, to time.Time) ([]store.HourCount, error)
	RidesReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.RideRow, error)
	MealsReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.MealRow, error)
}

// Users keeps who may log in, and their sessions (*store.Store).
type Users interface {
	User(ctx context.Context, name string) (store.User, error)
	Users(ctx context.Context) ([]store.User, error)
	AddUser(ctx context.Context, u store.User) error
	SetUserDisabled(ctx context.Context, name string, disabled bool) error
	SetUserRole(ctx context.Context, name, role string) error
	RecordLogin(ctx context.Context, name string, ok bool, at time.Time) error
	AddSession(ctx context.Context, se store.Session) error
	Session(ctx context.Context, idHash string) (store.Session, error)
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	DeleteStaleSessions(ctx context.Context, seenBefore, createdBefore time.Time) (int64, error)
}

// Commands issues signed commands to devices (*control.Issuer).
type Commands interface {
	Command(ctx context.Context, device, kind string, ttl time.Duration) (tapsync.Command, error)
}

// Options configure the UI.
type Options struct {
	Store Store
	Users Users
	// Tokenize turns a card number into its token; nil: card lookup is
	// off, and the taps page says so.
	Tokenize func(pan string) (string, error)
	// Commands issues device commands; nil: sending is off, and the
	// device page says so.
	Commands Commands
	Clock    func() time.Time // nil: time.Now
	Log      *slog.Logger     // nil: slog.Default()
	// Location is the region's zone, for every time shown and every date
	// typed; nil: Region().
	Location *time.Location
	// Secure marks cookies Secure even on plain HTTP (central behind a
	// TLS proxy); over TLS they always are.
	Secure bool
	// Iterations of new password hashes; 0: password.DefaultIterations.
	// Tests use few.
	Iterations int
}

// Region is Kaliningrad's zone, or a fixed UTC+2 when the system has no
// zone database.
func Region() *time.Location {
	if loc, err := time.LoadLocation("Europe/Kaliningrad"); err == nil {
		return loc
	}
	return time.FixedZone("MSK-1", 2*3600)
}

// Timing of sessions and logins.
const (
	IdleTimeout     = 8 * time.Hour
	AbsoluteTimeout = 7 * 24 * time.Hour
	touchEvery      = time.Minute // a session's last request is written at most this often
	loginCookieAge  = 15 * time.Minute
	freeFailures    = 5 // failed logins in a row before each next one waits
	maxLoginWait    = 15 * time.Minute
	commandTTL      = 10 * time.Minute
)

// Handler returns the UI's handler: every page, the login, the style
// sheet. Mount it at "/" beside the API.
func Handler(o Options) http.Handler {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Location == nil {
		o.Location = Region()
	}
	s := &server{Options: o, pages: mustParse(o.Location), csvPage: csvPage}
	s.dummy = dummyHash(o.Iterations)
	return headers(s.routes())
}

type server struct {
	Options
	pages     pages
	chart     chartCache
	strangers strangers
	csvPage   int           // taps a CSV export reads at a time
	dummy     func() string // a hash to check unknown users' passwords against, so they take as long
}

func (s *server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/style.css", styleCSS)
	mux.HandleFunc("GET /favicon.ico", http.NotFound) // not a page: no login for it
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /lang", s.setLang)
	mux.Handle("POST /logout", s.page(store.RoleViewer, s.logout))
	mux.Handle("GET /{$}", s.page(store.RoleViewer, s.overview))
	mux.Handle("GET /taps", s.page(store.RoleViewer, s.taps))
	mux.Handle("GET /taps.csv", s.page(store.RoleViewer, s.tapsCSV))
	mux.Handle("POST /taps/lookup", s.page(store.RoleViewer, s.lookup))
	mux.Handle("GET /devices", s.page(store.RoleViewer, s.devices))
	mux.Handle("GET /devices/{id}", s.page(store.RoleViewer, s.device))
	mux.Handle("POST /devices/{id}/command", s.page(store.RoleTechnician, s.command))
	mux.Handle("GET /lists", s.page(store.RoleViewer, s.lists))
	mux.Handle("GET /reports", s.page(store.RoleViewer, s.reports))
	mux.Handle("GET /reports/rides", s.page(store.RoleViewer, s.rides))
	mux.Handle("GET /reports/rides.csv", s.page(store.RoleViewer, s.ridesCSV))
	mux.Handle("GET /reports/meals", s.page(store.RoleViewer, s.meals))
	mux.Handle("GET /reports/meals.csv", s.page(store.RoleViewer, s.mealsCSV))
	mux.Handle("GET /alerts", s.page(store.RoleViewer, s.alerts))
	mux.Handle("POST /alerts/{id}/resolve", s.page(store.RoleTechnician, s.resolve))
	mux.Handle("GET /users", s.page(store.RoleAdmin, s.users))
	mux.Handle("POST /users", s.page(store.RoleAdmin, s.addUser))
	mux.Handle("POST /users/{name}/{action}", s.page(store.RoleAdmin, s.changeUser))
	mux.Handle("/", s.page(store.RoleViewer, s.notFound))
	return mux
}

func (s *server) now() time.Time { return s.Clock() }
