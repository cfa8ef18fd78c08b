package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

// Finding: a NUL in a deletion reason was accepted onto the chain, and
// PostgreSQL then refused the block for good.
func TestNULInDeletionReasonIsRefused(t *testing.T) {
	tr := newTrade(t)
	d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
	e := tr.refusal(model.CodeInvalid, tr.entA, "RequestDeletion", tr.req(), d.ID, "数量\x00有误")
	require.Equal(t, model.ReasonFieldInvalid, e.Reason)
	require.Equal(t, []model.Problem{{Field: "reason", Rule: model.RuleControlCharacter, Params: model.Params{"position": json.Number("3")}}}, e.Problems)
	require.Equal(t, "输入校验未通过：理由第3个字符是不可见的控制字符，请删除", zh.Error(e))
}

// Every text argument of every function refuses control characters and
// broken UTF-8 with a coded error and leaves the state untouched.
func TestControlCharactersAreRefusedInEveryTextField(t *testing.T) {
	tr := newTrade(t)
	d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
	approved := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), approved.ID, "approve", "")
	tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), approved.ID, "不进区了")
	tr.declare(tr.entB, "PF20261126BBBBBBBB")
	approvedPF := decodePrefiling(t, tr.mustInvoke(tr.customs, "ReviewPrefiling", tr.req(), "PF20261126BBBBBBBB", "approve", ""))

	prefiling := func(change func(*model.PrefilingData)) string {
		data := validData()
		change(&data)
		return dataJSON(t, data)
	}
	document := func(change func(*model.DocumentHead, *model.DocumentLine)) string {
		head, line := model.DocumentHead{}, tr.line(1_000)
		change(&head, &line)
		return tr.docJSON(tr.docID(model.FamilyNonBondedApplication), model.FamilyNonBondedApplication, model.BusinessEntry, head, line)
	}
	supplement := func(note, batch string) string {
		raw, err := json.Marshal(model.SupplementData{QuarantineBatchNo: batch, QuarantineResult: model.QuarantineQualified, Note: note, Attachments: []model.Attachment{}})
		require.NoError(t, err)
		return string(raw)
	}
	receipt := func(note, id string) string {
		raw, err := json.Marshal(model.ExternalReceipt{ID: id, MessageType: "SAS223", ManageResult: "2", ManageDate: "2026-11-26", Note: note})
		require.NoError(t, err)
		return string(raw)
	}
	for _, bad := range []string{"\x00", "\x07", "\x7f", "\u009b", "\xff"} {
		cases := []struct {
			field    string
			id       testIdentity
			function string
			args     []string
		}{
			{"productName", tr.entA, "DeclarePrefiling", []string{"PF20261126CCCCCCCC", prefiling(func(d *model.PrefilingData) { d.ProductName += bad })}},
			{"exporterName", tr.entA, "DeclarePrefiling", []string{"PF20261126CCCCCCCC", prefiling(func(d *model.PrefilingData) { d.ExporterName += bad })}},
			{"attachments[0].name", tr.entA, "DeclarePrefiling", []string{"PF20261126CCCCCCCC", prefiling(func(d *model.PrefilingData) { d.Attachments[0].Name += bad })}},
			{"reason", tr.customs, "ReviewPrefiling", []string{"PF20261126AAAAAAAA", "return", "证书" + bad}},
			{"note", tr.entB, "DeclareSupplement", []string{approvedPF.ID, supplement("说明"+bad, "Q1")}},
			{"quarantineBatchNo", tr.entB, "DeclareSupplement", []string{approvedPF.ID, supplement("", "Q1"+bad)}},
			{"head.note", tr.entA, "DeclareDocument", []string{document(func(h *model.DocumentHead, _ *model.DocumentLine) { h.Note = "备注" + bad })}},
			{"head.owner", tr.entA, "DeclareDocument", []string{document(func(h *model.DocumentHead, _ *model.DocumentLine) { h.Owner = "货主" + bad })}},
			{"lines[0].productName", tr.entA, "DeclareDocument", []string{document(func(_ *model.DocumentHead, l *model.DocumentLine) { l.ProductName += bad })}},
			{"reason", tr.customs, "ReviewDocument", []string{d.ID, "return", "退" + bad}},
			{"reason", tr.entA, "RequestDeletion", []string{d.ID, "删" + bad}},
			{"reason", tr.customs, "ReviewDeletion", []string{approved.ID, "reject", "驳回" + bad}},
			{"note", tr.customs, "ApplyExternalReceipt", []string{approved.ID, receipt("未过卡"+bad, "SAS223:1")}},
			{"id", tr.customs, "ApplyExternalReceipt", []string{approved.ID, receipt("", "SAS223:1"+bad)}},
			{"name", tr.admin, "RegisterEnterprise", []string{`{"id":"91320583MA3WWWWW3C","name":"X` + jsonEscape(bad) + `","kind":"trader"}`}},
			{"customsCode", tr.admin, "RegisterEnterprise", []string{`{"id":"91320583MA3WWWWW3C","name":"X","kind":"trader","customsCode":"3223` + jsonEscape(bad) + `"}`}},
		}
		for _, tc := range cases {
			stringArgument := tc.function == "ReviewPrefiling" || tc.function == "ReviewDocument" ||
				tc.function == "RequestDeletion" || tc.function == "ReviewDeletion"
			if bad == "\xff" && !stringArgument {
				// A JSON argument cannot carry broken UTF-8: decoding turns
				// it into U+FFFD, valid text.
				continue
			}
			e := tr.refusal(model.CodeInvalid, tc.id, tc.function, append([]string{tr.req()}, tc.args...)...)
			require.Equal(t, model.ReasonFieldInvalid, e.Reason, "%s %s %q", tc.function, tc.field, bad)
			require.Equal(t, []string{tc.field}, problemFields(e), "%s %q", tc.function, bad)
			wantRule := model.RuleControlCharacter
			if bad == "\xff" {
				wantRule = model.RuleInvalidUTF8
			}
			require.Equal(t, wantRule, e.Problems[0].Rule, "%s %s %q", tc.function, tc.field, bad)
		}
	}
}

// jsonEscape writes s as the inside of a JSON string, escaping controls
// the way a client's encoder would.
func jsonEscape(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw[1 : len(raw)-1])
}

// Finding: refusals reached the UI as English sentences without details.
func TestRefusalsCarryReasonAndDetails(t *testing.T) {
	// Reading of issue 9: a declaration from an enterprise without a stock
	// row of the batch is accepted and tagged, so customs sees it.
	t.Run("stock that is not held is tagged with the holder's available 0", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, tr.line(1_000))
		require.Equal(t, model.DocDeclared, d.Status)
		require.Equal(t, []model.Tag{{Code: model.TagWeightAnomaly, Reason: fmt.Sprintf("重量异常：第1行 %s 申报 1000 克，理论库存可用 0 克", tr.code),
			TxID: d.UpdatedTx, ConfigVersion: 0, Model: model.ModelWeight, Fields: []string{"lines[0].weightGrams"}}}, d.Tags)
		require.Equal(t, int64(1_000), tr.stock(tr.entA, enterpriseA, false).ReservedGrams)
	})
	t.Run("goods that cannot move name holder, held and asked grams", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		first := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
		second := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
		tr.receipt(first.ID, "INV201", "1")
		tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), first.ID)
		tr.receipt(second.ID, "INV201", "1")
		e := tr.refusal(model.CodeConflict, tr.admin, "RecordGatePass", tr.req(), second.ID)
		require.Equal(t, model.ReasonStockInsufficient, e.Reason)
		require.Equal(t, model.Params{"documentId": second.ID, "lineSeq": json.Number("1"), "traceCode": tr.code,
			"holder": enterpriseA, "bonded": true, "heldGrams": json.Number("4000"), "askedGrams": json.Number("6000")}, e.Params)
		require.Contains(t, zh.Error(e), "保税库存 4000 克，不足申报的 6000 克")
	})
	t.Run("an enterprise registered twice is named", func(t *testing.T) {
		z := newZone(t)
		e := z.refusal(model.CodeConflict, z.admin, "RegisterEnterprise", z.req(), `{"id":"`+enterpriseA+`","name":"again","kind":"importer"}`)
		require.Equal(t, model.ReasonEnterpriseExists, e.Reason)
		require.Equal(t, "企业 "+enterpriseA+" 已登记，不能重复登记", zh.Error(e))
	})
	t.Run("a review in the wrong state names the status", func(t *testing.T) {
		tr := newTrade(t)
		e := tr.refusal(model.CodeConflict, tr.customs, "ReviewPrefiling", tr.req(), "PF20261126AAAAAAAA", "approve", "")
		require.Equal(t, model.ReasonPrefilingNotDeclared, e.Reason)
		require.Equal(t, "approved", e.Params["status"])
		require.Contains(t, zh.Error(e), "当前状态为“审核通过”")
	})
	t.Run("a value that disagrees with weight × unit price is refused", func(t *testing.T) {
		tr := newTrade(t)
		line := tr.line(1_000)
		line.ValueFen = 72 // yuan typed as fen would be 720000
		e := tr.refusal(model.CodeInvalid, tr.entA, "DeclareDocument", tr.req(),
			tr.docJSON(tr.docID(model.FamilyChecklist), model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, line))
		require.Equal(t, []string{"lines[0].valueFen"}, problemFields(e))
		require.Equal(t, model.RuleValueMismatch, e.Problems[0].Rule)
		require.Equal(t, "7200", e.Problems[0].Params["expectedFen"])
	})
}

// Every function of the contract has a Chinese name for refusals that
// quote it (ROLE_NOT_ALLOWED, IDENTITY_NOT_REGISTERED).
func TestEveryFunctionHasAChineseName(t *testing.T) {
	typ := reflect.TypeFor[*Contract]()
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if m.Type.NumIn() < 2 || m.Type.In(1).String() != "contractapi.TransactionContextInterface" {
			continue
		}
		require.NotEqual(t, "未知", zh.Value("action", m.Name), "function %s", m.Name)
	}
}
