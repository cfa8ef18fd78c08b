package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// LeaderLockKey is the session-level PostgreSQL advisory lock whose holder is
// the mirror's one writer ("ztindex" in ASCII). Every node of a database
// competes for it; the others wait.
const LeaderLockKey int64 = 0x7a74696e646578

// Default timings of a Leader.
const (
	// DefaultLeaderCheck is how often the leader checks that its lock
	// connection is alive: the longest it may keep indexing after losing
	// the lock (harmless, see Leader) and the bound of its own failover
	// after a silent network loss.
	DefaultLeaderCheck = time.Second
	// DefaultLeaderRetry is the wait before reconnecting after the lock
	// connection failed.
	DefaultLeaderRetry = time.Second
)

// leaderKeepalives make the server notice a leader whose host or network
// vanished within about 5+2*3 = 11 seconds and free the lock for another
// node; without them it would hold the lock for the kernel's default of
// over two hours. A leader process that dies or is stopped closes its
// socket, and the lock is free at once.
var leaderKeepalives = map[string]string{
	"tcp_keepalives_idle":     "5",
	"tcp_keepalives_interval": "2",
	"tcp_keepalives_count":    "3",
}

// Leader runs an Indexer only while this process holds LeaderLockKey on a
// connection of its own, so that of any number of nodes over one database
// exactly one writes the mirror; the others wait on the lock and the first
// of them takes over as soon as the leader's connection ends.
//
// Exactly-once does not rest on the lock alone: every block is applied in a
// transaction that locks and advances the checkpoint (applyBlock), so an old
// leader that has not yet noticed its lost lock only finds its blocks
// already applied and skips them. The lock keeps the followers from doing
// that work at all and from contending for the checkpoint row.
type Leader struct {
	config  *pgx.ConnConfig
	ix      *Indexer
	log     *slog.Logger
	check   time.Duration
	retry   time.Duration
	leading atomic.Bool
	gauge   prometheus.Gauge
}

// NewLeader returns a Leader that competes for the lock on connections made
// with config (copied; keepalives are added) and runs ix while it holds it.
// It reports through ix's logger and, with WithRegisterer, exports
// zonetrace_indexer_leader.
func NewLeader(config *pgx.ConnConfig, ix *Indexer) *Leader {
	config = config.Copy()
	if config.RuntimeParams == nil {
		config.RuntimeParams = map[string]string{}
	}
	for k, v := range leaderKeepalives {
		config.RuntimeParams[k] = v
	}
	if config.RuntimeParams["application_name"] == "" {
		config.RuntimeParams["application_name"] = "zonetrace-indexer-lock"
	}
	l := &Leader{config: config, ix: ix, log: ix.log, check: DefaultLeaderCheck, retry: DefaultLeaderRetry,
		gauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "zonetrace_indexer_leader", Help: "1 while this node holds the indexer's writer lock and indexes, else 0.",
		})}
	if ix.registerer != nil {
		if err := ix.registerer.Register(l.gauge); err != nil {
			l.log.Warn("indexer: leader metric not registered", "err", err)
		}
	}
	return l
}

// WithTimings sets how often the leader checks its lock connection and how
// long it waits before reconnecting after a failure (tests shorten them).
func (l *Leader) WithTimings(check, retry time.Duration) *Leader {
	if check > 0 {
		l.check = check
	}
	if retry > 0 {
		l.retry = retry
	}
	return l
}

// Leading reports whether this node holds the lock and indexes now.
func (l *Leader) Leading() bool { return l.leading.Load() }

// Run competes for the lock until ctx ends, indexing whenever it holds it,
// and returns ctx.Err(). A failed or lost lock connection is logged and
// retried; it never ends Run.
func (l *Leader) Run(ctx context.Context) error {
	for {
		err := l.term(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.log.WarnContext(ctx, "indexer: writer lock connection failed or lost; competing again", "err", err, "retry_in", l.retry)
		timer := time.NewTimer(l.retry)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// term connects, waits for the lock and indexes until the connection fails
// or ctx ends. Closing the connection releases the lock.
func (l *Leader) term(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, l.config)
	if err != nil {
		return fmt.Errorf("connect for the writer lock: %w", err)
	}
	defer func() {
		closing, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(closing)
	}()
	// Blocks until the leader's session ends: takeover is immediate, with
	// no polling interval.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, LeaderLockKey); err != nil {
		return fmt.Errorf("wait for the writer lock: %w", err)
	}
	l.log.InfoContext(ctx, "indexer: this node holds the writer lock and indexes")
	l.setLeading(true)
	defer l.setLeading(false)

	leadCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- l.ix.Run(leadCtx) }()
	ticker := time.NewTicker(l.check)
	defer ticker.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-ticker.C:
			pinging, cancel := context.WithTimeout(ctx, l.check)
			err := conn.Ping(pinging)
			cancel()
			if err != nil && ctx.Err() == nil {
				stop()
				// Run ends with leadCtx's cancellation; anything else it
				// met on the way out is reported too.
				if runErr := <-done; runErr != nil && !errors.Is(runErr, context.Canceled) {
					err = errors.Join(err, runErr)
				}
				return errors.Join(errors.New("lost the writer lock connection; stopped indexing"), err)
			}
		}
	}
}

func (l *Leader) setLeading(on bool) {
	l.leading.Store(on)
	if on {
		l.gauge.Set(1)
	} else {
		l.gauge.Set(0)
	}
}

// LockHeld reports whether some session holds the writer lock: before its
// own Leader starts, a node learns from it that another node is running on
// the database.
func LockHeld(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	var held bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND classid::bigint = $1::bigint >> 32 AND objid::bigint = $1::bigint & 4294967295 AND objsubid = 1
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`, LeaderLockKey).Scan(&held)
	if err != nil {
		return false, fmt.Errorf("look for the indexer's writer lock: %w", err)
	}
	return held, nil
}
