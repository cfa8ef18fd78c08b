package contract

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
	"zonetrace/chaincode/tracecode"
)

const (
	enterpriseA = "91320583MA1XXXXX1A"
	enterpriseB = "91320583MA2YYYYY2B"
)

// zone is a world with the zone's standing identities and two registered
// enterprises, each with a bound identity.
type zone struct {
	*world
	admin, customs, entA, entB, stranger testIdentity
	reqSeq                               int
}

func newZone(t *testing.T) *zone {
	z := &zone{
		world:    newWorld(t),
		admin:    newIdentity(t, model.ZoneAdminMSP, "zone-admin", "admin"),
		customs:  newIdentity(t, model.CustomsMSP, "officer-li", "client"),
		entA:     newIdentity(t, model.ZoneAdminMSP, "ent-a", "client"),
		entB:     newIdentity(t, model.WarehouseMSP, "ent-b", "client"),
		stranger: newIdentity(t, model.ZoneAdminMSP, "stranger", "client"),
	}
	z.mustInvoke(z.admin, "RegisterEnterprise", z.req(), `{"id":"`+enterpriseA+`","name":"昆山咖啡进口有限公司","kind":"importer"}`)
	z.mustInvoke(z.admin, "RegisterEnterprise", z.req(), `{"id":"`+enterpriseB+`","name":"综保仓储有限公司","kind":"warehouse"}`)
	z.mustInvoke(z.admin, "BindIdentity", z.req(), enterpriseA, z.entA.mspID, z.entA.certPEM)
	z.mustInvoke(z.admin, "BindIdentity", z.req(), enterpriseB, z.entB.mspID, z.entB.certPEM)
	return z
}

func (z *zone) req() string {
	z.reqSeq++
	return fmt.Sprintf("req-%d", z.reqSeq)
}

func (z *zone) mustInvoke(id testIdentity, function string, args ...string) []byte {
	z.t.Helper()
	out, err := z.invoke(id, function, args...)
	require.NoError(z.t, err, "%s", function)
	return out
}

// refused asserts the transaction fails with code and leaves the state as
// it was, and returns the English message.
func (z *zone) refused(code model.Code, id testIdentity, function string, args ...string) string {
	z.t.Helper()
	return z.refusal(code, id, function, args...).Message
}

// refusal is refused returning the whole parsed refusal.
func (z *zone) refusal(code model.Code, id testIdentity, function string, args ...string) *model.Error {
	z.t.Helper()
	before := z.snapshot()
	_, err := z.invoke(id, function, args...)
	require.Error(z.t, err, "%s should be refused", function)
	parsed, ok := model.ParseError(err.Error())
	require.True(z.t, ok, "error without a code: %v", err)
	require.Equal(z.t, code, parsed.Code, "%v", err)
	require.Equal(z.t, before, z.snapshot(), "a refused %s changed the state", function)
	require.NotEmpty(z.t, parsed.Reason, "a refusal without a reason: %v", err)
	require.Equal(z.t, code, parsed.Reason.Code(), "reason %s is not of code %s", parsed.Reason, code)
	requireChinese(z.t, parsed)
	return parsed
}

// requireChinese asserts the Chinese message of a refusal is complete and
// holds no English beyond the ids and codes it quotes.
func requireChinese(t *testing.T, e *model.Error) {
	t.Helper()
	text := zh.Error(e)
	shown := model.Params{}
	for k, v := range e.Params {
		shown[k] = v
	}
	for _, p := range e.Problems {
		label, ok := zh.Label(p.Field)
		require.True(t, ok, "field %s has no Chinese label", p.Field)
		require.NotEmpty(t, label)
		for k, v := range p.Params {
			if k != "format" && k != "bonded" {
				shown[k+"#"+p.Field] = v
			}
		}
	}
	require.Empty(t, zh.EnglishWords(text, shown), "%s", text)
	require.NotContains(t, text, "{", "a detail the template needs is missing: %s", text)
}

// problemFields lists the fields of a refusal's problems.
func problemFields(e *model.Error) []string {
	out := []string{}
	for _, p := range e.Problems {
		out = append(out, p.Field)
	}
	return out
}

func validData() model.PrefilingData {
	return model.PrefilingData{
		Commodity:         "coffee",
		ProductName:       "埃塞俄比亚耶加雪菲生咖啡豆",
		HSCode:            "0901110000",
		Origin:            "ET",
		ExporterName:      "Yirgacheffe Coffee Farmers Union",
		ExporterRegNo:     "CETH0001",
		QuarantineBatchNo: "Q2026-0001",
		QuarantineResult:  model.QuarantineQualified,
		AvgPriceFen:       6850,
		Currency:          "CNY",
		WeightGrams:       19_200_000,
		Grade:             "G1",
		PlantingRegion:    "Gedeo",
		ProductionDate:    "2026-09-01",
		ShelfLifeDays:     540,
		Attachments: []model.Attachment{{
			Kind: model.AttachmentOriginCertificate, Name: "co.pdf", Size: 1024,
			SHA256: strings.Repeat("ab", 32),
		}},
	}
}

func dataJSON(t *testing.T, d model.PrefilingData) string {
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	return string(raw)
}

func decodePrefiling(t *testing.T, raw []byte) model.Prefiling {
	var p model.Prefiling
	require.NoError(t, json.Unmarshal(raw, &p))
	return p
}

func (z *zone) declare(id testIdentity, prefilingID string) model.Prefiling {
	return decodePrefiling(z.t, z.mustInvoke(id, "DeclarePrefiling", z.req(), prefilingID, dataJSON(z.t, validData())))
}

func TestParticipants(t *testing.T) {
	t.Run("only the zone admin registers enterprises", func(t *testing.T) {
		z := newZone(t)
		body := `{"id":"91320583MA3WWWWW3C","name":"X","kind":"trader"}`
		z.refused(model.CodeForbidden, z.customs, "RegisterEnterprise", z.req(), body)
		z.refused(model.CodeForbidden, z.entA, "RegisterEnterprise", z.req(), body)
		z.refused(model.CodeForbidden, z.stranger, "RegisterEnterprise", z.req(), body)
		z.mustInvoke(z.admin, "RegisterEnterprise", z.req(), body)
		require.Equal(t, model.EventEnterpriseRegistered, z.lastEvent.Events[0].Type)
		require.Equal(t, "91320583MA3WWWWW3C", z.lastEvent.Events[0].Enterprise.ID)
	})

	t.Run("bad enterprise input is refused with the reason", func(t *testing.T) {
		z := newZone(t)
		problems := map[string]string{
			`{"id":"123","name":"X","kind":"trader"}`:                      "id",
			`{"id":"91320583MA3WWWWW3C","name":"","kind":"trader"}`:        "name",
			`{"id":"91320583MA3WWWWW3C","name":"X","kind":"smuggler"}`:     "kind",
			`{"id":"91320583MA3WWWWW3C","name":"X\u0000","kind":"trader"}`: "name",
		}
		for body, field := range problems {
			e := z.refusal(model.CodeInvalid, z.admin, "RegisterEnterprise", z.req(), body)
			require.Equal(t, model.ReasonFieldInvalid, e.Reason)
			require.Equal(t, []string{field}, problemFields(e), body)
		}
		for _, body := range []string{`{"id":"91320583MA3WWWWW3C","name":"X","kind":"trader","x":1}`, `not json`} {
			e := z.refusal(model.CodeInvalid, z.admin, "RegisterEnterprise", z.req(), body)
			require.Equal(t, model.ReasonMalformedArgument, e.Reason)
		}
	})

	t.Run("an enterprise cannot be registered twice", func(t *testing.T) {
		z := newZone(t)
		z.refused(model.CodeConflict, z.admin, "RegisterEnterprise", z.req(), `{"id":"`+enterpriseA+`","name":"again","kind":"importer"}`)
	})

	t.Run("binding needs a registered enterprise, a client certificate and an enterprise MSP", func(t *testing.T) {
		z := newZone(t)
		other := newIdentity(t, model.ZoneAdminMSP, "ent-c", "client")
		z.refused(model.CodeNotFound, z.admin, "BindIdentity", z.req(), "91320583MA3WWWWW3C", other.mspID, other.certPEM)
		z.refused(model.CodeInvalid, z.admin, "BindIdentity", z.req(), enterpriseA, model.CustomsMSP, other.certPEM)
		z.refused(model.CodeInvalid, z.admin, "BindIdentity", z.req(), enterpriseA, other.mspID, "garbage")
		adminCert := newIdentity(t, model.ZoneAdminMSP, "ops", "admin")
		z.refused(model.CodeInvalid, z.admin, "BindIdentity", z.req(), enterpriseA, adminCert.mspID, adminCert.certPEM)
		z.refused(model.CodeForbidden, z.entA, "BindIdentity", z.req(), enterpriseA, other.mspID, other.certPEM)
		z.refused(model.CodeConflict, z.admin, "BindIdentity", z.req(), enterpriseB, z.entA.mspID, z.entA.certPEM)
	})

	t.Run("the bound identity acts for its enterprise", func(t *testing.T) {
		z := newZone(t)
		var a model.Actor
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.entA, "WhoAmI"), &a))
		require.Equal(t, model.RoleEnterprise, a.Role)
		require.Equal(t, enterpriseA, a.EnterpriseID)
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.stranger, "WhoAmI"), &a))
		require.Empty(t, a.Role)
	})
}

func TestRequestIDs(t *testing.T) {
	t.Run("a request id is carried out once per identity", func(t *testing.T) {
		z := newZone(t)
		first := z.mustInvoke(z.entA, "DeclarePrefiling", "same-key", "PF20261126AAAAAAAA", dataJSON(t, validData()))
		firstTx := decodePrefiling(t, first).UpdatedTx
		msg := z.refused(model.CodeDuplicate, z.entA, "DeclarePrefiling", "same-key", "PF20261126BBBBBBBB", dataJSON(t, validData()))
		require.Equal(t, firstTx, msg)
		// Another identity may use the same text: keys are scoped by identity.
		z.mustInvoke(z.entB, "DeclarePrefiling", "same-key", "PF20261126CCCCCCCC", dataJSON(t, validData()))
	})

	t.Run("malformed request ids are refused", func(t *testing.T) {
		z := newZone(t)
		z.refused(model.CodeInvalid, z.entA, "DeclarePrefiling", "has space", "PF20261126AAAAAAAA", dataJSON(t, validData()))
		z.refused(model.CodeInvalid, z.entA, "DeclarePrefiling", strings.Repeat("k", 65), "PF20261126AAAAAAAA", dataJSON(t, validData()))
	})
}

func TestDeclarePrefiling(t *testing.T) {
	t.Run("a declaration records the declarant, the data and the first step", func(t *testing.T) {
		z := newZone(t)
		p := z.declare(z.entA, "PF20261126AAAAAAAA")
		require.Equal(t, model.PrefilingDeclared, p.Status)
		require.Equal(t, enterpriseA, p.EnterpriseID)
		require.Equal(t, validData(), p.Data)
		require.Len(t, p.Steps, 1)
		require.Equal(t, model.ActionDeclare, p.Steps[0].Action)
		require.Equal(t, "ent-a", p.Steps[0].Actor.Name)
		require.Equal(t, p.DeclaredAt, p.Steps[0].At)
		require.Equal(t, model.EventPrefilingDeclared, z.lastEvent.Events[0].Type)
		require.Equal(t, p, *z.lastEvent.Events[0].Prefiling)
	})

	t.Run("only a bound enterprise identity declares", func(t *testing.T) {
		z := newZone(t)
		for _, id := range []testIdentity{z.customs, z.admin, z.stranger} {
			z.refused(model.CodeForbidden, id, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, validData()))
		}
	})

	t.Run("a prefiling id is used once", func(t *testing.T) {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		z.refused(model.CodeConflict, z.entB, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, validData()))
	})

	t.Run("incomplete or malformed data is refused with every problem named", func(t *testing.T) {
		z := newZone(t)
		d := validData()
		d.HSCode = "09A1"
		d.Origin = "ethiopia"
		d.WeightGrams = 0
		d.AvgPriceFen = -1
		d.QuarantineResult = "maybe"
		d.ProductionDate = "2026/09/01"
		d.Attachments[0].SHA256 = "xyz"
		msg := z.refused(model.CodeInvalid, z.entA, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, d))
		for _, want := range []string{"hsCode", "origin", "weightGrams", "avgPriceFen", "quarantineResult", "productionDate", "sha256"} {
			require.Contains(t, msg, want)
		}
		z.refused(model.CodeInvalid, z.entA, "DeclarePrefiling", z.req(), "bad-id", dataJSON(t, validData()))
		z.refused(model.CodeInvalid, z.entA, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", `{"weightGrams":"heavy"}`)
	})

	t.Run("a pending quarantine needs no batch number", func(t *testing.T) {
		z := newZone(t)
		d := validData()
		d.QuarantineResult = model.QuarantinePending
		d.QuarantineBatchNo = ""
		z.mustInvoke(z.entA, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, d))
	})
}

func TestReviewPrefiling(t *testing.T) {
	t.Run("a return keeps the reason and issues no trace code", func(t *testing.T) {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "return", "原产地证与申报不符"))
		require.Equal(t, model.PrefilingReturned, p.Status)
		require.Equal(t, "原产地证与申报不符", p.ReturnReason)
		require.Empty(t, p.TraceCode)
		require.Equal(t, model.ActionReturn, p.Steps[1].Action)
		require.Equal(t, model.RoleCustoms, p.Steps[1].Actor.Role)
		require.Len(t, z.lastEvent.Events, 2)
		r := z.lastEvent.Events[1].Receipt
		require.Equal(t, model.Receipt{ID: p.Steps[1].TxID + ":PF20261126AAAAAAAA:2:" + enterpriseA, DocumentID: p.ID,
			Family: model.ReceiptFamilyPrefiling, EnterpriseID: enterpriseA, Status: "returned", Action: model.ActionReturn,
			Message: "预核申报 PF20261126AAAAAAAA：退单（意见：原产地证与申报不符）", Source: "platform",
			TxID: p.Steps[1].TxID, At: p.Steps[1].At}, *r)
	})

	t.Run("an approval issues a valid trace code and announces it", func(t *testing.T) {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", ""))
		require.Equal(t, model.PrefilingApproved, p.Status)
		require.True(t, tracecode.Valid(p.TraceCode), p.TraceCode)
		require.True(t, strings.HasPrefix(p.TraceCode, "KSCF261126"), p.TraceCode)
		require.Len(t, z.lastEvent.Events, 3)
		require.Equal(t, "预核申报 PF20261126AAAAAAAA：审核通过，溯源码 "+p.TraceCode, z.lastEvent.Events[2].Receipt.Message)
		issued := z.lastEvent.Events[1]
		require.Equal(t, model.EventTraceCodeIssued, issued.Type)
		require.Equal(t, p.TraceCode, issued.TraceCode.Code)
		require.Equal(t, enterpriseA, issued.TraceCode.EnterpriseID)

		var tc model.TraceCode
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.entA, "GetTraceCode", p.TraceCode), &tc))
		require.Equal(t, p.ID, tc.PrefilingID)
	})

	t.Run("trace codes of one day are unique, well-formed and the prefiling's own", func(t *testing.T) {
		z := newZone(t)
		seen := map[string]bool{}
		for i := range 5 {
			id := fmt.Sprintf("PF20261126AAAAAAA%d", i)
			z.declare(z.entA, id)
			p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), id, "approve", ""))
			require.True(t, tracecode.Valid(p.TraceCode), p.TraceCode)
			require.Equal(t, "KSCF261126", p.TraceCode[:10], "zone, commodity and approval day")
			want, err := tracecode.Compose("CF", z.clock, tracecode.Sequence(id, 0))
			require.NoError(t, err)
			require.Equal(t, want, p.TraceCode, "a free first candidate is the code, on every endorser")
			require.False(t, seen[p.TraceCode])
			seen[p.TraceCode] = true
		}
	})

	t.Run("a candidate code already issued is probed past, deterministically", func(t *testing.T) {
		z := newZone(t)
		const id = "PF20261126AAAAAAAB"
		z.declare(z.entA, id)
		// Occupy the prefiling's first two candidates, as codes issued
		// earlier (by the old counter or another prefiling) would.
		for probe := range 2 {
			code, err := tracecode.Compose("CF", z.clock.Add(time.Second), tracecode.Sequence(id, probe))
			require.NoError(t, err)
			k, err := (&memStub{}).CreateCompositeKey(model.KeyTraceCode, []string{code})
			require.NoError(t, err)
			z.state[k] = []byte(`{"code":"` + code + `"}`)
		}
		p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), id, "approve", ""))
		want, err := tracecode.Compose("CF", z.clock, tracecode.Sequence(id, 2))
		require.NoError(t, err)
		require.Equal(t, want, p.TraceCode)
		var tc model.TraceCode
		require.NoError(t, json.Unmarshal(z.mustInvoke(z.customs, "GetTraceCode", p.TraceCode), &tc))
		require.Equal(t, id, tc.PrefilingID)
	})

	t.Run("when every probe is taken the approval is refused and changes nothing", func(t *testing.T) {
		z := newZone(t)
		const id = "PF20261126AAAAAAAC"
		z.declare(z.entA, id)
		for probe := range tracecode.MaxProbes {
			code, err := tracecode.Compose("CF", z.clock.Add(time.Second), tracecode.Sequence(id, probe))
			require.NoError(t, err)
			k, err := (&memStub{}).CreateCompositeKey(model.KeyTraceCode, []string{code})
			require.NoError(t, err)
			z.state[k] = []byte(`{"code":"` + code + `"}`)
		}
		e := z.refusal(model.CodeConflict, z.customs, "ReviewPrefiling", z.req(), id, "approve", "")
		require.Equal(t, model.ReasonTraceCodeUnavailable, e.Reason)
	})

	t.Run("only customs reviews, only declared prefilings, with a valid decision", func(t *testing.T) {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		z.refused(model.CodeForbidden, z.entA, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
		z.refused(model.CodeForbidden, z.admin, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
		z.refused(model.CodeInvalid, z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "return", " ")
		z.refused(model.CodeInvalid, z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "maybe", "")
		z.refused(model.CodeNotFound, z.customs, "ReviewPrefiling", z.req(), "PF20261126ZZZZZZZZ", "approve", "")
		z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
		z.refused(model.CodeConflict, z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "return", "late")
	})
}

func TestSupplement(t *testing.T) {
	supplement := `{"quarantineBatchNo":"Q2026-0099","quarantineResult":"qualified","quarantineDate":"2026-11-20","note":"入区后检疫","attachments":[{"kind":"quarantine_certificate","name":"q.pdf","sha256":"` + strings.Repeat("cd", 32) + `","size":2048}]}`

	approved := func(t *testing.T) *zone {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
		return z
	}

	t.Run("a supplement is declared, reviewed and merged on approval", func(t *testing.T) {
		z := approved(t)
		p := decodePrefiling(t, z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement))
		require.Equal(t, model.SupplementDeclared, p.SupplementStatus)
		require.Equal(t, "Q2026-0099", p.Supplement.QuarantineBatchNo)
		require.Equal(t, "Q2026-0001", p.Data.QuarantineBatchNo, "not merged before approval")

		p = decodePrefiling(t, z.mustInvoke(z.customs, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "approve", "同意"))
		require.Equal(t, model.SupplementApproved, p.SupplementStatus)
		require.Equal(t, model.PrefilingApproved, p.Status)
		require.Equal(t, "Q2026-0099", p.Data.QuarantineBatchNo)
		require.Len(t, p.Data.Attachments, 2)
		actions := []string{}
		for _, s := range p.Steps {
			actions = append(actions, s.Action)
		}
		require.Equal(t, []string{model.ActionDeclare, model.ActionApprove, model.ActionSupplement, model.ActionSupplementApprove}, actions)
	})

	t.Run("a returned supplement can be declared again", func(t *testing.T) {
		z := approved(t)
		z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
		p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "return", "证书模糊"))
		require.Equal(t, model.SupplementReturned, p.SupplementStatus)
		require.Equal(t, "证书模糊", p.ReturnReason)
		z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
	})

	t.Run("supplements are refused before approval, while one is under review, and for others' prefilings", func(t *testing.T) {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		z.refused(model.CodeConflict, z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
		z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
		z.refused(model.CodeForbidden, z.entB, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
		z.refused(model.CodeForbidden, z.customs, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
		z.refused(model.CodeInvalid, z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", `{"quarantineBatchNo":"","quarantineResult":"pending"}`)
		z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
		z.refused(model.CodeConflict, z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
	})

	t.Run("only customs reviews a supplement, and only one under review", func(t *testing.T) {
		z := approved(t)
		z.refused(model.CodeConflict, z.customs, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "approve", "")
		z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
		z.refused(model.CodeForbidden, z.entA, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "approve", "")
		z.refused(model.CodeInvalid, z.customs, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "return", "")
	})
}

func TestReads(t *testing.T) {
	t.Run("an enterprise reads only its own prefilings and trace codes", func(t *testing.T) {
		z := newZone(t)
		z.declare(z.entA, "PF20261126AAAAAAAA")
		p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", ""))
		z.mustInvoke(z.entA, "GetPrefiling", p.ID)
		z.mustInvoke(z.customs, "GetPrefiling", p.ID)
		z.mustInvoke(z.admin, "GetPrefiling", p.ID)
		z.refused(model.CodeForbidden, z.entB, "GetPrefiling", p.ID)
		z.refused(model.CodeForbidden, z.entB, "GetTraceCode", p.TraceCode)
		z.refused(model.CodeNotFound, z.entB, "GetTraceCode", "KSCF261126999999")
		z.refused(model.CodeForbidden, z.stranger, "GetPrefiling", p.ID)
		z.refused(model.CodeForbidden, z.stranger, "GetEnterprise", enterpriseA)
		z.mustInvoke(z.entB, "GetEnterprise", enterpriseA)
	})
}

func TestEnterpriseAdministration(t *testing.T) {
	decode := func(t *testing.T, raw []byte) model.Enterprise {
		var e model.Enterprise
		require.NoError(t, json.Unmarshal(raw, &e))
		return e
	}
	edit := `{"id":"` + enterpriseA + `","name":"昆山咖啡贸易有限公司","kind":"trader","customsCode":"3223960001"}`

	t.Run("the zone admin edits an enterprise; id, status and registration stay", func(t *testing.T) {
		z := newZone(t)
		before := decode(t, z.mustInvoke(z.admin, "GetEnterprise", enterpriseA))
		e := decode(t, z.mustInvoke(z.admin, "UpdateEnterprise", z.req(), edit))
		require.Equal(t, "昆山咖啡贸易有限公司", e.Name)
		require.Equal(t, model.KindTrader, e.Kind)
		require.Equal(t, "3223960001", e.CustomsCode)
		require.Equal(t, model.EnterpriseActive, e.Status)
		require.Equal(t, before.RegisteredAt, e.RegisteredAt)
		require.NotEqual(t, before.UpdatedTx, e.UpdatedTx)
		require.Equal(t, e, decode(t, z.mustInvoke(z.admin, "GetEnterprise", enterpriseA)))
		require.Equal(t, model.EventEnterpriseChanged, z.lastEvent.Events[0].Type)
		require.Equal(t, e, *z.lastEvent.Events[0].Enterprise)
	})
	t.Run("only the zone admin edits, disables and enables", func(t *testing.T) {
		z := newZone(t)
		for _, who := range []testIdentity{z.customs, z.entA, z.stranger} {
			z.refused(model.CodeForbidden, who, "UpdateEnterprise", z.req(), edit)
			z.refused(model.CodeForbidden, who, "SetEnterpriseStatus", z.req(), enterpriseB, model.EnterpriseDisabled)
		}
	})
	t.Run("bad edits and statuses are refused with the reason and change nothing", func(t *testing.T) {
		z := newZone(t)
		for body, field := range map[string]string{
			`{"id":"` + enterpriseA + `","name":"","kind":"trader"}`:                        "name",
			`{"id":"` + enterpriseA + `","name":"X","kind":"smuggler"}`:                     "kind",
			`{"id":"` + enterpriseA + `","name":"X","kind":"trader","customsCode":"32-23"}`: "customsCode",
			`{"id":"` + enterpriseA + `","name":"X\u0000","kind":"trader"}`:                 "name",
		} {
			e := z.refusal(model.CodeInvalid, z.admin, "UpdateEnterprise", z.req(), body)
			require.Equal(t, model.ReasonFieldInvalid, e.Reason)
			require.Equal(t, []string{field}, problemFields(e), body)
		}
		e := z.refusal(model.CodeInvalid, z.admin, "UpdateEnterprise", z.req(), `{"id":"`+enterpriseA+`","name":"X","kind":"trader","x":1}`)
		require.Equal(t, model.ReasonMalformedArgument, e.Reason)
		e = z.refusal(model.CodeNotFound, z.admin, "UpdateEnterprise", z.req(), `{"id":"91320583MA3WWWWW3C","name":"X","kind":"trader"}`)
		require.Equal(t, model.ReasonEnterpriseNotFound, e.Reason)
		e = z.refusal(model.CodeInvalid, z.admin, "SetEnterpriseStatus", z.req(), enterpriseA, "suspended")
		require.Equal(t, []string{"status"}, problemFields(e))
		e = z.refusal(model.CodeNotFound, z.admin, "SetEnterpriseStatus", z.req(), "91320583MA3WWWWW3C", model.EnterpriseDisabled)
		require.Equal(t, model.ReasonEnterpriseNotFound, e.Reason)
	})
	t.Run("a disabled enterprise's identities submit nothing until it is enabled", func(t *testing.T) {
		z := newZone(t)
		e := decode(t, z.mustInvoke(z.admin, "SetEnterpriseStatus", z.req(), enterpriseA, model.EnterpriseDisabled))
		require.Equal(t, model.EnterpriseDisabled, e.Status)
		require.Equal(t, model.EventEnterpriseChanged, z.lastEvent.Events[0].Type)
		refusal := z.refusal(model.CodeForbidden, z.entA, "DeclarePrefiling", z.req(), "PF20261126AAAAAAAA", dataJSON(t, validData()))
		require.Equal(t, model.ReasonEnterpriseDisabled, refusal.Reason)
		require.Equal(t, enterpriseA, refusal.Params["enterpriseId"])
		z.declare(z.entB, "PF20261126BBBBBBBB") // another enterprise is not touched

		z.mustInvoke(z.admin, "SetEnterpriseStatus", z.req(), enterpriseA, model.EnterpriseActive)
		z.declare(z.entA, "PF20261126AAAAAAAA")
	})
	t.Run("a request id is carried out once", func(t *testing.T) {
		z := newZone(t)
		z.mustInvoke(z.admin, "SetEnterpriseStatus", "same-key", enterpriseA, model.EnterpriseDisabled)
		z.refused(model.CodeDuplicate, z.admin, "SetEnterpriseStatus", "same-key", enterpriseA, model.EnterpriseActive)
		z.refused(model.CodeDuplicate, z.admin, "UpdateEnterprise", "same-key", edit)
	})
}
