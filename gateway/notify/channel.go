package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel names.
const (
	ChannelInApp   = "inapp"
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
	ChannelSMS     = "sms"
	ChannelIM      = "im"
)

// Channels lists every channel, in the order the settings page shows them.
var Channels = []string{ChannelInApp, ChannelEmail, ChannelWebhook, ChannelSMS, ChannelIM}

// Delivery is one message to one user on one channel.
type Delivery struct {
	ID        int64
	MessageID int64
	Username  string
	Message   Message
	CreatedAt time.Time
	// Contact is where the user is reached outside the web app.
	Contact Contact
}

// Channel sends deliveries. Send must be safe to call again for a
// delivery it may already have sent (the worker stops calling it once it
// recorded success, but a crash between the two calls it again).
type Channel interface {
	Name() string
	Send(ctx context.Context, d Delivery) error
}

// ErrNotConfigured is returned by a channel the node has no settings
// for; the delivery is recorded as not_configured and not retried.
var ErrNotConfigured = errors.New("notify: channel not configured")

// ErrNoAddress is returned when the user left the channel's address
// empty; like ErrNotConfigured it is final.
var ErrNoAddress = errors.New("notify: user has no address for the channel")

// Unconfigured stands for a channel (SMS, IM) this node has no provider
// for: every delivery is refused with ErrNotConfigured, so the delivery
// log says so rather than pretending it was sent. A provider's
// implementation of Channel replaces it with WithChannel.
type Unconfigured struct{ Channel string }

// Name is the channel's name.
func (u Unconfigured) Name() string { return u.Channel }

// Send refuses.
func (u Unconfigured) Send(context.Context, Delivery) error {
	return fmt.Errorf("%w: %s", ErrNotConfigured, u.Channel)
}

// inApp puts the message in the user's inbox (the bell); the unique index
// on (message_id, username) makes a repeated send harmless, and the
// insert's trigger wakes the user's open streams.
type inApp struct{ pool *pgxpool.Pool }

func (inApp) Name() string { return ChannelInApp }

func (c inApp) Send(ctx context.Context, d Delivery) error {
	_, err := c.pool.Exec(ctx, `INSERT INTO notifications (username, message_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (message_id, username) WHERE message_id IS NOT NULL DO NOTHING`, d.Username, d.MessageID, d.CreatedAt)
	if err != nil {
		return fmt.Errorf("store in-app notification: %w", err)
	}
	return nil
}

// load reads delivery id with its message, locking the delivery row in
// tx; ok is false when another worker holds it.
func load(ctx context.Context, tx pgx.Tx, id int64) (d Delivery, channel, status string, ok bool, err error) {
	var params []byte
	err = tx.QueryRow(ctx, `SELECT d.id, d.message_id, d.username, d.channel, d.status, m.source, m.kind, m.subject, m.params,
		m.severity, m.link, m.created_at FROM notify_deliveries d JOIN notify_messages m ON m.id = d.message_id
		WHERE d.id = $1 FOR UPDATE OF d SKIP LOCKED`, id).Scan(&d.ID, &d.MessageID, &d.Username, &channel, &status,
		&d.Message.Source, &d.Message.Kind, &d.Message.Subject, &params, &d.Message.Severity, &d.Message.Link, &d.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, "", "", false, nil
	}
	if err != nil {
		return d, "", "", false, fmt.Errorf("read delivery %d: %w", id, err)
	}
	if err := json.Unmarshal(params, &d.Message.Params); err != nil {
		return d, "", "", false, fmt.Errorf("read delivery %d params: %w", id, err)
	}
	return d, channel, status, true, nil
}
