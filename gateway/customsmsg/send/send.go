// Package send sends our documents to customs' own systems as national
// messages (gateway/customsmsg/outgoing) and keeps the send log: every
// message as sent, its attempts, its outcome and the receipts that came
// back. A send is a row of customs_outbox and a job of the node's River
// queue, written in one transaction; the job hands the stored bytes to the
// Transport and retries with River's backoff.
package send

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg/outgoing"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Documents is what a send reads of the ledger's mirror
// (gateway.ReadModel).
type Documents interface {
	Document(ctx context.Context, id string) (query.DocumentView, error)
	Enterprise(ctx context.Context, id string) (model.Enterprise, error)
	SearchDocuments(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error)
}

// Config says how this node talks to customs.
type Config struct {
	// Transport hands messages over; nil: this node sends nothing, and a
	// send is refused (the send log still lists what was sent before).
	Transport Transport
	// CustomsArea, SysID, OperatorCode and IcCardNo go into every message
	// (outgoing.Context).
	CustomsArea, SysID, OperatorCode, IcCardNo string
	// Location is the zone's time zone for the messages' dates (default
	// Asia/Shanghai).
	Location *time.Location
	// Auto sends the message of a document once it is declared
	// (SendDeclared, run by the job queue).
	Auto bool
}

// Service sends messages and lists the send log.
type Service struct {
	pool     *pgxpool.Pool
	inserter *river.Client[pgx.Tx]
	docs     Documents
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	// started is when this service was made: automatic sending begins
	// then on a node's first start, not when the job queue first gets
	// round to it.
	started time.Time
}

// New returns a Service.
func New(pool *pgxpool.Pool, docs Documents, cfg Config, log *slog.Logger) (*Service, error) {
	// Insert-only: the node's job queue (internal/jobs) works the jobs.
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("customs messages: job inserter: %w", err)
	}
	if cfg.Location == nil {
		if cfg.Location, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			cfg.Location = time.FixedZone("CST", 8*3600)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{pool: pool, inserter: inserter, docs: docs, cfg: cfg, log: log, now: time.Now, started: time.Now()}, nil
}

// Enabled reports whether this node sends messages.
func (s *Service) Enabled() bool { return s.cfg.Transport != nil }

// AutoSend reports whether declared documents are sent on their own.
func (s *Service) AutoSend() bool { return s.cfg.Auto && s.Enabled() }

// Request asks for a document's message to be sent.
type Request struct {
	// SasDclNo is the business application (业务申报表, SAS101) a warehouse
	// receipt is declared under; empty: the one the enterprise's last
	// warehouse receipt was sent with.
	SasDclNo string `json:"sasDclNo,omitempty"`
}

// Send builds the message of documentID and queues it, for user u: customs,
// or the enterprise that declared the document (the tender's 手动同步请求).
// A document whose message cannot be built changes nothing: the problems
// are returned.
func (s *Service) Send(ctx context.Context, u accounts.User, documentID string, req Request) (Entry, error) {
	if !s.Enabled() {
		return Entry{}, apierror.Newf(apierror.Conflict,
			"this node does not send national messages: no transport is configured",
			"本节点未配置海关报文发送通道，无法发送报文")
	}
	d, err := s.docs.Document(ctx, documentID)
	if err != nil {
		return Entry{}, err
	}
	if u.Role == accounts.RoleEnterprise && d.EnterpriseID != u.EnterpriseID {
		// As for every document of another enterprise: not found.
		return Entry{}, apierror.From(query.ErrNotFound)
	}
	if d.Status == model.DocVoided {
		return Entry{}, apierror.Newf(apierror.Conflict, fmt.Sprintf("document %s is voided; it is not sent to customs", d.ID),
			fmt.Sprintf("单证%s已删单，不再向海关发送报文", d.ID))
	}
	m, sasDclNo, err := s.build(ctx, d.Document, req.SasDclNo)
	if err != nil {
		return Entry{}, err
	}
	id, err := s.queue(ctx, d.Document, m, u.Username, sasDclNo)
	if err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

// build writes d's message and checks it.
func (s *Service) build(ctx context.Context, d model.Document, sasDclNo string) (outgoing.Message, string, error) {
	typ := outgoing.TypeOf(d.Family)
	if typ == "" {
		return outgoing.Message{}, "", apierror.Newf(apierror.ValidationFailed,
			fmt.Sprintf("%s documents are reviewed on this platform; they have no national message", d.Family),
			"该类单证由本平台审核，没有对应的海关报文")
	}
	e, err := s.docs.Enterprise(ctx, d.EnterpriseID)
	if err != nil {
		return outgoing.Message{}, "", err
	}
	seqNo, err := s.seqNo(ctx, d.ID)
	if err != nil {
		return outgoing.Message{}, "", err
	}
	if typ == outgoing.TypeStock && sasDclNo == "" {
		if sasDclNo, err = s.lastSasDclNo(ctx, d.EnterpriseID); err != nil {
			return outgoing.Message{}, "", err
		}
	}
	c := outgoing.Context{
		Declarant:   outgoing.Party{Sccd: e.ID, CustomsCode: e.CustomsCode, Name: e.Name},
		CustomsArea: s.cfg.CustomsArea, SysID: s.cfg.SysID, OperatorCode: s.cfg.OperatorCode, IcCardNo: s.cfg.IcCardNo,
		SeqNo: seqNo, SasDclNo: sasDclNo, Declare: true, Now: s.now(), Location: s.cfg.Location,
	}
	m, err := outgoing.Build(d, c)
	if errors.Is(err, outgoing.ErrUnmapped) {
		return outgoing.Message{}, "", apierror.Newf(apierror.ValidationFailed, "the document cannot be written as "+typ+": "+err.Error(),
			"单证无法生成"+typ+"报文：代码表中没有该国别或币制（"+err.Error()+"）").WithCause(err)
	}
	if err != nil {
		return outgoing.Message{}, "", err
	}
	if ps := outgoing.Check(m); len(ps) > 0 {
		return outgoing.Message{}, "", invalidMessage(typ, ps)
	}
	return m, sasDclNo, nil
}

// invalidMessage reports the fields of a message that break the field
// tables, by their national names.
func invalidMessage(typ string, ps []outgoing.Problem) error {
	var details []validation.Problem
	for _, p := range ps {
		details = append(details, validation.Problem{Field: p.Field, Rule: p.Rule,
			Message: p.Why, MessageZh: "报文字段" + p.Field + "不符合" + typ + "字段要求"})
	}
	e := apierror.Invalid(details...)
	e.Message = fmt.Sprintf("the document cannot be written as a valid %s (%d fields)", typ, len(ps))
	e.MessageZh = fmt.Sprintf("单证无法生成有效的%s报文（%d个字段不符合要求）", typ, len(ps))
	return e
}

// preEntryNo is the 18-digit 预录入统一编号 an import result gives.
var preEntryNo = regexp.MustCompile(`^[0-9]{18}$`)

// seqNo is the pre-entry number the import result of an earlier send tied
// to the document (gateway/customsmsg/inbox), for a resend to carry.
func (s *Service) seqNo(ctx context.Context, documentID string) (string, error) {
	rows, err := s.pool.Query(ctx, `SELECT number FROM customs_numbers WHERE document_id = $1 AND learnt_from = 'CommonResponeMessage'
		ORDER BY learnt_at DESC`, documentID)
	if err != nil {
		return "", fmt.Errorf("pre-entry number of %s: %w", documentID, err)
	}
	numbers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("pre-entry number of %s: %w", documentID, err)
	}
	for _, n := range numbers {
		if preEntryNo.MatchString(n) {
			return n, nil
		}
	}
	return "", nil
}

func (s *Service) lastSasDclNo(ctx context.Context, enterpriseID string) (string, error) {
	var no string
	err := s.pool.QueryRow(ctx, `SELECT sas_dcl_no FROM customs_outbox WHERE enterprise_id = $1 AND message_type = $2
		AND sas_dcl_no <> '' ORDER BY id DESC LIMIT 1`, enterpriseID, outgoing.TypeStock).Scan(&no)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("last business application of %s: %w", enterpriseID, err)
	}
	return no, nil
}

// queue stores m and its job in one transaction.
func (s *Service) queue(ctx context.Context, d model.Document, m outgoing.Message, by, sasDclNo string) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO customs_outbox (document_id, enterprise_id, message_type, file_name, body, requested_by,
		sas_dcl_no, status, transport, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9) RETURNING id`,
		d.ID, d.EnterpriseID, m.Type, m.FileName, m.XML, by, sasDclNo, s.cfg.Transport.Name(), s.now().UTC()).Scan(&id); err != nil {
		return 0, fmt.Errorf("store %s of %s: %w", m.Type, d.ID, err)
	}
	if _, err := s.inserter.InsertTx(ctx, tx, Args{OutboxID: id}, nil); err != nil {
		return 0, fmt.Errorf("queue %s of %s: %w", m.Type, d.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	s.log.Info("national message queued", "outbox", id, "document", d.ID, "type", m.Type, "by", by)
	return id, nil
}

// recordUnbuildable keeps, for an automatic send, why the message could
// not be built: the send log shows it, and the document is not tried again
// each round (a send by hand is, once the cause is mended).
func (s *Service) recordUnbuildable(ctx context.Context, d model.Document, reason string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO customs_outbox (document_id, enterprise_id, message_type, file_name, body, requested_by,
		status, last_error, created_at) VALUES ($1, $2, $3, '', '', $4, 'failed', $5, $6)`,
		d.ID, d.EnterpriseID, outgoing.TypeOf(d.Family), AutoRequester, reason, s.now().UTC())
	if err != nil {
		return fmt.Errorf("record unbuildable message of %s: %w", d.ID, err)
	}
	return nil
}

// AutoRequester is requested_by of the sends made on declaration.
const AutoRequester = "auto"

// describe renders an error of build for the send log.
func describe(err error) string {
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		parts := []string{apiErr.Message}
		for _, p := range apiErr.Details {
			parts = append(parts, p.Field+" "+p.Message)
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}
