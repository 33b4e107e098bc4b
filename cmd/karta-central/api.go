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

// startAPI serves the HTTP API on addr ("" for none) and prints where. On
// an address other than loopback it needs a bearer token from tokenFile.
func startAPI(addr, tokenFile string, o api.Options, log *slog.Logger, stdout io.Writer) (stop func(), err error) {
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
	srv := &http.Server{Handler: api.Handler(withToken(o, token, log)),
		ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("karta-central: api", "err", err)
		}
	}()
	fmt.Fprintf(stdout, "karta-central: API at http://%s/api/v1/ (health /healthz, metrics /metrics)\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
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
