package gateway

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/docdrafts"
	"zonetrace/indexer/query"
)

// Bounds of one pickable-lines answer: the newest drafts and documents are
// searched, and the answer is cut at maxPickable lines; a trace code or q
// narrows it.
const (
	pickSources = 200
	maxPickable = 500
)

// pickableLine is a line of an earlier draft or document the enterprise
// can copy into a draft, with the stock it still holds of the batch.
type pickableLine struct {
	SourceType   string `json:"sourceType"` // draft | document
	SourceID     string `json:"sourceId"`
	Seq          int    `json:"seq"`
	TraceCode    string `json:"traceCode"`
	ProductName  string `json:"productName"`
	HSCode       string `json:"hsCode"`
	Origin       string `json:"origin"`
	MaterialNo   string `json:"materialNo"`
	WeightGrams  int64  `json:"weightGrams"`
	Bonded       bool   `json:"bonded"`
	Available    int64  `json:"availableGrams"`
	UnitPriceFen int64  `json:"unitPriceFen"`
	Currency     string `json:"currency"`
}

type pickableList struct {
	Items []pickableLine `json:"items"`
}

// stockKey is a holding of one trace code by the enterprise.
type stockKey struct {
	traceCode string
	bonded    bool
}

// pickableLines lists lines of the enterprise's undeclared drafts and of the
// documents it declared or received (voided ones left out). availableGrams
// is its balance of the line's batch (weight − reserved) in the customs
// status the target template (family, businessType) draws on, or, without
// one, the status of the source's own template.
func (r *docDraftRoutes) pickableLines(c *gin.Context) {
	ctx := c.Request.Context()
	u := mustUser(c)
	var target *docdrafts.Template
	if c.Query("family") != "" || c.Query("businessType") != "" {
		t, err := templateFromQuery(c.Query("family"), c.Query("businessType"))
		if err != nil {
			r.g.fail(c, err)
			return
		}
		target = &t
	}
	traceCode, q := strings.TrimSpace(c.Query("traceCode")), strings.ToLower(strings.TrimSpace(c.Query("q")))
	balances, err := r.g.cfg.Reads.Balances(ctx, query.BalanceFilter{EnterpriseID: u.EnterpriseID, TraceCode: traceCode})
	if err != nil {
		r.g.fail(c, err)
		return
	}
	available := map[stockKey]int64{}
	for _, b := range balances {
		available[stockKey{b.TraceCode, b.Bonded}] = b.WeightGrams - b.ReservedGrams
	}
	out := pickableList{Items: []pickableLine{}}
	add := func(sourceType, sourceID string, family model.Family, businessType model.BusinessType, lines []model.DocumentLine) {
		bonded := true
		if t, ok := docdrafts.TemplateFor(family, businessType); ok {
			bonded = t.Bonded
		}
		if target != nil {
			bonded = target.Bonded
		}
		for i, l := range lines {
			if len(out.Items) == maxPickable || !linePicked(l, traceCode, q) {
				continue
			}
			out.Items = append(out.Items, pickableLine{SourceType: sourceType, SourceID: sourceID, Seq: i + 1, TraceCode: l.TraceCode,
				ProductName: l.ProductName, HSCode: l.HSCode, Origin: l.Origin, MaterialNo: l.MaterialNo, WeightGrams: l.WeightGrams,
				Bonded: bonded, Available: available[stockKey{l.TraceCode, bonded}], UnitPriceFen: l.UnitPriceFen, Currency: l.Currency})
		}
	}
	undeclared := false
	drafts, err := r.store.List(ctx, u.EnterpriseID, docdrafts.Filter{Declared: &undeclared, Q: traceCode, Page: 1, PageSize: pickSources})
	if err != nil {
		r.g.fail(c, err)
		return
	}
	for _, d := range drafts.Items {
		add("draft", d.ID, d.Family, d.BusinessType, d.Lines)
	}
	docs, err := r.g.cfg.Reads.SearchDocuments(ctx, query.DocumentFilter{EnterpriseID: u.EnterpriseID, TraceCode: traceCode, Page: 1, PageSize: pickSources})
	if err != nil {
		r.g.fail(c, err)
		return
	}
	for _, d := range docs.Items {
		if d.Status == model.DocVoided {
			continue
		}
		// Search results carry no steps but do carry lines.
		add("document", d.ID, d.Family, d.BusinessType, d.Lines)
	}
	c.JSON(http.StatusOK, out)
}

// linePicked reports whether l matches the trace code (exactly) and q (part
// of its product name, trace code or material number, any case).
func linePicked(l model.DocumentLine, traceCode, q string) bool {
	if traceCode != "" && l.TraceCode != traceCode {
		return false
	}
	if q == "" {
		return true
	}
	for _, v := range []string{l.ProductName, l.TraceCode, l.MaterialNo} {
		if strings.Contains(strings.ToLower(v), q) {
			return true
		}
	}
	return false
}
