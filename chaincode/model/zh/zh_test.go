package zh_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

func TestEveryReasonAndRuleHasATemplate(t *testing.T) {
	t.Parallel()
	for _, r := range model.Reasons() {
		_, ok := zh.Reason(r, nil)
		require.True(t, ok, "reason %s has no Chinese template", r)
		require.NotEmpty(t, r.Code(), "reason %s has no code", r)
	}
	for _, r := range model.Rules {
		require.True(t, zh.HasTemplate(r), "rule %s has no Chinese template", r)
	}
	require.Equal(t, "商品编码（HS）无效", zh.Problem(model.Problem{Field: "hsCode", Rule: model.RuleInvalid}))
	for _, f := range model.Formats {
		require.NotEqual(t, "未知", zh.Value("format", f), "format %s has no Chinese description", f)
	}
}

// enumerations are every value the chaincode sends for an enumerated param.
var enumerations = map[string][]any{
	"status": {model.DocDeclared, model.DocManualReview, model.DocApproved, model.DocReturned, model.DocEffective,
		model.DocDeletionAsked, model.DocVoided, model.PrefilingDeclared, model.PrefilingApproved, model.PrefilingReturned},
	"businessType": {model.BusinessIn, model.BusinessOut, model.BusinessEntry, model.BusinessExit,
		model.BusinessConsolidated, model.BusinessTransfer, model.BusinessConversion},
	"role":          {model.RoleCustoms, model.RoleZoneAdmin, model.RoleEnterprise, model.RoleAuditor, ""},
	"userRole":      {model.UserEnterprise, model.UserCustomsOfficer, model.UserCustomsAdmin, model.UserZoneAdmin, model.UserAuditor},
	"objectType":    {model.KeyEnterprise, model.KeyIdentity, model.KeyPrefiling, model.KeyTraceCode, model.KeyDocument, model.KeyBalance, model.KeyMovement, model.KeyRequest},
	"bonded":        {true, false},
	"alertKind":     {model.AlertLongStorage, model.AlertHighRisk, model.AlertHighValue, model.AlertPriceDifference, model.AlertQuarantine},
	"disposalState": {model.DisposalOpen, model.DisposalAssessed, model.DisposalDisposed, model.DisposalClosed},
	"step":          {model.ActionAssess, model.ActionDispose, model.ActionClose, model.ActionRevoke},
}

func init() {
	for _, f := range model.Families {
		enumerations["family"] = append(enumerations["family"], f)
	}
	for _, f := range model.Formats {
		enumerations["format"] = append(enumerations["format"], f)
	}
	for _, l := range model.LocationLevels {
		enumerations["level"] = append(enumerations["level"], l)
		enumerations["parentLevel"] = append(enumerations["parentLevel"], l)
	}
}

// samples are values of the params shown as they are: ids, codes,
// numbers, and a name typed in Latin letters.
var samples = model.Params{
	"documentId": "HZ20261126AAAAAAAA", "prefilingId": "PF20261126AAAAAAAA", "traceCode": "KSCF261126000017",
	"enterpriseId": "91320583MA3WWWWW3C", "holder": "91320583MA3WWWWW3C", "inLegId": "BL20261126BBBBBBBB",
	"receiptId": "INV201:QD1:1", "attribute": model.AttrEnterpriseID, "txId": "4f2a9c", "name": "clerk Smith", "mspId": "WarehouseMSP",
	"messageType": "SAS223", "commodity": "coffee", "at": "2026-11-26T01:00:00Z", "year": "2025",
	"lineSeq": 3, "heldGrams": 1000, "askedGrams": 2000, "weightGrams": 500, "expected": 2, "max": 200, "min": 1,
	"position": 7, "expectedFen": "86400000", "toleranceFen": 9601, "action": "DeclareDocument",
	model.ParamProblemCount: 1,
	"version":               3, "baseVersion": 2, "value": "WEIGHT_ANOMALY", "start": "2026-12-01T00:00:00+08:00",
	"line": 1, "column": 7, "detail": "unknown name weight", "cost": 250000,
	"code": "RISK_WATCH", "checklistId": "HZ20261126CCCCCCCC", "shortfallGrams": 1000,
	"periodId": "2026H1", "from": "2026-01-01", "to": "2026-06-30",
	"subject": "KSCF261126000017", "period": "PF20261126AAAAAAAA",
	"children": 2, "count": 2, "recordIds": "WMS-001, WMS-002", "runId": 7,
	"hsCode": "0901210000", "accountBookNo": "T2310W000001", "date": "2026-11-28", "syncId": 12, "dataset": "hs_codes",
	"regNo": "CBRA02001202300017", "exporterId": 12, "claimId": 34,
	"parameter": "cursor",
}

var placeholderPattern = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// variants renders a template once per value of each enumerated param it
// uses, every other param from samples.
func variants(t *testing.T, params []string) []model.Params {
	out := []model.Params{{}}
	for _, key := range params {
		values, enum := enumerations[key]
		if !enum {
			v, ok := samples[key]
			require.True(t, ok, "no sample for param %s", key)
			values = []any{v}
		}
		var next []model.Params
		for _, p := range out {
			for _, v := range values {
				q := model.Params{}
				for k, x := range p {
					q[k] = x
				}
				q[key] = v
				next = append(next, q)
			}
		}
		out = next
	}
	return out
}

func TestNoEnglishInMessageZh(t *testing.T) {
	t.Parallel()
	for _, r := range model.Reasons() {
		template, _ := zh.Reason(r, nil)
		var keys []string
		for _, m := range placeholderPattern.FindAllStringSubmatch(template, -1) {
			keys = append(keys, m[1])
		}
		for _, params := range variants(t, keys) {
			text := zh.Error(&model.Error{Code: r.Code(), Reason: r, Params: params})
			require.Empty(t, zh.EnglishWords(text, params), "reason %s: %s", r, text)
			require.NotContains(t, text, "{", "reason %s left a placeholder: %s", r, text)
		}
	}
	for _, rule := range model.Rules {
		for _, field := range []string{"data.hsCode", "lines[3].traceCode", "attachments[0].sha256", "head.tradeCountry"} {
			for _, params := range variants(t, ruleParams[rule]) {
				text := zh.Problem(model.Problem{Field: field, Rule: rule, Params: params})
				require.Empty(t, zh.EnglishWords(text, params), "rule %s: %s", rule, text)
				require.NotContains(t, text, "{", "rule %s left a placeholder: %s", rule, text)
			}
		}
	}
}

// ruleParams are the params each rule is sent with (model/problem.go).
var ruleParams = map[model.Rule][]string{
	model.RuleTooLong: {"max"}, model.RuleTooMany: {"max"}, model.RuleTooFew: {"min"},
	model.RuleControlCharacter: {"position"}, model.RulePattern: {"format"}, model.RuleOutOfRange: {"min", "max"},
	model.RuleValueMismatch: {"expectedFen", "toleranceFen"}, model.RuleNotRegistered: {"enterpriseId"},
	model.RuleTraceCodeInactive: {"traceCode"}, model.RuleTraceCodeOfOther: {"traceCode"},
	model.RuleNotOutLeg:         {"documentId"},
	model.RuleLineCountMismatch: {"expected", "documentId"},
	model.RuleLineMismatch:      {"traceCode", "weightGrams", "lineSeq", "documentId"},
	model.RuleDuplicate:         {"value"}, model.RuleNotInCatalogue: {"value"}, model.RuleStopBeforeStart: {"start"},
	model.RuleConditionInvalid: {"line", "column", "detail"}, model.RuleCostTooHigh: {"cost", "max"},
	model.RuleHSCodeUnknown: {"hsCode"}, model.RuleHSCodeNotValid: {"hsCode", "date"},
	model.RuleAccountBookUnknown: {"accountBookNo"}, model.RuleAccountBookOfOther: {"accountBookNo"},
	model.RuleAccountBookExpired: {"accountBookNo", "date"},
}

func TestTheEnglishCheckCanFail(t *testing.T) {
	t.Parallel()
	params := model.Params{"documentId": "HZ20261126AAAAAAAA"}
	require.Empty(t, zh.EnglishWords("单据 HZ20261126AAAAAAAA 不存在", params))
	require.Equal(t, []string{"not", "found"}, zh.EnglishWords("单据 HZ20261126AAAAAAAA not found", params))
	require.Equal(t, []string{"approved"}, zh.EnglishWords("状态为 approved", model.Params{"status": "approved"}),
		"an enumerated value must be translated, not passed through")
}

// Every field the checks of chaincode/model can name has a Chinese label.
func TestEveryCheckedFieldHasALabel(t *testing.T) {
	t.Parallel()
	var ps model.Problems
	ps = append(ps, model.CheckPrefilingData(model.PrefilingData{Attachments: []model.Attachment{{}}, AvgPriceFen: -1, ShelfLifeDays: -1, ProductionDate: "x"}).Prefixed("data")...)
	ps = append(ps, model.CheckSupplement(model.SupplementData{QuarantineDate: "x", Note: "\x00"})...)
	ps = append(ps, model.CheckRuleConfig(model.RuleConfigDraft{Note: "\x00",
		Tags:     []model.TagDef{{}, {}},
		Models:   []model.ValidationModel{{Code: "x"}, {Code: model.ModelWeight, Params: []model.ModelParam{{Name: "x"}, {Name: model.ParamToleranceGrams, Value: -1}}}},
		Bindings: []model.TagBinding{{}},
		Rules:    []model.ReviewRule{{Priority: -1, Start: "x", Stop: "y", Opinion: "\x00"}},
	})...)
	ps = append(ps, model.CheckDocument(model.DocumentDeclaration{Family: model.FamilyBondedTransfer, BusinessType: model.BusinessOut,
		Head:  model.DocumentHead{LinkedDocumentID: "x", TradeCountry: "x", PlannedDate: "x", Owner: "\x01", Carrier: "\x01", Note: "\x01", TransportMode: "\x01", PortCode: "\x01", SupervisionMode: "\x01", VehiclePlate: "\x01"},
		Lines: []model.DocumentLine{{MaterialNo: "\x01", UnitPriceFen: -1, ValueFen: -1, Packages: -1}}})...)
	ps = append(ps, model.CheckDocument(model.DocumentDeclaration{})...)
	ps = append(ps, model.CheckEnterprise(model.Enterprise{CustomsCode: "\x01"})...)
	ps = append(ps, model.CheckExternalReceipt(model.ExternalReceipt{CustomsNo: "\x01", ManageResult: "\x01", ManageDate: "\x01", Note: "\x01"})...)
	ps = append(ps, model.CheckDecision("x", "", []string{"approve"}, nil)...)
	ps = append(ps, model.Problem{Field: "requestId"}, model.Problem{Field: "certificateName"}, model.Problem{Field: "mspId"},
		model.Problem{Field: "bonded"}, model.Problem{Field: "certificate"}, model.Problem{Field: "lines[0]"}, model.Problem{Field: "prefilingId"})
	require.Greater(t, len(ps), 60)
	for _, p := range ps {
		label, ok := zh.Label(p.Field)
		require.True(t, ok, "field %s has no label", p.Field)
		require.Empty(t, zh.EnglishWords(label, nil), "label of %s", p.Field)
	}
	require.Equal(t, "第4行溯源码", must(zh.Label("lines[3].traceCode")))
	require.Equal(t, "第1个附件的摘要", must(zh.Label("data.attachments[0].sha256")))
	require.Equal(t, "账册号", must(zh.Label("head.accountBookNo")))
}

func must(s string, ok bool) string {
	if !ok {
		panic(fmt.Sprintf("no label: %s", s))
	}
	return s
}

func TestStockInsufficientReadsAsChinese(t *testing.T) {
	t.Parallel()
	e := &model.Error{Code: model.CodeConflict, Reason: model.ReasonStockInsufficient, Params: model.Params{
		"documentId": "FL20261126AAAAAAAA", "lineSeq": 1, "traceCode": "KSCF261126000017", "holder": "91320583MA3WWWWW3C",
		"bonded": false, "heldGrams": 500, "askedGrams": 700}}
	require.Equal(t, "单据 FL20261126AAAAAAAA 第1行：企业 91320583MA3WWWWW3C 持有溯源码 KSCF261126000017 的非保税库存 500 克，不足申报的 700 克，货物无法移动", zh.Error(e))
}

func TestExportIsTheCatalogue(t *testing.T) {
	t.Parallel()
	c := zh.Export()
	require.Len(t, c.Reasons, len(model.Reasons()))
	require.Len(t, c.Rules, len(model.Rules))
	require.Len(t, c.Formats, len(model.Formats))
	text, _ := zh.Reason(model.ReasonEnterpriseExists, model.Params{"enterpriseId": "91320583MA1XXXXX1A"})
	require.Equal(t, strings.ReplaceAll(c.Reasons[model.ReasonEnterpriseExists], "{enterpriseId}", "91320583MA1XXXXX1A"), text)
	c.Reasons[model.ReasonEnterpriseExists] = "changed"
	again, _ := zh.Reason(model.ReasonEnterpriseExists, nil)
	require.NotEqual(t, "changed", again, "the export is a copy")
}
