package receipts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Deliverer follows the ledger's receipts and delivers each to its
// enterprise's webhook at least once: a receipt is enqueued together with
// the cursor move past it, and a delivery stays owed until a 2xx answer is
// recorded. After a crash it resumes from the cursor and re-sends what was
// in flight (the receiver may see a receipt again only if the crash came
// between its 2xx and our record of it).
type Deliverer struct {
	store       *Store
	source      Source
	client      *http.Client
	backoff     Backoff
	poll        time.Duration
	lease       time.Duration
	batch       int
	concurrency int
	log         *slog.Logger
	addresses   AddressPolicy
}

// Option configures a Deliverer.
type Option func(*Deliverer)

// WithBackoff sets the retry schedule (default DefaultBackoff).
func WithBackoff(b Backoff) Option { return func(d *Deliverer) { d.backoff = b } }

// WithPollInterval sets how often the deliverer looks for new receipts and
// due deliveries (default 1 s).
func WithPollInterval(p time.Duration) Option { return func(d *Deliverer) { d.poll = p } }

// WithHTTPClient sets the client that POSTs deliveries; its Timeout bounds
// an attempt (default 10 s, redirects not followed). A client without its
// own Transport still dials only what the address policy allows.
func WithHTTPClient(c *http.Client) Option { return func(d *Deliverer) { d.client = c } }

// WithAddressPolicy sets which addresses deliveries may reach (default:
// public addresses only, see AddressPolicy).
func WithAddressPolicy(p AddressPolicy) Option { return func(d *Deliverer) { d.addresses = p } }

// WithLogger sets where attempts are logged.
func WithLogger(l *slog.Logger) Option { return func(d *Deliverer) { d.log = l } }

// NewDeliverer returns a Deliverer of source's receipts through store.
func NewDeliverer(store *Store, source Source, opts ...Option) *Deliverer {
	d := &Deliverer{
		store: store, source: source, backoff: DefaultBackoff, poll: time.Second,
		batch: 200, concurrency: 4, log: slog.New(slog.DiscardHandler),
		client: &http.Client{
			Timeout: 10 * time.Second,
			// A redirected POST would become a GET elsewhere: a 3xx is a
			// failed attempt, to be fixed by the enterprise.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	for _, o := range opts {
		o(d)
	}
	if d.client.Transport == nil {
		guarded := *d.client
		guarded.Transport = d.addresses.transport()
		d.client = &guarded
	}
	// An attempt must finish (and be recorded) before its lease runs out,
	// or another sender would take the delivery while it is in flight.
	d.lease = 3*d.client.Timeout + 30*time.Second
	if d.client.Timeout == 0 {
		d.lease = 5 * time.Minute
	}
	return d
}

// stopGrace is how long the attempts in flight may still finish once the
// deliverer is stopped.
const stopGrace = time.Second

// Run follows and delivers until ctx ends, then lets the attempts in flight
// finish for stopGrace, aborts the rest, hands their deliveries back and
// returns ctx's error. Failures of one round
// (database or read model unreachable) are logged and retried next round.
func (d *Deliverer) Run(ctx context.Context) error {
	t := time.NewTicker(d.poll)
	defer t.Stop()
	for {
		if _, err := d.Follow(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("follow receipts", "err", err.Error())
		}
		if _, err := d.SendDue(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("send webhook deliveries", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Follow enqueues the receipts after the cursor, batch by batch, and
// returns how many deliveries it enqueued.
func (d *Deliverer) Follow(ctx context.Context) (int, error) {
	total := 0
	for {
		pos, err := d.store.cursor(ctx)
		if err != nil {
			return total, err
		}
		batch, err := d.source.ReceiptsAfter(ctx, pos, d.batch)
		if err != nil {
			return total, fmt.Errorf("list receipts after %d/%d: %w", pos.Block, pos.Index, err)
		}
		n, err := d.store.enqueue(ctx, batch)
		total += n
		if err != nil || len(batch) < d.batch {
			return total, err
		}
	}
}

// SendDue attempts every delivery that is due once and returns how many it
// attempted.
func (d *Deliverer) SendDue(ctx context.Context) (int, error) {
	attempted := 0
	for ctx.Err() == nil {
		due, err := d.store.claim(ctx, d.lease, d.batch)
		if err != nil {
			return attempted, err
		}
		if len(due) == 0 {
			return attempted, nil
		}
		attempted += len(due)
		// A stop gives the attempts in flight stopGrace to finish, then
		// aborts them (a receiver that hangs must not hold the node's
		// shutdown), and hands every claimed delivery not completed back,
		// due at once, so the next start sends it instead of waiting for
		// the lease.
		work, abort := context.WithCancel(context.WithoutCancel(ctx))
		stopAfterGrace := context.AfterFunc(ctx, func() { time.AfterFunc(stopGrace, abort) })
		var wg sync.WaitGroup
		sem := make(chan struct{}, d.concurrency)
		var mu sync.Mutex
		var errs []error
		for _, c := range due {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				if err := d.store.unclaim(context.WithoutCancel(ctx), c); err != nil {
					errs = append(errs, err)
				}
				continue
			}
			wg.Go(func() {
				defer func() { <-sem }()
				if err := d.attempt(work, c); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		stopAfterGrace()
		abort()
		if err := errors.Join(errs...); err != nil {
			return attempted, err
		}
	}
	return attempted, nil
}

// attempt POSTs one delivery and records the outcome; the outcome is
// recorded even when ctx ends meanwhile.
func (d *Deliverer) attempt(ctx context.Context, c claimed) error {
	n := c.attempts + 1
	status, err := d.post(ctx, c)
	record := context.WithoutCancel(ctx)
	if err != nil && ctx.Err() != nil {
		// Aborted by the stop, not refused by the receiver.
		return d.store.unclaim(record, c)
	}
	ctx = record
	if err == nil {
		d.log.Info("webhook delivered", "receiptId", c.receiptID, "enterpriseId", c.enterpriseID, "attempt", n, "status", status)
		return d.store.delivered(ctx, c, status)
	}
	wait := d.backoff.Wait(n)
	class := failureClass(status, err)
	d.log.Warn("webhook delivery failed", "receiptId", c.receiptID, "enterpriseId", c.enterpriseID, "attempt", n,
		"status", status, "class", class, "err", err.Error(), "retryIn", wait.String())
	// The enterprise sees the class only, never how the node's network
	// answered.
	return d.store.failed(ctx, c, status, class, wait)
}

// post sends the delivery; a nil error means a 2xx answer.
func (d *Deliverer) post(ctx context.Context, c claimed) (int, error) {
	url, secret, err := d.store.target(ctx, c.enterpriseID)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(c.body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ZoneTrace-Webhook/1")
	req.Header.Set("X-ZoneTrace-Delivery", c.receiptID)
	req.Header.Set(SignatureHeader, Sign(secret, c.body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; the answer itself
	// does not matter.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
