package query_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// queueWorld is the document world plus what waits for customs, committed
// in this order after it:
//
//	pf(1)  alpha  declared                                  → prefiling
//	pf(2)  beta   declared, sent to manual review by rule   → prefiling (rule R-PRICE v3)
//	pf(3)  beta   approved, supplement declared             → supplement
//	hz1    alpha  effective checklist, deletion requested   → deletion (customs only)
//	bl1    alpha  approved transfer, deletion requested     → waits for beta's confirmation first
//	fs2    gamma  non-bonded entry sent to manual review by rule R-ORIGIN v4 → manual_review
//	gr1    gamma  gate registration sent to manual review by an officer → manual_review
//	hz4    alpha  checklist entry declared (reviewed in customs' system) → not waiting
//	bl1    beta confirms the deletion                       → deletion
//
// bl2 of the document world is a declared bonded transfer out → document;
// fl1's deletion needs only its transferee, so it does not wait for customs.
type queueWorld struct {
	*docWorld
	since map[string]string // item id → the chain time it started waiting
}

const (
	fs2 = "FS2025030100000002"
	gr1 = "GR2025030100000001"
	hz4 = "HZ2025030100000004"
)

func newQueueWorld(t *testing.T) *queueWorld {
	t.Helper()
	w := &queueWorld{docWorld: newDocWorld(t), since: map[string]string{}}
	c := w.chain
	last := func(steps []model.DocumentStep) string { return steps[len(steps)-1].At }
	w.since[bl2] = c.Document(bl2).Steps[0].At

	w.since[pf(1)] = c.Declare(pf(1), alpha, data("Yirgacheffe G1", "ET", "Addis Green Export")).DeclaredAt
	w.since[pf(2)] = c.DeclareForManualReview(pf(2), beta, data("Santos NY2", "BR", "Santos Export SA"),
		model.RuleRef{RuleID: "R-PRICE", ConfigVersion: 3}).DeclaredAt
	c.Declare(pf(3), beta, data("Huila Supremo", "CO", "Huila Cafe SAS"))
	c.Review(pf(3), true, "")
	p3 := c.DeclareSupplement(pf(3), model.SupplementData{QuarantineBatchNo: "Q-3", QuarantineResult: model.QuarantineQualified,
		Attachments: []model.Attachment{}})
	w.since[pf(3)] = p3.Steps[len(p3.Steps)-1].At
	w.since[hz1] = last(c.RequestDeletion(hz1, "重复申报").Steps)
	c.RequestDeletion(bl1, "对方取消")

	declare := func(id string, family model.Family, business model.BusinessType, enterprise string) {
		c.DeclareDocument(model.Document{ID: id, Family: family, BusinessType: business, EnterpriseID: enterprise,
			Lines: []model.DocumentLine{docLine(1, "TC3", "Huila Supremo", 1_000_000)}})
	}
	declare(fs2, model.FamilyNonBondedApplication, model.BusinessEntry, gamma)
	w.since[fs2] = last(c.SendToManualReview(fs2, model.RuleRef{RuleID: "R-ORIGIN", ConfigVersion: 4}).Steps)
	declare(gr1, model.FamilyGateRegistration, model.BusinessEntry, gamma)
	w.since[gr1] = last(c.ReviewDocument(gr1, "manual_review", "核对车牌").Steps)
	declare(hz4, model.FamilyChecklist, model.BusinessEntry, alpha)
	w.since[bl1] = last(c.ConfirmDeletion(bl1).Steps)
	w.index(t)
	return w
}

func TestWorkQueue(t *testing.T) {
	t.Parallel()
	w := newQueueWorld(t)
	ctx := t.Context()

	t.Run("counts every kind in one answer", func(t *testing.T) {
		counts, err := w.reader.WorkQueueCounts(ctx)
		require.NoError(t, err)
		require.Equal(t, query.QueueCounts{query.QueuePrefiling: 2, query.QueueSupplement: 1, query.QueueDocument: 1,
			query.QueueManualReview: 2, query.QueueDeletion: 2}, counts)
		require.Equal(t, 8, counts.Total())
	})

	t.Run("lists everything oldest first with the enterprise, the time and the rule", func(t *testing.T) {
		page, err := w.reader.WorkQueue(ctx, query.QueueFilter{})
		require.NoError(t, err)
		require.Equal(t, 8, page.Total)
		type row struct {
			kind        query.QueueKind
			id, entName string
			rule        *model.RuleRef
		}
		var got []row
		for _, it := range page.Items {
			got = append(got, row{it.Kind, it.ID, it.EnterpriseName, it.Rule})
			want, err := time.Parse(time.RFC3339Nano, w.since[it.ID])
			require.NoError(t, err)
			// PostgreSQL keeps microseconds.
			require.True(t, want.Truncate(time.Microsecond).Equal(it.Since), "%s since %s, want %s", it.ID, it.Since, want)
			require.Equal(t, time.UTC, it.Since.Location())
		}
		require.Equal(t, []row{
			{query.QueueDocument, bl2, "Alpha Coffee", nil},
			{query.QueuePrefiling, pf(1), "Alpha Coffee", nil},
			{query.QueuePrefiling, pf(2), "Beta Trading", &model.RuleRef{RuleID: "R-PRICE", ConfigVersion: 3}},
			{query.QueueSupplement, pf(3), "Beta Trading", nil},
			{query.QueueDeletion, hz1, "Alpha Coffee", nil},
			{query.QueueManualReview, fs2, "Gamma Roasters", &model.RuleRef{RuleID: "R-ORIGIN", ConfigVersion: 4}},
			{query.QueueManualReview, gr1, "Gamma Roasters", nil},
			{query.QueueDeletion, bl1, "Alpha Coffee", nil},
		}, got)
		require.Equal(t, model.FamilyBondedTransfer, page.Items[0].Family)
		require.Equal(t, model.BusinessOut, page.Items[0].BusinessType)
		require.Empty(t, page.Items[1].Family)
	})

	t.Run("a kind filter keeps that kind and its total", func(t *testing.T) {
		page, err := w.reader.WorkQueue(ctx, query.QueueFilter{Kinds: []query.QueueKind{query.QueueManualReview, query.QueueDeletion}})
		require.NoError(t, err)
		require.Equal(t, 4, page.Total)
		require.Equal(t, []string{hz1, fs2, gr1, bl1}, queueIDs(page))
	})

	t.Run("pages continue in the same order", func(t *testing.T) {
		page, err := w.reader.WorkQueue(ctx, query.QueueFilter{Page: 2, PageSize: 3})
		require.NoError(t, err)
		require.Equal(t, 8, page.Total)
		require.Equal(t, []string{pf(3), hz1, fs2}, queueIDs(page))
		page, err = w.reader.WorkQueue(ctx, query.QueueFilter{Page: 4, PageSize: 3})
		require.NoError(t, err)
		require.Empty(t, page.Items)
	})

	t.Run("an unknown kind is an invalid filter", func(t *testing.T) {
		_, err := w.reader.WorkQueue(ctx, query.QueueFilter{Kinds: []query.QueueKind{"transfer"}})
		require.ErrorIs(t, err, query.ErrInvalidFilter)
	})

	t.Run("a decision takes the item off the queue", func(t *testing.T) {
		w := newQueueWorld(t)
		w.chain.ReviewDeletion(hz1, false, "不予删单")
		w.chain.ReviewDocument(fs2, "approve", "")
		w.chain.Review(pf(1), true, "")
		w.index(t)
		counts, err := w.reader.WorkQueueCounts(ctx)
		require.NoError(t, err)
		require.Equal(t, query.QueueCounts{query.QueuePrefiling: 1, query.QueueSupplement: 1, query.QueueDocument: 1,
			query.QueueManualReview: 1, query.QueueDeletion: 1}, counts)
		page, err := w.reader.WorkQueue(ctx, query.QueueFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{bl2, pf(2), pf(3), gr1, bl1}, queueIDs(page))
	})
}

func queueIDs(p query.QueuePage) []string {
	ids := []string{}
	for _, it := range p.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestEnterpriseCounts(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)
	receipts := map[string]int{}
	for _, r := range w.chain.Receipts() {
		receipts[r.EnterpriseID]++
	}
	for _, tt := range []struct {
		enterprise string
		incoming   int
	}{{alpha, 0}, {beta, 1}, {gamma, 0}, {"nobody", 0}} {
		got, err := w.reader.EnterpriseCounts(t.Context(), tt.enterprise)
		require.NoError(t, err)
		require.Equal(t, query.EnterpriseCounts{Receipts: receipts[tt.enterprise], IncomingTransfers: tt.incoming}, got, tt.enterprise)
		list, err := w.reader.IncomingTransfers(t.Context(), tt.enterprise)
		require.NoError(t, err)
		require.Len(t, list, tt.incoming, "the count agrees with the list")
	}
	require.Positive(t, receipts[beta])
}

func TestSearchPrefilingsByBatchAndMaterial(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	d := data("Santos NY2", "BR", "Santos Export SA")
	d.BatchNo, d.MaterialNo = "B-2025-07", "M-100"
	w.chain.Declare(pf(26), alpha, d)
	d.BatchNo, d.MaterialNo = "B-2025-08", "M-100"
	w.chain.Declare(pf(27), beta, d)
	w.index(t)
	for _, tt := range []struct {
		name   string
		filter query.PrefilingFilter
		want   []string
	}{
		{"batch number matches exactly", query.PrefilingFilter{BatchNo: "B-2025-07"}, pfs(26)},
		{"a batch number prefix matches nothing", query.PrefilingFilter{BatchNo: "B-2025"}, []string{}},
		{"material number matches exactly", query.PrefilingFilter{MaterialNo: "M-100"}, pfs(27, 26)},
		{"material number within an enterprise", query.PrefilingFilter{MaterialNo: "M-100", EnterpriseID: beta}, pfs(27)},
		{"batch and material combine", query.PrefilingFilter{MaterialNo: "M-100", BatchNo: "B-2025-08"}, pfs(27)},
	} {
		page, err := w.reader.SearchPrefilings(t.Context(), tt.filter)
		require.NoError(t, err, tt.name)
		got := []string{}
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		require.Equal(t, tt.want, got, tt.name)
		require.Equal(t, len(tt.want), page.Total, tt.name)
	}
}

func TestSearchDocumentsByAnyTag(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)
	for _, tt := range []struct {
		codes []string
		want  []string
	}{
		{[]string{"PRICE_ANOMALY", model.TagWeightAnomaly}, []string{bl2}},
		{[]string{"PRICE_ANOMALY"}, []string{}},
	} {
		page, err := w.reader.SearchDocuments(t.Context(), query.DocumentFilter{AnyTag: tt.codes})
		require.NoError(t, err)
		require.Equal(t, tt.want, ids(page.Items), "%v", tt.codes)
	}
}
