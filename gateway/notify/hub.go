package notify

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Event tells a user's open streams that a notification arrived in the
// inbox: a row of theirs (ID), or an operation-log alert to their role
// (AlertID), which enters the inbox when it is next read.
type Event struct {
	ID      int64 `json:"id,omitempty"`
	AlertID int64 `json:"alertId,omitempty"`
}

// AnnounceChannel is the PostgreSQL channel of inbox announcements: a
// JSON {"username", "id"} for a new inbox row (a trigger on the inbox,
// migrations 00012 and 00027) or {"roles", "alertId"} for an alert raised
// to those roles (gateway/oplog).
const AnnounceChannel = "zt_notifications"

// Hub fans the database's announcements out to the streams open in this
// process, so a notification reaches a user whichever gateway process
// stored it. The LISTEN connection is held only while at least one stream
// is open.
type Hub struct {
	pool *pgxpool.Pool

	mu     sync.Mutex
	subs   map[string]map[chan Event]struct{} // by username
	roles  map[string]string                  // each subscribed username's role
	stop   context.CancelFunc
	ready  chan struct{}
	closed bool
}

// readyWait bounds how long Subscribe waits for the listener.
const readyWait = 5 * time.Second

// NewHub returns a Hub listening through pool.
func NewHub(pool *pgxpool.Pool) *Hub {
	return &Hub{pool: pool, subs: map[string]map[chan Event]struct{}{}, roles: map[string]string{}}
}

// Subscribe opens a stream of the events of username, whose role is role
// (alerts are announced to roles). It returns once the listener is ready
// (or ctx ends, or readyWait passed), so a notification stored after it
// returns is seen. Call the returned function to close the stream; the
// channel is closed then, or when the hub closes.
func (h *Hub) Subscribe(ctx context.Context, username, role string) (<-chan Event, func()) {
	ch := make(chan Event, 16)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(ch)
		return ch, func() {}
	}
	if h.subs[username] == nil {
		h.subs[username] = map[chan Event]struct{}{}
	}
	h.subs[username][ch] = struct{}{}
	h.roles[username] = role
	if h.stop == nil {
		lctx, cancel := context.WithCancel(context.Background())
		h.stop, h.ready = cancel, make(chan struct{})
		go h.listen(lctx, h.ready)
	}
	ready := h.ready
	h.mu.Unlock()
	// A database that does not answer does not hold the stream up: the
	// listener keeps trying, and the client polls meanwhile.
	wait := time.NewTimer(readyWait)
	defer wait.Stop()
	select {
	case <-ready:
	case <-ctx.Done():
	case <-wait.C:
	}
	var once sync.Once
	return ch, func() { once.Do(func() { h.unsubscribe(username, ch) }) }
}

func (h *Hub) unsubscribe(username string, ch chan Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[username][ch]; !ok {
		return // closed by Close
	}
	delete(h.subs[username], ch)
	close(ch)
	if len(h.subs[username]) == 0 {
		delete(h.subs, username)
		delete(h.roles, username)
	}
	if len(h.subs) == 0 && h.stop != nil {
		h.stop()
		h.stop = nil
	}
}

// Close ends every stream (the server is shutting down) and refuses new
// ones.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for u, set := range h.subs {
		for ch := range set {
			close(ch)
		}
		delete(h.subs, u)
		delete(h.roles, u)
	}
	if h.stop != nil {
		h.stop()
		h.stop = nil
	}
}

// listen holds a LISTEN connection until ctx ends, reconnecting after a
// failure; ready is closed once it listens the first time.
func (h *Hub) listen(ctx context.Context, ready chan struct{}) {
	var once sync.Once
	markReady := func() { once.Do(func() { close(ready) }) }
	defer markReady()
	for ctx.Err() == nil {
		h.listenOnce(ctx, markReady)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (h *Hub) listenOnce(ctx context.Context, markReady func()) {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return
	}
	// The connection leaves the pool: a LISTEN must not be handed to
	// another user of the pool.
	pc := conn.Hijack()
	defer pc.Close(context.WithoutCancel(ctx))
	if _, err := pc.Exec(ctx, "LISTEN "+AnnounceChannel); err != nil {
		return
	}
	markReady()
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return
		}
		var raw struct {
			Username string   `json:"username"`
			ID       int64    `json:"id"`
			Roles    []string `json:"roles"`
			AlertID  int64    `json:"alertId"`
		}
		if json.Unmarshal([]byte(n.Payload), &raw) != nil {
			continue
		}
		if raw.Roles != nil {
			h.dispatchToRoles(raw.Roles, Event{AlertID: raw.AlertID})
		} else {
			h.dispatch(raw.Username, Event{ID: raw.ID})
		}
	}
}

func (h *Hub) dispatch(username string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.send(username, e)
}

func (h *Hub) dispatchToRoles(roles []string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for username, role := range h.roles {
		if slices.Contains(roles, role) {
			h.send(username, e)
		}
	}
}

// send hands e to username's streams; h.mu is held.
func (h *Hub) send(username string, e Event) {
	for ch := range h.subs[username] {
		select {
		case ch <- e:
		default:
			// A stream that does not keep up loses the event; the next
			// one (or the client's poll) brings the inbox up to date.
		}
	}
}
