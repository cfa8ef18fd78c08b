package indexer_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
)

func TestProjection(t *testing.T) {
	t.Parallel()

	t.Run("a prefiling lifecycle lands in every table with the chain's values", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		blocks := f.lifecycle()
		f.catchUp(t)
		ctx := t.Context()

		require.Equal(t, blocks, f.checkpoint(t))
		require.Equal(t, blocks, f.count(t, `SELECT count(*) FROM ledger_transactions WHERE valid`))
		require.Equal(t, 2, f.count(t, `SELECT count(*) FROM enterprises`))

		var name, kind, registeredBy string
		var registeredAt time.Time
		var block int
		require.NoError(t, f.pool.QueryRow(ctx, `SELECT name, kind, registered_by, registered_at, block_number
			FROM enterprises WHERE id = '91320583MA1XYZ0001'`).Scan(&name, &kind, &registeredBy, &registeredAt, &block))
		require.Equal(t, "昆山咖啡进口有限公司", name)
		require.Equal(t, "importer", kind)
		require.Equal(t, blockfeed.ZoneAdmin.ClientID, registeredBy)
		require.True(t, registeredAt.After(start))
		require.Equal(t, 0, block)

		var enterpriseID string
		require.NoError(t, f.pool.QueryRow(ctx, `SELECT enterprise_id, block_number FROM identity_bindings
			WHERE msp_id = $1 AND client_id = $2`, model.WarehouseMSP, blockfeed.Declarant("91320583MA1XYZ0001").ClientID).
			Scan(&enterpriseID, &block))
		require.Equal(t, "91320583MA1XYZ0001", enterpriseID)
		require.Equal(t, 2, block)

		var status, supplementStatus, traceCode, quarantine string
		var weight int64
		var price string
		require.NoError(t, f.pool.QueryRow(ctx, `SELECT status, supplement_status, trace_code, quarantine_result,
			weight_grams, avg_price_fen, block_number FROM prefilings WHERE id = 'PF2025030100000002'`).
			Scan(&status, &supplementStatus, &traceCode, &quarantine, &weight, &price, &block))
		require.Equal(t, "approved", status)
		require.Equal(t, "approved", supplementStatus)
		require.Equal(t, "TCCF000001X", traceCode)
		require.Equal(t, "qualified", quarantine, "an approved supplement's quarantine result is merged")
		require.Equal(t, int64(19_200_000), weight)
		require.Equal(t, "425000", price, "kept in clear without a sealer")
		require.Equal(t, 8, block)

		require.NoError(t, f.pool.QueryRow(ctx, `SELECT status FROM prefilings WHERE id = 'PF2025030100000001'`).Scan(&status))
		require.Equal(t, "returned", status)

		require.Equal(t, 2, f.count(t, `SELECT count(*) FROM prefiling_steps WHERE prefiling_id = 'PF2025030100000001'`))
		require.Equal(t, 4, f.count(t, `SELECT count(*) FROM prefiling_steps WHERE prefiling_id = 'PF2025030100000002'`))
		require.Equal(t, 5, f.count(t, `SELECT block_number FROM prefiling_steps WHERE prefiling_id = 'PF2025030100000002' AND seq = 1`),
			"a step keeps the block that first carried it")

		var prefilingID string
		require.NoError(t, f.pool.QueryRow(ctx, `SELECT prefiling_id, weight_grams, block_number FROM trace_codes
			WHERE code = 'TCCF000001X'`).Scan(&prefilingID, &weight, &block))
		require.Equal(t, "PF2025030100000002", prefilingID)
		require.Equal(t, int64(19_200_000), weight)
		require.Equal(t, 6, block)

		for _, id := range []string{"PF2025030100000001", "PF2025030100000002"} {
			got, err := query.New(f.pool).Prefiling(ctx, id)
			require.NoError(t, err)
			require.Equal(t, f.chain.Prefiling(id), got.Prefiling, "the read model must equal the chain's state, steps included")
		}
	})

	t.Run("invalid transactions are recorded but not projected", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		f.chain.RegisterEnterprise("91320583MA1XYZ0001", "A")
		txID, at := f.chain.NextTx()
		conflicted := blockfeed.Tx(txID, at, "RegisterEnterprise", blockfeed.ZoneAdmin, model.DomainEvent{
			Type: model.EventEnterpriseRegistered, Enterprise: &model.Enterprise{ID: "91320583MA1XYZ0009", Name: "ghost",
				Kind: model.KindTrader, Status: model.EnterpriseActive, RegisteredAt: at, UpdatedTx: txID}})
		conflicted.Valid, conflicted.ValidationCode = false, "MVCC_READ_CONFLICT"
		queryTxID, queryAt := f.chain.NextTx()
		eventless := blockfeed.Tx(queryTxID, queryAt, "WhoAmI", blockfeed.Customs)
		eventless.Event = nil
		f.feed.Commit(conflicted, eventless)
		f.catchUp(t)

		require.Equal(t, 2, f.checkpoint(t))
		require.Equal(t, 1, f.count(t, `SELECT count(*) FROM ledger_transactions
			WHERE tx_id = $1 AND NOT valid AND validation_code = 'MVCC_READ_CONFLICT' AND block_number = 1 AND tx_index = 0`, txID))
		require.Equal(t, 1, f.count(t, `SELECT count(*) FROM ledger_transactions
			WHERE tx_id = $1 AND valid AND function = 'WhoAmI' AND tx_index = 1`, queryTxID))
		require.Equal(t, 0, f.count(t, `SELECT count(*) FROM enterprises WHERE id = '91320583MA1XYZ0009'`))
		require.Equal(t, 1, f.count(t, `SELECT count(*) FROM enterprises`))
	})

	t.Run("an unknown schema version stops the indexer at that block with a clear error", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		f.chain.RegisterEnterprise("91320583MA1XYZ0001", "A")
		txID, at := f.chain.NextTx()
		future := blockfeed.Tx(txID, at, "RegisterEnterprise", blockfeed.ZoneAdmin)
		payload, err := json.Marshal(model.EventEnvelope{Schema: model.EventSchemaVersion + 1, TxID: txID, At: at})
		require.NoError(t, err)
		future.Event.Payload = payload
		f.feed.Commit(future)
		f.chain.RegisterEnterprise("91320583MA1XYZ0002", "B")

		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		defer cancel()
		require.ErrorIs(t, f.indexer().Run(ctx), context.DeadlineExceeded)

		require.Equal(t, 1, f.checkpoint(t), "nothing at or after the refused block may be applied")
		require.Equal(t, 0, f.count(t, `SELECT count(*) FROM ledger_transactions WHERE block_number >= 1`))
		require.Contains(t, f.logs.String(), "unsupported event schema version 2")
	})

	t.Run("an event without the record its type names is refused", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		txID, at := f.chain.NextTx()
		f.feed.Commit(blockfeed.Tx(txID, at, "DeclarePrefiling", blockfeed.Customs,
			model.DomainEvent{Type: model.EventPrefilingDeclared}))

		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		require.ErrorIs(t, f.indexer().Run(ctx), context.DeadlineExceeded)
		require.Equal(t, 0, f.checkpoint(t))
		require.Contains(t, f.logs.String(), "event carries no record for its type")
	})
}

func TestMigrate(t *testing.T) {
	t.Parallel()

	t.Run("running it again changes nothing and uses the indexer's own version table", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		require.NoError(t, indexer.Migrate(t.Context(), f.pool))
		require.Equal(t, 1, f.count(t, `SELECT count(*) FROM indexer_schema_version WHERE version_id = 1`))
		require.Equal(t, 0, f.checkpoint(t))
		require.Equal(t, 0, f.count(t, `SELECT count(*) FROM pg_tables WHERE tablename = 'goose_db_version'`))
	})
}

func TestEnterpriseChangesProjected(t *testing.T) {
	t.Parallel()
	f := setup(t)
	e := f.chain.RegisterEnterprise("91320583MA1XYZ0001", "A")
	e.Name, e.Kind, e.CustomsCode, e.Status = "甲贸易", model.KindTrader, "3223960001", model.EnterpriseDisabled
	changed := f.chain.ChangeEnterprise(e)
	f.catchUp(t)

	got, err := query.New(f.pool).Enterprise(t.Context(), e.ID)
	require.NoError(t, err)
	require.Equal(t, changed, got)
	var status string
	var block int
	require.NoError(t, f.pool.QueryRow(t.Context(), `SELECT status, block_number FROM enterprises WHERE id = $1`, e.ID).Scan(&status, &block))
	require.Equal(t, model.EnterpriseDisabled, status)
	require.Equal(t, 1, block)
}

func TestRuleDecisionsProjected(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.chain.RegisterEnterprise("91320583MA1XYZ0001", "A")
	cfg := f.chain.PutRuleConfig(model.RuleConfigDraft{Tags: []model.TagDef{}, Models: []model.ValidationModel{},
		Bindings: []model.TagBinding{}, Rules: []model.ReviewRule{{ID: "et-pass", Kind: model.KindPrefiling, Name: "ET",
			Condition: `prefiling.origin == "ET"`, Outcome: model.OutcomePass, Enabled: true}}, Note: "第一版"})
	rule := model.RuleRef{RuleID: "et-pass", ConfigVersion: cfg.Version}
	declared := f.chain.DeclareDecided("PF2025030100000001", "91320583MA1XYZ0001", beans("Yirgacheffe G1", "ET", "Addis"), rule)
	f.catchUp(t)

	got, err := query.New(f.pool).Prefiling(t.Context(), declared.ID)
	require.NoError(t, err)
	require.Equal(t, declared.Steps, got.Steps, "the rule that decided survives the projection")
	require.Equal(t, &rule, got.Steps[1].DecidedBy)
	require.Nil(t, got.Steps[0].DecidedBy)
	require.Equal(t, declared.AutoReview, got.AutoReview)

	var version, ruleCount int
	var note string
	require.NoError(t, f.pool.QueryRow(t.Context(), `SELECT version, rule_count, note FROM rule_configs`).Scan(&version, &ruleCount, &note))
	require.Equal(t, []any{1, 1, "第一版"}, []any{version, ruleCount, note})
	ids, err := query.New(f.pool).RecentDeclarations(t.Context(), model.KindPrefiling, 5)
	require.NoError(t, err)
	require.Equal(t, []string{declared.ID}, ids)
}
