package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
)

// BenchmarkTenMillion measures exact queries and deep pages on ten million
// documents, ten million movements and a million prefilings
// (openTenMillionDatabase), reporting p50, p95 and p99 of each kind. Each
// iteration asks for another number, code, enterprise or depth, so pages
// come cold from disk as often as the machine's cache makes them.
func BenchmarkTenMillion(b *testing.B) {
	ctx := context.Background()
	pool := openTenMillionDatabase(b, ctx)
	r := query.New(pool)

	// Some documents' numbers and trace codes, spread over the table.
	var numbers, codes []string
	rows, err := pool.Query(ctx, `SELECT l.document_id, l.trace_code FROM document_lines l
		WHERE l.document_id IN (SELECT id FROM documents TABLESAMPLE SYSTEM (0.01) REPEATABLE (14)) AND l.seq = 1 LIMIT 500`)
	require.NoError(b, err)
	for rows.Next() {
		var n, c string
		require.NoError(b, rows.Scan(&n, &c))
		numbers, codes = append(numbers, n), append(codes, c)
	}
	require.NoError(b, rows.Err())
	require.NotEmpty(b, numbers)

	measure := func(name string, q func(i int) int) {
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				n := q(i)
				lat = append(lat, time.Since(start))
				require.Positive(b, n)
			}
			reportPercentiles(b, lat)
		})
	}

	measure("document by number (detail)", func(i int) int {
		d, err := r.Document(ctx, numbers[i%len(numbers)])
		require.NoError(b, err)
		return len(d.Lines)
	})
	measure("document by number (list search)", func(i int) int {
		page, err := r.SearchDocuments(ctx, query.DocumentFilter{Q: numbers[i%len(numbers)]})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("documents of a trace code", func(i int) int {
		page, err := r.SearchDocuments(ctx, query.DocumentFilter{TraceCode: codes[i%len(codes)]})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("movements of a trace code", func(i int) int {
		page, err := r.Movements(ctx, query.MovementFilter{TraceCode: stockCode(i * 7919 % stockCodes)})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("movements of an enterprise, first 100", func(i int) int {
		page, err := r.Movements(ctx, query.MovementFilter{EnterpriseID: stockEnterprise(i * 37 % stockEnterprises), Limit: 100})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("prefiling by batch number", func(i int) int {
		page, err := r.SearchPrefilings(ctx, query.PrefilingFilter{BatchNo: fmt.Sprintf("B%d", 1+i*7919%benchRows)})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("prefiling by trace code", func(i int) int {
		page, err := r.SearchPrefilings(ctx, query.PrefilingFilter{TraceCode: benchTraceCode(5*(i*7919%(benchRows/5)) + 1)})
		require.NoError(b, err)
		return len(page.Items)
	})

	// Deep pages: cursors taken once, by page number, at 20 depths from page
	// 10,000 on; each iteration asks for the page after one of them.
	deep := func(f func(page int) string) []string {
		var cursors []string
		for k := range 20 {
			cursors = append(cursors, f(10_000+k*1_000))
		}
		return cursors
	}
	start := time.Now()
	docCursors := deep(func(n int) string {
		page, err := r.SearchDocuments(ctx, query.DocumentFilter{Page: n})
		require.NoError(b, err)
		return page.Next
	})
	top := stockEnterprise(0) // the generator's busiest enterprise: about 7 % of the documents
	entCursors := deep(func(n int) string {
		page, err := r.SearchDocuments(ctx, query.DocumentFilter{EnterpriseID: top, Page: n / 10})
		require.NoError(b, err)
		return page.Next
	})
	pfCursors := deep(func(n int) string {
		page, err := r.SearchPrefilings(ctx, query.PrefilingFilter{Page: n})
		require.NoError(b, err)
		return page.Next
	})
	var mvCursors []string
	for e := range 20 {
		f := query.MovementFilter{EnterpriseID: stockEnterprise(e * 37 % stockEnterprises), Limit: query.MaxMovementLimit}
		for range 5 { // past the enterprise's first 50,000 movements
			page, err := r.Movements(ctx, f)
			require.NoError(b, err)
			f.After = page.Next
		}
		mvCursors = append(mvCursors, f.After)
	}
	b.Logf("deep cursors taken by page number in %s", time.Since(start).Round(time.Millisecond))

	measure("documents, page 10,000+ by cursor", func(i int) int {
		page, err := r.SearchDocuments(ctx, query.DocumentFilter{Cursor: docCursors[i%len(docCursors)]})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("an enterprise's documents, page 1,000+ by cursor", func(i int) int {
		page, err := r.SearchDocuments(ctx, query.DocumentFilter{EnterpriseID: top, Cursor: entCursors[i%len(entCursors)]})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("prefilings, page 10,000+ by cursor", func(i int) int {
		page, err := r.SearchPrefilings(ctx, query.PrefilingFilter{Cursor: pfCursors[i%len(pfCursors)]})
		require.NoError(b, err)
		return len(page.Items)
	})
	measure("movements of an enterprise, 100 after its 50,000th", func(i int) int {
		page, err := r.Movements(ctx, query.MovementFilter{EnterpriseID: stockEnterprise(i % 20 * 37 % stockEnterprises),
			Limit: 100, After: mvCursors[i%len(mvCursors)]})
		require.NoError(b, err)
		return len(page.Items)
	})
}
