package query_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/internal/blockfeed"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
)

const gamma = "91320583MA1GAMMA03"

// Documents of the document world, listed in the order the search returns
// them unfiltered: the tagged one first, then newest update first.
const (
	bl2 = "BL2025030100000002" // alpha → gamma bonded transfer out, 20 t of TC1: tagged, declared
	fl1 = "FL2025030100000001" // beta → alpha non-bonded transfer out, TC2: deletion requested
	hz3 = "HZ2025030100000003" // beta conversion of 1 t of TC2: effective
	fs1 = "FS2025030100000001" // gamma non-bonded entry of TC3: returned
	bl1 = "BL2025030100000001" // alpha → beta bonded transfer out, 3 t of TC1: approved, awaiting its in leg
	hz2 = "HZ2025030100000002" // beta checklist entry of 5 t of TC2: effective
	hz1 = "HZ2025030100000001" // alpha checklist entry of 10 t of TC1: effective
)

// docWorld is an indexed chain holding the documents above, committed from
// hz1 to fl1 in reverse order of the list.
type docWorld struct {
	*world
	start time.Time
}

func newDocWorld(t *testing.T) *docWorld {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(t.Context(), pool))
	feed := blockfeed.New()
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	c := blockfeed.NewChain(feed, start)
	w := &docWorld{world: &world{pool: pool, feed: feed, chain: c, reader: query.New(pool)}, start: start}
	c.RegisterEnterprise(alpha, "Alpha Coffee")
	c.RegisterEnterprise(beta, "Beta Trading")
	c.RegisterEnterprise(gamma, "Gamma Roasters")

	declare := func(id string, family model.Family, business model.BusinessType, enterprise, counterparty string, lines ...model.DocumentLine) {
		c.DeclareDocument(model.Document{ID: id, Family: family, BusinessType: business, EnterpriseID: enterprise,
			Head: model.DocumentHead{CounterpartyID: counterparty}, Lines: lines})
	}
	declare(hz1, model.FamilyChecklist, model.BusinessEntry, alpha, "", docLine(1, "TC1", "巴西喜拉多生咖啡豆", 10_000_000))
	c.ReviewDocument(hz1, "approve", "")
	c.GatePass(hz1)
	declare(hz2, model.FamilyChecklist, model.BusinessEntry, beta, "", docLine(1, "TC2", "Yirgacheffe G1", 5_000_000))
	c.ReviewDocument(hz2, "approve", "")
	c.GatePass(hz2)
	declare(bl1, model.FamilyBondedTransfer, model.BusinessOut, alpha, beta, docLine(1, "TC1", "巴西喜拉多生咖啡豆", 3_000_000))
	c.ReviewDocument(bl1, "approve", "")
	declare(bl2, model.FamilyBondedTransfer, model.BusinessOut, alpha, gamma, docLine(1, "TC1", "巴西喜拉多生咖啡豆", 20_000_000))
	declare(fs1, model.FamilyNonBondedApplication, model.BusinessEntry, gamma, "", docLine(1, "TC3", "Huila 100%_Supremo", 2_000_000))
	c.ReviewDocument(fs1, "return", "证书缺失")
	declare(hz3, model.FamilyChecklist, model.BusinessConversion, beta, "", docLine(1, "TC2", "Yirgacheffe G1", 1_000_000))
	c.ReviewDocument(hz3, "approve", "")
	declare(fl1, model.FamilyNonBondedTransfer, model.BusinessOut, beta, alpha,
		docLine(1, "TC2", "Yirgacheffe G1", 500_000), docLine(2, "TC2", "Yirgacheffe G1", 200_000))
	c.RequestDeletion(fl1, "数量错误")
	w.index(t)
	return w
}

func docLine(seq int, code, product string, grams int64) model.DocumentLine {
	return model.DocumentLine{Seq: seq, TraceCode: code, ProductName: product, HSCode: "0901110000", Origin: "BR",
		WeightGrams: grams, UnitPriceFen: 38_00, ValueFen: grams / 1000 * 38_00, Currency: "CNY"}
}

func ids(items []query.DocumentView) []string {
	list := []string{}
	for _, v := range items {
		list = append(list, v.ID)
	}
	return list
}
