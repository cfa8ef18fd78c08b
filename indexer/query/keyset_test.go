package query_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

// generatedDocuments is a migrated database holding n documents of the
// ten-million generator (documentRowsView) and the stock benchmark's
// enterprises' names.
func generatedDocuments(t *testing.T, n int) *pgxpool.Pool {
	t.Helper()
	ctx := t.Context()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(ctx, pool))
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	for _, sql := range []string{documentRowsView(n), documentsLoadSQL, documentLinesLoadSQL} {
		_, err := conn.Exec(ctx, sql)
		require.NoError(t, err)
	}
	_, err = conn.Exec(ctx, `ANALYZE documents, document_lines`)
	require.NoError(t, err)
	return pool
}

// orderedIDs lists the ids of documents (or prefilings) matching where in
// the lists' order, as the test's own statement.
func orderedIDs(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) []string {
	t.Helper()
	rows, err := pool.Query(t.Context(), sql, args...)
	require.NoError(t, err)
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return list
}

// walkDocuments follows Next from the first page (or Prev from the page
// the cursor start names, when back) to the end, returning the ids in the
// order the pages came and the number of pages.
func walkDocuments(t *testing.T, r *query.Reader, f query.DocumentFilter, back bool, between func(query.DocumentPage)) (seen []string, pages int) {
	t.Helper()
	for {
		page, err := r.SearchDocuments(t.Context(), f)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Items), f.PageSize)
		if back {
			seen = append(ids(page.Items), seen...)
		} else {
			seen = append(seen, ids(page.Items)...)
		}
		pages++
		next := page.Next
		if back {
			next = page.Prev
		}
		if next == "" {
			return seen, pages
		}
		require.NotEmpty(t, page.Items, "a page without rows has no cursor onwards")
		f.Cursor, f.Page = next, 0
		if between != nil {
			between(page)
		}
	}
}

const documentOrder = ` ORDER BY abnormal DESC, updated_at DESC, id DESC`

// Finding (issue 14, item 6): deep pages were OFFSET pages, reading and
// dropping every row before them. A cursor walk visits every document
// exactly once, in the list's order, while documents are inserted between
// its pages right where it stands: tied with the page's last row on flag
// and update time (just before and just after it by id), a minute newer and
// a minute older. Those behind the walk are never seen, those ahead once.
func TestDocumentCursorWalksEveryRowOnceWhileRowsArrive(t *testing.T) {
	pool := generatedDocuments(t, 600)
	r := query.New(pool)
	want := orderedIDs(t, pool, `SELECT id FROM documents`+documentOrder)

	var ahead []string
	seen, _ := walkDocuments(t, r, query.DocumentFilter{PageSize: 7}, false, func(page query.DocumentPage) {
		last := page.Items[len(page.Items)-1].ID
		for _, n := range []struct {
			id      string
			minutes int
		}{{last + "Z", 0}, {last[:len(last)-1], 0}, {last + "N", 1}, {last + "O", -1}} {
			tag, err := pool.Exec(t.Context(), `INSERT INTO documents (id, family, business_type, enterprise_id, counterparty_id,
					status, linked_document_id, in_leg_id, customs_no, abnormal, deleted_or_modified, declared_at, updated_at,
					updated_tx, block_number, doc)
				SELECT $1, family, business_type, enterprise_id, counterparty_id, status, linked_document_id, in_leg_id, customs_no,
					abnormal, deleted_or_modified, declared_at, updated_at + $2 * interval '1 minute', updated_tx, block_number,
					jsonb_set(doc, '{id}', to_jsonb($1::text))
				FROM documents WHERE id = $3
				ON CONFLICT (id) DO NOTHING`, n.id, n.minutes, last)
			require.NoError(t, err)
			if tag.RowsAffected() == 1 && (n.minutes < 0 || n.minutes == 0 && n.id < last) {
				ahead = append(ahead, n.id)
			}
		}
	})
	require.NotEmpty(t, ahead)

	counts := map[string]int{}
	var original []string
	for _, id := range seen {
		counts[id]++
		require.Equal(t, 1, counts[id], "%s seen twice", id)
		if slices.Contains(want, id) {
			original = append(original, id)
		}
	}
	require.Equal(t, want, original, "every document there from the start, once, in order")
	for _, id := range ahead {
		require.Contains(t, counts, id, "inserted ahead of the walk")
	}
	require.Len(t, seen, len(want)+len(ahead), "nothing inserted behind the walk")
}

// Walking back with Prev from the last page gives the same rows as walking
// forward; so does an enterprise's list (two index walks merged) and a
// filtered one.
func TestDocumentCursorWalksBothWays(t *testing.T) {
	pool := generatedDocuments(t, 600)
	r := query.New(pool)
	top := "91320583MA1S000000" // the generator's busiest enterprise
	cases := []struct {
		name  string
		f     query.DocumentFilter
		where string
		args  []any
	}{
		{"all", query.DocumentFilter{}, `TRUE`, nil},
		{"an enterprise's", query.DocumentFilter{EnterpriseID: top}, `enterprise_id = $1 OR counterparty_id = $1`, []any{top}},
		{"an enterprise's effective checklists", query.DocumentFilter{EnterpriseID: top, Family: "checklist", Status: "effective"},
			`(enterprise_id = $1 OR counterparty_id = $1) AND family = 'checklist' AND status = 'effective'`, []any{top}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := orderedIDs(t, pool, `SELECT id FROM documents WHERE `+tc.where+documentOrder, tc.args...)
			f := tc.f
			f.PageSize = 4
			require.Greater(t, len(want), 2*f.PageSize)
			forward, _ := walkDocuments(t, r, f, false, nil)
			require.Equal(t, want, forward)

			// The last page by number, then back by cursor to the first.
			f.Page = (len(want) + f.PageSize - 1) / f.PageSize
			last, err := r.SearchDocuments(t.Context(), f)
			require.NoError(t, err)
			require.Empty(t, last.Next)
			require.NotEmpty(t, last.Prev)
			f.Cursor = last.Prev
			f.Page = 0
			backward, _ := walkDocuments(t, r, f, true, nil)
			require.Equal(t, want, append(backward, ids(last.Items)...))
		})
	}
}

// Count and page in one statement answer what the count statement and the
// OFFSET page statement answered before.
func TestDocumentCountAndPageAsTwoStatements(t *testing.T) {
	pool := generatedDocuments(t, 600)
	r := query.New(pool)
	top := "91320583MA1S000000"
	var code, prefix string
	require.NoError(t, pool.QueryRow(t.Context(), `SELECT trace_code, left(document_id, 10) FROM document_lines ORDER BY document_id LIMIT 1`).
		Scan(&code, &prefix))
	cases := []struct {
		f     query.DocumentFilter
		where string
		args  []any
	}{
		{query.DocumentFilter{}, `TRUE`, nil},
		{query.DocumentFilter{Page: 4, PageSize: 25}, `TRUE`, nil},
		{query.DocumentFilter{EnterpriseID: top, Page: 2}, `(d.enterprise_id = $1 OR d.counterparty_id = $1)`, []any{top}},
		{query.DocumentFilter{Status: "returned"}, `d.status = 'returned'`, nil},
		{query.DocumentFilter{Family: "bonded_transfer", BusinessType: "out", Page: 2, PageSize: 5},
			`d.family = 'bonded_transfer' AND d.business_type = 'out'`, nil},
		{query.DocumentFilter{TraceCode: code}, `EXISTS (SELECT 1 FROM document_lines l WHERE l.document_id = d.id AND l.trace_code = $1)`, []any{code}},
		{query.DocumentFilter{Q: prefix}, `d.id LIKE $1 || '%'`, []any{prefix}},
		{query.DocumentFilter{Q: "耶加雪菲", Page: 2}, `(d.id LIKE $1 || '%' OR EXISTS (SELECT 1 FROM document_lines l
			WHERE l.document_id = d.id AND l.product_name ILIKE '%' || $1 || '%'))`, []any{"耶加雪菲"}},
		{query.DocumentFilter{Q: "HZ", EnterpriseID: top}, `(d.enterprise_id = $2 OR d.counterparty_id = $2) AND (d.id LIKE $1 || '%'
			OR EXISTS (SELECT 1 FROM document_lines l WHERE l.document_id = d.id AND l.product_name ILIKE '%' || $1 || '%'))`,
			[]any{"HZ", top}},
		{query.DocumentFilter{Status: "voided", Page: 99}, `d.status = 'voided'`, nil},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%+v", tc.f), func(t *testing.T) {
			var total int
			require.NoError(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM (SELECT 1 FROM documents d WHERE `+tc.where+
				fmt.Sprintf(` LIMIT %d) c`, query.CountCap+1), tc.args...).Scan(&total))
			size := max(tc.f.PageSize, 1)
			if tc.f.PageSize == 0 {
				size = query.DefaultPageSize
			}
			pageNo := max(tc.f.Page, 1)
			want := orderedIDs(t, pool, `SELECT id FROM documents d WHERE `+tc.where+documentOrder+
				fmt.Sprintf(` LIMIT %d OFFSET %d`, size, (pageNo-1)*size), tc.args...)

			page, err := r.SearchDocuments(t.Context(), tc.f)
			require.NoError(t, err)
			require.Equal(t, total, page.Total)
			require.False(t, page.TotalCapped)
			require.Equal(t, want, ids(page.Items))
			require.Equal(t, pageNo, page.Page)
			require.Equal(t, (pageNo*size < total), page.Next != "", "a next page exactly when rows follow")
			require.Equal(t, pageNo > 1 && len(want) > 0, page.Prev != "")
		})
	}
}

// Finding: a cursor is the client's to carry, not to make up; an edited one
// is refused, never read as a position.
func TestListsRefuseCursorsTheyDidNotIssue(t *testing.T) {
	w := newWorld(t)
	for _, cursor := range []string{"garbage", "eyJ1IjoiMjAyNSJ9", "e30", "!!"} {
		_, err := w.reader.SearchDocuments(t.Context(), query.DocumentFilter{Cursor: cursor})
		require.ErrorIs(t, err, query.ErrInvalidCursor, cursor)
		_, err = w.reader.SearchPrefilings(t.Context(), query.PrefilingFilter{Cursor: cursor})
		require.ErrorIs(t, err, query.ErrInvalidCursor, cursor)
	}
}

// Prefilings page by cursor both ways: the world's 25 in pages of 4, newest
// first, and an enterprise's.
func TestPrefilingCursorWalksBothWays(t *testing.T) {
	w := newWorld(t)
	for _, f := range []query.PrefilingFilter{{PageSize: 4}, {PageSize: 4, EnterpriseID: beta}, {PageSize: 2, Status: "declared"}} {
		want := orderedIDs(t, w.pool, `SELECT id FROM prefilings WHERE ($1 = '' OR enterprise_id = $1) AND ($2 = '' OR status = $2)
			ORDER BY updated_at DESC, id DESC`, f.EnterpriseID, string(f.Status))
		var forward []string
		var pages []query.PrefilingPage
		for g := f; ; {
			page, err := w.reader.SearchPrefilings(t.Context(), g)
			require.NoError(t, err)
			require.Equal(t, len(want), page.Total)
			pages = append(pages, page)
			for _, v := range page.Items {
				forward = append(forward, v.ID)
			}
			if page.Next == "" {
				break
			}
			g.Cursor = page.Next
		}
		require.Equal(t, want, forward)
		require.Empty(t, pages[0].Prev)
		var backward []string
		for g, page := f, pages[len(pages)-1]; page.Prev != ""; {
			g.Cursor = page.Prev
			var err error
			page, err = w.reader.SearchPrefilings(t.Context(), g)
			require.NoError(t, err)
			got := make([]string, 0, len(page.Items))
			for _, v := range page.Items {
				got = append(got, v.ID)
			}
			backward = append(got, backward...)
		}
		var last []string
		for _, v := range pages[len(pages)-1].Items {
			last = append(last, v.ID)
		}
		require.Equal(t, want, append(backward, last...))
	}
}
