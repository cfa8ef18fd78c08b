package exporters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// Source reads the pages of the registry website's listing, numbered from
// 1. The official site (进口食品境外生产企业注册管理系统) cannot be reached
// from here; tests serve pages of its shape.
type Source interface {
	Page(ctx context.Context, n int) ([]byte, error)
}

// Bounds of a crawl: a page larger than maxPageBytes or a listing of more
// than maxPages pages is refused, so a broken or hostile site cannot
// exhaust the node.
const (
	maxPageBytes = 8 << 20
	maxPages     = 5000
	pageTimeout  = time.Minute
)

// HTTPSource reads the listing over HTTP: page n is the base URL with the
// query parameter page=n.
type HTTPSource struct {
	base   *url.URL
	Client *http.Client
}

// NewHTTPSource reads the listing at base.
func NewHTTPSource(base string) (*HTTPSource, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("exporters: registry URL %q is not an http(s) URL", base)
	}
	return &HTTPSource{base: u, Client: &http.Client{Timeout: pageTimeout}}, nil
}

// Page fetches page n.
func (h *HTTPSource) Page(ctx context.Context, n int) ([]byte, error) {
	u := *h.base
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/html")
	resp, err := h.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch listing page %d: %w", n, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch listing page %d: HTTP %d", n, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch listing page %d: %w", n, err)
	}
	if len(body) > maxPageBytes {
		return nil, fmt.Errorf("fetch listing page %d: larger than %d bytes", n, maxPageBytes)
	}
	return body, nil
}

// Crawl is the record of one crawl.
type Crawl struct {
	ID         int64      `json:"id"`
	StartedAt  time.Time  `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt"`
	Pages      int        `json:"pages"`
	Seen       int        `json:"seen"`
	Added      int        `json:"added"`
	Updated    int        `json:"updated"`
	Held       int        `json:"held"`
	Skipped    int        `json:"skipped"`
	// Failure is why the crawl stopped early (English, for operators);
	// the pages read before it were kept.
	Failure string `json:"failure"`
}

// crawlBy is who the history names for the crawl's changes.
const crawlBy = "crawler"

// CrawlOn says whether a registry website is configured.
func (s *Service) CrawlOn() bool { return s.source != nil }

// Crawl reads every page of the listing and merges its entries, each page
// in a transaction of its own: a crawl cut off keeps the pages it read,
// and the next one starts over.
func (s *Service) Crawl(ctx context.Context) (Crawl, error) {
	if s.source == nil {
		return Crawl{}, errCrawlOff()
	}
	c := Crawl{StartedAt: s.Now()}
	if err := s.pool.QueryRow(ctx, `INSERT INTO exporter_crawls (started_at) VALUES ($1) RETURNING id`, c.StartedAt).Scan(&c.ID); err != nil {
		return Crawl{}, fmt.Errorf("record crawl: %w", err)
	}
	err := s.crawlPages(ctx, &c)
	if err != nil {
		c.Failure = err.Error()
	}
	finished := s.Now()
	c.FinishedAt = &finished
	// The record is finished even when ctx ended.
	_, recErr := s.pool.Exec(context.WithoutCancel(ctx), `UPDATE exporter_crawls SET finished_at = $2, pages = $3, seen = $4,
		added = $5, updated = $6, held = $7, skipped = $8, failure = $9 WHERE id = $1`,
		c.ID, finished, c.Pages, c.Seen, c.Added, c.Updated, c.Held, c.Skipped, c.Failure)
	s.log.Info("exporter registry crawled", "pages", c.Pages, "seen", c.Seen, "added", c.Added, "updated", c.Updated,
		"held", c.Held, "skipped", c.Skipped, "failure", c.Failure)
	return c, errors.Join(err, recErr)
}

func (s *Service) crawlPages(ctx context.Context, c *Crawl) error {
	pages := 1
	for n := 1; n <= pages; n++ {
		raw, err := s.source.Page(ctx, n)
		if err != nil {
			return err
		}
		listing, err := Parse(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("page %d: %w", n, err)
		}
		if n == 1 {
			pages = min(listing.Pages, maxPages)
		}
		for _, sk := range listing.Skipped {
			s.log.Warn("exporter registry row skipped", "page", n, "row", sk.Row, "regNo", sk.RegNo, "field", sk.Field, "rule", sk.Rule)
		}
		c.Pages, c.Skipped = c.Pages+1, c.Skipped+len(listing.Skipped)
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for _, e := range listing.Entries {
				o, err := s.merge(ctx, tx, e, model.ExporterFromCrawl, crawlBy)
				if err != nil {
					return err
				}
				c.Seen++
				switch o {
				case added:
					c.Added++
				case updated:
					c.Updated++
				case heldDiffers:
					c.Held++
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("page %d: %w", n, err)
		}
	}
	return nil
}

func errCrawlOff() error {
	return model.Refuse(model.ReasonCrawlOff, nil, "no registry website is configured")
}

// Crawls lists the latest crawls, newest first.
func (s *Service) Crawls(ctx context.Context, limit int) ([]Crawl, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, started_at, finished_at, pages, seen, added, updated, held, skipped, failure
		FROM exporter_crawls ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list crawls: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Crawl, error) {
		var c Crawl
		err := r.Scan(&c.ID, &c.StartedAt, &c.FinishedAt, &c.Pages, &c.Seen, &c.Added, &c.Updated, &c.Held, &c.Skipped, &c.Failure)
		return c, err
	})
}
