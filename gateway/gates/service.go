package gates

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Documents is what matching reads from the indexer's mirror.
type Documents interface {
	SearchDocuments(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error)
	Document(ctx context.Context, id string) (query.DocumentView, error)
}

// Passer records a document's gate pass on the ledger (the documents
// service's GatePass, signed by the node's zone administration identity).
// requestID makes a retry of the same crossing the same transaction.
type Passer interface {
	GatePass(ctx context.Context, requestID, documentID string) (txID string, err error)
}

// Config tunes a Service.
type Config struct {
	// Window is how far a request's timestamp may be from the clock
	// (default DefaultWindow).
	Window time.Duration
	// CameraURLTemplate builds a crossing's camera playback link:
	// {gate}, {plate}, {from} and {to} (RFC 3339, UTC) are replaced, URL
	// escaped. Empty: no playback links.
	CameraURLTemplate string
	// CameraWindow is how much before and after the crossing the playback
	// covers (default DefaultCameraWindow).
	CameraWindow time.Duration
	// Now is the clock (tests).
	Now func() time.Time
}

// DefaultCameraWindow is the playback's margin around a crossing.
const DefaultCameraWindow = 30 * time.Second

// Service is the gate intake.
type Service struct {
	pool     *pgxpool.Pool
	docs     Documents
	passer   Passer
	inserter *river.Client[pgx.Tx]
	cfg      Config
}

// New returns the gate intake over pool; matched crossings are passed to
// passer by the queue's workers (AddWorkers).
func New(pool *pgxpool.Pool, docs Documents, passer Passer, cfg Config) (*Service, error) {
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("gates: job inserter: %w", err)
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.CameraWindow <= 0 {
		cfg.CameraWindow = DefaultCameraWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{pool: pool, docs: docs, passer: passer, inserter: inserter, cfg: cfg}, nil
}

// EventRequest is the body a gate sends.
type EventRequest struct {
	Plate     string `json:"plate"`
	Direction string `json:"direction"`
	// At is when the vehicle crossed (RFC 3339); a gate may send events it
	// buffered while offline, never ones from the future.
	At       string `json:"at"`
	ImageRef string `json:"imageRef"`
	// DocumentNo is the document number the driver or the gate system
	// gave, if any.
	DocumentNo string `json:"documentNo,omitempty"`
}

// Intake verifies a gate's signed request and stores its event. header
// reads a request header; body is the request body as received. A request
// without a valid signature of an enabled gate, outside the time window or
// with a nonce already used is refused and nothing is stored.
func (s *Service) Intake(ctx context.Context, header func(string) string, body []byte) (Event, error) {
	sig, err := parseHeaders(header)
	if err != nil {
		return Event{}, err
	}
	gate, key, err := loadGate(ctx, s.pool, sig.gateID)
	switch {
	case notFound(err):
		return Event{}, refusal(ReasonGateUnknown, "no gate of this id is registered", "卡口未登记，请求被拒绝",
			model.Params{"gateId": sig.gateID})
	case err != nil:
		return Event{}, wrap("load gate", err)
	case gate.DisabledAt != nil:
		return Event{}, refusal(ReasonGateDisabled, "the gate is disabled", "卡口已停用，请求被拒绝", model.Params{"gateId": gate.ID})
	}
	if !ed25519.Verify(key, SignedMessage(sig.gateID, sig.timestamp, sig.nonce, body), sig.signature) {
		return Event{}, refusal(ReasonSignatureInvalid, "the gate signature does not verify", "卡口签名校验失败：签名与内容不符",
			model.Params{"gateId": gate.ID})
	}
	now := s.cfg.Now()
	if d := now.Sub(sig.at); d > s.cfg.Window || -d > s.cfg.Window {
		return Event{}, refusal(ReasonStaleTimestamp, "the request's timestamp is outside the accepted window",
			fmt.Sprintf("卡口请求时间戳超出允许范围（前后%d秒）", int(s.cfg.Window.Seconds())),
			model.Params{"windowSeconds": int(s.cfg.Window.Seconds())})
	}
	ev, err := s.checkEvent(gate, body, now)
	if err != nil {
		return Event{}, err
	}
	ev.DocumentID, ev.UnmatchedWhy, err = s.match(ctx, ev.Plate, ev.Direction, ev.DocumentNo, true)
	if err != nil {
		return Event{}, err
	}
	stored, err := s.store(ctx, sig, ev, now)
	if documentClaimed(err) {
		// Another crossing claimed the document in between.
		ev.DocumentID, ev.UnmatchedWhy = "", WhyCrossed
		stored, err = s.store(ctx, sig, ev, now)
	}
	return stored, err
}

// checkEvent decodes and checks the body of gate's request.
func (s *Service) checkEvent(gate Gate, body []byte, now time.Time) (Event, error) {
	var req EventRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return Event{}, apierror.Newf(apierror.BadRequest, "the event body is not the expected JSON", "卡口事件内容不是约定的JSON格式").WithCause(err)
	}
	var p validation.Problems
	plate := NormalisePlate(req.Plate)
	switch {
	case plate == "":
		p.Add("plate", "plate is required", "车牌号必填")
	case len([]rune(plate)) > 16 || model.CheckText("plate", plate, model.RequiredSingleLine) != nil:
		p.Add("plate", "plate must be at most 16 printable characters", "车牌号须为不超过16个可见字符")
	}
	switch {
	case req.Direction != DirectionIn && req.Direction != DirectionOut:
		p.Add("direction", "direction must be in or out", "方向须为进（in）或出（out）")
	case gate.Directions != DirectionBoth && gate.Directions != req.Direction:
		p.Add("direction", "the gate does not serve this direction", "该卡口不登记此方向的车辆")
	}
	at, err := time.Parse(time.RFC3339, req.At)
	switch {
	case err != nil:
		p.Add("at", "at must be an RFC 3339 time", "过卡时间格式无效")
	case at.After(now.Add(s.cfg.Window)):
		p.Add("at", "at is in the future", "过卡时间晚于当前时间")
	}
	if len(req.ImageRef) > 512 || model.CheckText("imageRef", req.ImageRef, model.SingleLine) != nil {
		p.Add("imageRef", "imageRef must be at most 512 printable characters", "抓拍图片引用须为不超过512个可见字符")
	}
	docNo := strings.TrimSpace(req.DocumentNo)
	if len(docNo) > 64 || model.CheckText("documentNo", docNo, model.SingleLine) != nil {
		p.Add("documentNo", "documentNo must be at most 64 printable characters", "单证编号须为不超过64个可见字符")
	}
	if err := p.Err(); err != nil {
		return Event{}, err
	}
	return Event{GateID: gate.ID, GateName: gate.Name, GateX: gate.X, GateY: gate.Y, Plate: plate, Vehicle: plate, Direction: req.Direction,
		At: at.UTC(), ImageRef: req.ImageRef, DocumentNo: docNo}, nil
}

// store keeps the nonce and the event in one transaction, with the gate
// pass job of a matched event.
func (s *Service) store(ctx context.Context, sig signed, ev Event, now time.Time) (Event, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return Event{}, wrap("begin", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// Nonces older than the window cannot come back: their timestamps are
	// refused.
	if _, err := tx.Exec(ctx, `DELETE FROM gate_nonces WHERE gate_id = $1 AND seen_at < $2`, sig.gateID,
		now.Add(-2*s.cfg.Window)); err != nil {
		return Event{}, wrap("purge nonces", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO gate_nonces (gate_id, nonce, seen_at) VALUES ($1, $2, $3)`, sig.gateID, sig.nonce, now); err != nil {
		if uniqueViolation(err) {
			return Event{}, refusal(ReasonReplayed, "the request's nonce was used before (a replay)", "卡口请求重复（随机数已使用），请求被拒绝",
				model.Params{"gateId": sig.gateID})
		}
		return Event{}, wrap("store nonce", err)
	}
	ev.State = StateMatched
	if ev.DocumentID == "" {
		ev.State = StateUnmatched
	}
	ev.ReceivedAt = now.UTC()
	if err := tx.QueryRow(ctx, `INSERT INTO gate_events (gate_id, plate, vehicle, direction, at, image_ref, document_no, state, document_id,
		unmatched_why, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		ev.GateID, ev.Plate, ev.Vehicle, ev.Direction, ev.At, ev.ImageRef, ev.DocumentNo, ev.State, ev.DocumentID, ev.UnmatchedWhy,
		ev.ReceivedAt).Scan(&ev.ID); err != nil {
		return Event{}, fmt.Errorf("gates: store event: %w", err)
	}
	if ev.State == StateMatched {
		if _, err := s.inserter.InsertTx(ctx, tx, GatePassArgs{EventID: ev.ID}, nil); err != nil {
			return Event{}, wrap("queue gate pass", err)
		}
	}
	return ev, wrap("commit", tx.Commit(ctx))
}

// NormalisePlate writes a plate the way gates and documents are compared:
// without spaces, dots or hyphens, Latin letters in upper case.
func NormalisePlate(p string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "\u3000", "", "·", "", "-", "", ".", "").Replace(strings.TrimSpace(p)))
}

// kindOf is the movement a crossing in direction carries goods by.
func kindOf(direction string) model.MovementKind {
	if direction == DirectionIn {
		return model.MoveZoneEntry
	}
	return model.MoveZoneExit
}

// unfit says why document d cannot take the gate pass of a crossing in
// direction by plate ("" = it can); checkPlate false leaves the vehicle out
// (the zone admin's judgement).
func (s *Service) unfit(ctx context.Context, d query.DocumentView, plate, direction string, checkPlate bool) (string, error) {
	rule, ok := model.RuleOf(d.Family, d.BusinessType)
	switch {
	case !ok || !rule.Gate:
		return WhyNotGate, nil
	case rule.Kind != kindOf(direction):
		return WhyDirection, nil
	case d.GatePassed != "":
		return WhyCrossed, nil
	case d.Status != model.DocApproved:
		return WhyNotApproved, nil
	case checkPlate && d.Head.VehiclePlate != "" && NormalisePlate(d.Head.VehiclePlate) != plate:
		return WhyPlate, nil
	}
	taken, err := claimed(ctx, s.pool, d.ID)
	if err != nil {
		return "", wrap("read claims", err)
	}
	if taken {
		return WhyCrossed, nil
	}
	return "", nil
}

// match finds the document a crossing records the gate pass of: the one it
// names, else the only approved, uncrossed zone entry (in) or exit (out)
// document carried by the plate. It returns the document or why none.
func (s *Service) match(ctx context.Context, plate, direction, documentNo string, checkPlate bool) (string, string, error) {
	if documentNo != "" {
		d, err := s.docs.Document(ctx, documentNo)
		switch {
		case errors.Is(err, query.ErrNotFound):
			return "", WhyDocumentUnknown, nil
		case err != nil:
			return "", "", err
		}
		why, err := s.unfit(ctx, d, plate, direction, checkPlate)
		if why != "" || err != nil {
			return "", why, err
		}
		return d.ID, "", nil
	}
	var found []string
	err := s.eachApproved(ctx, direction, func(d query.DocumentView) error {
		if d.Head.VehiclePlate == "" || NormalisePlate(d.Head.VehiclePlate) != plate {
			return nil
		}
		why, err := s.unfit(ctx, d, plate, direction, true)
		if why == "" && err == nil {
			found = append(found, d.ID)
		}
		return err
	})
	if err != nil {
		return "", "", err
	}
	switch len(found) {
	case 0:
		return "", WhyNoDocument, nil
	case 1:
		return found[0], "", nil
	}
	return "", WhyAmbiguous, nil
}

// eachApproved calls fn with every approved document whose goods cross
// the gate in direction, as the read model has them.
func (s *Service) eachApproved(ctx context.Context, direction string, fn func(query.DocumentView) error) error {
	for _, f := range model.Families {
		for _, bt := range gateBusinessTypes(f, kindOf(direction)) {
			for page := 1; ; page++ {
				res, err := s.docs.SearchDocuments(ctx, query.DocumentFilter{Family: f, BusinessType: bt, Status: model.DocApproved,
					Page: page, PageSize: query.MaxPageSize})
				if err != nil {
					return err
				}
				for _, d := range res.Items {
					if err := fn(d); err != nil {
						return err
					}
				}
				if len(res.Items) == 0 || page*query.MaxPageSize >= res.Total {
					break
				}
			}
		}
	}
	return nil
}

// Candidate is a document an unmatched event could be matched to.
type Candidate struct {
	DocumentID     string             `json:"documentId"`
	Family         model.Family       `json:"family"`
	BusinessType   model.BusinessType `json:"businessType"`
	EnterpriseID   string             `json:"enterpriseId"`
	EnterpriseName string             `json:"enterpriseName"`
	VehiclePlate   string             `json:"vehiclePlate"`
	// SamePlate: the document names the vehicle the camera read.
	SamePlate bool `json:"samePlate"`
}

// maxCandidates bounds the candidates offered for one event.
const maxCandidates = 100

// Candidates lists the documents event id could be matched to by hand:
// approved, not crossed, of its direction; those naming its plate first.
func (s *Service) Candidates(ctx context.Context, id int64) ([]Candidate, error) {
	ev, err := loadEvent(ctx, s.pool, id, false)
	if notFound(err) {
		return nil, apierror.Newf(apierror.NotFound, "no such gate event", "过卡记录不存在")
	}
	if err != nil {
		return nil, wrap("load event", err)
	}
	out := []Candidate{}
	err = s.eachApproved(ctx, ev.Direction, func(d query.DocumentView) error {
		why, err := s.unfit(ctx, d, ev.Plate, ev.Direction, false)
		if why == "" && err == nil {
			out = append(out, Candidate{DocumentID: d.ID, Family: d.Family, BusinessType: d.BusinessType, EnterpriseID: d.EnterpriseID,
				EnterpriseName: d.EnterpriseName, VehiclePlate: d.Head.VehiclePlate,
				SamePlate: d.Head.VehiclePlate != "" && NormalisePlate(d.Head.VehiclePlate) == ev.Plate})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		switch {
		case a.SamePlate == b.SamePlate:
			return strings.Compare(a.DocumentID, b.DocumentID)
		case a.SamePlate:
			return -1
		}
		return 1
	})
	return out[:min(len(out), maxCandidates)], nil
}

// gateBusinessTypes lists the business types of family f that cross the
// gate moving goods by kind.
func gateBusinessTypes(f model.Family, kind model.MovementKind) []model.BusinessType {
	var out []model.BusinessType
	for _, bt := range []model.BusinessType{model.BusinessIn, model.BusinessOut, model.BusinessEntry, model.BusinessExit} {
		if r, ok := model.RuleOf(f, bt); ok && r.Gate && r.Kind == kind {
			out = append(out, bt)
		}
	}
	return out
}

// whyZh is the Chinese of an unmatched reason.
var whyZh = map[string]string{
	WhyNoDocument:      "没有该车辆已审批且未过卡的进出区单证",
	WhyAmbiguous:       "该车辆有多份可匹配的单证，需人工确认",
	WhyDocumentUnknown: "单证编号不存在",
	WhyNotGate:         "该单证不经卡口进出区",
	WhyDirection:       "过卡方向与单证的进出区方向相反",
	WhyNotApproved:     "单证尚未审批通过",
	WhyCrossed:         "单证已过卡",
	WhyPlate:           "单证登记的车牌号与过卡车辆不符",
}

// Match is the zone admin matching an unmatched event to a document by
// hand; the gate pass is then recorded like a matched crossing's, and the
// crossing counts for the vehicle the document names (a misread plate).
// The vehicle is the admin's judgement; the direction, approval and a crossing
// already recorded still refuse it.
func (s *Service) Match(ctx context.Context, u accounts.User, eventID int64, documentID string) (Event, error) {
	if strings.TrimSpace(documentID) == "" {
		var p validation.Problems
		p.Add("documentId", "documentId is required", "单证编号必填")
		return Event{}, p
	}
	d, err := s.docs.Document(ctx, strings.TrimSpace(documentID))
	if errors.Is(err, query.ErrNotFound) {
		return Event{}, apierror.Newf(apierror.NotFound, "no such document", "单证不存在")
	}
	if err != nil {
		return Event{}, err
	}
	return s.resolve(ctx, u, eventID, func(tx pgx.Tx, ev *Event) error {
		why, err := s.unfit(ctx, d, ev.Plate, ev.Direction, false)
		if err != nil {
			return err
		}
		if why != "" {
			return conflict(ReasonDocumentUnfit, "the document cannot take this crossing: "+why, "该单证不能匹配此过卡记录："+whyZh[why],
				model.Params{"documentId": d.ID, "why": why})
		}
		ev.State, ev.DocumentID = StateResolved, d.ID
		if d.Head.VehiclePlate != "" {
			ev.Vehicle = NormalisePlate(d.Head.VehiclePlate)
		}
		if _, err := tx.Exec(ctx, `UPDATE gate_events SET state = $2, document_id = $3, vehicle = $4, resolved_by = $5, resolved_at = $6
			WHERE id = $1`, ev.ID, ev.State, ev.DocumentID, ev.Vehicle, u.Username, s.cfg.Now().UTC()); err != nil {
			if uniqueViolation(err) {
				return conflict(ReasonDocumentUnfit, "another crossing records this document's gate pass", "该单证不能匹配此过卡记录："+whyZh[WhyCrossed],
					model.Params{"documentId": d.ID, "why": WhyCrossed})
			}
			return err
		}
		_, err = s.inserter.InsertTx(ctx, tx, GatePassArgs{EventID: ev.ID}, nil)
		return err
	})
}

// IgnoreRequest sets an unmatched event aside.
type IgnoreRequest struct {
	Reason string `json:"reason"`
}

// Ignore is the zone admin setting an unmatched event aside with a reason
// (a misread plate, a service vehicle).
func (s *Service) Ignore(ctx context.Context, u accounts.User, eventID int64, req IgnoreRequest) (Event, error) {
	if strings.TrimSpace(req.Reason) == "" || model.CheckText("reason", req.Reason, model.RequiredNote) != nil {
		var p validation.Problems
		p.Add("reason", "a reason of at most 1000 printable characters is required", "须填写不超过1000字的忽略原因")
		return Event{}, p
	}
	return s.resolve(ctx, u, eventID, func(tx pgx.Tx, ev *Event) error {
		ev.State, ev.IgnoreReason = StateIgnored, req.Reason
		_, err := tx.Exec(ctx, `UPDATE gate_events SET state = $2, ignore_reason = $3, resolved_by = $4, resolved_at = $5 WHERE id = $1`,
			ev.ID, ev.State, ev.IgnoreReason, u.Username, s.cfg.Now().UTC())
		return err
	})
}

// resolve runs change on an unmatched event, locked, in a transaction.
func (s *Service) resolve(ctx context.Context, u accounts.User, eventID int64, change func(pgx.Tx, *Event) error) (Event, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return Event{}, wrap("begin", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	ev, err := loadEvent(ctx, tx, eventID, true)
	switch {
	case notFound(err):
		return Event{}, apierror.Newf(apierror.NotFound, "no such gate event", "过卡记录不存在")
	case err != nil:
		return Event{}, wrap("load event", err)
	case ev.State != StateUnmatched:
		return Event{}, conflict(ReasonEventHandled, "the gate event is "+ev.State, "该过卡记录已处理",
			model.Params{"eventId": ev.ID, "state": ev.State})
	}
	if err := change(tx, &ev); err != nil {
		return Event{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Event{}, wrap("commit", err)
	}
	return loadEvent(ctx, s.pool, eventID, false)
}

// Playback is a crossing's camera playback link.
type Playback struct {
	EventID int64     `json:"eventId"`
	GateID  string    `json:"gateId"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	URL     string    `json:"url"`
}

// PlaybackOf builds the camera link of event id's time window.
func (s *Service) PlaybackOf(ctx context.Context, id int64) (Playback, error) {
	if s.cfg.CameraURLTemplate == "" {
		return Playback{}, apierror.Newf(apierror.NotFound, "no camera system is configured", "未配置摄像系统回放地址")
	}
	ev, err := loadEvent(ctx, s.pool, id, false)
	if notFound(err) {
		return Playback{}, apierror.Newf(apierror.NotFound, "no such gate event", "过卡记录不存在")
	}
	if err != nil {
		return Playback{}, wrap("load event", err)
	}
	p := Playback{EventID: ev.ID, GateID: ev.GateID, From: ev.At.Add(-s.cfg.CameraWindow), To: ev.At.Add(s.cfg.CameraWindow)}
	p.URL = strings.NewReplacer("{gate}", url.QueryEscape(ev.GateID), "{plate}", url.QueryEscape(ev.Plate),
		"{from}", url.QueryEscape(p.From.Format(time.RFC3339)), "{to}", url.QueryEscape(p.To.Format(time.RFC3339))).
		Replace(s.cfg.CameraURLTemplate)
	return p, nil
}
