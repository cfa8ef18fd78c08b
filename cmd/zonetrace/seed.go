package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/platform"
)

// demoPassword is the password of every demo account; demo data is for a
// newcomer's machine only.
const demoPassword = "demo-pass-123"

const demoLogins = `Demo logins (password demo-pass-123):
  admin          综保区管理员 (zone administration)
  customs        海关关员 (customs officer)
  customs-admin  海关管理员 (customs administrator)
  auditor        审计员 (auditor)
  ent-a          企业用户 昆山咖啡进口有限公司
  ent-b          企业用户 综保仓储物流有限公司`

const (
	demoEnterpriseA = "91320583MA1XXXXX1A"
	demoEnterpriseB = "91320583MA2YYYYY2B"
)

// seedDemo fills an empty ledger with two enterprises, users of every role and
// prefilings in each state, all through the public API so that the demo data
// went down the same path as real declarations. It does nothing when
// enterprises already exist. newClient returns a client of the node's API.
// With year, the ledger's clock is first set back to the year's start and
// the year of trade is replayed (seedYear) before the clock is put back
// and the prefilings above are declared today.
func seedDemo(ctx context.Context, p *platform.Platform, newClient func() *apiclient.Client, year *demoYear) error {
	existing, err := p.Reads.Enterprises(ctx)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil
	}
	if year != nil {
		year.Clock.Set(year.first().Add(8 * time.Hour))
		// Whatever happens, the node serves on the real clock.
		defer year.Clock.Real()
	}
	users := accounts.New(p.Pool)
	if _, err := users.CreateUser(ctx, accounts.NewUser{Username: "admin", Password: demoPassword, DisplayName: "综保区管理员", Role: accounts.RoleZoneAdmin}); err != nil && !errors.Is(err, accounts.ErrUsernameTaken) {
		return err
	}

	admin := newClient()
	if err := admin.Login(ctx, "admin", demoPassword); err != nil {
		return err
	}
	for _, e := range []map[string]string{
		{"id": demoEnterpriseA, "name": "昆山咖啡进口有限公司", "kind": "importer", "customsCode": "3223960001"},
		{"id": demoEnterpriseB, "name": "综保仓储物流有限公司", "kind": "warehouse", "customsCode": "3223960002"},
	} {
		if err := admin.Post(ctx, "/api/v1/enterprises", e, nil); err != nil {
			return err
		}
	}
	for _, u := range []map[string]string{
		{"username": "customs", "displayName": "海关关员 李明", "role": "customs_officer"},
		{"username": "customs-admin", "displayName": "海关管理员 王芳", "role": "customs_admin"},
		{"username": "auditor", "displayName": "审计员 赵强", "role": "auditor"},
		{"username": "ent-a", "displayName": "张伟（昆山咖啡进口）", "role": "enterprise", "enterpriseId": demoEnterpriseA},
		{"username": "ent-b", "displayName": "陈静（综保仓储物流）", "role": "enterprise", "enterpriseId": demoEnterpriseB},
	} {
		u["password"] = demoPassword
		if err := admin.Post(ctx, "/api/v1/users", u, nil); err != nil {
			return err
		}
	}

	entA, entB, customs := newClient(), newClient(), newClient()
	for c, name := range map[*apiclient.Client]string{entA: "ent-a", entB: "ent-b", customs: "customs"} {
		if err := c.Login(ctx, name, demoPassword); err != nil {
			return err
		}
	}

	declare := func(c *apiclient.Client, d model.PrefilingData) (string, error) {
		var draft struct {
			ID string `json:"id"`
		}
		if err := c.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": d}, &draft); err != nil {
			return "", err
		}
		var pf struct {
			ID string `json:"id"`
		}
		err := c.Post(ctx, "/api/v1/prefiling-drafts/"+draft.ID+"/declare", nil, &pf)
		return pf.ID, err
	}
	review := func(id, decision, reason string) error {
		return customs.Post(ctx, "/api/v1/prefilings/"+id+"/review", map[string]string{"decision": decision, "reason": reason}, nil)
	}

	if year != nil {
		if err := seedYear(ctx, *year, newClient, admin, customs, entA, entB); err != nil {
			return fmt.Errorf("replay the demo year: %w", err)
		}
		year.Clock.Real()
	}

	batches := demoBatches()
	// A draft left undeclared, for the enterprise to finish.
	if err := entA.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": batches[0]}, nil); err != nil {
		return err
	}
	// One declared and left for customs to review.
	if _, err := declare(entA, batches[1]); err != nil {
		return err
	}
	returned, err := declare(entA, batches[2])
	if err != nil {
		return err
	}
	if err := review(returned, "return", "原产地证书所载原产地与申报不一致，请核实后重新申报"); err != nil {
		return err
	}
	approved, err := declare(entA, batches[3])
	if err != nil {
		return err
	}
	if err := review(approved, "approve", ""); err != nil {
		return err
	}
	if err := seedZoneEntry(ctx, admin, entA, customs, approved); err != nil {
		return fmt.Errorf("bring demo goods into the zone: %w", err)
	}
	supplemented, err := declare(entA, batches[4])
	if err != nil {
		return err
	}
	if err := review(supplemented, "approve", ""); err != nil {
		return err
	}
	if err := entA.Post(ctx, "/api/v1/prefilings/"+supplemented+"/supplement", map[string]any{
		"quarantineBatchNo": "320400126000871", "quarantineResult": "qualified", "quarantineDate": "2026-11-20",
		"note": "入区检疫完成，补录检疫批次号", "attachments": []any{},
	}, nil); err != nil {
		return err
	}
	ofB, err := declare(entB, batches[5])
	if err != nil {
		return err
	}
	if err := review(ofB, "approve", ""); err != nil {
		return fmt.Errorf("approve demo prefiling of enterprise B: %w", err)
	}
	if year != nil {
		// The year wrote the configuration, risk parameters included.
		return nil
	}
	if err := seedRuleConfig(ctx, newClient(), demoRuleConfig()); err != nil {
		return fmt.Errorf("write the demo rule configuration: %w", err)
	}
	return nil
}

func demoBatches() []model.PrefilingData {
	base := func(product, hs, origin, exporter, grade, region string, kg, yuanPerKg int64) model.PrefilingData {
		return model.PrefilingData{
			Commodity: "coffee", ProductName: product, HSCode: hs, Origin: origin, ExporterName: exporter,
			QuarantineResult: model.QuarantinePending, AvgPriceFen: yuanPerKg * 100, Currency: "CNY",
			WeightGrams: kg * 1000, Grade: grade, PlantingRegion: region, ProductionDate: "2026-08-15",
			ShelfLifeDays: 720, Attachments: []model.Attachment{},
		}
	}
	qualified := func(d model.PrefilingData, batch string) model.PrefilingData {
		d.QuarantineResult = model.QuarantineQualified
		d.QuarantineBatchNo = batch
		return d
	}
	return []model.PrefilingData{
		base("哥伦比亚慧兰生咖啡豆", "0901110000", "CO", "Federación Nacional de Cafeteros", "Supremo", "Huila", 12000, 58),
		qualified(base("埃塞俄比亚耶加雪菲生咖啡豆", "0901110000", "ET", "Yirgacheffe Coffee Farmers Union", "G1", "Gedeo", 19200, 72), "320400126000812"),
		qualified(base("巴西喜拉多生咖啡豆", "0901110000", "BR", "Cooxupé", "NY2", "Cerrado Mineiro", 38400, 36), "320400126000833"),
		qualified(base("越南罗布斯塔生咖啡豆", "0901110000", "VN", "Simexco Daklak", "S18", "Dak Lak", 57600, 24), "320400126000845"),
		base("肯尼亚AA生咖啡豆", "0901110000", "KE", "Kenya Cooperative Coffee Exporters", "AA", "Nyeri", 9600, 95),
		qualified(base("危地马拉安提瓜生咖啡豆", "0901110000", "GT", "Anacafé Export", "SHB", "Antigua", 14400, 66), "320400126000858"),
	}
}

// seedZoneEntry brings an approved batch of enterprise A into the zone as
// bonded stock: an entry checklist, customs' INV201 approval receipt, and the
// gate crossing.
func seedZoneEntry(ctx context.Context, admin, clerk, customs *apiclient.Client, prefilingID string) error {
	var pf model.Prefiling
	if err := clerk.Get(ctx, "/api/v1/prefilings/"+prefilingID, &pf); err != nil {
		return err
	}
	line := model.DocumentLine{
		TraceCode: pf.TraceCode, ProductName: pf.Data.ProductName, HSCode: pf.Data.HSCode, Origin: pf.Data.Origin,
		WeightGrams: pf.Data.WeightGrams, UnitPriceFen: pf.Data.AvgPriceFen, Currency: pf.Data.Currency,
		ValueFen: pf.Data.WeightGrams / 1000 * pf.Data.AvgPriceFen, Packages: pf.Data.WeightGrams / 60_000,
	}
	var draft struct {
		ID string `json:"id"`
	}
	if err := clerk.Post(ctx, "/api/v1/document-drafts", map[string]any{
		"family": model.FamilyChecklist, "businessType": model.BusinessEntry,
		"head": model.DocumentHead{AccountBookNo: "T3223W000001", SupervisionMode: "5034", TransportMode: "2",
			PortCode: "2249", TradeCountry: pf.Data.Origin, VehiclePlate: "苏E·5K218", Carrier: "昆山综保物流车队"},
		"lines": []model.DocumentLine{line},
	}, &draft); err != nil {
		return err
	}
	var doc model.Document
	if err := clerk.Post(ctx, "/api/v1/document-drafts/"+draft.ID+"/declare", nil, &doc); err != nil {
		return err
	}
	if err := customs.Post(ctx, "/api/v1/external-receipts", map[string]string{
		"documentId": doc.ID, "messageType": "INV201", "customsNo": "QD223226I000000421",
		"manageResult": "1", "manageDate": "2026-11-20 10:12:00", "note": "清单审核通过",
	}, nil); err != nil {
		return err
	}
	return admin.Post(ctx, "/api/v1/documents/"+doc.ID+"/gate-pass", map[string]any{}, nil)
}
