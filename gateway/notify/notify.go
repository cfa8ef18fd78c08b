// Package notify tells users of events from any source (the risk alert
// engine, the operation log, …): Publish stores one message in the
// caller's transaction together with one delivery per recipient × channel
// the recipient subscribes to, and queues a River job per delivery. The
// jobs send through the channels (in-app inbox, e-mail, webhook; SMS and
// IM unconfigured), retried with River's backoff; a delivery row is sent
// at most once, so a job run twice, or by another process after a restart,
// does not send again.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
	"zonetrace/chaincode/model"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Kinds of the risk alert engine (issue 11), as chaincode/model names
// them; the UI and the e-mail templates word each in Chinese.
const (
	KindLongStorage     = string(model.AlertLongStorage)
	KindHighRisk        = string(model.AlertHighRisk)
	KindHighValue       = string(model.AlertHighValue)
	KindPriceDifference = string(model.AlertPriceDifference)
	KindQuarantine      = string(model.AlertQuarantine)
)

// KindExporterExpiring: a confirmed exporter's registration ends soon
// (gateway/exporters).
const KindExporterExpiring = "exporter_expiring"

// Kinds lists every kind a message may have, in the order the settings
// page shows them.
var Kinds = func() []string {
	out := make([]string, len(model.AlertKinds))
	for i, k := range model.AlertKinds {
		out[i] = string(k)
	}
	return append(out, KindExporterExpiring)
}()

// Severities of a message.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

var severities = []string{SeverityInfo, SeverityWarning, SeverityCritical}

// Audience says who receives a message: the named users, and the active
// users of Roles (all roles when empty) in EnterpriseID (any enterprise
// when empty). Roles or EnterpriseID alone select; neither with no
// Usernames is refused.
type Audience struct {
	Roles        []string `json:"roles,omitempty"`
	EnterpriseID string   `json:"enterpriseId,omitempty"`
	Usernames    []string `json:"usernames,omitempty"`
}

// Message is one event to tell users of. The wording is built from Kind,
// Subject and Params by the UI and the e-mail templates, never stored.
type Message struct {
	// Source names the producer ("risk", …).
	Source string `json:"source"`
	Kind   string `json:"kind"`
	// Subject is what the message is about: a trace code, a document or an
	// enterprise id.
	Subject  string         `json:"subject"`
	Params   map[string]any `json:"params"`
	Severity string         `json:"severity"`
	// Link is the web app path that shows the subject ("/alerts/42").
	Link     string   `json:"link"`
	Audience Audience `json:"-"`
}

// ErrInvalidMessage reports a message Publish refuses.
var ErrInvalidMessage = errors.New("notify: invalid message")

func (m Message) validate() error {
	switch {
	case m.Source == "":
		return fmt.Errorf("%w: no source", ErrInvalidMessage)
	case !slices.Contains(Kinds, m.Kind):
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidMessage, m.Kind)
	case m.Subject == "":
		return fmt.Errorf("%w: no subject", ErrInvalidMessage)
	case !slices.Contains(severities, m.Severity):
		return fmt.Errorf("%w: unknown severity %q", ErrInvalidMessage, m.Severity)
	case len(m.Audience.Usernames) == 0 && len(m.Audience.Roles) == 0 && m.Audience.EnterpriseID == "":
		return fmt.Errorf("%w: no audience", ErrInvalidMessage)
	}
	return nil
}

// Service publishes messages and works their deliveries.
type Service struct {
	pool     *pgxpool.Pool
	inserter *river.Client[pgx.Tx]
	channels map[string]Channel
	log      *slog.Logger
	now      func() time.Time
	hub      *Hub
	sealer   Sealer
	urls     URLChecker
}

// Option configures a Service.
type Option func(*Service)

// WithChannel adds (or replaces, by name) a channel.
func WithChannel(c Channel) Option { return func(s *Service) { s.channels[c.Name()] = c } }

// WithSealer seals the users' webhook secrets at rest.
func WithSealer(sl Sealer) Option { return func(s *Service) { s.sealer = sl } }

// WithURLChecker checks the users' webhook addresses when they are set.
func WithURLChecker(c URLChecker) Option { return func(s *Service) { s.urls = c } }

// WithLogger logs deliveries to l.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// New returns a Service with the in-app channel and the channels of opts;
// SMS and IM are present and report themselves not configured unless an
// option replaces them.
func New(pool *pgxpool.Pool, opts ...Option) (*Service, error) {
	// An insert-only client: the process's job queue (internal/jobs) or a
	// test's clients work the jobs.
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("notify: job inserter: %w", err)
	}
	s := &Service{pool: pool, inserter: inserter, channels: map[string]Channel{}, log: slog.New(slog.DiscardHandler),
		now: time.Now, hub: NewHub(pool)}
	s.channels[ChannelInApp] = inApp{pool: pool}
	s.channels[ChannelSMS] = Unconfigured{Channel: ChannelSMS}
	s.channels[ChannelIM] = Unconfigured{Channel: ChannelIM}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Hub returns the live stream of new inbox rows.
func (s *Service) Hub() *Hub { return s.hub }

// Publish stores m and its deliveries in tx and queues their jobs in tx:
// nothing is sent unless tx commits, and everything is once it does. It
// returns the message id.
func (s *Service) Publish(ctx context.Context, tx pgx.Tx, m Message) (int64, error) {
	if err := m.validate(); err != nil {
		return 0, err
	}
	if m.Params == nil {
		m.Params = map[string]any{}
	}
	params, err := json.Marshal(m.Params)
	if err != nil {
		return 0, fmt.Errorf("%w: params: %w", ErrInvalidMessage, err)
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO notify_messages (source, kind, subject, params, severity, link, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, m.Source, m.Kind, m.Subject, params, m.Severity, m.Link,
		s.now().UTC()).Scan(&id); err != nil {
		return 0, fmt.Errorf("store message: %w", err)
	}
	recipients, err := audience(ctx, tx, m.Audience)
	if err != nil {
		return 0, err
	}
	subs, err := subscriptionsOf(ctx, tx, recipients)
	if err != nil {
		return 0, err
	}
	var jobs []river.InsertManyParams
	for _, r := range recipients {
		for _, ch := range Channels {
			if _, ok := s.channels[ch]; !ok || !subs.enabled(r, m.Kind, ch) {
				continue
			}
			var did int64
			if err := tx.QueryRow(ctx, `INSERT INTO notify_deliveries (message_id, username, channel) VALUES ($1, $2, $3)
				RETURNING id`, id, r.Username, ch).Scan(&did); err != nil {
				return 0, fmt.Errorf("store delivery: %w", err)
			}
			jobs = append(jobs, river.InsertManyParams{Args: DeliverArgs{DeliveryID: did}})
		}
	}
	if len(jobs) > 0 {
		if _, err := s.inserter.InsertManyTx(ctx, tx, jobs); err != nil {
			return 0, fmt.Errorf("queue deliveries: %w", err)
		}
	}
	return id, nil
}

// recipient is an active user a message goes to.
type recipient struct {
	Username string
	Role     string
}

func audience(ctx context.Context, tx pgx.Tx, a Audience) ([]recipient, error) {
	roles := a.Roles
	if roles == nil {
		roles = []string{}
	}
	users := a.Usernames
	if users == nil {
		users = []string{}
	}
	rows, err := tx.Query(ctx, `SELECT username, role FROM users WHERE disabled_at IS NULL AND (username = ANY($1)
		OR ((cardinality($2::text[]) > 0 OR $3 <> '') AND (cardinality($2::text[]) = 0 OR role = ANY($2))
		AND ($3 = '' OR enterprise_id = $3))) ORDER BY username`, users, roles, a.EnterpriseID)
	if err != nil {
		return nil, fmt.Errorf("find recipients: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[recipient])
}
