package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"karta/central/api"
	"karta/internal/progress"
	"karta/offline/bundle"
)

// centralClient speaks central's JSON API for provision and decommission.
type centralClient struct {
	base  string // http://host:port, without /api/v1
	token string
	http  *http.Client
}

func newCentralClient(base, tokenFile string) (*centralClient, error) {
	c := &centralClient{base: strings.TrimSuffix(strings.TrimSuffix(base, "/"), "/api/v1"), http: &http.Client{}}
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, fmt.Errorf("--token-file: %w", err)
		}
		if c.token = strings.TrimSpace(string(b)); c.token == "" {
			return nil, fmt.Errorf("--token-file: %s is empty", tokenFile)
		}
	}
	return c, nil
}

// apiError is central's answer to a request it refused.
type apiError struct {
	Code int
	Msg  string
}

func (e *apiError) Error() string {
	if e.Code == http.StatusUnauthorized {
		return fmt.Sprintf("central refused the API token (%d): give --token-file with central's --api-token-file", e.Code)
	}
	return fmt.Sprintf("central answered %d: %s", e.Code, e.Msg)
}

// do sends a request and decodes a JSON answer into out; a request
// central refused is an *apiError with its message.
func (c *centralClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body) // plain structs always marshal
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := c.send(ctx, method, path, rd)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if err := refusal(res); err != nil {
		return err
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(out); err != nil {
		return fmt.Errorf("central's answer to %s %s: %w", method, path, err)
	}
	return nil
}

func (c *centralClient) send(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("--central: %w", err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("central does not answer: %w", err)
	}
	return res, nil
}

func refusal(res *http.Response) error {
	if res.StatusCode/100 == 2 {
		return nil
	}
	var e struct {
		Error string `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		e.Error = strings.TrimSpace(string(b))
	}
	return &apiError{Code: res.StatusCode, Msg: e.Error}
}

func (c *centralClient) register(ctx context.Context, r api.Registration) (api.Registered, error) {
	var out api.Registered
	err := c.do(ctx, "POST", "/api/v1/devices", r, &out)
	return out, err
}

func (c *centralClient) decommission(ctx context.Context, id string) (api.Decommissioned, error) {
	var out api.Decommissioned
	err := c.do(ctx, "DELETE", "/api/v1/devices/"+url.PathEscape(id), nil, &out)
	return out, err
}

// storedTap is what provision reads of a tap at central.
type storedTap struct {
	Seq     uint64 `json:"seq"`
	Reader  string `json:"reader"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason"`
}

// taps are the device's newest taps at central.
func (c *centralClient) taps(ctx context.Context, device string, limit int) ([]storedTap, error) {
	var out []storedTap
	q := url.Values{"device": {device}, "limit": {fmt.Sprint(limit)}}
	err := c.do(ctx, "GET", "/api/v1/taps?"+q.Encode(), nil, &out)
	return out, err
}

// snapshot downloads a list's newest snapshot, drawing a progress bar on
// a terminal from the answer's Content-Length.
func (c *centralClient) snapshot(ctx context.Context, list string, w io.Writer) (*bundle.Bundle, error) {
	res, err := c.send(ctx, "GET", "/api/v1/lists/"+url.PathEscape(list)+"/snapshot", nil)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if err := refusal(res); err != nil {
		return nil, err
	}
	bar := progress.New(w, "download "+list, res.ContentLength)
	defer bar.Clear()
	body := &progress.Reader{R: res.Body}
	b, err := bundle.Read(&barReader{Reader: body, bar: bar})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", list, err)
	}
	if res.ContentLength >= 0 && body.N != res.ContentLength {
		return nil, fmt.Errorf("%s: %d of %d bytes: %w", list, body.N, res.ContentLength, bundle.ErrTruncated)
	}
	return b, nil
}

// barReader updates a bar as bytes come.
type barReader struct {
	*progress.Reader
	bar *progress.Bar
}

func (r *barReader) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	r.bar.Update(r.Reader.N, int(r.Reader.N>>10))
	return n, err
}
