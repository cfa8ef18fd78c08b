package contract

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"zonetrace/chaincode/model"
)

// The validation models (docs/architecture.md "Validation models") run at
// declaration, before the review rules, which read the tags they set. Each
// model reads the declared document and the ledger as it was before it;
// runModels turns what a model found into tags that name the model, the
// configuration version and the transaction. Models run in the
// configuration's order and walk the lines in their order, so the same
// ledger always yields the same tags in the same order.

// finding is one tag's worth of what a model found: the reason after the
// tag's name, and the offending fields as wire paths.
type finding struct {
	reason string
	fields []string
}

type modelFunc func(r *modelRun, m model.ValidationModel) ([]finding, error)

// modelFuncs computes every code of model.ModelSpecs.
var modelFuncs = map[string]modelFunc{
	model.ModelWeight:          weightModel,
	model.ModelPrice:           priceModel,
	model.ModelOrigin:          originModel,
	model.ModelQuarantined:     quarantinedModel,
	model.ModelNotQuarantined:  notQuarantinedModel,
	model.ModelQuarantineBatch: quarantineBatchModel,
	model.ModelHighValue:       highValueModel,
	model.ModelFlow:            flowModel,
	model.ModelTax:             taxModel,
}

// modelRun is one declaration under evaluation, with the batches of its
// lines loaded once.
type modelRun struct {
	t       *docTx
	d       *model.Document
	rule    model.DocumentRule
	batches map[string]*batch
	groups  []lineGroup
}

// batch is what the ledger records about a line's trace code.
type batch struct {
	code      model.TraceCode
	prefiling *model.Prefiling
}

// lineGroup is the lines of one trace code, in the order of first appearance.
type lineGroup struct {
	code  string
	grams int64
	lines []int // indexes into the document's lines
}

// runModels sets the tags of every enabled model whose tag applies to the
// document's family, and records an inbound document for the weight model's
// declared basis.
func (t *docTx) runModels(d *model.Document, rule model.DocumentRule) error {
	cfg, err := t.rules()
	if err != nil {
		return err
	}
	r := &modelRun{t: t, d: d, rule: rule, batches: map[string]*batch{}, groups: groupLines(d.Lines)}
	for _, m := range cfg.Models {
		run, known := modelFuncs[m.Code]
		if !known || !cfg.Runs(m, string(d.Family)) {
			continue // CheckRuleConfig refuses unknown codes
		}
		found, err := run(r, m)
		if err != nil {
			return err
		}
		for _, f := range found {
			d.Tags = append(d.Tags, model.Tag{
				Code: m.Tag, Reason: cfg.TagName(m.Tag) + "：" + f.reason, TxID: t.ctx.GetStub().GetTxID(),
				ConfigVersion: cfg.Version, Model: m.Code, Fields: f.fields,
			})
		}
	}
	return t.indexInbound(d, rule)
}

func groupLines(lines []model.DocumentLine) []lineGroup {
	var out []lineGroup
	for i, l := range lines {
		k := slices.IndexFunc(out, func(g lineGroup) bool { return g.code == l.TraceCode })
		if k < 0 {
			out = append(out, lineGroup{code: l.TraceCode})
			k = len(out) - 1
		}
		out[k].grams += l.WeightGrams
		out[k].lines = append(out[k].lines, i)
	}
	return out
}

// batch loads the trace code of a line and the prefiling it was issued for;
// nil when the code is unknown (the declaration checks refused those).
func (r *modelRun) batch(code string) (*batch, error) {
	if b, ok := r.batches[code]; ok {
		return b, nil
	}
	var b *batch
	var tc model.TraceCode
	found, err := getRecord(r.t.ctx, model.KeyTraceCode, []string{code}, &tc)
	if err != nil {
		return nil, err
	}
	if found {
		p, err := loadPrefiling(r.t.ctx, tc.PrefilingID)
		if err != nil {
			return nil, err
		}
		b = &batch{code: tc, prefiling: p}
	}
	r.batches[code] = b
	return b, nil
}

// source is the holding a document takes its goods from: nil for entries
// and in legs, which take from no one here; bonded stock for documents that
// move nothing (consolidated and transfer checklists report earlier moves).
func (r *modelRun) source() *model.Holding {
	switch {
	case r.rule.Leg == model.LegIn, r.rule.From == nil && r.rule.To != nil:
		return nil
	case r.rule.From == nil:
		return &model.Holding{EnterpriseID: r.d.EnterpriseID, Bonded: true}
	}
	return &model.Holding{EnterpriseID: r.d.EnterpriseID, Bonded: *r.rule.From}
}

// lineNos writes the line numbers of indexes as "1、3".
func (r *modelRun) lineNos(idx []int) string {
	out := make([]string, len(idx))
	for i, k := range idx {
		out[i] = strconv.Itoa(r.d.Lines[k].Seq)
	}
	return strings.Join(out, "、")
}

func lineFields(idx []int, field string) []string {
	out := make([]string, len(idx))
	for i, k := range idx {
		out[i] = fmt.Sprintf("lines[%d].%s", k, field)
	}
	return out
}

func stockName(bonded bool) string {
	if bonded {
		return "保税"
	}
	return "非保税"
}

// weightModel (重量异常) compares what the lines of each batch take out with
// the declarant's theoretical stock of it. A document that moves nothing is
// tagged only when the declarant has no stock record of the batch at all.
func weightModel(r *modelRun, m model.ValidationModel) ([]finding, error) {
	h := r.source()
	if h == nil {
		return nil, nil
	}
	tolerance := m.Param(model.ParamToleranceGrams)
	declaredBasis := m.Param(model.ParamWeightBasis) == model.WeightBasisDeclared
	var out []finding
	for _, g := range r.groups {
		b, held, err := r.t.balance(g.code, *h)
		if err != nil {
			return nil, err
		}
		fields := lineFields(g.lines, "weightGrams")
		if r.rule.From == nil {
			if !held {
				out = append(out, finding{fields: fields, reason: fmt.Sprintf("第%s行 %s 申报 %d 克，企业没有该批次的%s库存记录，理论库存可用 0 克",
					r.lineNos(g.lines), g.code, g.grams, stockName(h.Bonded))})
			}
			continue
		}
		available := b.WeightGrams - b.ReservedGrams
		basis := ""
		if declaredBasis {
			pending, err := r.t.pendingInbound(g.code, *h)
			if err != nil {
				return nil, err
			}
			available += pending
			basis = "（已申报入库减已申报出库）"
		}
		if g.grams > available+tolerance {
			out = append(out, finding{fields: fields, reason: fmt.Sprintf("第%s行 %s 申报 %d 克，理论库存%s可用 %d 克",
				r.lineNos(g.lines), g.code, g.grams, basis, max(available, 0))})
		}
	}
	return out, nil
}

// priceModel (价格异常) compares the weight-weighted average of the declared
// unit prices with the weight-weighted average of the unit prices the
// lines' batches were prefiled with (avgPriceFen), over the lines declared
// in their batch's currency. It tags when declared × 1000 < recorded ×
// (1000 − tolerancePermille), computed exactly.
func priceModel(r *modelRun, m model.ValidationModel) ([]finding, error) {
	keep := 1000 - m.Param(model.ParamTolerancePermille)
	declared, recorded, grams := new(big.Int), new(big.Int), new(big.Int)
	var below []int
	var detail []string
	compared := false
	for i, l := range r.d.Lines {
		b, err := r.batch(l.TraceCode)
		if err != nil {
			return nil, err
		}
		if b == nil || b.prefiling.Data.Currency != l.Currency {
			continue
		}
		ref := b.prefiling.Data.AvgPriceFen
		w := big.NewInt(l.WeightGrams)
		declared.Add(declared, new(big.Int).Mul(w, big.NewInt(l.UnitPriceFen)))
		recorded.Add(recorded, new(big.Int).Mul(w, big.NewInt(ref)))
		grams.Add(grams, w)
		compared = true
		// Both sides stay below 2^63: prices are at most MaxPriceFen.
		if l.UnitPriceFen*1000 < ref*keep {
			below = append(below, i)
			detail = append(detail, fmt.Sprintf("第%d行申报 %d 分/千克，批次 %d 分/千克", l.Seq, l.UnitPriceFen, ref))
		}
	}
	if !compared {
		return nil, nil
	}
	lhs := new(big.Int).Mul(declared, big.NewInt(1000))
	rhs := new(big.Int).Mul(recorded, big.NewInt(keep))
	if lhs.Cmp(rhs) >= 0 {
		return nil, nil
	}
	avgDeclared := new(big.Int).Quo(declared, grams)
	avgRecorded := new(big.Int).Quo(recorded, grams)
	return []finding{{fields: lineFields(below, "unitPriceFen"), reason: fmt.Sprintf(
		"申报加权平均单价 %s 分/千克，低于溯源批次加权平均单价 %s 分/千克（容差 %d‰）；%s",
		avgDeclared, avgRecorded, 1000-keep, strings.Join(detail, "；"))}}, nil
}

// originModel (原产地不一致) compares each line's origin with the origin
// recorded on its trace code (the prefiling's).
func originModel(r *modelRun, _ model.ValidationModel) ([]finding, error) {
	var bad []int
	var detail []string
	for i, l := range r.d.Lines {
		b, err := r.batch(l.TraceCode)
		if err != nil {
			return nil, err
		}
		if b != nil && b.code.Origin != l.Origin {
			bad = append(bad, i)
			detail = append(detail, fmt.Sprintf("第%d行申报原产地 %s，溯源码 %s 记录的原产地 %s", l.Seq, l.Origin, l.TraceCode, b.code.Origin))
		}
	}
	if len(bad) == 0 {
		return nil, nil
	}
	return []finding{{fields: lineFields(bad, "origin"), reason: strings.Join(detail, "；")}}, nil
}

var quarantineResultNames = map[model.QuarantineResult]string{
	model.QuarantinePending: "待检疫", model.QuarantineQualified: "合格", model.QuarantineUnqualified: "不合格",
}

// quarantined reports whether a batch's approved record holds a quarantine
// outcome and the certificate that carries it.
func quarantined(p *model.Prefiling) bool {
	return p.Data.QuarantineResult != model.QuarantinePending &&
		slices.ContainsFunc(p.Data.Attachments, func(a model.Attachment) bool { return a.Kind == model.AttachmentQuarantineCertificate })
}

// quarantineModel tags the lines of the batches for which describe says
// something, one finding for all of them.
func (r *modelRun) quarantineModel(describe func(p *model.Prefiling) string) ([]finding, error) {
	var idx []int
	var detail []string
	for _, g := range r.groups {
		b, err := r.batch(g.code)
		if err != nil {
			return nil, err
		}
		if b == nil {
			continue
		}
		if s := describe(b.prefiling); s != "" {
			idx = append(idx, g.lines...)
			detail = append(detail, fmt.Sprintf("第%s行溯源码 %s %s", r.lineNos(g.lines), g.code, s))
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	slices.Sort(idx)
	return []finding{{fields: lineFields(idx, "traceCode"), reason: strings.Join(detail, "；")}}, nil
}

// quarantinedModel (已检疫): the batch has a quarantine outcome and its
// certificate.
func quarantinedModel(r *modelRun, _ model.ValidationModel) ([]finding, error) {
	return r.quarantineModel(func(p *model.Prefiling) string {
		if !quarantined(p) {
			return ""
		}
		return fmt.Sprintf("检疫批次号 %s，检疫结果%s", p.Data.QuarantineBatchNo, quarantineResultNames[p.Data.QuarantineResult])
	})
}

// notQuarantinedModel (未检疫): the batch's outcome is still pending, or no
// quarantine certificate was filed or approved for it.
func notQuarantinedModel(r *modelRun, _ model.ValidationModel) ([]finding, error) {
	return r.quarantineModel(func(p *model.Prefiling) string {
		switch {
		case quarantined(p):
			return ""
		case p.Data.QuarantineResult == model.QuarantinePending:
			return "待检疫"
		}
		return "检疫结果" + quarantineResultNames[p.Data.QuarantineResult] + "，但没有已审核的检疫证书"
	})
}

// quarantineBatchModel (申报批次号与实货不一致): the quarantine batch number
// the batch was prefiled with differs from the one on the certificate of
// the goods' actual inspection, filed by a supplement customs has not
// accepted (pending or returned). An approved supplement replaces the
// prefiled number: customs accepted the certificate.
func quarantineBatchModel(r *modelRun, _ model.ValidationModel) ([]finding, error) {
	return r.quarantineModel(func(p *model.Prefiling) string {
		s := p.Supplement
		if s == nil || p.SupplementStatus == model.SupplementApproved || p.Data.QuarantineBatchNo == "" ||
			s.QuarantineBatchNo == p.Data.QuarantineBatchNo {
			return ""
		}
		return fmt.Sprintf("预核申报的检疫批次号 %s，检疫证书（补录入）的批次号 %s", p.Data.QuarantineBatchNo, s.QuarantineBatchNo)
	})
}

// highValueModel (有高价值): a line's unit price is strictly above the
// threshold.
func highValueModel(r *modelRun, m model.ValidationModel) ([]finding, error) {
	threshold := m.Param(model.ParamThresholdFen)
	var idx []int
	var detail []string
	for i, l := range r.d.Lines {
		if l.UnitPriceFen > threshold {
			idx = append(idx, i)
			detail = append(detail, fmt.Sprintf("第%d行单价 %d 分/千克", l.Seq, l.UnitPriceFen))
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	return []finding{{fields: lineFields(idx, "unitPriceFen"),
		reason: fmt.Sprintf("%s，高于高价值阈值 %d 分/千克", strings.Join(detail, "；"), threshold)}}, nil
}

// flowModel (流向异常): a document that takes goods out of a holding (exit,
// transfer out, conversion) although no effective movement ever brought
// that batch into it — no entry that crossed the gate, no received transfer,
// no conversion — declares a flow the gate records contradict.
func flowModel(r *modelRun, _ model.ValidationModel) ([]finding, error) {
	h := r.source()
	if h == nil || r.rule.From == nil {
		return nil, nil
	}
	var idx []int
	var detail []string
	for _, g := range r.groups {
		b, _, err := r.t.balance(g.code, *h)
		if err != nil {
			return nil, err
		}
		if b.InboundGrams == 0 {
			idx = append(idx, g.lines...)
			detail = append(detail, fmt.Sprintf("第%s行溯源码 %s 申报自企业 %s 的%s库存流出，但该批次从未实际进入该库存（无已过卡的进区、已收货的流转或已生效的转换）",
				r.lineNos(g.lines), g.code, h.EnterpriseID, stockName(h.Bonded)))
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	slices.Sort(idx)
	return []finding{{fields: lineFields(idx, "traceCode"), reason: strings.Join(detail, "；")}}, nil
}

// taxModel (税款征收异常): goods declared to move out of the declarant's
// non-bonded stock beyond what it holds non-bonded, while it still holds the
// batch bonded: the conversion (保税转非保税) at which the tax is collected
// has not taken effect, yet the goods are to move as if it had.
func taxModel(r *modelRun, _ model.ValidationModel) ([]finding, error) {
	h := r.source()
	if h == nil || r.rule.From == nil || h.Bonded {
		return nil, nil
	}
	var idx []int
	var detail []string
	for _, g := range r.groups {
		nb, _, err := r.t.balance(g.code, *h)
		if err != nil {
			return nil, err
		}
		available := nb.WeightGrams - nb.ReservedGrams
		if g.grams <= available {
			continue
		}
		bonded, _, err := r.t.balance(g.code, model.Holding{EnterpriseID: h.EnterpriseID, Bonded: true})
		if err != nil {
			return nil, err
		}
		if bonded.WeightGrams > 0 {
			idx = append(idx, g.lines...)
			detail = append(detail, fmt.Sprintf("第%s行溯源码 %s 按非保税申报 %d 克，非保税库存可用 %d 克，企业仍持有保税库存 %d 克：保税转非保税尚未生效，税款未征收",
				r.lineNos(g.lines), g.code, g.grams, max(available, 0), bonded.WeightGrams))
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	slices.Sort(idx)
	return []finding{{fields: lineFields(idx, "weightGrams"), reason: strings.Join(detail, "；")}}, nil
}

// inboundIndex is stored under model.KeyInbound: one document declared to
// bring a batch into a holding, or, on ledgers from before per-document
// keys, the list of them under the holding's own key.
type inboundIndex struct {
	DocumentIDs []string `json:"documentIds"`
}

// indexInbound records a document that brings goods into one of the
// declarant's holdings — an entry, a conversion, a transfer's in leg — for
// the weight model's declared basis.
func (t *docTx) indexInbound(d *model.Document, rule model.DocumentRule) error {
	to := rule.To
	switch rule.Leg {
	case model.LegOut:
		return nil // the transferee's in leg brings the goods in
	case model.LegIn:
		out, _ := model.RuleOf(d.Family, model.BusinessOut)
		to = out.To
	}
	if to == nil {
		return nil
	}
	// One key per document, not one list per holding: in-declarations of a
	// batch into one holding then share no key (docs/architecture.md).
	for _, g := range groupLines(d.Lines) {
		attrs := append(balanceAttrs(g.code, d.EnterpriseID, *to), d.ID)
		if err := putRecord(t.ctx, model.KeyInbound, attrs, inboundIndex{DocumentIDs: []string{d.ID}}); err != nil {
			return err
		}
	}
	return nil
}

// pendingInbound is what documents declared into a holding will still bring
// of a batch: those not yet effective, returned or voided (a deletion asked
// for counts by the status it was asked in).
func (t *docTx) pendingInbound(code string, h model.Holding) (int64, error) {
	ids, err := t.inboundDocuments(code, h)
	if err != nil {
		return 0, err
	}
	var grams int64
	for _, id := range ids {
		d, err := loadDocument(t.ctx, id)
		if err != nil {
			return 0, err
		}
		status := d.Status
		if status == model.DocDeletionAsked && d.Deletion != nil {
			status = d.Deletion.PreviousStatus
		}
		switch status {
		case model.DocDeclared, model.DocManualReview, model.DocApproved:
			for _, l := range d.Lines {
				if l.TraceCode == code {
					grams += l.WeightGrams
				}
			}
		}
	}
	return grams, nil
}

// inboundDocuments lists the documents declared into a holding of a batch:
// the per-document keys under it and, on ledgers from before them, the list
// the holding's own key kept (which the range also returns). The range read
// makes a concurrent in-declaration into the holding invalidate this
// transaction (a phantom read), as the basis it computed changed.
func (t *docTx) inboundDocuments(code string, h model.Holding) ([]string, error) {
	it, err := t.ctx.GetStub().GetStateByPartialCompositeKey(model.KeyInbound, balanceAttrs(code, h.EnterpriseID, h.Bonded))
	if err != nil {
		return nil, fmt.Errorf("read %s of %s: %w", model.KeyInbound, code, err)
	}
	defer it.Close()
	var ids []string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", model.KeyInbound, code, err)
		}
		var idx inboundIndex
		if err := json.Unmarshal(kv.Value, &idx); err != nil {
			return nil, fmt.Errorf("decode %s: %w", model.KeyInbound, err)
		}
		ids = append(ids, idx.DocumentIDs...)
	}
	return ids, nil
}
