package contract

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// lastStep is the newest entry of a document's history.
func lastStep(d model.Document) model.DocumentStep { return d.Steps[len(d.Steps)-1] }

func TestManualTags(t *testing.T) {
	tr := newTrade(t)
	tr.enter(10_000)
	d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(12_000))
	require.Len(t, d.Tags, 1, "the weight model tagged the over-declaration")

	t.Run("only customs tags, with a reason, a catalogue code and a known document", func(t *testing.T) {
		tr.refused(model.CodeForbidden, tr.entA, "TagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "自查")
		tr.refused(model.CodeInvalid, tr.customs, "TagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "")
		e := tr.refusal(model.CodeInvalid, tr.customs, "TagDocument", tr.req(), d.ID, "NO_SUCH_TAG", "布控")
		require.Equal(t, []string{"code"}, problemFields(e))
		tr.refused(model.CodeNotFound, tr.customs, "TagDocument", tr.req(), "HZ20261126ZZZZZZZZ", model.TagWeightAnomaly, "布控")
	})

	t.Run("a manual tag names the officer, reason, transaction and configuration version", func(t *testing.T) {
		tagged := decodeDoc(t, tr.mustInvoke(tr.customs, "TagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "现场查验发现短少"))
		require.Len(t, tagged.Tags, 2, "a model's tag of the code does not prevent a manual one")
		manual := tagged.Tags[1]
		require.Equal(t, model.TagWeightAnomaly, manual.Code)
		require.Equal(t, "现场查验发现短少", manual.Reason)
		require.Equal(t, 0, manual.ConfigVersion)
		require.NotEmpty(t, manual.TxID)
		require.Empty(t, manual.Model)
		require.NotNil(t, manual.AddedBy)
		require.Equal(t, "officer-li", manual.AddedBy.Name)
		step := lastStep(tagged)
		require.Equal(t, model.DocActionTag, step.Action)
		require.Equal(t, "重量异常：现场查验发现短少", step.Reason)
		require.Equal(t, model.DocDeclared, tagged.Status, "a tag changes no status")
	})

	t.Run("a second manual tag of the code is refused", func(t *testing.T) {
		e := tr.refusal(model.CodeConflict, tr.customs, "TagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "再次")
		require.Equal(t, model.ReasonTagPresent, e.Reason)
	})

	t.Run("removing a code removes the model's and the manual tag, with a reason", func(t *testing.T) {
		tr.refused(model.CodeForbidden, tr.entA, "UntagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "已核实")
		tr.refused(model.CodeInvalid, tr.customs, "UntagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "")
		untagged := decodeDoc(t, tr.mustInvoke(tr.customs, "UntagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "已核实库存"))
		require.Empty(t, untagged.Tags)
		require.Equal(t, model.DocActionUntag, lastStep(untagged).Action)
		require.Equal(t, "重量异常：已核实库存", lastStep(untagged).Reason)
		e := tr.refusal(model.CodeConflict, tr.customs, "UntagDocument", tr.req(), d.ID, model.TagWeightAnomaly, "再次")
		require.Equal(t, model.ReasonTagAbsent, e.Reason)
	})

	t.Run("the code must be in the catalogue in force, whose version the tag names", func(t *testing.T) {
		draft := model.DefaultRuleConfig().RuleConfigDraft
		draft.Tags = append(draft.Tags, model.TagDef{Code: "RISK_WATCH", NameZh: "布控", Category: "风险", Colour: "#1677FF"})
		cfg := tr.putRules(draft)
		tagged := decodeDoc(t, tr.mustInvoke(tr.customs, "TagDocument", tr.req(), d.ID, "RISK_WATCH", "情报布控"))
		require.Equal(t, cfg.Version, tagged.Tags[0].ConfigVersion)
		require.Equal(t, "布控：情报布控", lastStep(tagged).Reason)
	})
}

func TestReleaseReservation(t *testing.T) {
	t.Run("an approved exit whose gate pass was refused is voided and its reservation released", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
		tr.receipt(exit.ID, "INV201", "1")
		exit = decodeDoc(t, tr.mustInvoke(tr.customs, "ApplyExternalReceipt", tr.req(), exit.ID,
			`{"id":"SAS223:refused","messageType":"SAS223","customsNo":"Z3223I261126000000000009","manageResult":"2","manageDate":"2026-11-26 11:00:00"}`))
		require.Equal(t, model.DocApproved, exit.Status)
		require.Equal(t, int64(6_000), tr.stock(tr.customs, enterpriseA, true).ReservedGrams, "stuck: reserved, never moving")

		// The stuck reservation makes the next exit look over-declared.
		next := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(5_000))
		require.Len(t, next.Tags, 1)

		tr.refused(model.CodeForbidden, tr.entA, "ReleaseReservation", tr.req(), exit.ID, "卡口拒绝放行")
		tr.refused(model.CodeInvalid, tr.customs, "ReleaseReservation", tr.req(), exit.ID, "")
		released := decodeDoc(t, tr.mustInvoke(tr.customs, "ReleaseReservation", tr.req(), exit.ID, "卡口拒绝放行，货物不出区"))
		require.Equal(t, model.DocVoided, released.Status)
		step := lastStep(released)
		require.Equal(t, model.DocActionVoid, step.Action)
		require.Equal(t, "卡口拒绝放行，货物不出区", step.Reason)
		require.Equal(t, "officer-li", step.Actor.Name)
		b := tr.stock(tr.customs, enterpriseA, true)
		require.Equal(t, int64(5_000), b.ReservedGrams, "only the next exit's reservation is left")
		require.Equal(t, int64(10_000), b.WeightGrams, "nothing moved")

		following := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(5_000))
		require.Empty(t, following.Tags, "no longer falsely tagged 重量异常")
	})

	t.Run("only approved documents that reserve stock can be released", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		declared := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(1_000))
		e := tr.refusal(model.CodeConflict, tr.customs, "ReleaseReservation", tr.req(), declared.ID, "x")
		require.Equal(t, model.ReasonNotReleasable, e.Reason)
		entry := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
		tr.receipt(entry.ID, "INV201", "1")
		e = tr.refusal(model.CodeConflict, tr.customs, "ReleaseReservation", tr.req(), entry.ID, "x")
		require.Equal(t, model.ReasonNothingReserved, e.Reason)
		effective := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(1_000))
		tr.receipt(effective.ID, "INV201", "1")
		tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), effective.ID)
		e = tr.refusal(model.CodeConflict, tr.customs, "ReleaseReservation", tr.req(), effective.ID, "x")
		require.Equal(t, model.ReasonNotReleasable, e.Reason)
	})
}

// correction is an INV201 answering a change or deletion declaration.
func (tr *trade) correction(docID, declarationType, result string, lines ...model.ReceiptLine) ([]byte, error) {
	tr.t.Helper()
	raw, err := json.Marshal(model.ExternalReceipt{ID: "INV201:" + docID + ":" + declarationType + ":" + result,
		MessageType: "INV201", CustomsNo: "QD3223260I000000001", ManageResult: result, ManageDate: "2026-11-27 10:00:00",
		DeclarationType: declarationType, Lines: lines})
	require.NoError(tr.t, err)
	return tr.invoke(tr.customs, "ApplyExternalReceipt", tr.req(), docID, string(raw))
}

func TestCustomsChangeAndDeletionReceipts(t *testing.T) {
	t.Run("a deletion voids an approved exit and releases its reservation", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
		tr.receipt(exit.ID, "INV201", "1")
		// Stored and returned deletion requests leave the checklist as it is.
		raw, err := tr.correction(exit.ID, model.DeclarationDeletion, "Y")
		require.NoError(t, err)
		stored := decodeDoc(t, raw)
		require.Equal(t, model.DocApproved, stored.Status)
		require.Equal(t, "海关删除申请已入库", lastStep(stored).Reason)
		raw, err = tr.correction(exit.ID, model.DeclarationDeletion, "1")
		require.NoError(t, err)
		voided := decodeDoc(t, raw)
		require.Equal(t, model.DocVoided, voided.Status)
		require.Equal(t, "INV201", lastStep(voided).Source)
		require.Zero(t, tr.stock(tr.customs, enterpriseA, true).ReservedGrams)
		_, err = tr.correction(exit.ID, model.DeclarationChange, "1", model.ReceiptLine{Seq: 1, WeightGrams: 1_000})
		e, ok := model.ParseError(err.Error())
		require.True(t, ok)
		require.Equal(t, model.ReasonReceiptNotApplicable, e.Reason)
	})

	t.Run("a deletion of an effective entry moves its goods back out", func(t *testing.T) {
		tr := newTrade(t)
		entry := tr.enter(4_000)
		raw, err := tr.correction(entry.ID, model.DeclarationDeletion, "1")
		require.NoError(t, err)
		require.Equal(t, model.DocVoided, decodeDoc(t, raw).Status)
		require.Zero(t, tr.stock(tr.customs, enterpriseA, true).WeightGrams)
	})

	t.Run("a change sets the line weights and moves the reservation by the difference", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000), tr.line(2_000))
		tr.receipt(exit.ID, "INV201", "1")
		require.Equal(t, int64(8_000), tr.stock(tr.customs, enterpriseA, true).ReservedGrams)
		raw, err := tr.correction(exit.ID, model.DeclarationChange, "1", model.ReceiptLine{Seq: 1, WeightGrams: 4_500})
		require.NoError(t, err)
		changed := decodeDoc(t, raw)
		require.Equal(t, model.DocApproved, changed.Status)
		require.Equal(t, int64(4_500), changed.Lines[0].WeightGrams)
		require.Equal(t, int64(2_000), changed.Lines[1].WeightGrams)
		require.Equal(t, model.DocActionAmend, lastStep(changed).Action)
		require.Equal(t, "海关已变更：第1行 6000 克改为 4500 克", lastStep(changed).Reason)
		require.Equal(t, int64(6_500), tr.stock(tr.customs, enterpriseA, true).ReservedGrams)

		// The gate pass then moves the amended weight.
		tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), exit.ID)
		b := tr.stock(tr.customs, enterpriseA, true)
		require.Equal(t, int64(3_500), b.WeightGrams)
		require.Zero(t, b.ReservedGrams)
	})

	t.Run("a change without weights is recorded; an unknown line is refused", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(10_000)
		exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
		tr.receipt(exit.ID, "INV201", "1")
		raw, err := tr.correction(exit.ID, model.DeclarationChange, "1")
		require.NoError(t, err)
		require.Equal(t, model.DocActionAmend, lastStep(decodeDoc(t, raw)).Action)
		body, err := json.Marshal(model.ExternalReceipt{ID: "INV201:bad", MessageType: "INV201", ManageResult: "1",
			ManageDate: "2026-11-27 11:00:00", DeclarationType: model.DeclarationChange, Lines: []model.ReceiptLine{{Seq: 2, WeightGrams: 1}}})
		require.NoError(t, err)
		e := tr.refusal(model.CodeInvalid, tr.customs, "ApplyExternalReceipt", tr.req(), exit.ID, string(body))
		require.Equal(t, []string{"lines[0].seq"}, problemFields(e))
	})

	t.Run("a change of an effective checklist's weights is refused, not half applied", func(t *testing.T) {
		tr := newTrade(t)
		entry := tr.enter(4_000)
		body, err := json.Marshal(model.ExternalReceipt{ID: "INV201:late", MessageType: "INV201", ManageResult: "1",
			ManageDate: "2026-11-27 11:00:00", DeclarationType: model.DeclarationChange, Lines: []model.ReceiptLine{{Seq: 1, WeightGrams: 3_000}}})
		require.NoError(t, err)
		e := tr.refusal(model.CodeConflict, tr.customs, "ApplyExternalReceipt", tr.req(), entry.ID, string(body))
		require.Equal(t, model.ReasonAmendEffective, e.Reason)
	})

	t.Run("declaration types and lines are checked", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
		for _, body := range []string{
			`{"id":"a","messageType":"INV201","manageResult":"1","manageDate":"x","declarationType":"9"}`,
			`{"id":"b","messageType":"SAS223","manageResult":"1","manageDate":"x","declarationType":"3"}`,
			`{"id":"c","messageType":"INV201","manageResult":"1","manageDate":"x","lines":[{"seq":1,"weightGrams":5}]}`,
			`{"id":"d","messageType":"INV201","manageResult":"1","manageDate":"x","declarationType":"2","lines":[{"seq":1,"weightGrams":0}]}`,
		} {
			tr.refused(model.CodeInvalid, tr.customs, "ApplyExternalReceipt", tr.req(), d.ID, body)
		}
	})
}

func TestOverShippedOutLeg(t *testing.T) {
	t.Run("customs' approval names the shortfall at the out leg", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(5_000)
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(7_000))
		require.Len(t, out.Tags, 1, "the declarant sees the weight tag at declaration")
		e := tr.refusal(model.CodeConflict, tr.customs, "ReviewDocument", tr.req(), out.ID, "approve", "")
		require.Equal(t, model.ReasonOutLegShortfall, e.Reason)
		require.Equal(t, json.Number("2000"), e.Params["shortfallGrams"])
		// Customs returns it with that reason instead; the declarant reads it.
		returned := decodeDoc(t, tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), out.ID, "return", "短缺 2000 克"))
		require.Equal(t, model.DocReturned, returned.Status)
		require.Zero(t, tr.stock(tr.customs, enterpriseA, true).ReservedGrams)
	})

	t.Run("exactly what is held is approved", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(5_000)
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(3_000), tr.line(2_000))
		approved := decodeDoc(t, tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), out.ID, "approve", ""))
		require.Equal(t, model.DocApproved, approved.Status)
	})

	t.Run("a rule passing an over-shipped out leg sends it to manual review with the shortfall", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(5_000)
		tr.putRules(ruleConfig(model.ReviewRule{ID: "bt-pass", Kind: model.KindBondedTransfer, Name: "流转自动通过", Priority: 1,
			Condition: `true`, Outcome: model.OutcomePass, Enabled: true}))
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(6_000))
		require.Equal(t, model.DocManualReview, out.Status)
		step := lastStep(out)
		require.Equal(t, model.DocActionManualReview, step.Action)
		require.Contains(t, step.Reason, "短缺 1000 克")
		require.NotNil(t, step.DecidedBy)
		ok := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(1_000))
		require.Equal(t, model.DocApproved, ok.Status)
	})
}

func TestConsolidation(t *testing.T) {
	setup := func(t *testing.T) (*trade, model.Document, model.Document) {
		tr := newTrade(t)
		tr.enter(5_000)
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(5_000))
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), out.ID, "approve", "")
		cl := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessConsolidated, model.DocumentHead{}, tr.line(5_000))
		return tr, out, cl
	}

	t.Run("a consolidated transfer is marked and its deletion refused with the tender's reminder", func(t *testing.T) {
		tr, out, cl := setup(t)
		tr.refused(model.CodeForbidden, tr.entB, "ConsolidateTransfers", tr.req(), cl.ID, `["`+out.ID+`"]`)
		linked := decodeDoc(t, tr.mustInvoke(tr.entA, "ConsolidateTransfers", tr.req(), cl.ID, `["`+out.ID+`"]`))
		require.Equal(t, []string{out.ID}, linked.Consolidates)
		var transfer model.Document
		require.NoError(t, json.Unmarshal(tr.mustInvoke(tr.entA, "GetDocument", out.ID), &transfer))
		require.Equal(t, cl.ID, transfer.ConsolidatedIn)
		require.Equal(t, model.DocActionConsolidate, lastStep(transfer).Action)

		e := tr.refusal(model.CodeConflict, tr.entA, "RequestDeletion", tr.req(), out.ID, "申报错误")
		require.Equal(t, model.ReasonTransferConsolidated, e.Reason)
		require.Equal(t, cl.ID, e.Params["checklistId"])
		e = tr.refusal(model.CodeConflict, tr.entA, "ConsolidateTransfers", tr.req(), cl.ID, `["`+out.ID+`"]`)
		require.Equal(t, model.ReasonTransferConsolidated, e.Reason, "reported once only")
	})

	t.Run("an in leg consolidated by the transferee blocks the deletion through the out leg", func(t *testing.T) {
		tr, out, _ := setup(t)
		in := tr.declareDoc(tr.entB, model.FamilyBondedTransfer, model.BusinessIn, model.DocumentHead{LinkedDocumentID: out.ID}, tr.line(5_000))
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), in.ID, "approve", "")
		clB := tr.declareDoc(tr.entB, model.FamilyChecklist, model.BusinessTransfer, model.DocumentHead{}, tr.line(5_000))
		tr.mustInvoke(tr.entB, "ConsolidateTransfers", tr.req(), clB.ID, `["`+in.ID+`"]`)
		e := tr.refusal(model.CodeConflict, tr.entA, "RequestDeletion", tr.req(), out.ID, "申报错误")
		require.Equal(t, model.ReasonTransferConsolidated, e.Reason)
		require.Equal(t, in.ID, e.Params["documentId"])
	})

	t.Run("only the caller's approved bonded transfers go into its consolidating checklist", func(t *testing.T) {
		tr, out, cl := setup(t)
		exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(1_000))
		require.Equal(t, model.ReasonNotConsolidating,
			tr.refusal(model.CodeConflict, tr.entA, "ConsolidateTransfers", tr.req(), exit.ID, `["`+out.ID+`"]`).Reason)
		require.Equal(t, model.ReasonNotBondedTransfer,
			tr.refusal(model.CodeConflict, tr.entA, "ConsolidateTransfers", tr.req(), cl.ID, `["`+exit.ID+`"]`).Reason)
		pending := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(1_000))
		require.Equal(t, model.ReasonTransferNotSettled,
			tr.refusal(model.CodeConflict, tr.entA, "ConsolidateTransfers", tr.req(), cl.ID, `["`+pending.ID+`"]`).Reason)
		e := tr.refusal(model.CodeInvalid, tr.entA, "ConsolidateTransfers", tr.req(), cl.ID, `["`+out.ID+`","`+out.ID+`"]`)
		require.Equal(t, []string{"transferIds[1]"}, problemFields(e))
		tr.refused(model.CodeInvalid, tr.entA, "ConsolidateTransfers", tr.req(), cl.ID, `[]`)
		// An unconsolidated approved transfer can still be deleted.
		d := decodeDoc(t, tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), out.ID, "申报错误"))
		require.Equal(t, model.DocDeletionAsked, d.Status)
	})
}
