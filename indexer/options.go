package indexer

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Option configures an Indexer.
type Option func(*Indexer)

// WithLogger sets where the indexer reports broken streams and failed blocks.
// The default is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(ix *Indexer) {
		if l != nil {
			ix.log = l
		}
	}
}

// WithBackoff sets the wait before reconnecting after a broken stream or a
// failed block: it starts at first, doubles on each consecutive failure and is
// capped at max. Defaults: 200ms and 30s.
func WithBackoff(first, max time.Duration) Option {
	return func(ix *Indexer) {
		if first > 0 {
			ix.firstBackoff = first
		}
		if max >= ix.firstBackoff {
			ix.maxBackoff = max
		}
	}
}

// WithParkRetry sets how often an indexer parked on a block it cannot project
// tries that block again. Default: one minute.
func WithParkRetry(d time.Duration) Option {
	return func(ix *Indexer) {
		if d > 0 {
			ix.parkRetry = d
		}
	}
}

// WithRegisterer exports the indexer's metrics (checkpoint, parked block,
// failures) to reg; by default they are not exported.
func WithRegisterer(reg prometheus.Registerer) Option {
	return func(ix *Indexer) { ix.registerer = reg }
}
