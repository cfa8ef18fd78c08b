package pgpage

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"zonetrace/internal/pgtest"
)

// statements counts the statements a Read sends.
type statements struct {
	Querier
	n int
}

func (s *statements) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	s.n++
	return s.Querier.Query(ctx, sql, args...)
}

func (s *statements) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	s.n++
	return s.Querier.QueryRow(ctx, sql, args...)
}

type item struct {
	ID   int
	Kind string
}

func scanItem(r pgx.Row) (item, error) {
	var it item
	err := r.Scan(&it.ID, &it.Kind)
	return it, err
}

// items has 25 rows: ids 1…25, kind "odd" or "even".
func items(t *testing.T) *pgxpool.Pool {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = pool.Exec(ctx, `CREATE TABLE items (id int PRIMARY KEY, kind text NOT NULL);
		INSERT INTO items SELECT i, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END FROM generate_series(1, 25) i`)
	require.NoError(t, err)
	return pool
}

var byKind = List{Columns: "i.id, i.kind", From: "items i WHERE $1 = '' OR i.kind = $1", OrderBy: "i.id DESC"}

func TestReadGivesAPageAndTheTotalInOneStatement(t *testing.T) {
	pool := items(t)
	ctx := context.Background()
	for _, c := range []struct {
		name           string
		kind           string
		limit, offset  int
		want           []int
		total, queries int
	}{
		{"first page", "", 10, 0, []int{25, 24, 23, 22, 21, 20, 19, 18, 17, 16}, 25, 1},
		{"last page, partly full", "", 10, 20, []int{5, 4, 3, 2, 1}, 25, 1},
		{"filtered", "even", 5, 5, []int{14, 12, 10, 8, 6}, 12, 1},
		{"past the end: the count alone is read again", "odd", 10, 20, nil, 13, 2},
		{"nothing matches", "none", 10, 0, nil, 0, 1},
		{"nothing matches, a later page", "none", 10, 10, nil, 0, 2},
		{"a page of no rows: the count alone", "even", 0, 0, nil, 12, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := &statements{Querier: pool}
			got, total, err := Read(ctx, q, byKind, []any{c.kind}, c.limit, c.offset, scanItem)
			require.NoError(t, err)
			var ids []int
			for _, it := range got {
				ids = append(ids, it.ID)
				assert.Equal(t, map[bool]string{true: "even", false: "odd"}[it.ID%2 == 0], it.Kind)
			}
			assert.NotNil(t, got, "an empty page is an empty slice, which JSON writes as []")
			assert.Equal(t, c.want, ids)
			assert.Equal(t, c.total, total)
			assert.Equal(t, c.queries, q.n, "statements sent")
		})
	}
}

// TestReadWithCommonTableExpressions: a list whose From uses a WITH query
// gets the same page, total and statements, the second count included.
func TestReadWithCommonTableExpressions(t *testing.T) {
	pool := items(t)
	ctx := context.Background()
	below := List{With: "RECURSIVE below AS (SELECT $1::int AS id UNION SELECT id - 1 FROM below WHERE id > 1)",
		Columns: "i.id, i.kind", From: "items i WHERE i.id IN (SELECT id FROM below)", OrderBy: "i.id DESC"}
	for _, c := range []struct {
		name          string
		limit, offset int
		want          []int
		queries       int
	}{
		{"a page", 3, 2, []int{10, 9, 8}, 1},
		{"past the end", 3, 12, nil, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := &statements{Querier: pool}
			got, total, err := Read(ctx, q, below, []any{12}, c.limit, c.offset, scanItem)
			require.NoError(t, err)
			var ids []int
			for _, it := range got {
				ids = append(ids, it.ID)
			}
			assert.Equal(t, c.want, ids)
			assert.Equal(t, 12, total)
			assert.Equal(t, c.queries, q.n, "statements sent")
		})
	}
}

// TestReadWithAParameterOnlyTheColumnsUse: the second count of a page past
// the end runs with every argument, also one that only the columns use.
func TestReadWithAParameterOnlyTheColumnsUse(t *testing.T) {
	pool := items(t)
	marked := List{Columns: "i.id, i.kind || $2::text", From: "items i WHERE i.kind = $1", OrderBy: "i.id"}
	got, total, err := Read(context.Background(), pool, marked, []any{"even", "!"}, 5, 0, scanItem)
	require.NoError(t, err)
	require.Len(t, got, 5)
	assert.Equal(t, item{ID: 2, Kind: "even!"}, got[0])
	assert.Equal(t, 12, total)
	got, total, err = Read(context.Background(), pool, marked, []any{"even", "!"}, 5, 20, scanItem)
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, 12, total)
}

func TestReadReportsAFailedScan(t *testing.T) {
	pool := items(t)
	_, _, err := Read(context.Background(), pool, byKind, []any{""}, 10, 0, func(r pgx.Row) (item, error) {
		var it item
		return it, r.Scan(&it.ID) // one column short
	})
	require.Error(t, err)
}
