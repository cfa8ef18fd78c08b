package receipts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/internal/pgpage"
)

// ErrNoWebhook reports an enterprise without a webhook.
var ErrNoWebhook = errors.New("no webhook configured")

// ErrSecretRequired reports a first webhook configuration without a secret.
var ErrSecretRequired = errors.New("a secret is required to configure a webhook")

// Store keeps read marks, webhooks and deliveries in PostgreSQL.
type Store struct {
	pool   *pgxpool.Pool
	sealer *Sealer
}

// NewStore returns the store over pool; sealer seals webhook secrets.
func NewStore(pool *pgxpool.Pool, sealer *Sealer) *Store {
	return &Store{pool: pool, sealer: sealer}
}

// MarkRead records that enterpriseID has read a receipt; marking it again
// keeps the first mark.
func (s *Store) MarkRead(ctx context.Context, enterpriseID, receiptID, by string) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO receipt_reads (enterprise_id, receipt_id, read_by) VALUES ($1, $2, $3)
		ON CONFLICT (enterprise_id, receipt_id) DO NOTHING`, enterpriseID, receiptID, by); err != nil {
		return fmt.Errorf("mark receipt %s read: %w", receiptID, err)
	}
	return nil
}

// ReadAmong returns which of receiptIDs enterpriseID has read.
func (s *Store) ReadAmong(ctx context.Context, enterpriseID string, receiptIDs []string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT receipt_id FROM receipt_reads WHERE enterprise_id = $1 AND receipt_id = ANY($2)`,
		enterpriseID, receiptIDs)
	if err != nil {
		return nil, fmt.Errorf("read receipt marks: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read receipt marks: %w", err)
	}
	read := make(map[string]bool, len(ids))
	for _, id := range ids {
		read[id] = true
	}
	return read, nil
}

// CountRead counts the receipts enterpriseID has marked read.
func (s *Store) CountRead(ctx context.Context, enterpriseID string) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM receipt_reads WHERE enterprise_id = $1`, enterpriseID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count read receipts of %s: %w", enterpriseID, err)
	}
	return n, nil
}

// Webhook is an enterprise's webhook as shown to it: never the secret.
type Webhook struct {
	URL       string `json:"url"`
	SecretSet bool   `json:"secretSet"`
}

// Webhook returns enterpriseID's webhook, or ErrNoWebhook.
func (s *Store) Webhook(ctx context.Context, enterpriseID string) (Webhook, error) {
	var w Webhook
	err := s.pool.QueryRow(ctx, `SELECT url, true FROM webhooks WHERE enterprise_id = $1`, enterpriseID).Scan(&w.URL, &w.SecretSet)
	if errors.Is(err, pgx.ErrNoRows) {
		return Webhook{}, ErrNoWebhook
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("read webhook of %s: %w", enterpriseID, err)
	}
	return w, nil
}

// SetWebhook configures enterpriseID's webhook. An empty secret keeps the
// current one (ErrSecretRequired when there is none). Deliveries still
// owed to the enterprise are retried at once at the new address.
func (s *Store) SetWebhook(ctx context.Context, enterpriseID, url, secret, by string) (Webhook, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if secret == "" {
			tag, err := tx.Exec(ctx, `UPDATE webhooks SET url = $2, updated_by = $3, updated_at = now() WHERE enterprise_id = $1`, enterpriseID, url, by)
			if err != nil {
				return fmt.Errorf("update webhook of %s: %w", enterpriseID, err)
			}
			if tag.RowsAffected() == 0 {
				return ErrSecretRequired
			}
		} else {
			sealed, err := s.sealer.Seal(enterpriseID, []byte(secret))
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO webhooks (enterprise_id, url, secret_sealed, updated_by) VALUES ($1, $2, $3, $4)
				ON CONFLICT (enterprise_id) DO UPDATE SET url = EXCLUDED.url, secret_sealed = EXCLUDED.secret_sealed,
				updated_by = EXCLUDED.updated_by, updated_at = now()`, enterpriseID, url, sealed, by); err != nil {
				return fmt.Errorf("set webhook of %s: %w", enterpriseID, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = now() WHERE enterprise_id = $1 AND delivered_at IS NULL`, enterpriseID); err != nil {
			return fmt.Errorf("reschedule deliveries of %s: %w", enterpriseID, err)
		}
		return nil
	})
	if err != nil {
		return Webhook{}, err
	}
	return Webhook{URL: url, SecretSet: true}, nil
}

// target is where and how a delivery is sent now.
func (s *Store) target(ctx context.Context, enterpriseID string) (string, []byte, error) {
	var url string
	var sealed []byte
	err := s.pool.QueryRow(ctx, `SELECT url, secret_sealed FROM webhooks WHERE enterprise_id = $1`, enterpriseID).Scan(&url, &sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, ErrNoWebhook
	}
	if err != nil {
		return "", nil, fmt.Errorf("read webhook of %s: %w", enterpriseID, err)
	}
	secret, err := s.sealer.Open(enterpriseID, sealed)
	if err != nil {
		return "", nil, err
	}
	return url, secret, nil
}

// Delivery is one receipt's delivery to its enterprise's webhook.
type Delivery struct {
	ReceiptID     string     `json:"receiptId"`
	Attempts      int        `json:"attempts"`
	LastStatus    *int       `json:"lastStatus"`
	LastError     string     `json:"lastError"`
	LastAttemptAt *time.Time `json:"lastAttemptAt"`
	NextAttemptAt *time.Time `json:"nextAttemptAt"`
	DeliveredAt   *time.Time `json:"deliveredAt"`
	CreatedAt     time.Time  `json:"createdAt"`
}

// Deliveries lists enterpriseID's deliveries, newest first, and their
// total.
func (s *Store) Deliveries(ctx context.Context, enterpriseID string, page, pageSize int) ([]Delivery, int, error) {
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{
		Columns: `receipt_id, attempts, last_status, last_error, last_attempt_at,
			CASE WHEN delivered_at IS NULL THEN next_attempt_at END, delivered_at, created_at`,
		From: `webhook_deliveries WHERE enterprise_id = $1`, OrderBy: `created_at DESC, receipt_id DESC`,
	}, []any{enterpriseID}, pageSize, (page-1)*pageSize, func(row pgx.Row) (Delivery, error) {
		var d Delivery
		err := row.Scan(&d.ReceiptID, &d.Attempts, &d.LastStatus, &d.LastError, &d.LastAttemptAt, &d.NextAttemptAt, &d.DeliveredAt, &d.CreatedAt)
		d.LastError = shownFailure(d.LastError)
		return d, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list deliveries: %w", err)
	}
	return items, total, nil
}
