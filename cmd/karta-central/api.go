package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"karta/central/api"
)

// startAPI serves the HTTP API on addr ("" for none) and, beside it, the
// ops UI if ui is not nil, and prints where. On an address other than
// loopback the API needs a bearer token from tokenFile; the UI has its
// own login.
func startAPI(addr, tokenFile string, o api.Options, ui http.Handler, log *slog.Logger, stdout io.Writer) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	token, err := apiToken(addr, tokenFile)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	srv := &http.Server{Handler: mount(api.Handler(withToken(o, token, log)), ui),
		ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("karta-central: api", "err", err)
		}
	}()
	fmt.Fprintf(stdout, "karta-central: API at http://%s/api/v1/ (health /healthz, metrics /metrics)\n", ln.Addr())
	if ui != nil {
		fmt.Fprintf(stdout, "karta-central: ops UI at http://%s/\n", ln.Addr())
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// mount puts the API and the UI on one server: the API's paths go to
// the API, everything else to the UI (none if ui is nil).
func mount(apiH, ui http.Handler) http.Handler {
	if ui == nil {
		return apiH
	}
	mux := http.NewServeMux()
	for _, p := range []string{"/api/", "/healthz", "/metrics"} {
		mux.Handle(p, apiH)
	}
	mux.Handle("/", ui)
	return mux
}

func apiToken(addr, tokenFile string) (string, error) {
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", fmt.Errorf("api token: %w", err)
		}
		if t := strings.TrimSpace(string(b)); t != "" {
			return t, nil
		}
		return "", fmt.Errorf("api token: %s is empty", tokenFile)
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("api: %s is not a loopback address: give --api-token-file", addr)
	}
	return "", nil
}

func withToken(o api.Options, token string, log *slog.Logger) api.Options {
	o.Token, o.Log = token, log
	return o
}
