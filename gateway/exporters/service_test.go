package exporters

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/notify"
	"zonetrace/gateway/validation"
	"zonetrace/internal/testdb"
)

var (
	officer = accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}
	clerkA  = accounts.User{Username: "ent-a", Role: accounts.RoleEnterprise, EnterpriseID: "91320583MA1AAAAA0A"}
	clerkB  = accounts.User{Username: "ent-b", Role: accounts.RoleEnterprise, EnterpriseID: "91320583MA1BBBBB0B"}
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(day string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, err := time.ParseInLocation(time.DateTime, day+" 10:00:00", model.ZoneTime)
	if err != nil {
		panic(err)
	}
	c.t = t
}

// published records the notifications.
type published struct {
	mu  sync.Mutex
	all []notify.Message
}

func (p *published) Publish(_ context.Context, _ pgx.Tx, m notify.Message) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = append(p.all, m)
	return int64(len(p.all)), nil
}

func (p *published) messages() []notify.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]notify.Message(nil), p.all...)
}

func newService(t *testing.T, cfg Config) (*Service, *clock, *published) {
	t.Helper()
	pub := &published{}
	s, err := New(testdb.Pool(t), cfg, pub, nil)
	require.NoError(t, err)
	c := &clock{}
	c.set("2026-11-28")
	s.Now = c.Now
	return s, c, pub
}

func entry(t *testing.T, s *Service, regNo string) ExporterDetail {
	t.Helper()
	var id int64
	require.NoError(t, s.pool.QueryRow(context.Background(), `SELECT id FROM exporters WHERE reg_no = $1`, regNo).Scan(&id))
	d, err := s.Get(context.Background(), id)
	require.NoError(t, err)
	return d
}

func count(t *testing.T, s *Service, table string) int {
	t.Helper()
	var n int
	require.NoError(t, s.pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n))
	return n
}

func reasonOf(err error) model.Reason {
	var refusal *model.Error
	if errors.As(err, &refusal) {
		return refusal.Reason
	}
	return ""
}

// TestCrawlKeepsTheRegistryAndRespectsPeople crawls a served listing as the
// scheduled job does, with the service's clock set by the test.
func TestCrawlKeepsTheRegistryAndRespectsPeople(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rows := sampleRows()
	srv := serveSite(t, site(rows, 4))
	s, clk, _ := newService(t, Config{RegistryURL: srv.URL + "/enterprise/list"})
	work := func() Crawl {
		t.Helper()
		require.NoError(t, (&crawlWorker{s: s}).Work(ctx, &river.Job[CrawlArgs]{}))
		crawls, err := s.Crawls(ctx, 1)
		require.NoError(t, err)
		return crawls[0]
	}

	c := work()
	require.Equal(t, 3, c.Pages)
	require.Equal(t, 8, c.Seen)
	require.Equal(t, 8, c.Added)
	require.Equal(t, 2, c.Skipped)
	require.Empty(t, c.Failure)
	require.NotNil(t, c.FinishedAt)
	require.Equal(t, 8, count(t, s, "exporters"))
	cooxupe := entry(t, s, "CBRA02001202300017")
	require.Equal(t, model.ExporterFromCrawl, cooxupe.Source)
	require.False(t, cooxupe.Held)
	require.Equal(t, clk.Now().UTC(), cooxupe.LastSeenAt.UTC())
	require.Equal(t, "COOXUPE EXPORTADORA", cooxupe.NameNorm)
	require.Equal(t, model.ExporterExpired, entry(t, s, "CBRA02001201900008").Status)

	t.Run("a crawl of the same listing changes nothing but when it was seen", func(t *testing.T) {
		clk.set("2026-11-29")
		c := work()
		require.Equal(t, 8, c.Seen)
		require.Zero(t, c.Added+c.Updated+c.Held)
		d := entry(t, s, "CBRA02001202300017")
		require.Len(t, d.History, 1)
		require.Equal(t, clk.Now().UTC(), d.LastSeenAt.UTC())
	})

	t.Run("the crawl updates what no person holds", func(t *testing.T) {
		rows[1].products = "咖啡豆、咖啡粉"
		srv.set(site(rows, 4))
		c := work()
		require.Equal(t, 1, c.Updated)
		d := entry(t, s, "CCOL02001202200011")
		require.Equal(t, "咖啡豆、咖啡粉", d.Products)
		require.Equal(t, map[string]FieldChange{"products": {Old: "咖啡豆", New: "咖啡豆、咖啡粉"}}, d.History[0].Changes)
		require.Equal(t, crawlBy, d.History[0].By)
	})

	t.Run("a manual edit is never overwritten by the next crawl", func(t *testing.T) {
		d := entry(t, s, "CBRA02001202300017")
		edited := d.ExporterEntry
		edited.ExpiresOn = "2029-05-16"
		_, err := s.Update(ctx, officer, d.ID, edited, "延期证明已核实")
		require.NoError(t, err)

		rows[0].name = "COOXUPE EXPORTADORA LTDA (MATRIZ)"
		srv.set(site(rows, 4))
		c := work()
		require.Equal(t, 1, c.Held)
		d = entry(t, s, "CBRA02001202300017")
		require.Equal(t, "2029-05-16", d.ExpiresOn, "the person's value stays")
		require.Equal(t, "COOXUPE EXPORTADORA LTDA", d.Name)
		require.True(t, d.Held)
		require.False(t, d.History[0].Applied)
		require.Equal(t, map[string]FieldChange{
			"name":      {Old: "COOXUPE EXPORTADORA LTDA", New: "COOXUPE EXPORTADORA LTDA (MATRIZ)"},
			"expiresOn": {Old: "2029-05-16", New: "2028-05-16"},
		}, d.History[0].Changes)
		require.Equal(t, "officer", d.History[1].By)
		require.Equal(t, "延期证明已核实", d.History[1].Note)

		// Seen again, the same difference is not recorded twice.
		work()
		require.Len(t, entry(t, s, "CBRA02001202300017").History, len(d.History))

		// Once the website shows the person's values, the hold ends and
		// the website's later changes apply again.
		rows[0].name, rows[0].expires = "COOXUPE EXPORTADORA LTDA", "2029-05-16"
		srv.set(site(rows, 4))
		work()
		require.False(t, entry(t, s, "CBRA02001202300017").Held)
		rows[0].products = "咖啡豆、生咖啡"
		srv.set(site(rows, 4))
		work()
		require.Equal(t, "咖啡豆、生咖啡", entry(t, s, "CBRA02001202300017").Products)
	})

	t.Run("a page that fails stops the crawl and keeps what was read", func(t *testing.T) {
		pages := site(append(rows, siteRow{"巴西", "CBRA02001202600001", "", "NOVA COFFEE", "咖啡豆", "2026-01-01", "2031-01-01", "有效", false}), 4)
		delete(pages, 3)
		srv.set(pages)
		before := count(t, s, "exporters")
		err := (&crawlWorker{s: s}).Work(ctx, &river.Job[CrawlArgs]{})
		require.Error(t, err)
		crawls, err := s.Crawls(ctx, 1)
		require.NoError(t, err)
		require.Contains(t, crawls[0].Failure, "HTTP 404")
		require.Equal(t, 2, crawls[0].Pages)
		require.Equal(t, before, count(t, s, "exporters"), "the new entry was on the page that failed")
	})
}

func TestCrawlIsOffWithoutAWebsite(t *testing.T) {
	t.Parallel()
	s, _, _ := newService(t, Config{})
	require.False(t, s.CrawlOn())
	_, err := s.Crawl(context.Background())
	require.Equal(t, model.ReasonCrawlOff, reasonOf(err))
	require.Equal(t, model.ReasonCrawlOff, reasonOf(s.CrawlNow(context.Background())))
	require.Len(t, s.PeriodicJobs(), 1, "only the expiry check is scheduled")
	on, _, _ := newService(t, Config{Source: pageSource(site(sampleRows(), 4))})
	require.Len(t, on.PeriodicJobs(), 2)
	c, err := on.Crawl(context.Background())
	require.NoError(t, err)
	require.Equal(t, 8, c.Added)
}

// workbook is the import template with rows filled in.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	var tmpl bytes.Buffer
	require.NoError(t, WriteTemplate(&tmpl))
	f, err := excelize.OpenReader(&tmpl)
	require.NoError(t, err)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		require.NoError(t, f.SetSheetRow("境外出口商备案", cell, &r))
	}
	var out bytes.Buffer
	require.NoError(t, f.Write(&out))
	return out.Bytes()
}

func TestImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newService(t, Config{Source: pageSource(site(sampleRows(), 4))})
	_, err := s.Crawl(ctx)
	require.NoError(t, err)

	t.Run("a good file adds and corrects entries, held against the crawl", func(t *testing.T) {
		good := workbook(t,
			[]any{"CKEN02001202500005", "Kenya Highlands Coffee Ltd", "肯尼亚", "咖啡豆", "2025-03-01", "2030-02-28", "有效"},
			[]any{},
			[]any{" ｃｃｏｌ０２００１２０２２０００１１ ", "ALMACAFE S.A.", "CO", "咖啡豆、速溶咖啡", "2022/3/1", "2027/2/28", ""},
		)
		res, err := s.Import(ctx, officer, bytes.NewReader(good))
		require.NoError(t, err)
		require.Equal(t, ImportResult{Rows: 2, Added: 1, Updated: 1}, res)
		kenya := entry(t, s, "CKEN02001202500005")
		require.Equal(t, "KE", kenya.Country)
		require.Equal(t, model.ExporterFromImport, kenya.Source)
		require.True(t, kenya.Held)
		almacafe := entry(t, s, "CCOL02001202200011")
		require.Equal(t, "咖啡豆、速溶咖啡", almacafe.Products)
		require.Equal(t, "officer", almacafe.History[0].By)

		c, err := s.Crawl(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, c.Held)
		require.Equal(t, "咖啡豆、速溶咖啡", entry(t, s, "CCOL02001202200011").Products, "the crawl does not undo the import")
	})

	t.Run("bad rows are each named by their row and change nothing", func(t *testing.T) {
		entries, edits := count(t, s, "exporters"), count(t, s, "exporter_edits")
		bad := workbook(t,
			[]any{"CKEN02001202500006", "Good Row Coffee", "KE", "咖啡豆", "", "", "有效"},
			[]any{"CXXX02001202500007", "Nowhere Coffee", "亚特兰蒂斯", "咖啡豆", "", "", ""},
			[]any{"CKEN02001202500008", "Late Coffee", "KE", "咖啡豆", "2025-13-01", "2024-01-01", "待定"},
			[]any{"CKEN02001202500006", "Good Row Coffee Again", "KE", "咖啡豆", "", "", ""},
			[]any{"", "", "KE"},
		)
		_, err := s.Import(ctx, officer, bytes.NewReader(bad))
		var problems validation.Problems
		require.ErrorAs(t, err, &problems)
		fields := map[string]model.Rule{}
		for _, p := range problems {
			fields[p.Field] = p.Rule
		}
		require.Equal(t, map[string]model.Rule{
			"exporterRows[2].country":      model.RulePattern,
			"exporterRows[3].registeredOn": model.RulePattern,
			"exporterRows[3].status":       model.RuleUnknownValue,
			"exporterRows[4].regNo":        model.RuleDuplicate,
			"exporterRows[5].regNo":        model.RuleRequired,
			"exporterRows[5].name":         model.RuleRequired,
		}, fields)
		require.Equal(t, "第3行的国家（地区）格式错误，须为两位国家（地区）代码", problems[0].MessageZh)
		require.Equal(t, entries, count(t, s, "exporters"))
		require.Equal(t, edits, count(t, s, "exporter_edits"))
	})

	t.Run("a file that is no workbook or lacks the columns is refused", func(t *testing.T) {
		_, err := s.Import(ctx, officer, bytes.NewReader([]byte("regNo,name\nX,Y\n")))
		var problems validation.Problems
		require.ErrorAs(t, err, &problems)
		require.Equal(t, "file", problems[0].Field)

		f := excelize.NewFile()
		require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"编号", "企业名称"}))
		var buf bytes.Buffer
		require.NoError(t, f.Write(&buf))
		_, err = s.Import(ctx, officer, &buf)
		require.ErrorAs(t, err, &problems)
		require.Equal(t, "exporterRows[0].regNo", problems[0].Field)
	})
}

func seedRegistry(t *testing.T, s *Service) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, e := range []model.ExporterEntry{
		{RegNo: "CBRA02001202300017", Name: "COOXUPE EXPORTADORA LTDA", Country: "BR", ExpiresOn: "2028-05-16"},
		{RegNo: "CETH02001202400003", Name: "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", Country: "ET", ExpiresOn: "2026-12-10"},
		{RegNo: "CETH02001202400021", Name: "SIDAMA COFFEE FARMERS COOPERATIVE UNION", Country: "ET"},
		{RegNo: "CBRA02001201900008", Name: "CAFE BRASIL EXPORT S.A.", Country: "BR", ExpiresOn: "2024-01-31"},
		{RegNo: "CCOL02001202300150", Name: "EXPORTADORA ANDINA CIA", Country: "CO", Status: model.ExporterSuspended},
	} {
		x, err := s.Create(context.Background(), officer, e)
		require.NoError(t, err)
		ids[e.RegNo] = x.ID
	}
	return ids
}

func TestClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newService(t, Config{})
	ids := seedRegistry(t, s)
	claim := func(u accounts.User, prefilingID, name, regNo string) Claim {
		t.Helper()
		s.RecordClaim(ctx, u.EnterpriseID, prefilingID, model.PrefilingData{ExporterName: name, ExporterRegNo: regNo, Origin: "ET"})
		p, err := s.Claims(ctx, officer, ClaimFilter{Q: prefilingID})
		require.NoError(t, err)
		require.Len(t, p.Items, 1)
		return p.Items[0]
	}

	exact := claim(clerkA, "PF20261128AAAAAAAA", "Cooxupé Exportadora Ltda.", "cbra 0200 1202300017")
	require.Equal(t, model.ClaimConfirmed, exact.Status)
	require.Equal(t, model.FindingMatched, exact.Finding)
	require.Equal(t, ids["CBRA02001202300017"], exact.Exporter.ID)
	require.Empty(t, exact.DecidedBy, "confirmed automatically")
	require.Equal(t, "2026-11-28", exact.DeclaredOn)

	typo := claim(clerkA, "PF20261128BBBBBBBB", "Yirga Chefe Cofee Farmers Union", "")
	require.Equal(t, model.ClaimPending, typo.Status)
	require.Equal(t, model.FindingNoRegNo, typo.Finding)
	require.Equal(t, model.FindingNameMismatch, claim(clerkB, "PF20261128CCCCCCCC", "Sidama Coffee Union", "CETH02001202400003").Finding)
	require.Equal(t, model.FindingNotFound, claim(clerkB, "PF20261128DDDDDDDD", "Unknown Coffee", "CXXX1").Finding)
	require.Equal(t, model.FindingExpired, claim(clerkB, "PF20261128EEEEEEEE", "Cafe Brasil Export SA", "CBRA02001201900008").Finding)
	require.Equal(t, model.FindingNotValid, claim(clerkB, "PF20261128FFFFFFFF", "Exportadora Andina", "CCOL02001202300150").Finding)

	t.Run("a claim is recorded once per prefiling", func(t *testing.T) {
		s.RecordClaim(ctx, clerkA.EnterpriseID, "PF20261128AAAAAAAA", model.PrefilingData{ExporterName: "Other"})
		require.Equal(t, 6, count(t, s, "exporter_claims"))
	})

	t.Run("customs see suspected matches ranked by name", func(t *testing.T) {
		d, err := s.Claim(ctx, officer, typo.ID)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(d.Suspects), 2)
		require.Equal(t, ids["CETH02001202400003"], d.Suspects[0].ID)
		require.Equal(t, ids["CETH02001202400021"], d.Suspects[1].ID)
		require.Greater(t, d.Suspects[0].ScorePermille, d.Suspects[1].ScorePermille)
		for _, x := range d.Suspects {
			require.NotEqual(t, ids["CBRA02001202300017"], x.ID, "an unrelated name is not offered")
		}
		// The entry of the claimed number comes first, whatever its name.
		mismatch, err := s.Claims(ctx, officer, ClaimFilter{Q: "PF20261128CCCCCCCC"})
		require.NoError(t, err)
		d, err = s.Claim(ctx, officer, mismatch.Items[0].ID)
		require.NoError(t, err)
		require.True(t, d.Suspects[0].SameRegNo)
		require.Equal(t, ids["CETH02001202400003"], d.Suspects[0].ID)
		require.Equal(t, ids["CETH02001202400021"], d.Suspects[1].ID)
	})

	t.Run("enterprises see their own claims, without suspects", func(t *testing.T) {
		p, err := s.Claims(ctx, clerkA, ClaimFilter{})
		require.NoError(t, err)
		require.Equal(t, 2, p.Total)
		d, err := s.Claim(ctx, clerkA, typo.ID)
		require.NoError(t, err)
		require.Empty(t, d.Suspects)
		_, err = s.Claim(ctx, clerkB, typo.ID)
		require.Equal(t, model.ReasonClaimNotFound, reasonOf(err))
		pending, err := s.Claims(ctx, officer, ClaimFilter{Status: model.ClaimPending})
		require.NoError(t, err)
		require.Equal(t, 5, pending.Total)
	})

	t.Run("customs confirm with an entry or reject with a reason, once", func(t *testing.T) {
		var problems validation.Problems
		_, err := s.Decide(ctx, officer, typo.ID, true, ClaimDecision{})
		require.ErrorAs(t, err, &problems)
		require.Equal(t, "exporterId", problems[0].Field)
		_, err = s.Decide(ctx, officer, typo.ID, true, ClaimDecision{ExporterID: 99999})
		require.Equal(t, model.ReasonExporterNotFound, reasonOf(err))

		c, err := s.Decide(ctx, officer, typo.ID, true, ClaimDecision{ExporterID: ids["CETH02001202400003"]})
		require.NoError(t, err)
		require.Equal(t, model.ClaimConfirmed, c.Status)
		require.Equal(t, "officer", c.DecidedBy)
		require.Equal(t, ids["CETH02001202400003"], c.Exporter.ID)
		_, err = s.Decide(ctx, officer, typo.ID, false, ClaimDecision{Reason: "再想想"})
		require.Equal(t, model.ReasonClaimDecided, reasonOf(err))

		unknown, err := s.Claims(ctx, officer, ClaimFilter{Q: "PF20261128DDDDDDDD"})
		require.NoError(t, err)
		_, err = s.Decide(ctx, officer, unknown.Items[0].ID, false, ClaimDecision{})
		require.ErrorAs(t, err, &problems)
		require.Equal(t, "reason", problems[0].Field)
		c, err = s.Decide(ctx, officer, unknown.Items[0].ID, false, ClaimDecision{Reason: "备案库中无此企业，请补充注册证明"})
		require.NoError(t, err)
		require.Equal(t, model.ClaimRejected, c.Status)
		mine, err := s.Claim(ctx, clerkB, c.ID)
		require.NoError(t, err)
		require.Equal(t, "备案库中无此企业，请补充注册证明", mine.Reason, "the enterprise sees the result")
	})
}

func TestExpiryCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk, pub := newService(t, Config{WarnDays: 30})
	ids := seedRegistry(t, s)
	s.RecordClaim(ctx, clerkA.EnterpriseID, "PF20261128AAAAAAAA", model.PrefilingData{ExporterName: "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", ExporterRegNo: "CETH02001202400003"})
	s.RecordClaim(ctx, clerkA.EnterpriseID, "PF20261128BBBBBBBB", model.PrefilingData{ExporterName: "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", ExporterRegNo: "CETH02001202400003"})
	s.RecordClaim(ctx, clerkB.EnterpriseID, "PF20261128CCCCCCCC", model.PrefilingData{ExporterName: "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", ExporterRegNo: "CETH02001202400003"})
	s.RecordClaim(ctx, clerkB.EnterpriseID, "PF20261128DDDDDDDD", model.PrefilingData{ExporterName: "COOXUPE EXPORTADORA LTDA", ExporterRegNo: "CBRA02001202300017"})
	work := func() {
		t.Helper()
		require.NoError(t, (&expiryWorker{s: s}).Work(ctx, &river.Job[ExpiryArgs]{}))
	}

	// 2026-11-28: YIRGA ends 2026-12-10, within 30 days.
	r, err := s.CheckExpiry(ctx)
	require.NoError(t, err)
	require.Equal(t, Expiry{Warned: 2}, r, "one warning per enterprise of the exporter")
	msgs := pub.messages()
	require.Len(t, msgs, 3, "customs once, and each enterprise")
	require.Equal(t, notify.KindExporterExpiring, msgs[0].Kind)
	require.Equal(t, "CETH02001202400003", msgs[0].Subject)
	require.Equal(t, "2026-12-10", msgs[0].Params["expiresOn"])
	require.Equal(t, clerkA.EnterpriseID, msgs[1].Audience.EnterpriseID)
	p, err := s.Claims(ctx, clerkA, ClaimFilter{})
	require.NoError(t, err)
	require.True(t, p.Items[0].ExpiresSoon)
	coffee, err := s.Claims(ctx, clerkB, ClaimFilter{Q: "PF20261128DDDDDDDD"})
	require.NoError(t, err)
	require.False(t, coffee.Items[0].ExpiresSoon)

	// Again the same day: nothing new.
	work()
	require.Len(t, pub.messages(), 3)

	// Renewed, it is warned of again when the new date comes near.
	d, err := s.Get(ctx, ids["CETH02001202400003"])
	require.NoError(t, err)
	renewed := d.ExporterEntry
	renewed.ExpiresOn = "2026-12-20"
	_, err = s.Update(ctx, officer, d.ID, renewed, "")
	require.NoError(t, err)
	work()
	require.Len(t, pub.messages(), 6)

	// Past its date, the registration is marked expired, in its history.
	clk.set("2026-12-21")
	r, err = s.CheckExpiry(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, r.Expired)
	d, err = s.Get(ctx, ids["CETH02001202400003"])
	require.NoError(t, err)
	require.Equal(t, model.ExporterExpired, d.Status)
	require.Equal(t, "expiry", d.History[0].Source)
	require.Equal(t, FieldChange{Old: "valid", New: "expired"}, d.History[0].Changes["status"])
	// A claim declared now finds it expired.
	s.RecordClaim(ctx, clerkA.EnterpriseID, "PF20261221AAAAAAAA", model.PrefilingData{ExporterName: "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", ExporterRegNo: "CETH02001202400003"})
	late, err := s.Claims(ctx, officer, ClaimFilter{Q: "PF20261221AAAAAAAA"})
	require.NoError(t, err)
	require.Equal(t, model.FindingExpired, late.Items[0].Finding)
	require.Equal(t, model.ClaimPending, late.Items[0].Status)
}
