package indexer

import (
	"log/slog"
	"time"
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
