package cockpit

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// priceReads records the days it was asked for; the sums themselves are
// tested on PostgreSQL in indexer/cockpit_test.go.
type priceReads struct {
	Reads
	from, to string
}

func (r *priceReads) CockpitPrices(_ context.Context, from, to string) ([]query.PricePoint, error) {
	r.from, r.to = from, to
	return []query.PricePoint{}, nil
}

func TestPricesDays(t *testing.T) {
	// 2026-01-01 00:30 in the zone is still 2025-12-31 in UTC.
	now := time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC)
	reads := &priceReads{}
	s := &Service{Reads: reads, Now: func() time.Time { return now }}

	p, err := s.Prices(t.Context(), "", "")
	require.NoError(t, err)
	require.Equal(t, [2]string{"2025-10-04", "2026-01-01"}, [2]string{p.From, p.To}, "90 days up to today in zone time")
	require.Equal(t, [2]string{p.From, p.To}, [2]string{reads.from, reads.to})

	p, err = s.Prices(t.Context(), "2024-01-01", "2024-12-31")
	require.NoError(t, err)
	require.Equal(t, "2024-01-01", p.From, "a leap year's 366 days are allowed")

	for from, rule := range map[string]model.Rule{"2023-12-31": model.RuleOutOfRange, "2025-01-01": model.RuleStopBeforeStart, "2024-1-1": model.RulePattern} {
		_, err := s.Prices(t.Context(), from, "2024-12-31")
		var ps validation.Problems
		require.ErrorAs(t, err, &ps, from)
		require.Equal(t, rule, ps[0].Rule, from)
	}
}
