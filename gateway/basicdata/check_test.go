package basicdata_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/basicdata/connector"
	"zonetrace/gateway/validation"
)

func rules(ps validation.Problems) map[string]model.Rule {
	out := map[string]model.Rule{}
	for _, p := range ps {
		out[p.Field] = p.Rule
	}
	return out
}

func TestDraftChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newPool(t)
	svc, err := basicdata.New(pool, connector.Directory{Dir: dropFolder(t)}, basicdata.WithClock(func() time.Time { return day1 }))
	require.NoError(t, err)
	lines := []model.DocumentLine{{HSCode: "0901110000"}, {HSCode: "0999999999"}, {HSCode: "0901909000"}, {HSCode: "09012100"},
		{HSCode: "09019999"}, {HSCode: "bad"}, {}}
	head := model.DocumentHead{AccountBookNo: "T2310W404040"}

	t.Run("before a first sync nothing is refused", func(t *testing.T) {
		p, err := svc.CheckPrefiling(ctx, model.PrefilingData{HSCode: "0999999999"}, day1)
		require.NoError(t, err)
		require.Empty(t, p)
		p, err = svc.CheckDocument(ctx, entA, head, lines, day1)
		require.NoError(t, err)
		require.Empty(t, p)
		_, ok, err := svc.InDraftBook(ctx, entA, day1)
		require.NoError(t, err)
		require.False(t, ok)
	})

	t.Run("a sync that found nothing refuses nothing either", func(t *testing.T) {
		empty, err := basicdata.New(pool, connector.Directory{Dir: t.TempDir()}, basicdata.WithClock(func() time.Time { return day1 }))
		require.NoError(t, err)
		y, err := empty.RunScheduled(ctx)
		require.NoError(t, err)
		require.Equal(t, basicdata.StateDone, y.State)
		p, err := svc.CheckPrefiling(ctx, model.PrefilingData{HSCode: "0999999999"}, day1)
		require.NoError(t, err)
		require.Empty(t, p)
	})

	y, err := svc.RunScheduled(ctx)
	require.NoError(t, err)
	require.Equal(t, basicdata.StateDone, y.State)

	t.Run("a prefiling's HS code", func(t *testing.T) {
		p, err := svc.CheckPrefiling(ctx, model.PrefilingData{HSCode: "0999999999"}, day1)
		require.NoError(t, err)
		require.Equal(t, map[string]model.Rule{"data.hsCode": model.RuleHSCodeUnknown}, rules(p))
		require.Equal(t, "商品编码（HS）：商品编码 0999999999 不在海关商品编码表中", p[0].MessageZh)
		p, err = svc.CheckPrefiling(ctx, model.PrefilingData{HSCode: "0901110000"}, day1)
		require.NoError(t, err)
		require.Empty(t, p)
	})
	t.Run("a document's lines and account book", func(t *testing.T) {
		p, err := svc.CheckDocument(ctx, entA, head, lines, day1)
		require.NoError(t, err)
		require.Equal(t, map[string]model.Rule{
			"lines[1].hsCode":    model.RuleHSCodeUnknown,
			"lines[2].hsCode":    model.RuleHSCodeNotValid,
			"lines[4].hsCode":    model.RuleHSCodeUnknown,
			"head.accountBookNo": model.RuleAccountBookUnknown,
		}, rules(p), "an 8-digit code stands for the codes under it; malformed and empty codes are the model's to report")
		require.Equal(t, "head.accountBookNo", p[0].Field)
		require.Equal(t, "2026-11-28", p[2].Params["date"])

		for book, want := range map[string]model.Rule{
			"T2310W000002": model.RuleAccountBookOfOther,
			"T2310W000009": model.RuleAccountBookExpired,
		} {
			p, err := svc.CheckDocument(ctx, entA, model.DocumentHead{AccountBookNo: book}, nil, day1)
			require.NoError(t, err)
			require.Equal(t, map[string]model.Rule{"head.accountBookNo": want}, rules(p), book)
		}
		p, err = svc.CheckDocument(ctx, entA, model.DocumentHead{AccountBookNo: "T2310W000001"}, lines[:1], day1)
		require.NoError(t, err)
		require.Empty(t, p)
		p, err = svc.CheckDocument(ctx, entA, model.DocumentHead{AccountBookNo: "T2310W000001"}, nil, time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		require.Equal(t, map[string]model.Rule{"head.accountBookNo": model.RuleAccountBookExpired}, rules(p), "past its validity")
	})
	t.Run("the in-draft's account book", func(t *testing.T) {
		book, ok, err := svc.InDraftBook(ctx, entB, day1)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "T2310W000002", book, "the bonded book, not the processing one")
		_, ok, err = svc.InDraftBook(ctx, "91320583MA3WWWWW3C", day1)
		require.NoError(t, err)
		require.False(t, ok, "an enterprise without a book gets none")
		_, ok, err = svc.InDraftBook(ctx, entA, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		require.False(t, ok, "nor one whose books expired")
	})
}
