package docdrafts_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/docdrafts"
)

// TestDisplayNumbers: every draft gets a readable number per enterprise and
// year, drawn in order, never twice, while its id stays what it was.
func TestDisplayNumbers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t)
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	no := func(n int) string { return fmt.Sprintf("%d-%06d", year, n) }

	first, err := s.Create(ctx, newID(t), ent, "alice", completeContent(t))
	require.NoError(t, err)
	require.Equal(t, no(1), first.DisplayNo)
	theirs, err := s.Create(ctx, newID(t), other, "bob", completeContent(t))
	require.NoError(t, err)
	require.Equal(t, no(1), theirs.DisplayNo, "each enterprise counts its own")
	second, err := s.Create(ctx, newID(t), ent, "alice", completeContent(t))
	require.NoError(t, err)
	require.Equal(t, no(2), second.DisplayNo)

	t.Run("an edit keeps the number and a retried create returns it", func(t *testing.T) {
		d, err := s.Update(ctx, ent, first.ID, "alice", completeContent(t))
		require.NoError(t, err)
		require.Equal(t, no(1), d.DisplayNo)
		again, err := s.Create(ctx, first.ID, ent, "alice", completeContent(t))
		require.NoError(t, err)
		require.Equal(t, first.ID, again.ID)
		require.Equal(t, no(1), again.DisplayNo)
	})
	t.Run("concurrent creates never share a number", func(t *testing.T) {
		const n = 16
		got := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				d, err := s.Create(ctx, newID(t), ent, "alice", completeContent(t))
				require.NoError(t, err)
				got[i] = d.DisplayNo
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, g := range got {
			require.False(t, seen[g], "%s drawn twice", g)
			seen[g] = true
		}
	})
	t.Run("the number, even without its year, finds the draft", func(t *testing.T) {
		page, err := s.List(ctx, ent, docdrafts.Filter{Q: no(2)[5:], Page: 1, PageSize: 10})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		require.Equal(t, second.ID, page.Items[0].ID)
	})
}
