package query_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestReceipts(t *testing.T) {
	t.Parallel()
	w := newDocWorld(t)
	newestFirst := func(keep func(model.Receipt) bool) []model.Receipt {
		list := []model.Receipt{}
		for _, r := range w.chain.Receipts() {
			if keep(r) {
				list = append(list, r)
			}
		}
		slices.Reverse(list)
		return list
	}

	t.Run("an enterprise's receipts come newest first, page by page", func(t *testing.T) {
		t.Parallel()
		want := newestFirst(func(r model.Receipt) bool { return r.EnterpriseID == alpha })
		require.Len(t, want, 9, "hz1: declare, approve, gate pass, effective; bl1: declare, approve; bl2: declare; "+
			"fl1, naming alpha as counterparty: declare, request deletion")
		var got []model.Receipt
		for p := 1; ; p++ {
			page, err := w.reader.Receipts(t.Context(), query.ReceiptFilter{EnterpriseID: alpha, Page: p, PageSize: 3})
			require.NoError(t, err)
			require.Equal(t, len(want), page.Total)
			if len(page.Items) == 0 {
				break
			}
			got = append(got, page.Items...)
		}
		require.Equal(t, want, got)
	})

	t.Run("a document's receipts are its own", func(t *testing.T) {
		t.Parallel()
		page, err := w.reader.Receipts(t.Context(), query.ReceiptFilter{DocumentID: fl1})
		require.NoError(t, err)
		require.Equal(t, newestFirst(func(r model.Receipt) bool { return r.DocumentID == fl1 }), page.Items)
		require.Equal(t, model.DocDeletionAsked, page.Items[0].Status)
		require.Equal(t, model.DocActionRequestDeletion, page.Items[0].Action)
	})

	t.Run("a negative page is an invalid filter", func(t *testing.T) {
		t.Parallel()
		_, err := w.reader.Receipts(t.Context(), query.ReceiptFilter{Page: -1})
		require.ErrorIs(t, err, query.ErrInvalidFilter)
	})

	t.Run("receipts after a position are read in issue order, batch by batch, without gap or repeat", func(t *testing.T) {
		t.Parallel()
		var got []model.Receipt
		var positions []query.ReceiptPosition
		after := query.ReceiptPosition{Index: -1}
		for {
			batch, err := w.reader.ReceiptsAfter(t.Context(), after, 4)
			require.NoError(t, err)
			require.LessOrEqual(t, len(batch), 4)
			if len(batch) == 0 {
				break
			}
			for _, p := range batch {
				got = append(got, p.Receipt)
				positions = append(positions, p.Position)
			}
			after = batch[len(batch)-1].Position
		}
		require.Equal(t, w.chain.Receipts(), got)
		for i := 1; i < len(positions); i++ {
			prev, cur := positions[i-1], positions[i]
			require.True(t, cur.Block > prev.Block || (cur.Block == prev.Block && cur.Index > prev.Index),
				"positions ascend strictly: %v then %v", prev, cur)
		}

		rest, err := w.reader.ReceiptsAfter(t.Context(), positions[4], 0)
		require.NoError(t, err)
		require.Len(t, rest, len(got)-5)
		require.Equal(t, got[5], rest[0].Receipt)
	})

	t.Run("a negative limit is an invalid filter", func(t *testing.T) {
		t.Parallel()
		_, err := w.reader.ReceiptsAfter(t.Context(), query.ReceiptPosition{}, -1)
		require.ErrorIs(t, err, query.ErrInvalidFilter)
	})
}
