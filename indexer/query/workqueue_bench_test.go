package query_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
)

// Sizes of the work queue benchmark's mirror: a year of a busy zone.
const (
	queueBenchPrefilings = 200_000
	queueBenchDocuments  = 1_000_000
)

// queueBenchDatabase is kept between runs, like the search benchmark's.
const queueBenchDatabase = "zt_bench_queue"

// BenchmarkWorkQueue measures the menu badges' counts and the queue's pages
// on 200,000 prefilings and 1,000,000 documents with their steps, of which
// about 3,000 prefilings and 13,000 documents wait for customs.
func BenchmarkWorkQueue(b *testing.B) {
	ctx := context.Background()
	pool := openPersistentDatabase(b, ctx, queueBenchDatabase)
	var n int
	require.NoError(b, pool.QueryRow(ctx, `SELECT count(*) FROM documents`).Scan(&n))
	if n != queueBenchDocuments {
		start := time.Now()
		for _, q := range []string{
			`TRUNCATE document_tags, document_lines, document_steps, documents, prefiling_steps, trace_codes, prefilings, enterprises`,
			queueBenchEnterprises, queueBenchPrefilingsSQL, queueBenchDocumentsSQL, `ANALYZE`,
		} {
			_, err := pool.Exec(ctx, q)
			require.NoError(b, err)
		}
		b.Logf("loaded the queue mirror in %s", time.Since(start).Round(time.Second))
	}
	r := query.New(pool)
	counts, err := r.WorkQueueCounts(ctx)
	require.NoError(b, err)
	b.Logf("waiting: %v", counts)

	b.Run("counts", func(b *testing.B) {
		var lat []time.Duration
		for b.Loop() {
			start := time.Now()
			_, err := r.WorkQueueCounts(ctx)
			lat = append(lat, time.Since(start))
			require.NoError(b, err)
		}
		reportPercentiles(b, lat)
	})
	pages := map[string]query.QueueFilter{
		"first page, all kinds":      {},
		"page 20, all kinds":         {Page: 20},
		"first page, manual reviews": {Kinds: []query.QueueKind{query.QueueManualReview}},
		"first page, prefilings":     {Kinds: []query.QueueKind{query.QueuePrefiling, query.QueueSupplement}},
	}
	for name, f := range pages {
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				p, err := r.WorkQueue(ctx, f)
				lat = append(lat, time.Since(start))
				require.NoError(b, err)
				require.NotEmpty(b, p.Items)
			}
			reportPercentiles(b, lat)
		})
	}
}

const queueBenchEnterprises = `
INSERT INTO enterprises (id, name, kind, customs_code, status, registered_at, registered_by, updated_tx, block_number, doc)
SELECT format('91320583MA1Q%s', lpad(e::text, 6, '0')), format('昆山咖啡贸易%s有限公司', e), 'importer', '', 'active',
       '2025-01-01T00:00:00Z', 'zone-admin', 'tx-ent-' || e, 0, '{}'::jsonb
FROM generate_series(0, 49) e`

// 1.5 % of the prefilings are declared, 0.5 % have a supplement declared.
var queueBenchPrefilingsSQL = `
WITH p AS (
  INSERT INTO prefilings (id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code, origin,
                          exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen,
                          declared_at, updated_at, updated_tx, block_number, doc)
  SELECT 'PFQ' || lpad(g::text, 10, '0'), format('91320583MA1Q%s', lpad((g % 50)::text, 6, '0')),
         CASE WHEN g % 67 = 0 THEN 'declared' ELSE 'approved' END,
         CASE WHEN g % 67 <> 0 AND g % 200 = 1 THEN 'declared' ELSE '' END,
         '', 'coffee', '生咖啡豆 ' || g, '0901110000', 'ET', 'Union', 'M' || g, 'B' || g, 'qualified', 1000, 2000,
         timestamptz '2025-01-01 00:00:00+00' + g * interval '150 seconds',
         timestamptz '2025-01-01 00:00:00+00' + g * interval '150 seconds' + interval '1 hour', 'tx' || g, g, '{}'::jsonb
  FROM generate_series(1, ` + strconv.Itoa(queueBenchPrefilings) + `) g
  RETURNING id, declared_at, supplement_status, updated_at
)
INSERT INTO prefiling_steps (prefiling_id, seq, action, actor_msp, actor_client_id, actor_role, actor_enterprise_id,
                             actor_name, tx_id, at, at_text, reason, block_number)
SELECT id, 1, 'declare', 'WarehouseMSP', 'clerk', 'enterprise', '', '', 'tx', declared_at, '', '', 0 FROM p
UNION ALL
SELECT id, 2, 'supplement_declare', 'WarehouseMSP', 'clerk', 'enterprise', '', '', 'tx', updated_at, '', '', 0
FROM p WHERE supplement_status = 'declared'`

// Of the documents, 1 % are declared (half of a family reviewed here),
// 0.3 % in manual review (half sent by a rule) and 0.2 % await customs'
// deletion review; the rest are effective. Each has a declare step and the
// step that made it wait.
var queueBenchDocumentsSQL = `
WITH d AS (
  INSERT INTO documents (id, family, business_type, enterprise_id, counterparty_id, status, linked_document_id, in_leg_id,
                         customs_no, abnormal, deleted_or_modified, declared_at, updated_at, updated_tx, block_number, doc)
  SELECT 'DQ' || lpad(g::text, 12, '0'), fam, bt, format('91320583MA1Q%s', lpad((g % 50)::text, 6, '0')), '', st, '', '', '',
         false, st = 'deletion_requested',
         timestamptz '2025-01-01 00:00:00+00' + g * interval '30 seconds',
         timestamptz '2025-01-01 00:00:00+00' + g * interval '30 seconds' + interval '2 hours', 'tx' || g, g,
         CASE WHEN st = 'deletion_requested'
              THEN '{"deletion": {"needsCustoms": true, "needsTransferee": false}}'::jsonb ELSE '{}'::jsonb END
  FROM (
    SELECT g,
           CASE WHEN (g / 100) % 2 = 0 THEN 'nonbonded_application' ELSE 'checklist' END AS fam,
           'entry' AS bt,
           CASE WHEN g % 100 = 3 THEN 'declared'
                WHEN g % 1000 IN (5, 105, 205) THEN 'manual_review'
                WHEN g % 1000 IN (7, 107) THEN 'deletion_requested'
                ELSE 'effective' END AS st
    FROM generate_series(1, ` + strconv.Itoa(queueBenchDocuments) + `) g
  ) rows
  RETURNING id, status, declared_at, updated_at, block_number
)
INSERT INTO document_steps (document_id, seq, action, status, actor_msp, actor_client_id, actor_role, actor_enterprise_id,
                            actor_name, tx_id, at, at_text, reason, source, block_number, rule_id, rule_version)
SELECT id, 1, 'declare', 'declared', 'WarehouseMSP', 'clerk', 'enterprise', '', '', 'tx', declared_at, '', '', 'platform', 0, NULL, NULL
FROM d
UNION ALL
SELECT id, 2, CASE status WHEN 'manual_review' THEN 'manual_review' WHEN 'deletion_requested' THEN 'request_deletion' ELSE 'effective' END,
       status, 'CustomsMSP', 'officer', 'customs', '', '', 'tx', updated_at, '', '', 'platform', 0,
       CASE WHEN status = 'manual_review' AND block_number % 2 = 0 THEN 'R-PRICE' END,
       CASE WHEN status = 'manual_review' AND block_number % 2 = 0 THEN 3 END
FROM d WHERE status <> 'declared'`
