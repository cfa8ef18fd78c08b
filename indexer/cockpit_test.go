package indexer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

// cockpitStory commits a generated year and a half of a zone: batches of
// several origins and exporters imported by four enterprises through the
// three entry families, partly exported, transferred, converted never, some
// entries and exits deleted after they took effect (reversals), a returned
// document. It returns the years it spans.
func (f fixture) cockpitStory(seed uint64) []int {
	c := f.chain
	rnd := rand.New(rand.NewPCG(seed, 42))
	firms := []string{"91320583MA1CKPT001", "91320583MA1CKPT002", "91320583MA1CKPT003", "91320583MA1CKPT004"}
	for i, id := range firms {
		c.RegisterEnterprise(id, fmt.Sprintf("驾驶舱企业%d", i+1))
	}
	origins := []string{"BR", "ET", "CO", "VN"}
	exporters := []string{"Santos Export SA", "Addis Green Export", "Café de Colombia", "Dak Lak Coffee"}
	hsCodes := []string{"0901110000", "0901210000"}
	docNo := 0
	nextID := func(prefix string) string {
		docNo++
		return fmt.Sprintf("%s20250301%08d", prefix, docNo)
	}
	type stock struct {
		code, firm, origin, hs string
		bonded                 bool
		grams                  int64
		entry                  string
	}
	var held []*stock
	for i := range 40 {
		c.Advance(time.Duration(rnd.IntN(30)+1) * 18 * time.Hour)
		firm := firms[rnd.IntN(len(firms))]
		k := rnd.IntN(len(origins))
		data := beans(fmt.Sprintf("生咖啡豆%d", k), origins[k], exporters[(k+i%2)%len(exporters)])
		data.HSCode = hsCodes[rnd.IntN(len(hsCodes))]
		data.AvgPriceFen = int64(3000 + rnd.IntN(5000))
		pf := fmt.Sprintf("PF2025030100%06d", i)
		c.Declare(pf, firm, data)
		code := c.Review(pf, true, "").TraceCode
		grams := int64(1_000_000 + rnd.IntN(20_000_000))
		family, bt, bonded := model.FamilyChecklist, model.BusinessEntry, true
		switch rnd.IntN(3) {
		case 1:
			family, bt = model.FamilyWarehouseReceipt, model.BusinessIn
		case 2:
			family, bt, bonded = model.FamilyNonBondedApplication, model.BusinessEntry, false
		}
		prefix := map[model.Family]string{model.FamilyChecklist: "HZ", model.FamilyWarehouseReceipt: "JB", model.FamilyNonBondedApplication: "FS"}[family]
		id := nextID(prefix)
		c.DeclareDocument(model.Document{ID: id, Family: family, BusinessType: bt, EnterpriseID: firm,
			Lines: []model.DocumentLine{cockpitLine(1, code, data, grams, data.AvgPriceFen+int64(rnd.IntN(400))-200)}})
		if i%13 == 5 {
			c.ReviewDocument(id, "return", "退回")
			continue
		}
		c.ReviewDocument(id, "approve", "")
		c.GatePass(id)
		held = append(held, &stock{code: code, firm: firm, origin: data.Origin, hs: data.HSCode, bonded: bonded, grams: grams, entry: id})
		if i%9 == 4 {
			// Deleted after it took effect: the goods move back out.
			c.RequestDeletion(id, "申报有误")
			c.ReviewDeletion(id, true, "同意")
			held = held[:len(held)-1]
		}
		if len(held) < 3 || rnd.IntN(2) == 0 {
			continue
		}
		s := held[rnd.IntN(len(held)-1)]
		part := s.grams / int64(2+rnd.IntN(3))
		data.Origin, data.HSCode = s.origin, s.hs
		price := int64(6000 + rnd.IntN(3000))
		switch {
		case s.bonded && rnd.IntN(2) == 0:
			to := firms[(indexOf(firms, s.firm)+1)%len(firms)]
			out, in := nextID("BL"), nextID("BL")
			c.DeclareDocument(model.Document{ID: out, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessOut,
				EnterpriseID: s.firm, Head: model.DocumentHead{CounterpartyID: to},
				Lines: []model.DocumentLine{cockpitLine(1, s.code, data, part, price)}})
			c.ReviewDocument(out, "approve", "")
			c.DeclareDocument(model.Document{ID: in, Family: model.FamilyBondedTransfer, BusinessType: model.BusinessIn,
				EnterpriseID: to, Head: model.DocumentHead{CounterpartyID: s.firm, LinkedDocumentID: out},
				Lines: []model.DocumentLine{cockpitLine(1, s.code, data, part, price)}})
			c.ReviewDocument(in, "approve", "")
			s.grams -= part
			held = append(held, &stock{code: s.code, firm: to, origin: s.origin, hs: s.hs, bonded: true, grams: part})
		default:
			family, bt := model.FamilyChecklist, model.BusinessExit
			if !s.bonded {
				family = model.FamilyNonBondedApplication
			}
			id := nextID("CK")
			c.DeclareDocument(model.Document{ID: id, Family: family, BusinessType: bt, EnterpriseID: s.firm,
				Lines: []model.DocumentLine{cockpitLine(1, s.code, data, part, price)}})
			c.ReviewDocument(id, "approve", "")
			c.GatePass(id)
			s.grams -= part
			if i%7 == 3 {
				c.RequestDeletion(id, "出区撤销")
				c.ReviewDeletion(id, true, "")
				s.grams += part
			}
		}
	}
	first := start.In(model.ZoneTime).Year()
	last := c.Now().In(model.ZoneTime).Year()
	var years []int
	for y := first; y <= last; y++ {
		years = append(years, y)
	}
	return years
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func cockpitLine(seq int, code string, data model.PrefilingData, grams, priceFen int64) model.DocumentLine {
	return model.DocumentLine{Seq: seq, TraceCode: code, ProductName: data.ProductName, HSCode: data.HSCode,
		Origin: data.Origin, WeightGrams: grams, UnitPriceFen: priceFen, ValueFen: grams * priceFen / 1000, Currency: "CNY"}
}

// tradeRows is the independent computation: every movement with the line
// that caused it, signed (+1 forward, −1 a reversal undoing it) and
// directed (import: into the zone, export: out of it), in zone time.
const tradeRows = `WITH trade AS (
	SELECT m.at + interval '8 hours' AS local,
		CASE WHEN m.from_enterprise IS NULL OR m.to_enterprise IS NULL THEN
			CASE WHEN (m.from_enterprise IS NULL) = (m.kind <> 'reversal') THEN 'import' ELSE 'export' END END AS dir,
		CASE WHEN m.kind = 'reversal' THEN -1 ELSE 1 END AS sign,
		coalesce(m.to_enterprise, m.from_enterprise) AS firm,
		m.weight_grams, l.value_fen::bigint AS value_fen, l.origin, l.hs_code, p.exporter_name
	FROM movements m
	JOIN document_lines l ON l.document_id = m.document_id AND l.seq = m.line_seq
	JOIN trace_codes t ON t.code = m.trace_code
	JOIN prefilings p ON p.id = t.prefiling_id)
`

func (f fixture) tradeFigure(t *testing.T, sql string, args ...any) query.TradeFigure {
	t.Helper()
	var v query.TradeFigure
	require.NoError(t, f.pool.QueryRow(t.Context(), tradeRows+sql, args...).Scan(&v.Grams, &v.ValueFen, &v.Lines))
	return v
}

func rankedRows(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) []query.Ranked {
	t.Helper()
	rows, err := pool.Query(t.Context(), tradeRows+sql, args...)
	require.NoError(t, err)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (query.Ranked, error) {
		var v query.Ranked
		return v, r.Scan(&v.Key, &v.Grams, &v.ValueFen, &v.Lines)
	})
	require.NoError(t, err)
	if list == nil {
		list = []query.Ranked{}
	}
	return list
}

const sums = `coalesce(sum(sign * weight_grams), 0)::bigint, coalesce(sum(sign * value_fen), 0)::bigint, coalesce(sum(sign), 0)::bigint`

// checkCockpit asserts every cockpit figure equals its computation over
// the mirrored tables.
func (f fixture) checkCockpit(t *testing.T, r *query.Reader, years []int) {
	t.Helper()
	ctx := t.Context()
	for _, year := range years {
		trade, err := r.CockpitTrade(ctx, year)
		require.NoError(t, err)
		y := fmt.Sprint(year)
		require.Equal(t, f.tradeFigure(t, `SELECT `+sums+` FROM trade WHERE dir = 'import' AND to_char(local, 'YYYY') = $1`, y), trade.Import, "imports %d", year)
		require.Equal(t, f.tradeFigure(t, `SELECT `+sums+` FROM trade WHERE dir = 'export' AND to_char(local, 'YYYY') = $1`, y), trade.Export, "exports %d", year)
		require.Len(t, trade.Months, 12)
		for _, m := range trade.Months {
			require.Equal(t, f.tradeFigure(t, `SELECT `+sums+` FROM trade WHERE dir = 'import' AND to_char(local, 'YYYY-MM') = $1`, m.Month), m.Import, m.Month)
			require.Equal(t, f.tradeFigure(t, `SELECT `+sums+` FROM trade WHERE dir = 'export' AND to_char(local, 'YYYY-MM') = $1`, m.Month), m.Export, m.Month)
		}
		for figure, column := range map[string]string{indexer.CockpitCountry: "origin", indexer.CockpitImporter: "firm", indexer.CockpitExporter: "exporter_name"} {
			got, err := r.CockpitRanking(ctx, figure, year, 1000)
			require.NoError(t, err)
			want := rankedRows(t, f.pool, `SELECT `+column+`, `+sums+` FROM trade WHERE dir = 'import' AND to_char(local, 'YYYY') = $1
				GROUP BY 1 HAVING sum(sign) <> 0 OR sum(sign * weight_grams) <> 0 OR sum(sign * value_fen) <> 0
				ORDER BY 3 DESC, 2 DESC, `+column+` COLLATE "C"`, y)
			require.Equal(t, want, got.Top, "%s ranking %d", figure, year)
			require.Equal(t, len(want), got.Entries)
			require.Equal(t, f.tradeFigure(t, `SELECT `+sums+` FROM trade WHERE dir = 'import' AND to_char(local, 'YYYY') = $1`, y), got.Total)
			top, err := r.CockpitRanking(ctx, figure, year, 2)
			require.NoError(t, err)
			require.Equal(t, want[:min(2, len(want))], top.Top)
		}

		tickets, err := r.CockpitTickets(ctx, year)
		require.NoError(t, err)
		rows, err := f.pool.Query(ctx, `WITH d AS (
				SELECT enterprise_id,
					CASE WHEN (family, business_type) IN (('checklist', 'entry'), ('warehouse_receipt', 'in'),
							('nonbonded_application', 'entry'), ('gate_registration', 'entry'),
							('bonded_transfer', 'in'), ('nonbonded_transfer', 'in')) THEN 'in'
						WHEN (family, business_type) IN (('checklist', 'exit'), ('warehouse_receipt', 'out'),
							('nonbonded_application', 'exit'), ('gate_registration', 'exit'),
							('bonded_transfer', 'out'), ('nonbonded_transfer', 'out')) THEN 'out' END AS dir
				FROM documents WHERE to_char(declared_at + interval '8 hours', 'YYYY') = $1)
			SELECT enterprise_id, count(*) FILTER (WHERE dir = 'in'), count(*) FILTER (WHERE dir = 'out')
			FROM d WHERE dir IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, enterprise_id COLLATE "C"`, y)
		require.NoError(t, err)
		want, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (query.TicketShare, error) {
			var v query.TicketShare
			return v, r.Scan(&v.EnterpriseID, &v.Inbound, &v.Outbound)
		})
		require.NoError(t, err)
		if want == nil {
			want = []query.TicketShare{}
		}
		require.Equal(t, want, tickets.Enterprises, "tickets %d", year)
		var in, out int64
		for _, e := range want {
			in, out = in+e.Inbound, out+e.Outbound
		}
		require.Equal(t, [2]int64{in, out}, [2]int64{tickets.Inbound, tickets.Outbound})

		from, to := y+"-01-01", y+"-12-31"
		prices, err := r.CockpitPrices(ctx, from, to)
		require.NoError(t, err)
		rows, err = f.pool.Query(ctx, tradeRows+`SELECT to_char(local, 'YYYY-MM-DD'), origin, hs_code, `+sums+`
			FROM trade WHERE dir = 'import' AND to_char(local, 'YYYY') = $1
			GROUP BY 1, 2, 3 HAVING sum(sign * weight_grams) > 0 ORDER BY 1, origin COLLATE "C", hs_code COLLATE "C"`, y)
		require.NoError(t, err)
		points, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (query.PricePoint, error) {
			var v query.PricePoint
			err := r.Scan(&v.Day, &v.Origin, &v.HSCode, &v.Grams, &v.ValueFen, &v.Lines)
			v.AvgPriceFen = int64(float64(v.ValueFen)*1000/float64(v.Grams) + 0.5)
			return v, err
		})
		require.NoError(t, err)
		if points == nil {
			points = []query.PricePoint{}
		}
		require.Equal(t, points, prices, "price points %d", year)
	}

	stock, err := r.CockpitStock(ctx, 1000)
	require.NoError(t, err)
	const held = `FROM balances b JOIN trace_codes t ON t.code = b.trace_code JOIN prefilings p ON p.id = t.prefiling_id`
	var total, bonded query.StockFigure
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT sum(b.weight_grams)::bigint,
			round(sum(b.weight_grams * p.avg_price_fen::bigint) / 1000.0)::bigint,
			sum(b.weight_grams) FILTER (WHERE b.bonded)::bigint,
			round(sum(b.weight_grams * p.avg_price_fen::bigint) FILTER (WHERE b.bonded) / 1000.0)::bigint `+held).
		Scan(&total.Grams, &total.ValueFen, &bonded.Grams, &bonded.ValueFen))
	require.Positive(t, total.Grams)
	require.Equal(t, total.Grams, stock.Total.Grams)
	require.Equal(t, total.ValueFen, stock.Total.ValueFen)
	require.Equal(t, bonded.Grams, stock.Bonded.Grams)
	require.Equal(t, bonded.ValueFen, stock.Bonded.ValueFen)
	require.Equal(t, total.Grams-bonded.Grams, stock.NonBonded.Grams)
	for by, column := range map[string]string{"enterprise": "b.enterprise_id", "HS code": "p.hs_code"} {
		rows, err := f.pool.Query(ctx, `SELECT `+column+`, sum(b.weight_grams)::bigint,
				round(sum(b.weight_grams * p.avg_price_fen::bigint) / 1000.0)::bigint `+held+`
			GROUP BY 1 HAVING sum(b.weight_grams) <> 0 ORDER BY 3 DESC, 2 DESC, `+column+` COLLATE "C"`)
		require.NoError(t, err)
		want, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (query.StockFigure, error) {
			var v query.StockFigure
			return v, r.Scan(&v.Key, &v.Grams, &v.ValueFen)
		})
		require.NoError(t, err)
		got := stock.Enterprises
		if by == "HS code" {
			got = stock.HSCodes
		}
		require.Equal(t, want, got, "stock by %s", by)
	}
}

// TestCockpit: after projecting generated blocks, every cockpit figure
// equals an independent computation over the mirrored tables, also after a
// rebuild; with a sealer the sums are sealed at rest and read the same.
func TestCockpit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := setup(t)
	years := f.cockpitStory(7)
	require.GreaterOrEqual(t, len(years), 2, "the story spans a year boundary")
	filled, err := indexer.FillCockpit(ctx, f.pool, nil)
	require.NoError(t, err)
	require.False(t, filled, "an empty mirror is left to the indexer")
	f.catchUp(t)
	require.Positive(t, f.count(t, `SELECT count(*) FROM movements WHERE kind = 'reversal'`), "the story undoes movements")
	require.Positive(t, f.count(t, `SELECT count(*) FROM movements WHERE kind = 'transfer'`), "the story transfers goods")
	r := query.New(f.pool)
	f.checkCockpit(t, r, years)

	before, err := indexer.TableDigest(ctx, f.pool)
	require.NoError(t, err)
	require.NoError(t, indexer.Rebuild(ctx, f.pool, f.feed))
	after, err := indexer.TableDigest(ctx, f.pool)
	require.NoError(t, err)
	require.Equal(t, before, after, "a rebuild reproduces the sums")
	f.checkCockpit(t, r, years)

	filled, err = indexer.FillCockpit(ctx, f.pool, nil)
	require.NoError(t, err)
	require.False(t, filled, "sums kept by the indexer are not filled again")
	_, err = f.pool.Exec(ctx, `TRUNCATE cockpit_sums`)
	require.NoError(t, err)
	filled, err = indexer.FillCockpit(ctx, f.pool, nil)
	require.NoError(t, err)
	require.True(t, filled, "a mirror indexed before the cockpit gets its sums")
	refilled, err := indexer.TableDigest(ctx, f.pool)
	require.NoError(t, err)
	require.Equal(t, before, refilled, "filling from the mirror gives the indexer's sums")

	s := sealingtest.New(t)
	sealed := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(ctx, sealed))
	height, err := f.feed.Height(ctx)
	require.NoError(t, err)
	catchUp, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	require.NoError(t, indexer.New(sealed, f.feed, indexer.WithSealer(s)).CatchUp(catchUp, height))
	var clear int
	require.NoError(t, sealed.QueryRow(ctx, `SELECT count(*) FROM cockpit_sums WHERE value NOT LIKE 'zt1:%'`).Scan(&clear))
	require.Zero(t, clear, "sums are sealed at rest")
	sealedSums, err := indexer.TableDigest(ctx, sealed)
	require.NoError(t, err)
	_, err = sealed.Exec(ctx, `TRUNCATE cockpit_sums`)
	require.NoError(t, err)
	filled, err = indexer.FillCockpit(ctx, sealed, s)
	require.NoError(t, err)
	require.True(t, filled)
	refilled, err = indexer.TableDigest(ctx, sealed)
	require.NoError(t, err)
	require.Equal(t, sealedSums, refilled, "filling opens the sealed prices and seals the sums as the indexer does")
	rs := query.New(sealed, query.WithSealer(s))
	for _, year := range years {
		want, err := r.CockpitTrade(ctx, year)
		require.NoError(t, err)
		got, err := rs.CockpitTrade(ctx, year)
		require.NoError(t, err)
		require.Equal(t, want, got)
		wantR, err := r.CockpitRanking(ctx, indexer.CockpitExporter, year, 10)
		require.NoError(t, err)
		gotR, err := rs.CockpitRanking(ctx, indexer.CockpitExporter, year, 10)
		require.NoError(t, err)
		require.Equal(t, wantR, gotR)
	}
	want, err := r.CockpitStock(ctx, 10)
	require.NoError(t, err)
	got, err := rs.CockpitStock(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, want, got, "the stock value opens the sealed batch prices")
	_, err = query.New(sealed).CockpitStock(ctx, 10)
	require.Error(t, err, "without the keys the sums do not open")
}
