package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// HTTP pulls data sets from the platform's JSON API:
//
//	GET {BaseURL}/{dataset}?page=N[&since=RFC3339]
//	Authorization: Bearer {Token}
//
// answers {"dataset", "full", "records": […], "nextPage": N+1 | 0}. All
// pages of one pull make one delivery, so a pull cut off halfway changes
// nothing. Transient failures (network, 429, 5xx) are retried with
// exponential backoff; any other answer fails the pull at once. Client
// may carry a TLS configuration with a client certificate (mTLS).
type HTTP struct {
	BaseURL string
	Token   string
	Client  *http.Client
	// Attempts bounds the tries of one page (default 4); Backoff is the
	// wait before the second, doubled before each next (default 500 ms).
	Attempts int
	Backoff  time.Duration
	// MaxPages bounds one pull (default 10,000) against a platform that
	// never says the last page.
	MaxPages int
}

// Name names the connector in the sync log.
func (h HTTP) Name() string { return "http" }

// maxPageBytes bounds one page's body.
const maxPageBytes = 64 << 20

// errPermanent marks an answer a retry cannot change.
var errPermanent = errors.New("refused by the platform")

// Fetch pulls every page of dataset changed since since (all of it when
// since is zero).
func (h HTTP) Fetch(ctx context.Context, dataset string, since time.Time) ([]Delivery, error) {
	base, err := url.Parse(h.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("platform URL: %w", err)
	}
	maxPages := h.MaxPages
	if maxPages <= 0 {
		maxPages = 10000
	}
	del := Delivery{Dataset: dataset, Records: []json.RawMessage{}}
	for page := 1; page != 0; {
		if page > maxPages {
			return nil, fmt.Errorf("pull %s: more than %d pages", dataset, maxPages)
		}
		u := base.JoinPath(dataset)
		q := url.Values{"page": {strconv.Itoa(page)}}
		if !since.IsZero() {
			q.Set("since", since.UTC().Format(time.RFC3339))
		}
		u.RawQuery = q.Encode()
		if page == 1 {
			del.Source = u.Redacted()
		}
		env, err := h.page(ctx, u.String())
		if err != nil {
			return nil, fmt.Errorf("pull %s page %d: %w", dataset, page, err)
		}
		if env.Dataset != dataset {
			return nil, fmt.Errorf("pull %s page %d: the platform answered data set %q", dataset, page, env.Dataset)
		}
		if page == 1 {
			del.Full = env.Full
		}
		del.Records = append(del.Records, env.Records...)
		if env.NextPage != 0 && env.NextPage <= page {
			return nil, fmt.Errorf("pull %s page %d: next page %d goes backwards", dataset, page, env.NextPage)
		}
		page = env.NextPage
	}
	return []Delivery{del}, nil
}

// page gets one page, retrying transient failures.
func (h HTTP) page(ctx context.Context, u string) (envelope, error) {
	attempts, wait := h.Attempts, h.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if wait <= 0 {
		wait = 500 * time.Millisecond
	}
	var last error
	for i := range attempts {
		if i > 0 {
			select {
			case <-ctx.Done():
				return envelope{}, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		env, err := h.get(ctx, u)
		if err == nil || errors.Is(err, errPermanent) || ctx.Err() != nil {
			return env, err
		}
		last = err
	}
	return envelope{}, fmt.Errorf("%d attempts: %w", attempts, last)
}

func (h HTTP) get(ctx context.Context, u string) (envelope, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return envelope{}, fmt.Errorf("%w: %w", errPermanent, err)
	}
	req.Header.Set("Accept", "application/json")
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return envelope{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return envelope{}, fmt.Errorf("the platform answered %s", resp.Status)
	case resp.StatusCode != http.StatusOK:
		return envelope{}, fmt.Errorf("%w: %s", errPermanent, resp.Status)
	}
	var env envelope
	body := io.LimitReader(resp.Body, maxPageBytes)
	if err := json.NewDecoder(body).Decode(&env); err != nil {
		// A body cut off in transit may come whole next time.
		return envelope{}, fmt.Errorf("read page: %w", err)
	}
	if env.Records == nil {
		return envelope{}, fmt.Errorf("%w: the page has no records list", errPermanent)
	}
	return env, nil
}
