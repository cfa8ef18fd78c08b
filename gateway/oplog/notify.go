package oplog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Alert is a rule that fired on a log row.
type Alert struct {
	ID             int64          `json:"id"`
	Seq            int64          `json:"seq"`
	Rule           string         `json:"rule"`
	RuleSetVersion int            `json:"ruleSetVersion"`
	Subject        string         `json:"subject"`
	Params         map[string]any `json:"params"`
	At             time.Time      `json:"at"`
}

// Message is a notification from another source (gateway/notify: the
// risk alert engine, …); the UI words it in Chinese from Kind, Subject and
// Params.
type Message struct {
	ID       int64          `json:"id"`
	Source   string         `json:"source"`
	Kind     string         `json:"kind"`
	Subject  string         `json:"subject"`
	Params   map[string]any `json:"params"`
	Severity string         `json:"severity"`
	Link     string         `json:"link"`
}

// Notification tells one user of an alert of the operation log (Alert) or
// of a message (Message); the UI words it in Chinese from Alert.Rule and
// Alert.Params, or from the message.
type Notification struct {
	ID        int64      `json:"id"`
	CreatedAt time.Time  `json:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty"`
	Alert     *Alert     `json:"alert,omitempty"`
	Message   *Message   `json:"message,omitempty"`
}

// Inbox is a user's newest notifications and how many are unread.
type Inbox struct {
	Items  []Notification `json:"items"`
	Unread int            `json:"unread"`
}

// maxInbox is how many notifications one Notifications call returns.
const maxInbox = 50

// Notifications returns username's newest notifications (only unread ones
// when unreadOnly).
func (l *Log) Notifications(ctx context.Context, username string, unreadOnly bool) (Inbox, error) {
	if err := l.deliverAlerts(ctx, username); err != nil {
		return Inbox{}, err
	}
	in := Inbox{Items: []Notification{}}
	if err := l.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE username = $1 AND read_at IS NULL`,
		username).Scan(&in.Unread); err != nil {
		return Inbox{}, fmt.Errorf("count notifications: %w", err)
	}
	rows, err := l.pool.Query(ctx, `SELECT n.id, n.created_at, n.read_at, a.id, a.seq, a.rule, a.rule_set_version, a.subject,
		a.params, a.at, m.id, m.source, m.kind, m.subject, m.params, m.severity, m.link
		FROM notifications n LEFT JOIN operation_log_alerts a ON a.id = n.alert_id LEFT JOIN notify_messages m ON m.id = n.message_id
		WHERE n.username = $1 AND ($2 = false OR n.read_at IS NULL) ORDER BY n.created_at DESC, n.id DESC LIMIT $3`, username, unreadOnly, maxInbox)
	if err != nil {
		return Inbox{}, fmt.Errorf("list notifications: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Notification, error) {
		var (
			n                 Notification
			alertID, seq, mID *int64
			rule, aSubject    *string
			version           *int
			alertAt           *time.Time
			aParams, mParams  []byte
			source, kind      *string
			mSubject, sev, ln *string
		)
		err := row.Scan(&n.ID, &n.CreatedAt, &n.ReadAt, &alertID, &seq, &rule, &version, &aSubject, &aParams, &alertAt,
			&mID, &source, &kind, &mSubject, &mParams, &sev, &ln)
		if err != nil {
			return n, err
		}
		if alertID != nil {
			n.Alert = &Alert{ID: *alertID, Seq: *seq, Rule: *rule, RuleSetVersion: *version, Subject: *aSubject, At: *alertAt}
			return n, json.Unmarshal(aParams, &n.Alert.Params)
		}
		n.Message = &Message{ID: *mID, Source: *source, Kind: *kind, Subject: *mSubject, Severity: *sev, Link: *ln}
		return n, json.Unmarshal(mParams, &n.Message.Params)
	})
	if err != nil {
		return Inbox{}, fmt.Errorf("read notifications: %w", err)
	}
	in.Items = append(in.Items, items...)
	return in, nil
}

// ErrNoNotification: the user has no notification with that id.
var ErrNoNotification = fmt.Errorf("oplog: no such notification")

// MarkRead marks one of username's notifications read (again is fine).
func (l *Log) MarkRead(ctx context.Context, username string, id int64) error {
	tag, err := l.pool.Exec(ctx, `UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND username = $2`,
		id, username, l.now().UTC())
	if err != nil {
		return fmt.Errorf("mark notification read: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNoNotification
	}
	return nil
}

// MarkAllRead marks every notification of username read.
func (l *Log) MarkAllRead(ctx context.Context, username string) error {
	if err := l.deliverAlerts(ctx, username); err != nil {
		return err
	}
	if _, err := l.pool.Exec(ctx, `UPDATE notifications SET read_at = $2 WHERE username = $1 AND read_at IS NULL`,
		username, l.now().UTC()); err != nil {
		return fmt.Errorf("mark notifications read: %w", err)
	}
	return nil
}

// deliverAlerts copies into username's inbox the alerts raised since they
// were last given one, if their role receives alerts. Alerts are stored
// once when raised and copied here on read, so a burst of alerts costs one
// row each however many recipients there are (gateway migration 00027,
// which also starts a new user's cursor at the alerts raised after their
// account). The cursor moves past every alert looked at, and the unique
// index on (alert, user) makes two reads at once copy an alert once.
func (l *Log) deliverAlerts(ctx context.Context, username string) error {
	if _, err := l.pool.Exec(ctx, `WITH cur AS (
			SELECT c.through FROM notification_alert_cursors c JOIN users u USING (username)
			WHERE c.username = $1 AND u.role = ANY($2)),
		fresh AS (SELECT a.id, a.at FROM operation_log_alerts a, cur WHERE a.id > cur.through),
		moved AS (
			UPDATE notification_alert_cursors c SET through = greatest(c.through, f.last)
			FROM (SELECT max(id) AS last FROM fresh) f WHERE c.username = $1 AND f.last IS NOT NULL)
		INSERT INTO notifications (username, alert_id, created_at)
		SELECT $1, id, at FROM fresh ORDER BY id
		ON CONFLICT (alert_id, username) WHERE alert_id IS NOT NULL DO NOTHING`, username, recipientRoles); err != nil {
		return fmt.Errorf("deliver alerts to %s: %w", username, err)
	}
	return nil
}
