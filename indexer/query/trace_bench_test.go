package query_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/sealing"
)

// Shape of the trace benchmark's database: the stock benchmark's ten
// million movements of 200,000 trace codes (stockLoadSQL), a prefiling and
// trace code for every code, and for the first traceDocumented codes every
// document that moved them, with two lines, three steps and one tag in ten.
// The benchmark asks about those codes. Commercial values are sealed, as in
// production, with keys kept beside the database in traceKeyDir.
const (
	traceDocumented = 10_000
	traceDatabase   = "zt_bench_trace"
)

var traceKeyDir = filepath.Join(os.TempDir(), "zt_bench_trace_keys")

// BenchmarkTraceHistory measures TraceHistory on ten million mirrored
// movements, reporting p50 and p99 latency; each iteration asks about a
// different trace code, which has 50 movements and about 50 documents.
func BenchmarkTraceHistory(b *testing.B) {
	ctx := context.Background()
	pool, sealer := openTraceDatabase(b, ctx)
	r := query.New(pool, query.WithSealer(sealer))
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		code := stockCode(i * 7919 % traceDocumented)
		start := time.Now()
		h, err := r.TraceHistory(ctx, code)
		lat = append(lat, time.Since(start))
		require.NoError(b, err)
		require.Len(b, h.Movements, stockMovements/stockCodes)
		require.NotEmpty(b, h.Documents)
		require.NotEmpty(b, h.Documents[0].Steps)
		require.NotEmpty(b, h.Holders)
		require.Positive(b, h.Documents[0].Lines[0].UnitPriceFen)
	}
	reportPercentiles(b, lat)
}

// openTraceDatabase returns the trace benchmark's database and the sealer
// of its values, loading what it lacks: the stock benchmark's movements,
// then the prefilings and documents, then the sealing of their prices.
func openTraceDatabase(b *testing.B, ctx context.Context) (*pgxpool.Pool, *sealing.Sealer) {
	b.Helper()
	_, statErr := os.Stat(filepath.Join(traceKeyDir, "kek.json"))
	freshKeys := errors.Is(statErr, os.ErrNotExist)
	require.NoError(b, os.MkdirAll(traceKeyDir, 0o700))
	ring, err := sealing.OpenKeyFile(filepath.Join(traceKeyDir, "kek.json"))
	require.NoError(b, err)
	sealer, err := sealing.Open(ctx, traceKeyDir, ring)
	require.NoError(b, err)

	pool := openPersistentDatabase(b, ctx, traceDatabase)
	count := func(table string) int {
		var n int
		require.NoError(b, pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
		return n
	}
	exec := func(sql string, args ...any) {
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(b, err)
	}
	start := time.Now()
	loaded := false
	if count("movements") != stockMovements {
		exec(`TRUNCATE movements, balances, enterprises, prefilings, prefiling_steps, trace_codes,
			documents, document_lines, document_steps, document_tags, indexer_sealing`)
		exec(stockLoadSQL, stockMovements, stockCodes, stockEnterprises, stockEpoch, stockStep.Microseconds())
		loaded = true
	}
	if count("trace_codes") != stockCodes || freshKeys {
		exec(`TRUNCATE prefilings, prefiling_steps, trace_codes, documents, document_lines, document_steps,
			document_tags, indexer_sealing`)
		exec(tracePrefilingsSQL, stockCodes, stockEnterprises, stockEpoch)
		exec(traceDocumentsSQL, stockMovements, stockCodes, stockEnterprises, stockEpoch, stockStep.Microseconds(), traceDocumented)
		loaded = true
	}
	if count("indexer_sealing") == 0 {
		n := sealTraceDocs(b, ctx, pool, sealer, "prefilings", indexer.PrefilingSealed) +
			sealTraceDocs(b, ctx, pool, sealer, "documents", indexer.DocumentSealed)
		exec(`INSERT INTO indexer_sealing (sealed_at) VALUES (now())`)
		b.Logf("sealed the prices of %d rows", n)
		loaded = true
	}
	if loaded {
		exec(`VACUUM ANALYZE movements, balances, enterprises, prefilings, prefiling_steps, trace_codes,
			documents, document_lines, document_steps, document_tags`)
		b.Logf("loaded the trace benchmark's database in %s", time.Since(start).Round(time.Second))
	}
	return pool, sealer
}

// sealTraceDocs seals the prices in the doc column of table (prefilings or
// documents) as the indexer writes them: what TraceHistory reads. The
// separate price columns stay in clear; no trace query reads them.
func sealTraceDocs(b *testing.B, ctx context.Context, pool *pgxpool.Pool, s *sealing.Sealer, table string, f sealing.Fields) int {
	b.Helper()
	total, last := 0, ""
	for {
		rows, err := pool.Query(ctx, `SELECT id, doc FROM `+table+` WHERE id > $1 ORDER BY id LIMIT 2000`, last)
		require.NoError(b, err)
		batch := &pgx.Batch{}
		var id string
		var doc []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
			sealed, err := f.Seal(s, id, doc)
			if err != nil {
				return err
			}
			batch.Queue(`UPDATE `+table+` SET doc = $2 WHERE id = $1`, id, sealed)
			last = id
			return nil
		})
		require.NoError(b, err)
		if batch.Len() == 0 {
			return total
		}
		require.NoError(b, pool.SendBatch(ctx, batch).Close())
		total += batch.Len()
	}
}

// tracePrefilingsSQL writes an approved prefiling (declared and approved
// steps) and its trace code for every trace code of stockLoadSQL.
// Parameters: $1 trace codes, $2 enterprises, $3 epoch.
const tracePrefilingsSQL = `
WITH src AS (
  SELECT c, format('KSCF2201%s', lpad(c::text, 8, '0')) AS code, format('PF20220101%s', lpad(c::text, 8, '0')) AS id,
         format('91320583MA1S%s', lpad((c % $2::int)::text, 6, '0')) AS ent,
         $3::timestamptz + (c % 1000) * interval '1 minute' AS at
  FROM generate_series(0, $1::int - 1) c
), pf AS (
  INSERT INTO prefilings (id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code, origin,
                          exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen, declared_at,
                          updated_at, updated_tx, block_number, doc)
  SELECT id, ent, 'approved', '', code, 'CF', '巴西喜拉多生咖啡豆', '0901110000', 'BR', 'Santos Export SA', 'MAT-' || c,
         'B-' || c, 'qualified', 19200000, (3800 + c % 500)::text, at, at, 'tx-pf-' || c, 0,
         jsonb_build_object('id', id, 'enterpriseId', ent, 'status', 'approved', 'supplementStatus', '', 'traceCode', code,
           'data', jsonb_build_object('commodity', 'CF', 'productName', '巴西喜拉多生咖啡豆', 'hsCode', '0901110000',
             'origin', 'BR', 'exporterName', 'Santos Export SA', 'quarantineResult', 'qualified', 'avgPriceFen', 3800 + c % 500,
             'currency', 'CNY', 'weightGrams', 19200000, 'grade', 'NY2', 'plantingRegion', 'Cerrado Mineiro',
             'productionDate', '2021-10-01', 'shelfLifeDays', 720, 'materialNo', 'MAT-' || c, 'batchNo', 'B-' || c,
             'attachments', '[]'::jsonb),
           'declaredAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           'updatedAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'updatedTx', 'tx-pf-' || c, 'version', 2)
  FROM src
  RETURNING 1
), steps AS (
  INSERT INTO prefiling_steps (prefiling_id, seq, action, actor_msp, actor_client_id, actor_role, actor_enterprise_id,
                               actor_name, tx_id, at, at_text, reason, supplement, block_number)
  SELECT id, s, (ARRAY['declare', 'approve'])[s], (ARRAY['EnterpriseMSP', 'CustomsMSP'])[s], 'x509::CN=clerk',
         (ARRAY['enterprise', 'customs'])[s], ent, 'clerk', 'tx-pf-' || c || '-' || s, at,
         to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '', NULL, 0
  FROM src, generate_series(1, 2) s
  RETURNING 1
)
INSERT INTO trace_codes (code, prefiling_id, enterprise_id, commodity, product_name, origin, weight_grams, status, issued_at,
                         issued_tx, block_number, doc)
SELECT code, id, ent, 'CF', '巴西喜拉多生咖啡豆', 'BR', 19200000, 'active', at, 'tx-pf-' || c || '-2', 0,
       jsonb_build_object('code', code, 'prefilingId', id, 'enterpriseId', ent, 'commodity', 'CF',
         'productName', '巴西喜拉多生咖啡豆', 'origin', 'BR', 'weightGrams', 19200000, 'status', 'active',
         'issuedAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'issuedTx', 'tx-pf-' || c || '-2')
FROM src`

// traceDocumentsSQL writes the documents of stockLoadSQL's movements of the
// first $6 trace codes: document g/2 moved movements g and g+1, so it has
// two lines (their trace codes), declare, approve and gate-pass steps, and
// a tag in ten. Parameters as stockLoadSQL's, and $6 documented codes.
const traceDocumentsSQL = `
WITH src AS (
  SELECT DISTINCT (c + k * $2::bigint) / 2 AS d FROM generate_series(0, $6::int - 1) c,
         generate_series(0, $1::bigint / $2::bigint - 1) k
), docs AS (
  SELECT d, 'HZ2201' || upper(lpad(to_hex(d), 12, '0')) AS id,
         format('91320583MA1S%s', lpad((2 * d % $3::int)::text, 6, '0')) AS ent,
         $4::timestamptz + 2 * d * $5::bigint * interval '1 microsecond' AS at,
         to_char(($4::timestamptz + 2 * d * $5::bigint * interval '1 microsecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text,
         (ARRAY['entry', 'out', 'out', 'conversion', 'exit'])[1 + (2 * d / 7) % 5] AS bt
  FROM src
), doc AS (
  INSERT INTO documents (id, family, business_type, enterprise_id, counterparty_id, status, linked_document_id, in_leg_id,
                         customs_no, abnormal, deleted_or_modified, declared_at, updated_at, updated_tx, block_number, doc)
  SELECT id, CASE bt WHEN 'out' THEN 'bonded_transfer' ELSE 'checklist' END, bt, ent,
         CASE bt WHEN 'out' THEN format('91320583MA1S%s', lpad(((2 * d + 1) % $3::int)::text, 6, '0')) ELSE '' END,
         'effective', '', '', '', d % 10 = 0, false, at, at, 'tx' || lpad(to_hex(d), 64, '0'), d / 5,
         jsonb_build_object('id', id, 'family', CASE bt WHEN 'out' THEN 'bonded_transfer' ELSE 'checklist' END,
           'businessType', bt, 'enterpriseId', ent, 'status', 'effective',
           'head', jsonb_build_object('accountBookNo', 'T3223W000001', 'supervisionMode', '5034', 'vehiclePlate', '苏E' || lpad((d % 100000)::text, 5, '0')),
           'lines', jsonb_build_array(
             jsonb_build_object('seq', 1, 'traceCode', format('KSCF2201%s', lpad((2 * d % $2::int)::text, 8, '0')),
               'productName', '巴西喜拉多生咖啡豆', 'hsCode', '0901110000', 'origin', 'BR', 'weightGrams', 100000 + (2 * d % 500) * 1000,
               'unitPriceFen', 3800, 'valueFen', (100 + 2 * d % 500) * 3800, 'currency', 'CNY'),
             jsonb_build_object('seq', 2, 'traceCode', format('KSCF2201%s', lpad(((2 * d + 1) % $2::int)::text, 8, '0')),
               'productName', '巴西喜拉多生咖啡豆', 'hsCode', '0901110000', 'origin', 'BR', 'weightGrams', 100000 + ((2 * d + 1) % 500) * 1000,
               'unitPriceFen', 3900, 'valueFen', (100 + (2 * d + 1) % 500) * 3900, 'currency', 'CNY')),
           'tags', CASE WHEN d % 10 = 0 THEN jsonb_build_array(jsonb_build_object('code', 'WEIGHT_ANOMALY',
             'reason', 'line 1 asks more than available', 'txId', 'tx-tag-' || d, 'configVersion', 0)) ELSE '[]'::jsonb END,
           'receipts', '[]'::jsonb, 'declaredAt', at_text, 'updatedAt', at_text,
           'updatedTx', 'tx' || lpad(to_hex(d), 64, '0'), 'version', 3)
  FROM docs
  RETURNING 1
), lines AS (
  INSERT INTO document_lines (document_id, seq, trace_code, material_no, product_name, hs_code, origin, weight_grams,
                              unit_price_fen, value_fen, currency)
  SELECT id, s, format('KSCF2201%s', lpad(((2 * d + s - 1) % $2::int)::text, 8, '0')), '', '巴西喜拉多生咖啡豆', '0901110000',
         'BR', 100000 + ((2 * d + s - 1) % 500) * 1000, (3700 + s * 100)::text,
         ((100 + (2 * d + s - 1) % 500) * (3700 + s * 100))::text, 'CNY'
  FROM docs, generate_series(1, 2) s
  RETURNING 1
), tags AS (
  INSERT INTO document_tags (document_id, seq, code, reason, tx_id)
  SELECT id, 1, 'WEIGHT_ANOMALY', 'line 1 asks more than available', 'tx-tag-' || d FROM docs WHERE d % 10 = 0
  RETURNING 1
)
INSERT INTO document_steps (document_id, seq, action, status, actor_msp, actor_client_id, actor_role, actor_enterprise_id,
                            actor_name, tx_id, at, at_text, reason, source, block_number)
SELECT id, s, (ARRAY['declare', 'approve', 'gate_pass'])[s], (ARRAY['declared', 'approved', 'effective'])[s],
       (ARRAY['EnterpriseMSP', 'CustomsMSP', 'ZoneAdminMSP'])[s], 'x509::CN=actor', (ARRAY['enterprise', 'customs', 'zone_admin'])[s],
       ent, 'actor', 'tx-step-' || d || '-' || s, at, at_text, '', 'platform', d / 5
FROM docs, generate_series(1, 3) s`
