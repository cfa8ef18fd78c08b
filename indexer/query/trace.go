package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// TraceHistory is everything the read model knows about one batch: its
// trace code and prefiling, every document with a line of it (only those
// lines, with the document's history and tags), its movements in chain
// order, the gate crossings of its documents and every enterprise that ever
// held it with what it holds now. The ledger records no storage location
// (area, warehouse, shelf, bin) yet, so none is reported.
type TraceHistory struct {
	TraceCode model.TraceCode `json:"traceCode"`
	Prefiling PrefilingView   `json:"prefiling"`
	// Documents are ordered by declaration time, then id.
	Documents  []DocumentView   `json:"documents"`
	Movements  []model.Movement `json:"movements"`
	GateEvents []GateEvent      `json:"gateEvents"`
	// Holders are ordered by the time they first received the batch.
	Holders []TraceHolder `json:"holders"`
	// Path is the pass-through chain A→B→…: the enterprises in the order
	// the batch reached them, an enterprise repeated when the batch came
	// back to it.
	Path []string `json:"path"`
	// Enterprises names every enterprise the movements and holders name.
	Enterprises map[string]string `json:"enterprises"`
	// Withheld says the gateway left out some of other parties'
	// commercial data (gateway/service/traces says what).
	Withheld bool `json:"withheld"`
}

// TraceHolder is an enterprise that holds or held the batch, with its
// stock per customs status now.
type TraceHolder struct {
	EnterpriseID   string `json:"enterpriseId"`
	EnterpriseName string `json:"enterpriseName"`
	BondedGrams    int64  `json:"bondedGrams"`
	NonBondedGrams int64  `json:"nonBondedGrams"`
	// Reserved*Grams is what declared, not yet effective documents will
	// take out of that stock.
	ReservedBondedGrams    int64 `json:"reservedBondedGrams"`
	ReservedNonBondedGrams int64 `json:"reservedNonBondedGrams"`
	// Current says the enterprise holds some of the batch now.
	Current bool `json:"current"`
	// FirstReceivedAt is the time of the first movement into its stock.
	FirstReceivedAt string `json:"firstReceivedAt,omitempty"`
}

// GateEvent is the physical crossing of the zone gate by a document of the
// batch (卡口过卡).
type GateEvent struct {
	DocumentID   string             `json:"documentId"`
	Family       model.Family       `json:"family"`
	BusinessType model.BusinessType `json:"businessType"`
	EnterpriseID string             `json:"enterpriseId"`
	// Direction is zone_entry or zone_exit.
	Direction    model.MovementKind `json:"direction"`
	VehiclePlate string             `json:"vehiclePlate,omitempty"`
	Source       string             `json:"source"`
	TxID         string             `json:"txId"`
	At           string             `json:"at"`
}

// traceDocuments selects the documents with a line of trace code $1.
const traceDocuments = `(SELECT document_id FROM document_lines WHERE trace_code = $1)`

// TraceHistory returns the history of trace code code, or ErrNotFound. Its
// statements go to PostgreSQL as one batch: one round trip.
func (r *Reader) TraceHistory(ctx context.Context, code string) (TraceHistory, error) {
	h, err := r.traceHistory(ctx, code)
	if err != nil {
		return TraceHistory{}, fmt.Errorf("trace history of %q: %w", code, err)
	}
	return h, nil
}

func (r *Reader) traceHistory(ctx context.Context, code string) (TraceHistory, error) {
	h := TraceHistory{Documents: []DocumentView{}, GateEvents: []GateEvent{}, Holders: []TraceHolder{},
		Path: []string{}, Enterprises: map[string]string{}}
	batch := &pgx.Batch{}
	batch.Queue(`SELECT t.doc, p.doc, coalesce(e.name, '') FROM trace_codes t
		JOIN prefilings p ON p.id = t.prefiling_id
		LEFT JOIN enterprises e ON e.id = p.enterprise_id
		WHERE t.code = $1`, code)
	batch.Queue(`SELECT seq, action, actor_msp, actor_client_id, actor_role, actor_enterprise_id, actor_name,
			actor_user_id, actor_user_role, tx_id, at_text, reason, rule_id, rule_version
		FROM prefiling_steps WHERE prefiling_id = (SELECT prefiling_id FROM trace_codes WHERE code = $1) ORDER BY seq`, code)
	// Only the batch's lines leave the database: a document may carry many
	// batches, and every line costs unsealing and decoding here.
	batch.Queue(`SELECT d.doc - 'lines', jsonb_path_query_array(d.doc->'lines', '$[*] ? (@.traceCode == $c)',
			jsonb_build_object('c', $1::text)), `+strings.TrimPrefix(documentColumns, "d.doc, ")+`
		WHERE d.id IN `+traceDocuments+` ORDER BY d.declared_at, d.id`, code)
	batch.Queue(`SELECT document_id, seq, action, status, actor_msp, actor_client_id, actor_role, actor_enterprise_id,
			actor_name, actor_user_id, actor_user_role, tx_id, at_text, reason, source, rule_id, rule_version
		FROM document_steps WHERE document_id IN `+traceDocuments+` ORDER BY document_id, seq`, code)
	batch.Queue(`SELECT `+movementColumns+` WHERE m.trace_code = $1 ORDER BY m.block_number, m.tx_index, m.event_index`, code)
	batch.Queue(`SELECT b.enterprise_id, b.bonded, b.weight_grams, b.reserved_grams FROM balances b
		WHERE b.trace_code = $1`, code)
	batch.Queue(`SELECT id, name FROM enterprises WHERE id IN (
			SELECT from_enterprise FROM movements WHERE trace_code = $1 AND from_enterprise IS NOT NULL
			UNION SELECT to_enterprise FROM movements WHERE trace_code = $1 AND to_enterprise IS NOT NULL
			UNION SELECT enterprise_id FROM balances WHERE trace_code = $1)`, code)
	res := r.pool.SendBatch(ctx, batch)
	defer res.Close() //nolint:errcheck // a read-only batch: each result's error is checked as it is read; Close releases the connection

	var tcRaw, pfRaw []byte
	err := res.QueryRow().Scan(&tcRaw, &pfRaw, &h.Prefiling.EnterpriseName)
	if errors.Is(err, pgx.ErrNoRows) {
		return h, ErrNotFound
	}
	if err != nil {
		return h, err
	}
	if err := r.decodeSealed(indexer.PrefilingSealed, pfRaw, &h.Prefiling.Prefiling); err != nil {
		return h, fmt.Errorf("decode stored prefiling: %w", err)
	}
	if err := json.Unmarshal(tcRaw, &h.TraceCode); err != nil {
		return h, fmt.Errorf("decode stored trace code: %w", err)
	}
	if h.Prefiling.Steps, err = scanPrefilingSteps(res); err != nil {
		return h, err
	}
	if h.Documents, err = r.scanTraceDocuments(res); err != nil {
		return h, err
	}
	if err := scanTraceSteps(res, h.Documents); err != nil {
		return h, err
	}
	rows, err := res.Query()
	if err != nil {
		return h, fmt.Errorf("list movements: %w", err)
	}
	if h.Movements, err = scanMovements(rows); err != nil {
		return h, fmt.Errorf("list movements: %w", err)
	}
	balances, err := scanTraceBalances(res)
	if err != nil {
		return h, err
	}
	rows, err = res.Query()
	if err != nil {
		return h, fmt.Errorf("list enterprises: %w", err)
	}
	var id, name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { h.Enterprises[id] = name; return nil }); err != nil {
		return h, fmt.Errorf("list enterprises: %w", err)
	}
	h.GateEvents = gateEvents(h.Documents)
	h.Holders, h.Path = holders(h.Movements, balances, h.Enterprises)
	return h, nil
}

// compareTimes orders two chain times (RFC 3339); an unreadable one sorts
// by its text.
func compareTimes(a, b string) int {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return ta.Compare(tb)
}

func scanPrefilingSteps(res pgx.BatchResults) ([]model.PrefilingStep, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, fmt.Errorf("list prefiling steps: %w", err)
	}
	list := []model.PrefilingStep{}
	var s model.PrefilingStep
	var ruleID *string
	var ruleVersion *int
	_, err = pgx.ForEachRow(rows, []any{&s.Seq, &s.Action, &s.Actor.MspID, &s.Actor.ClientID, &s.Actor.Role,
		&s.Actor.EnterpriseID, &s.Actor.Name, &s.Actor.UserID, &s.Actor.UserRole, &s.TxID, &s.At, &s.Reason,
		&ruleID, &ruleVersion}, func() error {
		step := s
		step.DecidedBy = ruleRef(ruleID, ruleVersion)
		list = append(list, step)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list prefiling steps: %w", err)
	}
	return list, nil
}

// scanTraceDocuments reads the documents (with their lines of the batch).
func (r *Reader) scanTraceDocuments(res pgx.BatchResults) ([]DocumentView, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	list := []DocumentView{}
	var raw, rawLines []byte
	var name, counterparty string
	var abnormal, deleted bool
	_, err = pgx.ForEachRow(rows, []any{&raw, &rawLines, &name, &counterparty, &abnormal, &deleted}, func() error {
		v := DocumentView{EnterpriseName: name, CounterpartyName: counterparty, Abnormal: abnormal, DeletedOrModified: deleted}
		if err := json.Unmarshal(raw, &v.Document); err != nil {
			return fmt.Errorf("decode stored document: %w", err)
		}
		var err error
		if v.Lines, err = r.decodeLines(rawLines); err != nil {
			return fmt.Errorf("decode stored lines of %s: %w", v.ID, err)
		}
		v.Steps = []model.DocumentStep{}
		list = append(list, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return list, nil
}

// scanTraceSteps attaches the steps, ordered by document id then seq, to
// their documents.
func scanTraceSteps(res pgx.BatchResults, docs []DocumentView) error {
	rows, err := res.Query()
	if err != nil {
		return fmt.Errorf("list document steps: %w", err)
	}
	byID := make(map[string]*DocumentView, len(docs))
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	var documentID string
	var s model.DocumentStep
	var ruleID *string
	var ruleVersion *int
	_, err = pgx.ForEachRow(rows, []any{&documentID, &s.Seq, &s.Action, &s.Status, &s.Actor.MspID, &s.Actor.ClientID,
		&s.Actor.Role, &s.Actor.EnterpriseID, &s.Actor.Name, &s.Actor.UserID, &s.Actor.UserRole, &s.TxID, &s.At,
		&s.Reason, &s.Source, &ruleID, &ruleVersion}, func() error {
		step := s
		step.DecidedBy = ruleRef(ruleID, ruleVersion)
		if d := byID[documentID]; d != nil {
			d.Steps = append(d.Steps, step)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list document steps: %w", err)
	}
	return nil
}

// storedLine is a document line as stored, its prices plain numbers or
// sealed strings (indexer.DocumentSealed).
type storedLine struct {
	model.DocumentLine
	UnitPriceFen json.RawMessage `json:"unitPriceFen"`
	ValueFen     json.RawMessage `json:"valueFen"`
}

// Places of the sealed line prices (indexer.DocumentSealed); a sealed value
// opens only for the place it was sealed for.
var (
	unitPricePlace = indexer.DocumentSealed.Place + ".lines.*.unitPriceFen"
	valuePlace     = indexer.DocumentSealed.Place + ".lines.*.valueFen"
)

// decodeLines decodes stored lines, opening their sealed prices directly:
// the history reads tens of documents, and the generic sealing.Fields.Open
// decodes and re-encodes each whole document first, which was most of this
// call's CPU.
func (r *Reader) decodeLines(raw []byte) ([]model.DocumentLine, error) {
	var stored []storedLine
	if err := json.Unmarshal(raw, &stored); err != nil {
		return nil, err
	}
	lines := make([]model.DocumentLine, len(stored))
	for i, l := range stored {
		lines[i] = l.DocumentLine
		var err error
		if lines[i].UnitPriceFen, err = r.amount(unitPricePlace, l.UnitPriceFen); err != nil {
			return nil, err
		}
		if lines[i].ValueFen, err = r.amount(valuePlace, l.ValueFen); err != nil {
			return nil, err
		}
	}
	return lines, nil
}

// amount is a stored amount: a JSON number, or a string sealed for place.
func (r *Reader) amount(place string, raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	text := string(raw)
	if raw[0] == '"' {
		var sealed string
		if err := json.Unmarshal(raw, &sealed); err != nil {
			return 0, err
		}
		plain, err := r.sealer.Open(place, sealed)
		if err != nil {
			return 0, err
		}
		text = string(plain)
	}
	return strconv.ParseInt(text, 10, 64)
}

type traceBalance struct {
	enterpriseID     string
	bonded           bool
	weight, reserved int64
}

func scanTraceBalances(res pgx.BatchResults) ([]traceBalance, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, fmt.Errorf("list balances: %w", err)
	}
	var list []traceBalance
	var b traceBalance
	_, err = pgx.ForEachRow(rows, []any{&b.enterpriseID, &b.bonded, &b.weight, &b.reserved}, func() error {
		list = append(list, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list balances: %w", err)
	}
	return list, nil
}

// gateEvents lists the gate crossings recorded in the documents' steps, in
// time order.
func gateEvents(docs []DocumentView) []GateEvent {
	list := []GateEvent{}
	for _, d := range docs {
		rule, _ := model.RuleOf(d.Family, d.BusinessType)
		for _, s := range d.Steps {
			if s.Action != model.DocActionGatePass {
				continue
			}
			list = append(list, GateEvent{DocumentID: d.ID, Family: d.Family, BusinessType: d.BusinessType,
				EnterpriseID: d.EnterpriseID, Direction: rule.Kind, VehiclePlate: d.Head.VehiclePlate,
				Source: s.Source, TxID: s.TxID, At: s.At})
		}
	}
	slices.SortStableFunc(list, func(a, b GateEvent) int { return compareTimes(a.At, b.At) })
	return list
}

// holders derives, from the movements in chain order and the balances, the
// enterprises that held the batch (in the order they first received it) and
// the pass-through path.
func holders(moves []model.Movement, balances []traceBalance, names map[string]string) ([]TraceHolder, []string) {
	var list []TraceHolder
	index := map[string]int{}
	holder := func(id string) *TraceHolder {
		i, ok := index[id]
		if !ok {
			i = len(list)
			index[id] = i
			list = append(list, TraceHolder{EnterpriseID: id, EnterpriseName: names[id]})
		}
		return &list[i]
	}
	path := []string{}
	for _, m := range moves {
		if m.To == nil {
			continue
		}
		h := holder(m.To.EnterpriseID)
		if h.FirstReceivedAt == "" {
			h.FirstReceivedAt = m.At
		}
		// A conversion stays with its holder: the path records changes of
		// hands only.
		if len(path) == 0 || path[len(path)-1] != m.To.EnterpriseID {
			path = append(path, m.To.EnterpriseID)
		}
	}
	for _, b := range balances {
		h := holder(b.enterpriseID)
		if b.bonded {
			h.BondedGrams, h.ReservedBondedGrams = b.weight, b.reserved
		} else {
			h.NonBondedGrams, h.ReservedNonBondedGrams = b.weight, b.reserved
		}
		h.Current = h.BondedGrams > 0 || h.NonBondedGrams > 0
	}
	if list == nil {
		list = []TraceHolder{}
	}
	return list, path
}
