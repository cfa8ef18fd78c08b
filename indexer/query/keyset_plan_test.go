package query

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/internal/pgtest"
)

// The lists' statements are answered along the indexes migration 00016
// made for them: a deep page is an index range starting at the cursor (not
// a sort of every match, not an OFFSET), an enterprise's documents two
// index walks, exact lookups an index probe. Checked on the plans
// PostgreSQL chooses for a few thousand rows with sequential scans priced
// out, so that a statement an index cannot serve shows up as a failure.
func TestListStatementsUseTheirIndexes(t *testing.T) {
	ctx := t.Context()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(ctx, pool))
	_, err := pool.Exec(ctx, `
		INSERT INTO documents (id, family, business_type, enterprise_id, counterparty_id, status, linked_document_id, in_leg_id,
			customs_no, abnormal, deleted_or_modified, declared_at, updated_at, updated_tx, block_number, doc)
		SELECT 'HZ20250101' || lpad(g::text, 8, '0'), 'checklist', 'entry', 'E' || (g % 40), CASE WHEN g % 3 = 0 THEN 'E' || (g % 7) ELSE '' END,
			'effective', '', '', '', g % 50 = 0, false, now(), timestamptz '2025-01-01' + g * interval '1 minute', 'tx', g, '{}'
		FROM generate_series(1, 5000) g;
		INSERT INTO document_lines (document_id, seq, trace_code, material_no, product_name, hs_code, origin, weight_grams,
			unit_price_fen, value_fen, currency)
		SELECT 'HZ20250101' || lpad(g::text, 8, '0'), 1, 'KSCF' || (g % 1000), '', 'coffee', '0901', 'BR', 1, 1, 1, 'CNY'
		FROM generate_series(1, 5000) g;
		INSERT INTO prefilings (id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code, origin,
			exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen, declared_at, updated_at,
			updated_tx, block_number, doc)
		SELECT 'PF20250101' || lpad(g::text, 8, '0'), 'E' || (g % 40), 'approved', '', '', 'coffee', 'p', '0901', 'BR', 'x', '',
			'B' || g, 'qualified', 1, '1', now(), timestamptz '2025-01-01' + g * interval '1 minute', 'tx', g, '{}'
		FROM generate_series(1, 5000) g;
		ANALYZE documents, document_lines, prefilings`)
	require.NoError(t, err)

	deep := &listCursor{listKey: listKey{UpdatedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), ID: "HZ2025010100001440"}}
	back := &listCursor{listKey: deep.listKey, Back: true}
	cases := []struct {
		name string
		sql  string
		args []any
		want []string
	}{
		{"a deep page of all documents", "", nil, []string{"Index Scan Backward using documents_listing", "Index Cond: (ROW(abnormal, updated_at, id) < ROW("}},
		{"the page before it", "", nil, []string{"Index Scan using documents_listing", "Index Cond: (ROW(abnormal, updated_at, id) > ROW("}},
		{"a deep page of an enterprise's documents", "", nil, []string{"documents_enterprise", "documents_counterparty"}},
		{"a deep page of all prefilings", "", nil, []string{"Index Scan Backward using prefilings_updated", "Index Cond: (ROW(updated_at, id) < ROW("}},
		{"documents of a trace code", "", nil, []string{"document_lines_trace_code"}},
		{"a prefiling by batch number", "", nil, []string{"prefilings_batch_no"}},
		{"a document by number in the list's search", "", nil, []string{"documents_id_prefix"}},
	}
	cases[0].sql, cases[0].args = DocumentFilter{PageSize: 20}.statement(listPaging{size: 20, cursor: deep})
	cases[1].sql, cases[1].args = DocumentFilter{PageSize: 20}.statement(listPaging{size: 20, cursor: back})
	cases[2].sql, cases[2].args = DocumentFilter{EnterpriseID: "E3"}.statement(listPaging{size: 20, cursor: deep})
	cases[3].sql, cases[3].args = PrefilingFilter{}.statement(listPaging{size: 20, cursor: deep})
	cases[4].sql, cases[4].args = DocumentFilter{TraceCode: "KSCF7"}.statement(listPaging{size: 20})
	cases[5].sql, cases[5].args = PrefilingFilter{BatchNo: "B4242"}.statement(listPaging{size: 20})
	cases[6].sql, cases[6].args = DocumentFilter{Q: "HZ2025010100004242"}.statement(listPaging{size: 20})

	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET enable_seqscan = off`)
	require.NoError(t, err)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := conn.Query(ctx, `EXPLAIN `+tc.sql, tc.args...)
			require.NoError(t, err)
			var lines []string
			for rows.Next() {
				var line string
				require.NoError(t, rows.Scan(&line))
				lines = append(lines, line)
			}
			require.NoError(t, rows.Err())
			plan := strings.Join(lines, "\n")
			for _, w := range tc.want {
				require.Contains(t, plan, w, plan)
			}
			// Sequential scans are priced out: one in the plan means no
			// index could answer that part.
			require.NotContains(t, plan, "Seq Scan", plan)
		})
	}
}
