package indexer_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
)

const (
	transferor = "91320583MA1XYZ0001"
	transferee = "91320583MA1XYZ0002"
	entryID    = "HZ2025030100000001"
	outLegID   = "BL2025030100000001"
	inLegID    = "BL2025030100000002"
)

// transfer commits a batch entering the zone at the transferor and a
// bonded transfer of part of it to the transferee, with the handshake, and
// returns the batch's trace code.
func (f fixture) transfer() string {
	c := f.chain
	c.RegisterEnterprise(transferor, "昆山咖啡进口有限公司")
	c.RegisterEnterprise(transferee, "Zone Roasters Ltd")
	c.Declare("PF2025030100000001", transferor, beans("Santos NY2", "BR", "Santos Export SA"))
	code := c.Review("PF2025030100000001", true, "").TraceCode
	c.DeclareDocument(model.Document{ID: entryID, Family: model.FamilyChecklist, BusinessType: model.BusinessEntry,
		EnterpriseID: transferor, Lines: []model.DocumentLine{line(1, code, 10_000_000)}})
	c.ReviewDocument(entryID, "approve", "")
	c.GatePass(entryID)
	c.DeclareDocument(model.Document{ID: outLegID, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessOut,
		EnterpriseID: transferor, Head: model.DocumentHead{CounterpartyID: transferee},
		Lines: []model.DocumentLine{line(1, code, 4_000_000)}})
	c.ReviewDocument(outLegID, "approve", "")
	c.DeclareDocument(model.Document{ID: inLegID, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessIn,
		EnterpriseID: transferee, Head: model.DocumentHead{CounterpartyID: transferor, LinkedDocumentID: outLegID},
		Lines: []model.DocumentLine{line(1, code, 4_000_000)}})
	c.ReviewDocument(inLegID, "approve", "同意")
	return code
}

func line(seq int, code string, grams int64) model.DocumentLine {
	return model.DocumentLine{Seq: seq, TraceCode: code, MaterialNo: "M-BR", ProductName: "巴西喜拉多生咖啡豆",
		HSCode: "0901110000", Origin: "BR", WeightGrams: grams, UnitPriceFen: 42_50, ValueFen: grams / 1000 * 42_50,
		Currency: "CNY", Packages: grams / 60_000}
}

func TestDocumentProjection(t *testing.T) {
	t.Parallel()

	t.Run("a transfer's full life lands in every table with the chain's values", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		code := f.transfer()
		f.catchUp(t)
		ctx := t.Context()
		r := query.New(f.pool)

		for _, id := range []string{entryID, outLegID, inLegID} {
			got, err := r.Document(ctx, id)
			require.NoError(t, err)
			require.Equal(t, f.chain.Document(id), got.Document, "the read model must equal the chain's state, steps included")
			require.Equal(t, model.DocEffective, got.Status)
			require.False(t, got.Abnormal)
			require.False(t, got.DeletedOrModified)
			movements, err := r.DocumentMovements(ctx, id)
			require.NoError(t, err)
			require.Equal(t, f.chain.Movements(id), movements)
		}

		var status, inLeg, linked, counterparty string
		require.NoError(t, f.pool.QueryRow(ctx, `SELECT status, in_leg_id, counterparty_id FROM documents WHERE id = $1`, outLegID).
			Scan(&status, &inLeg, &counterparty))
		require.Equal(t, "effective", status)
		require.Equal(t, inLegID, inLeg)
		require.Equal(t, transferee, counterparty)
		require.NoError(t, f.pool.QueryRow(ctx, `SELECT linked_document_id FROM documents WHERE id = $1`, inLegID).Scan(&linked))
		require.Equal(t, outLegID, linked)

		require.Equal(t, 1, f.count(t, `SELECT count(*) FROM document_lines WHERE trace_code = $1 AND document_id = $2
			AND weight_grams = 4000000 AND value_fen = '17000000' AND currency = 'CNY'`, code, outLegID))
		require.Equal(t, 4, f.count(t, `SELECT count(*) FROM document_steps WHERE document_id = $1`, entryID),
			"declare, approve, gate pass, effective")
		require.Equal(t, []string{"declare", "approve", "gate_pass", "effective"}, f.strings(t,
			`SELECT action FROM document_steps WHERE document_id = $1 ORDER BY seq`, entryID))

		require.Equal(t, []string{"zone_entry", "transfer"}, f.strings(t,
			`SELECT kind FROM movements WHERE trace_code = $1 ORDER BY block_number, tx_index, event_index`, code))
		entry := f.chain.Movements(entryID)[0]
		require.Nil(t, entry.From, "a zone entry comes from outside the zone")
		require.Equal(t, &model.Holding{EnterpriseID: transferor, Bonded: true}, entry.To)
		moved := f.chain.Movements(outLegID)[0]
		require.Equal(t, &model.Holding{EnterpriseID: transferor, Bonded: true}, moved.From)
		require.Equal(t, &model.Holding{EnterpriseID: transferee, Bonded: true}, moved.To)

		balances, err := r.Balances(ctx, query.BalanceFilter{TraceCode: code})
		require.NoError(t, err)
		require.Equal(t, []query.BalanceView{
			{Balance: f.chain.Balance(code, transferor, true), EnterpriseName: "昆山咖啡进口有限公司"},
			{Balance: f.chain.Balance(code, transferee, true), EnterpriseName: "Zone Roasters Ltd"},
		}, balances)
		require.Equal(t, int64(6_000_000), balances[0].WeightGrams)
		require.Equal(t, int64(0), balances[0].ReservedGrams, "the out leg's reservation is consumed by its movement")
		require.Equal(t, int64(10_000_000), balances[0].InboundGrams)
		require.Equal(t, int64(4_000_000), balances[0].OutboundGrams)
		require.Equal(t, int64(4_000_000), balances[1].WeightGrams)

		all := f.chain.Receipts()
		require.Equal(t, len(all), f.count(t, `SELECT count(*) FROM receipts`))
		got, err := r.ReceiptsAfter(ctx, query.ReceiptPosition{Index: -1}, 0)
		require.NoError(t, err)
		require.Len(t, got, len(all))
		for i, p := range got {
			require.Equal(t, all[i], p.Receipt)
		}
		// Approving the in leg moves the goods and makes both legs effective
		// in one transaction: the in leg's approval, the out leg's and the in
		// leg's effective steps, each told to both enterprises.
		last := got[len(got)-6:]
		for i, p := range last {
			require.Equal(t, last[0].Position.Block, p.Position.Block)
			require.Equal(t, i, p.Position.Index, "receipts of one transaction take consecutive positions")
		}
		require.Equal(t, []string{inLegID, inLegID, outLegID, outLegID, inLegID, inLegID},
			[]string{last[0].Receipt.DocumentID, last[1].Receipt.DocumentID, last[2].Receipt.DocumentID,
				last[3].Receipt.DocumentID, last[4].Receipt.DocumentID, last[5].Receipt.DocumentID})
		require.Equal(t, []string{transferor, transferee}, []string{last[2].Receipt.EnterpriseID, last[3].Receipt.EnterpriseID},
			"the declarant of the out leg first, then its counterparty")
	})

	t.Run("an out leg waits approved until its in leg is declared and approved", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		f.transfer()
		f.catchUp(t)
		// Replay the story's prefix on a second database to see the
		// intermediate state the handshake passes through.
		g := setup(t)
		c := g.chain
		c.RegisterEnterprise(transferor, "A")
		c.RegisterEnterprise(transferee, "B")
		c.DeclareDocument(model.Document{ID: outLegID, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessOut,
			EnterpriseID: transferor, Head: model.DocumentHead{CounterpartyID: transferee},
			Lines: []model.DocumentLine{line(1, "TC1", 4_000_000)}})
		c.ReviewDocument(outLegID, "approve", "")
		g.catchUp(t)
		r := query.New(g.pool)
		incoming, err := r.IncomingTransfers(t.Context(), transferee)
		require.NoError(t, err)
		require.Len(t, incoming, 1)
		require.Equal(t, outLegID, incoming[0].ID)
		require.Equal(t, model.DocApproved, incoming[0].Status)

		got, err := r.Document(t.Context(), outLegID)
		require.NoError(t, err)
		require.True(t, got.Abnormal, "4,000,000 g asked with nothing in stock is tagged")
		require.Equal(t, model.TagWeightAnomaly, got.Tags[0].Code)
		require.Equal(t, 1, g.count(t, `SELECT count(*) FROM document_tags WHERE document_id = $1 AND code = $2`,
			outLegID, model.TagWeightAnomaly))
		require.Equal(t, 0, g.count(t, `SELECT count(*) FROM movements`))
		b, err := r.Balances(t.Context(), query.BalanceFilter{EnterpriseID: transferor})
		require.NoError(t, err)
		require.Equal(t, int64(4_000_000), b[0].ReservedGrams)

		c.DeclareDocument(model.Document{ID: inLegID, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessIn,
			EnterpriseID: transferee, Head: model.DocumentHead{LinkedDocumentID: outLegID},
			Lines: []model.DocumentLine{line(1, "TC1", 4_000_000)}})
		g.catchUp(t)
		incoming, err = r.IncomingTransfers(t.Context(), transferee)
		require.NoError(t, err)
		require.Empty(t, incoming, "an out leg with an in leg is no longer waiting")
	})

	t.Run("deletions set the deleted-or-modified flag, and voiding an effective document reverses its movements", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		code := f.transfer()
		c := f.chain
		c.DeclareDocument(model.Document{ID: "HZ2025030100000002", Family: model.FamilyChecklist,
			BusinessType: model.BusinessExit, EnterpriseID: transferor, Lines: []model.DocumentLine{line(1, code, 1_000_000)}})
		c.RequestDeletion("HZ2025030100000002", "录入错误")
		c.RequestDeletion(outLegID, "合同取消")
		c.ConfirmDeletion(outLegID)
		c.DeclareDocument(model.Document{ID: "HZ2025030100000003", Family: model.FamilyChecklist,
			BusinessType: model.BusinessExit, EnterpriseID: transferor, Lines: []model.DocumentLine{line(1, code, 1_000_000)}})
		c.ReviewDocument("HZ2025030100000003", "approve", "")
		c.RequestDeletion("HZ2025030100000003", "改期")
		c.ReviewDeletion("HZ2025030100000003", false, "货已在途")
		f.catchUp(t)

		require.Equal(t, model.DocVoided, c.Document("HZ2025030100000002").Status)
		require.Equal(t, model.DocDeletionAsked, c.Document(outLegID).Status, "awaiting customs")
		require.Equal(t, model.DocApproved, c.Document("HZ2025030100000003").Status)
		require.Equal(t, []string{outLegID, "HZ2025030100000002", "HZ2025030100000003"}, f.strings(t,
			`SELECT id FROM documents WHERE deleted_or_modified ORDER BY id`))

		c.ReviewDeletion(outLegID, true, "")
		f.catchUp(t)
		require.Equal(t, model.DocVoided, c.Document(outLegID).Status)
		require.Equal(t, []string{"transfer", "reversal"}, f.strings(t,
			`SELECT kind FROM movements WHERE document_id = $1 ORDER BY block_number, tx_index, event_index`, outLegID))
		r := query.New(f.pool)
		balances, err := r.Balances(t.Context(), query.BalanceFilter{TraceCode: code})
		require.NoError(t, err)
		require.Len(t, balances, 2)
		require.Equal(t, int64(10_000_000), balances[0].WeightGrams, "the transfer came back")
		require.Equal(t, int64(1_000_000), balances[0].ReservedGrams, "the approved exit awaits the gate")
		require.Equal(t, int64(0), balances[1].WeightGrams)
		for _, b := range balances {
			require.Equal(t, f.chain.Balance(code, b.EnterpriseID, b.Bonded), b.Balance)
		}
	})

	t.Run("times round-trip whether or not they are in the canonical form", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		for _, at := range []string{"2025-03-01T08:00:00.123456Z", "2025-03-01T16:00:00.123456789+08:00"} {
			txID, _ := f.chain.NextTx()
			m := &model.Movement{ID: txID + ":HZ1:1", Kind: model.MoveZoneEntry, DocumentID: "HZ1", LineSeq: 1,
				TraceCode: "TC1", To: &model.Holding{EnterpriseID: transferor, Bonded: true}, WeightGrams: 5, TxID: txID, At: at}
			f.feed.Commit(blockfeed.Tx(txID, at, "RecordGatePass", blockfeed.ZoneAdmin,
				model.DomainEvent{Type: model.EventMovementRecorded, Movement: m}))
		}
		f.catchUp(t)
		require.Equal(t, 1, f.count(t, `SELECT count(*) FROM movements WHERE at_text IS NULL`),
			"the canonical form is not stored twice")
		got, err := query.New(f.pool).DocumentMovements(t.Context(), "HZ1")
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, "2025-03-01T08:00:00.123456Z", got[0].At)
		require.Equal(t, "2025-03-01T16:00:00.123456789+08:00", got[1].At)
		require.Equal(t, "tx000001:HZ1:1", got[0].ID)
	})
}

func TestDocumentProjectionRefusals(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name  string
		event model.DomainEvent
		log   string
	}{
		{"a document event without its document", model.DomainEvent{Type: model.EventDocumentDeclared},
			"event carries no record for its type"},
		{"a movement event without its movement", model.DomainEvent{Type: model.EventMovementRecorded},
			"event carries no record for its type"},
		{"a balance event without its balance", model.DomainEvent{Type: model.EventBalanceChanged},
			"event carries no record for its type"},
		{"a receipt event without its receipt", model.DomainEvent{Type: model.EventReceiptIssued},
			"event carries no record for its type"},
		{"a movement whose id is not made of its parts", model.DomainEvent{Type: model.EventMovementRecorded,
			Movement: &model.Movement{ID: "m1", DocumentID: "HZ1", LineSeq: 1, TxID: "tx1", At: "2025-03-01T08:00:00Z"}},
			`movement id \"m1\" is not txID:documentID:lineSeq`},
		{"an unknown event type", model.DomainEvent{Type: "DocumentTeleported"},
			`unknown domain event type \"DocumentTeleported\"`},
	}
	for _, tc := range cases {
		t.Run(tc.name+" stops the indexer at that block", func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.chain.RegisterEnterprise(transferor, "A")
			txID, at := f.chain.NextTx()
			f.feed.Commit(blockfeed.Tx(txID, at, "DeclareDocument", blockfeed.Customs, tc.event))

			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			require.ErrorIs(t, f.indexer().Run(ctx), context.DeadlineExceeded)
			require.Equal(t, 1, f.checkpoint(t))
			require.Contains(t, f.logs.String(), tc.log)
		})
	}
}
