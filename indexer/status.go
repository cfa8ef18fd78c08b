package indexer

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// State is what an indexer is doing.
type State string

// States of Status.
const (
	// StateStarting: no block applied and no failure yet since New.
	StateStarting State = "starting"
	// StateFollowing: the last attempt applied a block.
	StateFollowing State = "following"
	// StateRetrying: a transient failure (database or stream unreachable);
	// retried with backoff.
	StateRetrying State = "retrying"
	// StateParked: Block cannot be projected; nothing after it is applied
	// until a retry succeeds.
	StateParked State = "parked"
)

// Status is a snapshot of an indexer's progress, for health checks.
type Status struct {
	State State
	// NextBlock is the checkpoint as this indexer last saw it.
	NextBlock uint64
	// Block is the parked block (StateParked).
	Block uint64
	// Reason is the last failure (StateRetrying, StateParked).
	Reason string
	// Since is when the indexer entered State.
	Since time.Time
}

// Status returns what the indexer is doing now. The same alarm is stored in
// indexer_alarms for other processes (query.Reader.IndexerHealth).
func (ix *Indexer) Status() Status {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.status
}

// metrics are the indexer's Prometheus series; they exist whether or not
// WithRegisterer exports them.
type metrics struct {
	nextBlock   prometheus.Gauge
	parkedFlag  prometheus.Gauge
	parkedBlock prometheus.Gauge
	failures    *prometheus.CounterVec
}

func newMetrics() *metrics {
	return &metrics{
		nextBlock: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "zonetrace_indexer_next_block", Help: "The indexer's checkpoint: the next block it will apply.",
		}),
		parkedFlag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "zonetrace_indexer_parked", Help: "1 while the indexer is parked on a block it cannot project (alarm), else 0.",
		}),
		parkedBlock: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "zonetrace_indexer_parked_block", Help: "The block the indexer is parked on; meaningful while zonetrace_indexer_parked is 1.",
		}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zonetrace_indexer_block_failures_total", Help: "Failed attempts to apply a block, by kind (transient, poison).",
		}, []string{"kind"}),
	}
}

func (m *metrics) register(reg prometheus.Registerer) error {
	var errs []error
	for _, c := range []prometheus.Collector{m.nextBlock, m.parkedFlag, m.parkedBlock, m.failures} {
		errs = append(errs, reg.Register(c))
	}
	return errors.Join(errs...)
}

func (m *metrics) parked(block uint64) {
	m.failures.WithLabelValues("poison").Inc()
	m.parkedFlag.Set(1)
	m.parkedBlock.Set(float64(block))
}

func (m *metrics) following(next uint64) {
	m.nextBlock.Set(float64(next))
	m.parkedFlag.Set(0)
}
