package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/gates"
	"zonetrace/internal/apiclient"
)

// demoClock is the node's clock while `run --demo-year` replays a past
// year: it runs at real speed from the moment it was last set to, and
// once Real is called it is time.Now again. The embedded ledger stamps
// its proposals with it (platform.Config.LedgerClock) and the gate intake
// checks signatures against it (gates.Config.Now); nothing else of the
// node reads it.
type demoClock struct {
	offset atomic.Int64 // nanoseconds added to time.Now
}

// Now is the clock's time.
func (c *demoClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Set moves the clock to t; the replay only ever moves it forward.
func (c *demoClock) Set(t time.Time) { c.offset.Store(int64(time.Until(t))) }

// Real puts the clock back on time.Now.
func (c *demoClock) Real() { c.offset.Store(0) }

// demoYear is the simulated year replayed before the node serves: the
// twelve whole months before the month of End.
type demoYear struct {
	Clock *demoClock
	End   time.Time
}

// first is the first day of the year's first month, zone time.
func (y demoYear) first() time.Time {
	end := y.End.In(model.ZoneTime)
	return time.Date(end.Year(), end.Month()-12, 1, 0, 0, 0, 0, model.ZoneTime)
}

// Enterprises of the year beyond the demo's A (importer) and B (warehouse).
const (
	demoEnterpriseC = "91320583MA1P7KQ83D" // importer
	demoEnterpriseD = "91310115MA1H4RTW6N" // importer
	demoEnterpriseE = "91320583MA20CG5L7X" // trader
	demoEnterpriseF = "91320594MA1WB8E25R" // warehouse
)

const demoYearLogins = `  ent-c … ent-f  企业用户 of the simulated year's importers, trader and cold-store warehouse`

// demoOrigin is a coffee origin with its typical batch: price in yuan/kg
// and weight in tonnes.
type demoOrigin struct {
	code, product, exporter, grade, region string
	yuanPerKg, tonnes                      int64
}

var demoOrigins = []demoOrigin{
	{"ET", "埃塞俄比亚耶加雪菲生咖啡豆", "Yirgacheffe Coffee Farmers Union", "G1", "Gedeo", 72, 19},
	{"CO", "哥伦比亚慧兰生咖啡豆", "Federación Nacional de Cafeteros", "Supremo", "Huila", 58, 21},
	{"BR", "巴西喜拉多生咖啡豆", "Cooxupé", "NY2", "Cerrado Mineiro", 36, 38},
	{"VN", "越南罗布斯塔生咖啡豆", "Simexco Daklak", "S18", "Dak Lak", 24, 57},
	{"KE", "肯尼亚AA生咖啡豆", "Kenya Cooperative Coffee Exporters", "AA", "Nyeri", 95, 10},
	{"GT", "危地马拉安提瓜生咖啡豆", "Anacafé Export", "SHB", "Antigua", 66, 14},
	// Listed as a high-risk origin in the year's risk parameters.
	{"ID", "印度尼西亚曼特宁生咖啡豆", "PT Indo Cafco", "G1", "Aceh Gayo", 62, 18},
}

// demoTrader is an enterprise acting in the year: its client, id,
// account book, vehicle and carrier.
type demoTrader struct {
	c              *apiclient.Client
	id, book       string
	plate, carrier string
}

// demoBatch is an approved batch in bonded stock of its owner.
type demoBatch struct {
	owner *demoTrader
	pf    model.Prefiling
	left  int64 // grams still held bonded by owner
}

// yearSeeder replays the year through the public API.
type yearSeeder struct {
	ctx              context.Context
	year             demoYear
	admin, customs   *apiclient.Client
	gateKey          ed25519.PrivateKey
	seq              int
	a, b, c, d, e, f *demoTrader
	// stock holds the year's imported batches in order, two a month.
	stock []*demoBatch
	// traderLot is what the trader bought in bond.
	traderLot *demoBatch
}

// demoRiskParams make some of the year's batches raise alerts: Indonesian
// coffee is a high-risk origin, coffee may stay 180 days, a batch more than
// 25 % above the 180-day reference price is high value, an exit line more
// than 30 % off its batch's price differs, and unqualified quarantine fires.
func demoRiskParams() *model.RiskParams {
	r := model.DefaultRiskParams()
	r.LongStorage = model.LongStorageParams{Limits: []model.StorageLimit{{Commodity: "coffee", MaxDays: 180}}, DefaultMaxDays: 365}
	r.HighRisk.Origins = []string{"ID"}
	r.HighValue = model.HighValueParams{PeriodDays: 180, ThresholdPermille: 250}
	r.PriceDifference = model.PriceDifferenceParams{HighPermille: 300, LowPermille: 300}
	r.Quarantine = model.QuarantineParams{Unqualified: true}
	return &r
}

// demoYearRuleConfig is the demo configuration with the year's risk
// parameters.
func demoYearRuleConfig() model.RuleConfigDraft {
	d := demoRuleConfig()
	d.Risk = demoRiskParams()
	d.Note = "演示初始配置：招标文件标签目录、全部校验模型、两条示例规则与风险预警参数"
	return d
}

// seedYear replays the year on the demo clock, month by month: more
// enterprises and their users, the rule configuration with risk
// parameters, two gates, then each month coffee batches prefiled and
// approved, entered by checklist and gate crossing, with transfers,
// conversions and exits along the way. admin and customs are logged in.
func seedYear(ctx context.Context, year demoYear, newClient func() *apiclient.Client, admin, customs, entA, entB *apiclient.Client) error {
	s := &yearSeeder{ctx: ctx, year: year, admin: admin, customs: customs}
	s.a = &demoTrader{c: entA, id: demoEnterpriseA, book: "T3223W000001", plate: "苏E·5K218", carrier: "昆山综保物流车队"}
	s.b = &demoTrader{c: entB, id: demoEnterpriseB, book: "T3223W000002", plate: "苏E·3M775", carrier: "综保仓储自有车队"}
	for _, e := range []struct {
		t                          **demoTrader
		id, name, kind, code, user string
		display, book, plate, crr  string
	}{
		{&s.c, demoEnterpriseC, "苏州澜途咖啡贸易有限公司", "importer", "3223960003", "ent-c", "刘洋（澜途咖啡）", "T3223W000003", "苏E·7Q306", "澜途物流"},
		{&s.d, demoEnterpriseD, "上海汇豆进出口有限公司", "importer", "3223960004", "ent-d", "黄磊（汇豆进出口）", "T3223W000004", "沪D·82K51", "汇豆供应链车队"},
		{&s.e, demoEnterpriseE, "昆山云岭咖啡供应链有限公司", "trader", "3223960005", "ent-e", "周敏（云岭咖啡）", "T3223W000005", "苏E·2L930", "云岭冷链运输"},
		{&s.f, demoEnterpriseF, "苏州综保冷链仓储有限公司", "warehouse", "3223960006", "ent-f", "吴刚（综保冷链）", "T3223W000006", "苏E·6C118", "综保冷链车队"},
	} {
		if err := admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": e.id, "name": e.name, "kind": e.kind, "customsCode": e.code}, nil); err != nil {
			return err
		}
		if err := admin.Post(ctx, "/api/v1/users", map[string]string{"username": e.user, "displayName": e.display, "role": "enterprise",
			"enterpriseId": e.id, "password": demoPassword}, nil); err != nil {
			return err
		}
		c := newClient()
		if err := c.Login(ctx, e.user, demoPassword); err != nil {
			return err
		}
		*e.t = &demoTrader{c: c, id: e.id, book: e.book, plate: e.plate, carrier: e.crr}
	}
	if err := seedRuleConfig(ctx, newClient(), demoYearRuleConfig()); err != nil {
		return fmt.Errorf("write the year's rule configuration: %w", err)
	}
	if err := s.registerGates(); err != nil {
		return fmt.Errorf("register the demo gates: %w", err)
	}
	first := year.first()
	for m := range 12 {
		if err := s.month(m, first.AddDate(0, m, 0)); err != nil {
			return fmt.Errorf("demo month %s: %w", first.AddDate(0, m, 0).Format("2006-01"), err)
		}
	}
	return nil
}

// at sets the clock to day (1-based) of month at hour, zone time.
func (s *yearSeeder) at(month time.Time, day, hour int) time.Time {
	t := time.Date(month.Year(), month.Month(), day, hour, s.seq%50, 0, 0, model.ZoneTime)
	s.year.Clock.Set(t)
	return t
}

// month replays the m-th month (0-based), starting at month. Its steps
// go in the order of their days, so the clock only moves forward.
func (s *yearSeeder) month(m int, month time.Time) error {
	importers := []*demoTrader{s.a, s.c, s.d}
	// Two batches a month from two importers, origins in turn; prices
	// drift with the season.
	for i, day := range []int{3, 14} {
		origin := demoOrigins[(2*m+i)%len(demoOrigins)]
		owner := importers[(m+i)%len(importers)]
		price := origin.yuanPerKg*100 + int64((m%4)-1)*origin.yuanPerKg*3
		if m == 9 && i == 0 {
			// A premium lot far above the recent reference: high value.
			price = price * 3 / 2
		}
		// One batch is entered with its quarantine pending; the inspection
		// in the zone finds it unqualified.
		pending := m == 8 && i == 1
		batch, err := s.importBatch(month, day, owner, origin, price, pending)
		if err != nil {
			return err
		}
		s.stock = append(s.stock, batch)
		if pending {
			if err := s.failedInspection(month, day+5, batch); err != nil {
				return err
			}
		}
	}
	if m == 6 {
		// A batch declared with an unqualified quarantine result: the
		// review rule queues it for customs, who return it.
		if err := s.unqualifiedBatch(month, 17, s.c); err != nil {
			return err
		}
	}
	if m%4 == 1 {
		// An empty lorry comes to load; the zone admin sets its event
		// aside, except the last one, left for the newcomer to resolve.
		if err := s.emptyLorry(month, 17, m < 9); err != nil {
			return err
		}
	}
	switch m {
	case 3, 6, 9:
		// An importer stores part of an older batch at the warehouse.
		warehouse := s.b
		if m == 6 {
			warehouse = s.f
		}
		if _, err := s.bondedTransfer(month, 20, s.stock[m*2-5], warehouse, 3); err != nil {
			return err
		}
	case 7:
		// The trader buys half a batch in bond ...
		lot, err := s.bondedTransfer(month, 20, s.stock[8], s.e, 2)
		if err != nil {
			return err
		}
		s.traderLot = lot
	case 10:
		// ... and re-exports it three months later.
		if err := s.bondedExit(month, 18, s.traderLot, 1, false); err != nil {
			return err
		}
	}
	if m >= 2 {
		// Re-export of part of an older batch, in bond; one a month.
		src := s.stock[(m-2)*2+1]
		cheap := m == 5 // declared 40 % below the batch's price: a price difference
		if err := s.bondedExit(month, 24, src, 4, cheap); err != nil {
			return err
		}
	}
	if m == 4 || m == 8 || m == 11 {
		// Goods leave bond for the domestic market: a conversion, then the
		// non-bonded exit at the gate; in the last month sold to the trader
		// inside the zone first.
		var buyer *demoTrader
		if m == 11 {
			buyer = s.e
		}
		if err := s.convertAndLeave(month, 25, s.stock[(m-4)*2], buyer); err != nil {
			return err
		}
	}
	return nil
}

func (s *yearSeeder) next() int { s.seq++; return s.seq }

// importBatch prefiles a batch of owner, has customs approve it, and brings
// it into the zone by entry checklist and gate crossing.
func (s *yearSeeder) importBatch(month time.Time, day int, owner *demoTrader, o demoOrigin, priceFen int64, quarantinePending bool) (*demoBatch, error) {
	n := s.next()
	t := s.at(month, day, 9)
	grams := (o.tonnes*1000 + int64(n%7)*120) * 1000
	data := model.PrefilingData{
		Commodity: "coffee", ProductName: o.product, HSCode: "0901110000", Origin: o.code, ExporterName: o.exporter,
		QuarantineResult: model.QuarantineQualified, QuarantineBatchNo: fmt.Sprintf("3204%s%05d", t.Format("060102"), n),
		AvgPriceFen: priceFen, Currency: "CNY", WeightGrams: grams, Grade: o.grade, PlantingRegion: o.region,
		ProductionDate: t.AddDate(0, -2, 0).Format(time.DateOnly), ShelfLifeDays: 720, Attachments: []model.Attachment{},
	}
	if quarantinePending {
		data.QuarantineResult, data.QuarantineBatchNo = model.QuarantinePending, ""
	}
	var draft struct {
		ID string `json:"id"`
	}
	if err := owner.c.Post(s.ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &draft); err != nil {
		return nil, err
	}
	var pf model.Prefiling
	if err := owner.c.Post(s.ctx, "/api/v1/prefiling-drafts/"+draft.ID+"/declare", nil, &pf); err != nil {
		return nil, err
	}
	s.at(month, day+1, 10)
	if err := s.customs.Post(s.ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "approve", "reason": ""}, &pf); err != nil {
		return nil, err
	}
	line := s.line(pf, grams, priceFen)
	if _, err := s.gateMove(month, day+2, owner, model.BusinessEntry, o.code, line, gates.DirectionIn); err != nil {
		return nil, err
	}
	return &demoBatch{owner: owner, pf: pf, left: grams}, nil
}

// line is a document line of grams of batch pf at priceFen a kilogram.
func (s *yearSeeder) line(pf model.Prefiling, grams, priceFen int64) model.DocumentLine {
	return model.DocumentLine{TraceCode: pf.TraceCode, ProductName: pf.Data.ProductName, HSCode: pf.Data.HSCode, Origin: pf.Data.Origin,
		WeightGrams: grams, UnitPriceFen: priceFen, Currency: pf.Data.Currency, ValueFen: grams / 1000 * priceFen, Packages: max(grams/60_000, 1)}
}

// declare drafts and declares a document of owner.
func (s *yearSeeder) declare(owner *demoTrader, family model.Family, bt model.BusinessType, head model.DocumentHead, line model.DocumentLine) (model.Document, error) {
	var draft struct {
		ID string `json:"id"`
	}
	if err := owner.c.Post(s.ctx, "/api/v1/document-drafts", map[string]any{"family": family, "businessType": bt, "head": head,
		"lines": []model.DocumentLine{line}}, &draft); err != nil {
		return model.Document{}, err
	}
	var doc model.Document
	err := owner.c.Post(s.ctx, "/api/v1/document-drafts/"+draft.ID+"/declare", nil, &doc)
	return doc, err
}

// receipt is customs' INV201 approval of a checklist.
func (s *yearSeeder) receipt(doc model.Document, t time.Time) error {
	return s.customs.Post(s.ctx, "/api/v1/external-receipts", map[string]string{
		"documentId": doc.ID, "messageType": "INV201", "customsNo": fmt.Sprintf("QD2232%s%06d", t.Format("06"), s.next()),
		"manageResult": "1", "manageDate": t.Format(time.DateTime), "note": "清单审核通过",
	}, nil)
}

// gateMove moves line through the gate on a checklist of owner (entry or
// exit, business bt): declared on day, approved by customs' receipt, and
// the vehicle crosses the next day.
func (s *yearSeeder) gateMove(month time.Time, day int, owner *demoTrader, bt model.BusinessType, country string, line model.DocumentLine, direction string) (model.Document, error) {
	s.at(month, day, 11)
	doc, err := s.declare(owner, model.FamilyChecklist, bt, model.DocumentHead{AccountBookNo: owner.book, SupervisionMode: "5034",
		TransportMode: "2", PortCode: "2249", TradeCountry: country, VehiclePlate: owner.plate, Carrier: owner.carrier}, line)
	if err != nil {
		return doc, err
	}
	if err := s.receipt(doc, s.at(month, day, 15)); err != nil {
		return doc, err
	}
	return doc, s.cross(month, day+1, owner.plate, direction, doc.ID)
}

// bondedTransfer moves 1/part of batch from its owner to to, in bond, with
// the transferee's handshake, and returns the transferee's lot.
func (s *yearSeeder) bondedTransfer(month time.Time, day int, batch *demoBatch, to *demoTrader, part int64) (*demoBatch, error) {
	grams := batch.left / part / 1000 * 1000
	from := batch.owner
	s.at(month, day, 10)
	out, err := s.declare(from, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{AccountBookNo: from.book, CounterpartyID: to.id},
		s.line(batch.pf, grams, batch.pf.Data.AvgPriceFen))
	if err != nil {
		return nil, err
	}
	s.at(month, day, 14)
	if err := s.customs.Post(s.ctx, "/api/v1/documents/"+out.ID+"/review", map[string]string{"decision": "approve", "reason": "同意流转"}, nil); err != nil {
		return nil, err
	}
	inDraft, err := s.inDraft(to, out.ID)
	if err != nil {
		return nil, err
	}
	var d struct {
		Family       model.Family         `json:"family"`
		BusinessType model.BusinessType   `json:"businessType"`
		Head         model.DocumentHead   `json:"head"`
		Lines        []model.DocumentLine `json:"lines"`
	}
	if err := to.c.Get(s.ctx, "/api/v1/document-drafts/"+inDraft, &d); err != nil {
		return nil, err
	}
	d.Head.AccountBookNo = to.book
	if _, err := to.c.Do(s.ctx, apiclient.Request{Method: http.MethodPut, Path: "/api/v1/document-drafts/" + inDraft,
		Body: map[string]any{"family": d.Family, "businessType": d.BusinessType, "head": d.Head, "lines": d.Lines}}, nil); err != nil {
		return nil, err
	}
	s.at(month, day+1, 9)
	var in model.Document
	if err := to.c.Post(s.ctx, "/api/v1/document-drafts/"+inDraft+"/declare", nil, &in); err != nil {
		return nil, err
	}
	s.at(month, day+1, 11)
	if err := s.customs.Post(s.ctx, "/api/v1/documents/"+in.ID+"/review", map[string]string{"decision": "approve", "reason": "同意入库"}, nil); err != nil {
		return nil, err
	}
	batch.left -= grams
	return &demoBatch{owner: to, pf: batch.pf, left: grams}, nil
}

// inDraft is the in-draft the platform prepared for to of transfer out.
func (s *yearSeeder) inDraft(to *demoTrader, out string) (string, error) {
	var incoming struct {
		Items []struct {
			OutDocument model.Document `json:"outDocument"`
			InDraftID   string         `json:"inDraftId"`
		} `json:"items"`
	}
	if err := to.c.Get(s.ctx, "/api/v1/transfers/incoming", &incoming); err != nil {
		return "", err
	}
	for _, it := range incoming.Items {
		if it.OutDocument.ID == out {
			return it.InDraftID, nil
		}
	}
	return "", fmt.Errorf("transfer %s: the transferee has no in-draft", out)
}

// bondedExit re-exports 1/part of batch on an exit checklist, priced 40 %
// below the batch when cheap.
func (s *yearSeeder) bondedExit(month time.Time, day int, batch *demoBatch, part int64, cheap bool) error {
	grams := batch.left / part / 1000 * 1000
	price := batch.pf.Data.AvgPriceFen
	if cheap {
		price = price * 6 / 10
	}
	if _, err := s.gateMove(month, day, batch.owner, model.BusinessExit, "KR", s.line(batch.pf, grams, price), gates.DirectionOut); err != nil {
		return err
	}
	batch.left -= grams
	return nil
}

// convertAndLeave converts half of what batch's owner holds to
// non-bonded (tax paid) and drives it out on a non-bonded application;
// with a buyer, the owner first sells it to buyer inside the zone by a
// non-bonded transfer, and the buyer drives it out.
func (s *yearSeeder) convertAndLeave(month time.Time, day int, batch *demoBatch, buyer *demoTrader) error {
	owner := batch.owner
	grams := batch.left / 2 / 1000 * 1000
	line := s.line(batch.pf, grams, batch.pf.Data.AvgPriceFen)
	s.at(month, day, 9)
	conv, err := s.declare(owner, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{AccountBookNo: owner.book, SupervisionMode: "0110"}, line)
	if err != nil {
		return err
	}
	if err := s.receipt(conv, s.at(month, day, 13)); err != nil {
		return err
	}
	batch.left -= grams
	if buyer != nil {
		s.at(month, day+1, 9)
		out, err := s.declare(owner, model.FamilyNonBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: buyer.id}, line)
		if err != nil {
			return err
		}
		if err := s.approve(out.ID, month, day+1, 10, "同意流转"); err != nil {
			return err
		}
		inDraft, err := s.inDraft(buyer, out.ID)
		if err != nil {
			return err
		}
		s.at(month, day+1, 11)
		var release model.Document
		if err := buyer.c.Post(s.ctx, "/api/v1/document-drafts/"+inDraft+"/declare", nil, &release); err != nil {
			return err
		}
		if err := s.approve(release.ID, month, day+1, 12, "同意放行"); err != nil {
			return err
		}
		owner, day = buyer, day+1
	}
	s.at(month, day, 15)
	exit, err := s.declare(owner, model.FamilyNonBondedApplication, model.BusinessExit,
		model.DocumentHead{VehiclePlate: owner.plate, PlannedDate: month.AddDate(0, 0, day).Format(time.DateOnly), Carrier: owner.carrier}, line)
	if err != nil {
		return err
	}
	if err := s.approve(exit.ID, month, day, 16, "同意出区"); err != nil {
		return err
	}
	return s.cross(month, day+1, owner.plate, gates.DirectionOut, exit.ID)
}

// approve is customs approving document id on day at hour.
func (s *yearSeeder) approve(id string, month time.Time, day, hour int, reason string) error {
	s.at(month, day, hour)
	return s.customs.Post(s.ctx, "/api/v1/documents/"+id+"/review", map[string]string{"decision": "approve", "reason": reason}, nil)
}

// failedInspection is the quarantine inspection of batch in the zone
// finding it unqualified: the owner supplements the result and customs
// approves the supplement.
func (s *yearSeeder) failedInspection(month time.Time, day int, batch *demoBatch) error {
	t := s.at(month, day, 10)
	if err := batch.owner.c.Post(s.ctx, "/api/v1/prefilings/"+batch.pf.ID+"/supplement", map[string]any{
		"quarantineBatchNo": fmt.Sprintf("3204%s%05d", t.Format("060102"), s.next()), "quarantineResult": model.QuarantineUnqualified,
		"quarantineDate": t.Format(time.DateOnly), "note": "入区检疫检出活体害虫，判定不合格，待检疫处理", "attachments": []any{},
	}, nil); err != nil {
		return err
	}
	s.at(month, day, 15)
	return s.customs.Post(s.ctx, "/api/v1/prefilings/"+batch.pf.ID+"/supplement/review", map[string]string{"decision": "approve", "reason": ""}, nil)
}

// unqualifiedBatch declares a batch of owner whose quarantine failed;
// customs returns it.
func (s *yearSeeder) unqualifiedBatch(month time.Time, day int, owner *demoTrader) error {
	o := demoOrigins[1]
	t := s.at(month, day, 9)
	data := model.PrefilingData{
		Commodity: "coffee", ProductName: o.product, HSCode: "0901110000", Origin: o.code, ExporterName: o.exporter,
		QuarantineResult: model.QuarantineUnqualified, QuarantineBatchNo: fmt.Sprintf("3204%s%05d", t.Format("060102"), s.next()),
		AvgPriceFen: o.yuanPerKg * 100, Currency: "CNY", WeightGrams: 12_000_000, Grade: o.grade, PlantingRegion: o.region,
		ProductionDate: t.AddDate(0, -3, 0).Format(time.DateOnly), ShelfLifeDays: 720, Attachments: []model.Attachment{},
	}
	var draft struct {
		ID string `json:"id"`
	}
	if err := owner.c.Post(s.ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &draft); err != nil {
		return err
	}
	var pf model.Prefiling
	if err := owner.c.Post(s.ctx, "/api/v1/prefiling-drafts/"+draft.ID+"/declare", nil, &pf); err != nil {
		return err
	}
	s.at(month, day+1, 10)
	return s.customs.Post(s.ctx, "/api/v1/prefilings/"+pf.ID+"/review", map[string]string{"decision": "return",
		"reason": "入境检疫不合格（检出咖啡果小蠹），不予受理，请办理退运或销毁"}, nil)
}

// emptyLorry plays an empty lorry entering to load: its event matches no
// document; when setAside, the zone admin ignores it with a reason.
func (s *yearSeeder) emptyLorry(month time.Time, day int, setAside bool) error {
	plate := fmt.Sprintf("苏E·%dF%03d", 1+s.seq%9, 100+s.seq*7%900)
	ev, err := s.gateEvent(month, day, "G1", gates.EventRequest{Plate: plate, Direction: gates.DirectionIn})
	if err != nil {
		return err
	}
	if ev.State != gates.StateUnmatched {
		return fmt.Errorf("the empty lorry %s matched document %s", plate, ev.DocumentID)
	}
	if !setAside {
		return nil
	}
	s.at(month, day, 10)
	return s.admin.Post(s.ctx, fmt.Sprintf("/api/v1/gate-events/%d/ignore", ev.ID), gates.IgnoreRequest{Reason: "空车进区装货，无随附单证"}, nil)
}

// Demo gates: the main gate takes both directions, the east gate only
// lorries leaving.
var demoGates = []gates.GateRequest{
	{ID: "G1", Name: "综保区1号卡口（主卡口）", X: 120, Y: 500, Directions: gates.DirectionBoth},
	{ID: "G2", Name: "综保区2号卡口（东出口）", X: 880, Y: 320, Directions: gates.DirectionOut},
}

// registerGates registers the demo gates under one demo key, whose
// private half lives only in this process: after the replay no one can
// sign for them until the zone admin registers a real key.
func (s *yearSeeder) registerGates() error {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	s.gateKey = key
	for _, g := range demoGates {
		g.PublicKey = gates.EncodePublicKey(pub)
		if err := s.admin.Post(s.ctx, "/api/v1/gates", g, nil); err != nil {
			return err
		}
	}
	return nil
}

// cross plays the vehicle plate crossing a gate on day with the document
// documentNo, and waits until the crossing recorded the document's gate
// pass on the ledger (still on that day).
func (s *yearSeeder) cross(month time.Time, day int, plate, direction, documentNo string) error {
	gate := "G1"
	if direction == gates.DirectionOut && s.seq%2 == 0 {
		gate = "G2"
	}
	ev, err := s.gateEvent(month, day, gate, gates.EventRequest{Plate: plate, Direction: direction, DocumentNo: documentNo})
	if err != nil {
		return err
	}
	if ev.State != gates.StateMatched {
		return fmt.Errorf("gate event of %s did not match document %s: %s", plate, documentNo, ev.UnmatchedWhy)
	}
	return s.awaitGatePass(documentNo)
}

// gateEvent posts ev as gate at 08:xx on day, signed with the demo gate key
// at that time, as the gate's system would.
func (s *yearSeeder) gateEvent(month time.Time, day int, gate string, ev gates.EventRequest) (gates.Event, error) {
	at := s.at(month, day, 8)
	ev.At = at.Format(time.RFC3339)
	ev.ImageRef = fmt.Sprintf("demo://%s/%s.jpg", gate, at.UTC().Format("20060102T150405"))
	body, err := json.Marshal(ev)
	if err != nil {
		return gates.Event{}, err
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return gates.Event{}, err
	}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.admin.BaseURL+"/api/v1/gate-events", bytes.NewReader(body))
	if err != nil {
		return gates.Event{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range gates.Sign(s.gateKey, gate, s.year.Clock.Now(), hex.EncodeToString(nonce), body) {
		req.Header.Set(k, v)
	}
	resp, err := s.admin.HTTP.Do(req)
	if err != nil {
		return gates.Event{}, err
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return gates.Event{}, err
	}
	if resp.StatusCode != http.StatusCreated {
		return gates.Event{}, fmt.Errorf("gate event: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	var got gates.Event
	return got, json.Unmarshal(raw, &got)
}

// awaitGatePass waits until the gate intake's job recorded id's gate pass.
func (s *yearSeeder) awaitGatePass(id string) error {
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	for {
		var doc model.Document
		if err := s.customs.Get(ctx, "/api/v1/documents/"+id, &doc); err != nil {
			return err
		}
		if doc.GatePassed != "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gate pass of %s not recorded: %w", id, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
