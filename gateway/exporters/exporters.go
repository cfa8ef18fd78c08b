// Package exporters keeps the foreign exporter registry (境外出口商备案,
// tender functions 11 and 68–71): a copy of the official registration
// website's listing, refreshed by a scheduled crawl (Source, Parse), Excel
// imports and customs' manual edits, each change kept in an entry's
// history; the exporter claims of declared prefilings, confirmed
// automatically on an exact match and otherwise offered to customs with
// suspected matches; and the expiry checks. It is reference data from
// outside, kept off chain (docs/architecture.md, "Foreign exporter
// registry").
//
// The rule between a person and the crawl: a manual edit or an import
// holds the entry. A crawl never overwrites a held entry; it records the
// values it saw in the history (applied = false) and only releases the
// hold once the website shows the person's values itself.
package exporters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/notify"
)

// Defaults of Config.
const (
	DefaultCrawlEvery  = 24 * time.Hour
	DefaultExpiryEvery = time.Hour
	DefaultWarnDays    = 30
)

// Config says where the registry website is and how often it is read.
type Config struct {
	// RegistryURL is the first page of the website's listing; empty turns
	// the crawl off (nothing is scheduled and "crawl now" is refused).
	RegistryURL string
	// Source reads the listing's pages; nil means HTTPSource of
	// RegistryURL. Tests pass their own.
	Source Source
	// CrawlEvery is how often the registry is crawled (DefaultCrawlEvery).
	CrawlEvery time.Duration
	// ExpiryEvery is how often registrations are checked for expiry
	// (DefaultExpiryEvery); the check runs whether or not crawling is on.
	ExpiryEvery time.Duration
	// WarnDays: claims whose exporter expires within this many days are
	// flagged and notified (DefaultWarnDays).
	WarnDays int
}

// Publisher publishes notifications in the caller's transaction
// (*notify.Service).
type Publisher interface {
	Publish(ctx context.Context, tx pgx.Tx, m notify.Message) (int64, error)
}

// Service is the registry, its claims and its scheduled work.
type Service struct {
	pool   *pgxpool.Pool
	cfg    Config
	source Source
	notify Publisher
	queue  *river.Client[pgx.Tx]
	log    *slog.Logger
	// Now is the clock; tests set it.
	Now func() time.Time
}

// New returns the Service. notifier may be nil (no notifications).
func New(pool *pgxpool.Pool, cfg Config, notifier Publisher, log *slog.Logger) (*Service, error) {
	if cfg.CrawlEvery <= 0 {
		cfg.CrawlEvery = DefaultCrawlEvery
	}
	if cfg.ExpiryEvery <= 0 {
		cfg.ExpiryEvery = DefaultExpiryEvery
	}
	if cfg.WarnDays <= 0 {
		cfg.WarnDays = DefaultWarnDays
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	source := cfg.Source
	if source == nil && cfg.RegistryURL != "" {
		s, err := NewHTTPSource(cfg.RegistryURL)
		if err != nil {
			return nil, err
		}
		source = s
	}
	// Insert only: the node's job queue (internal/jobs) works the jobs.
	queue, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("exporters: create job client: %w", err)
	}
	return &Service{pool: pool, cfg: cfg, source: source, notify: notifier, queue: queue, log: log, Now: time.Now}, nil
}

// today is the zone's civil date now.
func (s *Service) today() time.Time {
	n := s.Now().In(model.ZoneTime)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// errNoRows tells a missing row apart.
func notFound(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
