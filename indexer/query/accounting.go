package query

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/internal/sealing"
)

// Page sizes of the accounts' lists. A whole enterprise's stock report
// (thousands of batches) fits one page of MaxAccountPage rows.
const (
	DefaultAccountPage = 100
	MaxAccountPage     = 5000
)

// AccountKeys are the keys every account can be queried by (料号, 溯源码,
// 企业, 核注清单号, 车牌号). Empty fields do not filter. MaterialNo,
// ChecklistNo and VehiclePlate select batches: those of prefilings with the
// material number, those on lines of the document whose number or customs
// number is ChecklistNo, those on lines of documents carried by the vehicle.
type AccountKeys struct {
	EnterpriseID string
	TraceCode    string
	MaterialNo   string
	ChecklistNo  string
	VehiclePlate string
	// Bonded, when set, selects one customs status.
	Bonded *bool
}

// addTo adds the keys' conditions on the trace code, enterprise and status
// columns of table alias a.
func (k AccountKeys) addTo(c *conditions, a string) {
	if k.EnterpriseID != "" {
		c.add(a+".enterprise_id = ?", k.EnterpriseID)
	}
	if k.TraceCode != "" {
		c.add(a+".trace_code = ?", k.TraceCode)
	}
	if k.Bonded != nil {
		c.add(a+".bonded = ?", *k.Bonded)
	}
	if k.MaterialNo != "" {
		c.add(a+".trace_code IN (SELECT p.trace_code FROM prefilings p WHERE p.material_no = ? AND p.trace_code <> '')", k.MaterialNo)
	}
	if k.ChecklistNo != "" {
		c.add(a+`.trace_code IN (SELECT dl.trace_code FROM document_lines dl JOIN documents d ON d.id = dl.document_id
			WHERE d.id = ? OR (d.customs_no <> '' AND d.customs_no = ?))`, k.ChecklistNo)
	}
	if k.VehiclePlate != "" {
		c.add(a+`.trace_code IN (SELECT dl.trace_code FROM document_lines dl JOIN documents d ON d.id = dl.document_id
			WHERE d.doc -> 'head' ->> 'vehiclePlate' <> '' AND d.doc -> 'head' ->> 'vehiclePlate' = ?)`, k.VehiclePlate)
	}
}

// AccountMovementFilter selects the legs of movements behind a figure:
// the same keys as the figure, optionally some flows and a time range.
type AccountMovementFilter struct {
	AccountKeys
	Flows []indexer.Flow
	// Since and Until bound the movement time; zero means unbounded.
	Since, Until time.Time
	// After is the Next of the previous page; empty for the first.
	After string
	Limit int
}

// AccountMovement is one leg of a movement with the document and goods
// behind it: an entry or exit record, a transfer in or out, a conversion.
type AccountMovement struct {
	Flow           indexer.Flow `json:"flow"`
	TraceCode      string       `json:"traceCode"`
	EnterpriseID   string       `json:"enterpriseId"`
	EnterpriseName string       `json:"enterpriseName"`
	Bonded         bool         `json:"bonded"`
	// WeightGrams is negative for a reversal of a voided document.
	WeightGrams int64 `json:"weightGrams"`
	// ValueFen is WeightGrams at the line's unit price (fen per kg).
	ValueFen int64  `json:"valueFen"`
	At       string `json:"at"`
	// MovementID is the chain's movement id (txID:documentID:lineSeq).
	MovementID   string             `json:"movementId"`
	Kind         model.MovementKind `json:"kind"`
	DocumentID   string             `json:"documentId"`
	Family       model.Family       `json:"family"`
	BusinessType model.BusinessType `json:"businessType"`
	CustomsNo    string             `json:"customsNo"`
	// CounterpartyID is the other enterprise of a transfer.
	CounterpartyID string `json:"counterpartyId"`
	Owner          string `json:"owner"`
	Carrier        string `json:"carrier"`
	VehiclePlate   string `json:"vehiclePlate"`
	PortCode       string `json:"portCode"`
	GatePassed     string `json:"gatePassed"`
	ProductName    string `json:"productName"`
	Commodity      string `json:"commodity"`
	MaterialNo     string `json:"materialNo"`
	BatchNo        string `json:"batchNo"`
	HSCode         string `json:"hsCode"`
	Origin         string `json:"origin"`
	UnitPriceFen   int64  `json:"unitPriceFen"`
	Currency       string `json:"currency"`
}

// AccountMovementPage is a page of legs, newest first; Next is empty on the
// last page.
type AccountMovementPage struct {
	Items []AccountMovement `json:"items"`
	Next  string            `json:"next,omitempty"`
}

var knownFlows = map[indexer.Flow]bool{indexer.FlowEntry: true, indexer.FlowExit: true, indexer.FlowTransferIn: true,
	indexer.FlowTransferOut: true, indexer.FlowConversionIn: true, indexer.FlowConversionOut: true}

// ParseFlow checks a flow name.
func ParseFlow(s string) (indexer.Flow, error) {
	if f := indexer.Flow(s); knownFlows[f] {
		return f, nil
	}
	return "", fmt.Errorf("%w: unknown flow %q", ErrInvalidFilter, s)
}

func normaliseLimit(limit int) (int, error) {
	switch {
	case limit < 0:
		return 0, fmt.Errorf("%w: limit %d must not be negative", ErrInvalidFilter, limit)
	case limit == 0:
		return DefaultAccountPage, nil
	}
	return min(limit, MaxAccountPage), nil
}

// AccountMovements lists the legs matching f, newest first, keyset paged.
func (r *Reader) AccountMovements(ctx context.Context, f AccountMovementFilter) (AccountMovementPage, error) {
	limit, err := normaliseLimit(f.Limit)
	if err != nil {
		return AccountMovementPage{}, err
	}
	c := &conditions{}
	f.addTo(c, "l")
	if len(f.Flows) > 0 {
		flows := make([]string, len(f.Flows))
		for i, fl := range f.Flows {
			if !knownFlows[fl] {
				return AccountMovementPage{}, fmt.Errorf("%w: unknown flow %q", ErrInvalidFilter, fl)
			}
			flows[i] = string(fl)
		}
		c.add("l.flow = ANY(?)", flows)
	}
	if !f.Since.IsZero() {
		c.add("l.at >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		c.add("l.at < ?", f.Until)
	}
	if f.After != "" {
		var k legKey
		if err := decodeCursor(f.After, &k); err != nil {
			return AccountMovementPage{}, err
		}
		c.raw(fmt.Sprintf("(l.block_number, l.tx_index, l.event_index, l.incoming) < (%s, %s, %s, %s)",
			c.arg(k.Block), c.arg(k.Tx), c.arg(k.Event), c.arg(k.Incoming)))
	}
	rows, err := r.pool.Query(ctx, `SELECT l.block_number, l.tx_index, l.event_index, l.incoming, l.flow, l.trace_code,
			l.enterprise_id, coalesce(e.name, ''), l.bonded, l.grams, m.at, m.at_text, m.tx_id, m.line_seq, m.kind, l.document_id,
			coalesce(d.family, ''), coalesce(d.business_type, ''), coalesce(d.customs_no, ''), coalesce(d.counterparty_id, ''),
			coalesce(d.doc -> 'head' ->> 'owner', ''), coalesce(d.doc -> 'head' ->> 'carrier', ''),
			coalesce(d.doc -> 'head' ->> 'vehiclePlate', ''), coalesce(d.doc -> 'head' ->> 'portCode', ''),
			coalesce(d.doc ->> 'gatePassed', ''), coalesce(dl.product_name, ''), coalesce(p.commodity, ''),
			coalesce(nullif(dl.material_no, ''), p.material_no, ''), coalesce(p.batch_no, ''), coalesce(dl.hs_code, ''), coalesce(dl.origin, ''),
			coalesce(dl.unit_price_fen, ''), coalesce(dl.currency, '')
		FROM account_legs l
		JOIN movements m ON (m.block_number, m.tx_index, m.event_index) = (l.block_number, l.tx_index, l.event_index)
		LEFT JOIN documents d ON d.id = l.document_id
		LEFT JOIN document_lines dl ON dl.document_id = l.document_id AND dl.seq = m.line_seq
		LEFT JOIN prefilings p ON p.trace_code = l.trace_code AND p.trace_code <> ''
		LEFT JOIN enterprises e ON e.id = l.enterprise_id
		WHERE `+c.where()+`
		ORDER BY l.block_number DESC, l.tx_index DESC, l.event_index DESC, l.incoming DESC
		LIMIT `+c.arg(limit+1), c.args...)
	if err != nil {
		return AccountMovementPage{}, fmt.Errorf("list account movements: %w", err)
	}
	page := AccountMovementPage{Items: []AccountMovement{}}
	var keys []legKey
	var k legKey
	var v AccountMovement
	var at time.Time
	var atText *string
	var txID, price string
	var lineSeq int
	_, err = pgx.ForEachRow(rows, []any{&k.Block, &k.Tx, &k.Event, &k.Incoming, &v.Flow, &v.TraceCode, &v.EnterpriseID,
		&v.EnterpriseName, &v.Bonded, &v.WeightGrams, &at, &atText, &txID, &lineSeq, &v.Kind, &v.DocumentID, &v.Family,
		&v.BusinessType, &v.CustomsNo, &v.CounterpartyID, &v.Owner, &v.Carrier, &v.VehiclePlate, &v.PortCode, &v.GatePassed,
		&v.ProductName, &v.Commodity, &v.MaterialNo, &v.BatchNo, &v.HSCode, &v.Origin, &price, &v.Currency}, func() error {
		mv := v
		mv.At = canonicalTime(at)
		if atText != nil {
			mv.At = *atText
		}
		mv.MovementID = fmt.Sprintf("%s:%s:%d", txID, v.DocumentID, lineSeq)
		unit, err := r.openAmount(placeUnitPrice, price)
		if err != nil {
			return err
		}
		mv.UnitPriceFen, mv.ValueFen = unit, valueFen(v.WeightGrams, unit)
		page.Items = append(page.Items, mv)
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return AccountMovementPage{}, fmt.Errorf("list account movements: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = encodeCursor(keys[limit-1])
	}
	return page, nil
}

// legKey is the position of a leg, the cursor of AccountMovements.
type legKey struct {
	Block    int64 `json:"b"`
	Tx       int32 `json:"t"`
	Event    int32 `json:"e"`
	Incoming bool  `json:"i"`
}

func encodeCursor(v any) string {
	raw, _ := json.Marshal(v) // plain structs of strings, numbers and booleans
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(s string, dst any) error {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(raw, dst)
	}
	if err != nil {
		return fmt.Errorf("%w: cursor %q is not one this API issued", ErrInvalidFilter, s)
	}
	return nil
}

// Places of the sealed amounts the accounts open (indexer/sealed.go).
const (
	placeUnitPrice = "document_lines.unit_price_fen"
	placeAvgPrice  = "prefilings.avg_price_fen"
)

// openAmount reads a sealed (or, without sealing, clear) amount column;
// an empty text is 0.
func (r *Reader) openAmount(place, text string) (int64, error) {
	if text == "" {
		return 0, nil
	}
	if r.sealer != nil && strings.HasPrefix(text, sealing.Prefix) {
		raw, err := r.sealer.Open(place, text)
		if err != nil {
			return 0, fmt.Errorf("open %s: %w", place, err)
		}
		text = string(raw)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", place, err)
	}
	return n, nil
}

// valueFen is grams at priceFen per kilogram, rounded half away from zero.
func valueFen(grams, priceFen int64) int64 {
	v := new(big.Int).Mul(big.NewInt(grams), big.NewInt(priceFen))
	half := big.NewInt(500)
	if v.Sign() < 0 {
		half.Neg(half)
	}
	return v.Add(v, half).Quo(v, big.NewInt(1000)).Int64()
}
