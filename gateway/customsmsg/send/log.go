package send

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg"
	"zonetrace/indexer/query"
)

// Entry is one message of the send log.
type Entry struct {
	ID           int64      `json:"id"`
	DocumentID   string     `json:"documentId"`
	EnterpriseID string     `json:"enterpriseId"`
	MessageType  string     `json:"messageType"`
	FileName     string     `json:"fileName"`
	RequestedBy  string     `json:"requestedBy"`
	SasDclNo     string     `json:"sasDclNo,omitempty"`
	Status       string     `json:"status"`
	Attempts     []Attempt  `json:"attempts"`
	LastError    string     `json:"lastError,omitempty"`
	Transport    string     `json:"transport,omitempty"`
	Reference    string     `json:"reference,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	SentAt       *time.Time `json:"sentAt,omitempty"`
	// ImportResult is the Single Window client's answer to the file:
	// imported or refused (empty until it comes back), ImportNote its
	// CheckInfo.
	ImportResult string `json:"importResult,omitempty"`
	ImportNote   string `json:"importNote,omitempty"`
	// StorageResult is customs' storage receipt (INV200/SAS200) of the
	// message: stored or not_stored (empty until it comes back),
	// StorageNote its remark.
	StorageResult string `json:"storageResult,omitempty"`
	StorageNote   string `json:"storageNote,omitempty"`
	// SeqNo is the pre-entry number customs' import result gave the
	// document, once it came back.
	SeqNo string `json:"seqNo,omitempty"`
	// Receipts are the receipts applied to the document since.
	Receipts []ReceiptRef `json:"receipts"`
}

// Attempt is one hand-over to the transport.
type Attempt struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Error   string    `json:"error,omitempty"`
}

// ReceiptRef names a receipt that came back.
type ReceiptRef struct {
	ID          string    `json:"id"`
	MessageType string    `json:"messageType"`
	Status      string    `json:"status"`
	ReceivedAt  time.Time `json:"receivedAt"`
}

// Filter selects send-log entries.
type Filter struct {
	DocumentID string
	Status     string
	// Limit is at most MaxLimit (default DefaultLimit); Before pages back
	// from an entry id.
	Limit  int
	Before int64
}

// Limits of Filter.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

var statuses = []string{"queued", "sent", "failed"}

// List returns the send log, newest first: customs sees every message, an
// enterprise the messages of its documents.
func (s *Service) List(ctx context.Context, u accounts.User, f Filter) ([]Entry, error) {
	if f.Status != "" && !contains(statuses, f.Status) {
		return nil, apierror.Newf(apierror.BadRequest, "status must be one of queued, sent, failed", "状态只能是 queued、sent 或 failed")
	}
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxLimit)
	enterprise := ""
	if u.Role == accounts.RoleEnterprise {
		enterprise = u.EnterpriseID
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM customs_outbox WHERE ($1 = '' OR enterprise_id = $1) AND ($2 = '' OR document_id = $2)
		AND ($3 = '' OR status = $3) AND ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $5`, enterprise, f.DocumentID, f.Status, f.Before, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list customs messages: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("list customs messages: %w", err)
	}
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		e, err := s.entry(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Body returns the message as sent, for user u.
func (s *Service) Body(ctx context.Context, u accounts.User, id int64) (Entry, []byte, error) {
	e, err := s.entry(ctx, id)
	if err != nil {
		return Entry{}, nil, err
	}
	if u.Role == accounts.RoleEnterprise && e.EnterpriseID != u.EnterpriseID {
		return Entry{}, nil, apierror.From(query.ErrNotFound)
	}
	var body []byte
	if err := s.pool.QueryRow(ctx, `SELECT body FROM customs_outbox WHERE id = $1`, id).Scan(&body); err != nil {
		return Entry{}, nil, fmt.Errorf("message %d: %w", id, err)
	}
	return e, body, nil
}

func (s *Service) entry(ctx context.Context, id int64) (Entry, error) {
	var e Entry
	err := s.pool.QueryRow(ctx, `SELECT id, document_id, enterprise_id, message_type, file_name, requested_by, sas_dcl_no, status,
		last_error, transport, reference, created_at, sent_at, import_result, import_note, storage_result, storage_note
		FROM customs_outbox WHERE id = $1`, id).Scan(
		&e.ID, &e.DocumentID, &e.EnterpriseID, &e.MessageType, &e.FileName, &e.RequestedBy, &e.SasDclNo, &e.Status,
		&e.LastError, &e.Transport, &e.Reference, &e.CreatedAt, &e.SentAt, &e.ImportResult, &e.ImportNote,
		&e.StorageResult, &e.StorageNote)
	if errors.Is(err, pgx.ErrNoRows) {
		return Entry{}, apierror.From(query.ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("customs message %d: %w", id, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT attempt, at, error FROM customs_outbox_attempts WHERE outbox_id = $1 ORDER BY attempt`, id)
	if err != nil {
		return Entry{}, fmt.Errorf("attempts of message %d: %w", id, err)
	}
	if e.Attempts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Attempt]); err != nil {
		return Entry{}, fmt.Errorf("attempts of message %d: %w", id, err)
	}
	if e.SeqNo, err = s.seqNo(ctx, e.DocumentID); err != nil {
		return Entry{}, err
	}
	rows, err = s.pool.Query(ctx, `SELECT id, message_type, status, received_at FROM external_receipts
		WHERE $1 = ANY(document_ids) ORDER BY received_at, id`, e.DocumentID)
	if err != nil {
		return Entry{}, fmt.Errorf("receipts of %s: %w", e.DocumentID, err)
	}
	if e.Receipts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ReceiptRef]); err != nil {
		return Entry{}, fmt.Errorf("receipts of %s: %w", e.DocumentID, err)
	}
	return e, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// RecordImportResult notes the Single Window client's import result on the
// last message sent of its document (EtpsPreentNo is our document id). A
// result for a document this node sent nothing for changes nothing.
func (s *Service) RecordImportResult(ctx context.Context, r customsmsg.ImportResult) error {
	result := "refused"
	if r.OK() {
		result = "imported"
	}
	if _, err := s.pool.Exec(ctx, `UPDATE customs_outbox SET import_result = $2, import_note = $3
		WHERE id = (SELECT max(id) FROM customs_outbox WHERE document_id = $1 AND status = 'sent')`,
		r.EtpsPreentNo, result, r.CheckInfo); err != nil {
		return fmt.Errorf("record import result of %s: %w", r.EtpsPreentNo, err)
	}
	return nil
}

// RecordStorageReceipt notes customs' storage receipt (INV200/SAS200) on the
// last message of its family sent for the document it names: by our
// document id (a first declaration) or by the pre-entry number the import
// result tied to it. A receipt for a document this node sent nothing for
// changes nothing.
func (s *Service) RecordStorageReceipt(ctx context.Context, r customsmsg.StorageReceipt) error {
	result := "not_stored"
	if r.Stored() {
		result = "stored"
	}
	family := r.MessageType[:3] + "%"
	if _, err := s.pool.Exec(ctx, `UPDATE customs_outbox SET storage_result = $3, storage_note = $4
		WHERE id = (SELECT max(o.id) FROM customs_outbox o WHERE o.status = 'sent' AND o.message_type LIKE $2 AND (o.document_id = ANY($1)
			OR o.document_id IN (SELECT document_id FROM customs_numbers WHERE number = ANY($1))))`,
		r.Numbers(), family, result, r.Remark); err != nil {
		return fmt.Errorf("record storage receipt %s of %v: %w", r.MessageType, r.Numbers(), err)
	}
	return nil
}
