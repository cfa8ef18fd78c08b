// Package apiclient is a small Go client of the gateway's HTTP API
// (docs/api.md). The demo seeder, the end-to-end tests and the benchmarks use
// it, so they exercise the product exactly as an enterprise system would.
package apiclient

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client talks to one gateway as one logged-in user.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// New returns a client of the gateway at baseURL (e.g. https://127.0.0.1:8080)
// trusting the system's certificate authorities.
func New(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 60 * time.Second}}
}

// NewTLS returns a client of the gateway at baseURL trusting roots alone,
// e.g. a development node's TLS CA (<data>/tls/ca/cert.pem).
func NewTLS(baseURL string, roots *x509.CertPool) *Client {
	c := New(baseURL)
	c.HTTP.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	return c
}

// FieldError is one invalid field of a VALIDATION_FAILED answer.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a 4xx/5xx answer of the gateway.
type Error struct {
	Status    int
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	MessageZh string       `json:"messageZh"`
	Details   []FieldError `json:"details"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// StatusOf returns the HTTP status of an *Error, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Request describes one call; Body is encoded as JSON unless it is []byte.
type Request struct {
	Method, Path string
	Body         any
	// IdempotencyKey is sent on writes; a random one is used when empty.
	IdempotencyKey string
	// NoWait skips ?wait=indexed on writes.
	NoWait      bool
	ContentType string
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Login authenticates and keeps the session token.
func (c *Client) Login(ctx context.Context, username, password string) error {
	var out struct {
		Token string `json:"token"`
	}
	if _, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/v1/auth/login", Body: map[string]string{"username": username, "password": password}, NoWait: true}, &out); err != nil {
		return fmt.Errorf("log in as %s: %w", username, err)
	}
	c.Token = out.Token
	return nil
}

// Get decodes the JSON answer of a GET into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	_, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path}, out)
	return err
}

// Post sends a JSON write, waiting until the indexer has it, and decodes the
// answer into out (which may be nil).
func (c *Client) Post(ctx context.Context, path string, body, out any) error {
	_, err := c.Do(ctx, Request{Method: http.MethodPost, Path: path, Body: body}, out)
	return err
}

// Do performs a request; a 4xx/5xx answer is returned as *Error.
func (c *Client) Do(ctx context.Context, r Request, out any) (*Response, error) {
	var body io.Reader
	contentType := r.ContentType
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encode request body: %w", err)
		}
		body = bytes.NewReader(raw)
		if contentType == "" {
			contentType = "application/json"
		}
	}
	url := c.BaseURL + r.Path
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if write && !r.NoWait {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "wait=indexed"
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, url, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if write {
		key := r.IdempotencyKey
		if key == "" {
			key = randomKey()
		}
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read answer of %s %s: %w", r.Method, r.Path, err)
	}
	res := &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
	if resp.StatusCode >= 400 {
		var envelope struct {
			Error Error `json:"error"`
		}
		_ = json.Unmarshal(raw, &envelope)
		e := envelope.Error
		e.Status = resp.StatusCode
		if e.Code == "" {
			e.Message = strings.TrimSpace(string(raw))
		}
		return res, &e
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res, fmt.Errorf("decode answer of %s %s: %w", r.Method, r.Path, err)
		}
	}
	return res, nil
}

func randomKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("read random bytes: %v", err))
	}
	return hex.EncodeToString(b)
}
