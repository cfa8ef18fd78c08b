package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

const (
	alpha = "91320583MA1ALPHA01"
	beta  = "91320583MA1BETA002"
)

// world is an indexed chain: two enterprises and 25 prefilings pf(1)…pf(25),
// updated in that order (so newest first is pf(25) … pf(1)):
//
//	pf(1)  alpha  Yirgacheffe G1     ET  Addis Green Export   declared
//	pf(2)  alpha  Santos NY2         BR  Santos Export SA     approved (trace code)
//	pf(3)  beta   Huila Supremo      CO  Huila Cafe SAS       returned
//	pf(4)  beta   Santos Fine Cup    BR  Santos Export SA     approved, supplement declared
//	pf(5)  alpha  Sidamo 100%_blend  ET  addis green export   declared
//	pf(6…25) beta Robusta lot N      VN  Vietnam Coffee JSC   declared
type world struct {
	pool        *pgxpool.Pool
	feed        *blockfeed.Feed
	chain       *blockfeed.Chain
	reader      *query.Reader
	enterprises []model.Enterprise
	binding     model.IdentityBinding
}

func pf(n int) string { return fmt.Sprintf("PF20250301%08d", n) }

func pfs(ns ...int) []string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = pf(n)
	}
	return ids
}

// newest lists pf(from) down to pf(to).
func newest(from, to int) []string {
	var ids []string
	for n := from; n >= to; n-- {
		ids = append(ids, pf(n))
	}
	return ids
}

func newWorld(t *testing.T) *world {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	feed := blockfeed.New()
	c := blockfeed.NewChain(feed, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	w := &world{pool: pool, feed: feed, chain: c, reader: query.New(pool)}
	w.enterprises = []model.Enterprise{c.RegisterEnterprise(alpha, "Alpha Coffee"), c.RegisterEnterprise(beta, "Beta Trading")}
	w.binding = c.BindIdentity(alpha)

	c.Declare(pf(1), alpha, data("Yirgacheffe G1", "ET", "Addis Green Export"))
	c.Declare(pf(2), alpha, data("Santos NY2", "BR", "Santos Export SA"))
	c.Review(pf(2), true, "")
	c.Declare(pf(3), beta, data("Huila Supremo", "CO", "Huila Cafe SAS"))
	c.Review(pf(3), false, "证书缺失")
	c.Declare(pf(4), beta, data("Santos Fine Cup", "BR", "Santos Export SA"))
	c.Review(pf(4), true, "")
	c.DeclareSupplement(pf(4), model.SupplementData{QuarantineBatchNo: "Q-4", QuarantineResult: model.QuarantineQualified,
		Attachments: []model.Attachment{}})
	c.Declare(pf(5), alpha, data("Sidamo 100%_blend", "ET", "addis green export"))
	for n := 6; n <= 25; n++ {
		c.Declare(pf(n), beta, data(fmt.Sprintf("Robusta lot %d", n), "VN", "Vietnam Coffee JSC"))
	}
	w.index(t)
	return w
}

func (w *world) index(t *testing.T) {
	t.Helper()
	height, err := w.feed.Height(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	require.NoError(t, indexer.New(w.pool, w.feed).CatchUp(ctx, height))
}

func data(product, origin, exporter string) model.PrefilingData {
	return model.PrefilingData{Commodity: "CF", ProductName: product, HSCode: "0901110000", Origin: origin,
		ExporterName: exporter, QuarantineResult: model.QuarantinePending, AvgPriceFen: 3_800_00, Currency: "CNY",
		WeightGrams: 60_000_000, Attachments: []model.Attachment{}}
}
