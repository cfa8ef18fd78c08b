package contract

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

const enterpriseC = "91320583MA3WWWWW3C"

// trade is a zone with three enterprises and one approved coffee batch of A
// (19.2 t) whose trace code the documents move.
type trade struct {
	*zone
	entC  testIdentity
	code  string
	docNo int
}

func newTrade(t *testing.T) *trade {
	z := newZone(t)
	tr := &trade{zone: z, entC: newIdentity(t, model.WarehouseMSP, "ent-c", "client")}
	z.mustInvoke(z.admin, "RegisterEnterprise", z.req(), `{"id":"`+enterpriseC+`","name":"丙贸易","kind":"trader"}`)
	z.mustInvoke(z.admin, "BindIdentity", z.req(), enterpriseC, tr.entC.mspID, tr.entC.certPEM)
	z.declare(z.entA, "PF20261126AAAAAAAA")
	p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", ""))
	tr.code = p.TraceCode
	return tr
}

func (tr *trade) docID(family model.Family) string {
	tr.docNo++
	return fmt.Sprintf("%s20261126%08d", prefixOf(family), tr.docNo)
}

func (tr *trade) line(grams int64) model.DocumentLine {
	return model.DocumentLine{TraceCode: tr.code, ProductName: "耶加雪菲", HSCode: "0901110000", Origin: "ET",
		WeightGrams: grams, UnitPriceFen: 7200, ValueFen: grams / 1000 * 7200, Currency: "CNY"}
}

func (tr *trade) docJSON(id string, family model.Family, bt model.BusinessType, head model.DocumentHead, lines ...model.DocumentLine) string {
	raw, err := json.Marshal(map[string]any{"id": id, "family": family, "businessType": bt, "head": completeHead(family, bt, head), "lines": lines})
	require.NoError(tr.t, err)
	return string(raw)
}

func (tr *trade) declareDoc(id testIdentity, family model.Family, bt model.BusinessType, head model.DocumentHead, lines ...model.DocumentLine) model.Document {
	tr.t.Helper()
	docID := tr.docID(family)
	return decodeDoc(tr.t, tr.mustInvoke(id, "DeclareDocument", tr.req(), tr.docJSON(docID, family, bt, head, lines...)))
}

func decodeDoc(t *testing.T, raw []byte) model.Document {
	var d model.Document
	require.NoError(t, json.Unmarshal(raw, &d))
	return d
}

func (tr *trade) receipt(docID, messageType, result string) model.Document {
	tr.t.Helper()
	raw, err := json.Marshal(model.ExternalReceipt{ID: messageType + ":" + docID + ":" + result, MessageType: messageType,
		CustomsNo: "QD3223260I000000001", ManageResult: result, ManageDate: "2026-11-26 10:00:00"})
	require.NoError(tr.t, err)
	return decodeDoc(tr.t, tr.mustInvoke(tr.customs, "ApplyExternalReceipt", tr.req(), docID, string(raw)))
}

// stock returns a holder's balance of the batch.
func (tr *trade) stock(id testIdentity, enterprise string, isBonded bool) model.Balance {
	var b model.Balance
	require.NoError(tr.t, json.Unmarshal(tr.mustInvoke(id, "GetBalance", tr.code, enterprise, fmt.Sprint(isBonded)), &b))
	return b
}

// enter brings grams of A's batch into the zone through an entry checklist.
func (tr *trade) enter(grams int64) model.Document {
	d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(grams))
	tr.receipt(d.ID, "INV201", "1")
	return decodeDoc(tr.t, tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), d.ID))
}

func TestGoodsJourney(t *testing.T) {
	tr := newTrade(t)
	const w = 19_200_000
	type holding struct {
		who    testIdentity
		ent    string
		bonded bool
	}
	expect := func(want map[holding]int64) {
		t.Helper()
		for h, grams := range want {
			require.Equal(t, grams, tr.stock(tr.customs, h.ent, h.bonded).WeightGrams, "%s bonded=%v", h.ent, h.bonded)
		}
	}
	aB, bB, bN, cN := holding{tr.entA, enterpriseA, true}, holding{tr.entB, enterpriseB, true}, holding{tr.entB, enterpriseB, false}, holding{tr.entC, enterpriseC, false}

	// Entry checklist: approved by customs' receipt, goods move at the gate.
	entry := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{VehiclePlate: "苏E12345"}, tr.line(w))
	require.Equal(t, model.DocDeclared, entry.Status)
	entry = tr.receipt(entry.ID, "INV201", "1")
	require.Equal(t, model.DocApproved, entry.Status)
	require.Equal(t, "QD3223260I000000001", entry.CustomsNo)
	expect(map[holding]int64{aB: 0})
	entry = decodeDoc(t, tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), entry.ID))
	require.Equal(t, model.DocEffective, entry.Status)
	expect(map[holding]int64{aB: w})

	// Bonded transfer A → B with the handshake.
	out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(w))
	require.Equal(t, int64(w), tr.stock(tr.entA, enterpriseA, true).ReservedGrams)
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), out.ID, "approve", "")
	expect(map[holding]int64{aB: w, bB: 0})
	in := tr.declareDoc(tr.entB, model.FamilyBondedTransfer, model.BusinessIn, model.DocumentHead{LinkedDocumentID: out.ID}, tr.line(w))
	require.Equal(t, enterpriseA, in.Head.CounterpartyID)
	in = decodeDoc(t, tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), in.ID, "approve", ""))
	require.Equal(t, model.DocEffective, in.Status)
	expect(map[holding]int64{aB: 0, bB: w})
	require.Zero(t, tr.stock(tr.entA, enterpriseA, true).ReservedGrams)
	transferEvent := tr.lastEvent
	movements := 0
	for _, e := range transferEvent.Events {
		if e.Type == model.EventMovementRecorded {
			movements++
			require.Equal(t, enterpriseA, e.Movement.From.EnterpriseID)
			require.Equal(t, enterpriseB, e.Movement.To.EnterpriseID)
		}
	}
	require.Equal(t, 1, movements)

	// Conversion to non-bonded by B's checklist.
	conv := tr.declareDoc(tr.entB, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{}, tr.line(w))
	conv = tr.receipt(conv.ID, "INV201", "5")
	require.Equal(t, model.DocEffective, conv.Status)
	expect(map[holding]int64{bB: 0, bN: w})

	// Non-bonded transfer B → C; C's in leg is the formal release.
	nOut := tr.declareDoc(tr.entB, model.FamilyNonBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseC}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), nOut.ID, "approve", "")
	release := tr.declareDoc(tr.entC, model.FamilyNonBondedTransfer, model.BusinessIn, model.DocumentHead{LinkedDocumentID: nOut.ID}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), release.ID, "approve", "")
	expect(map[holding]int64{bN: 0, cN: w})

	// C takes the goods out of the zone.
	exit := tr.declareDoc(tr.entC, model.FamilyNonBondedApplication, model.BusinessExit, model.DocumentHead{}, tr.line(w))
	tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), exit.ID, "approve", "")
	expect(map[holding]int64{cN: w})
	exit = decodeDoc(t, tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), exit.ID))
	require.Equal(t, model.DocEffective, exit.Status)
	expect(map[holding]int64{aB: 0, bB: 0, bN: 0, cN: 0})
	final := tr.stock(tr.entC, enterpriseC, false)
	require.Equal(t, int64(w), final.InboundGrams)
	require.Equal(t, int64(w), final.OutboundGrams)
}

func TestDeclarationChecks(t *testing.T) {
	t.Run("lines must carry active trace codes; only the batch's owner brings it in", func(t *testing.T) {
		tr := newTrade(t)
		msg := tr.refused(model.CodeInvalid, tr.entB, "DeclareDocument", tr.req(),
			tr.docJSON(tr.docID(model.FamilyChecklist), model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(1000)))
		require.Contains(t, msg, "lines[0].traceCode")
		require.Contains(t, msg, "another enterprise")
		// Stock the declarant does not hold is tagged for customs, not refused.
		exit := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(1000))
		require.Len(t, exit.Tags, 1)
		require.Equal(t, model.TagWeightAnomaly, exit.Tags[0].Code)
		require.Contains(t, exit.Tags[0].Reason, "理论库存可用 0 克")
		bad := tr.line(1000)
		bad.TraceCode = "KSCF261126000010"
		msg = tr.refused(model.CodeInvalid, tr.entA, "DeclareDocument", tr.req(),
			tr.docJSON(tr.docID(model.FamilyChecklist), model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, bad))
		require.Contains(t, msg, "lines[0].traceCode")
	})

	t.Run("shape errors name family, business type, id and fields", func(t *testing.T) {
		tr := newTrade(t)
		e := tr.refusal(model.CodeInvalid, tr.entA, "DeclareDocument", tr.req(),
			tr.docJSON("HZ20261126AAAAAAAA", model.FamilyChecklist, model.BusinessIn, model.DocumentHead{}, tr.line(1000)))
		require.Equal(t, []string{"businessType"}, problemFields(e))
		e = tr.refusal(model.CodeInvalid, tr.entA, "DeclareDocument", tr.req(),
			tr.docJSON("XX20261126AAAAAAAA", model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(0)))
		require.Equal(t, []string{"id", "lines[0].weightGrams"}, problemFields(e))
		require.Contains(t, e.Message, "id: must be the family prefix")
		tr.refused(model.CodeInvalid, tr.entA, "DeclareDocument", tr.req(),
			tr.docJSON(tr.docID(model.FamilyBondedTransfer), model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{}, tr.line(1000)))
	})

	t.Run("only enterprises declare, only customs reviews, only the zone admin records gate passes", func(t *testing.T) {
		tr := newTrade(t)
		body := tr.docJSON(tr.docID(model.FamilyChecklist), model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(1000))
		tr.refused(model.CodeForbidden, tr.customs, "DeclareDocument", tr.req(), body)
		d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.line(1000))
		tr.refused(model.CodeForbidden, tr.entA, "ReviewDocument", tr.req(), d.ID, "approve", "")
		tr.refused(model.CodeConflict, tr.admin, "RecordGatePass", tr.req(), d.ID) // not approved yet
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), d.ID, "approve", "")
		tr.refused(model.CodeForbidden, tr.customs, "RecordGatePass", tr.req(), d.ID)
		tr.refused(model.CodeForbidden, tr.entB, "GetDocument", d.ID)
	})

	t.Run("checklists are approved by customs' receipts, not on this platform", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(1000))
		tr.refused(model.CodeConflict, tr.customs, "ReviewDocument", tr.req(), d.ID, "approve", "")
		d = tr.receipt(d.ID, "INV201", "2")
		require.Equal(t, model.DocManualReview, d.Status)
		d = tr.receipt(d.ID, "INV201", "3")
		require.Equal(t, model.DocReturned, d.Status)
		require.NotEmpty(t, d.ReturnReason)
		tr.refused(model.CodeDuplicate, tr.customs, "ApplyExternalReceipt", tr.req(), d.ID,
			`{"id":"INV201:`+d.ID+`:3","messageType":"INV201","manageResult":"3","manageDate":"2026-11-26 10:00:00"}`)
		tr.refused(model.CodeInvalid, tr.customs, "ApplyExternalReceipt", tr.req(), d.ID,
			`{"id":"x","messageType":"SAS211","manageResult":"1","manageDate":"2026-11-26 10:00:00"}`)
	})
}

func TestGateCrossingReceipt(t *testing.T) {
	tr := newTrade(t)
	d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(3_000))
	tr.refused(model.CodeConflict, tr.customs, "ApplyExternalReceipt", tr.req(), d.ID,
		`{"id":"SAS223:early","messageType":"SAS223","customsNo":"Z3223I261126000000000001","manageResult":"1","manageDate":"2026-11-26 11:00:00"}`)
	tr.receipt(d.ID, "INV201", "1")
	raw := tr.mustInvoke(tr.customs, "ApplyExternalReceipt", tr.req(), d.ID,
		`{"id":"SAS223:pass","messageType":"SAS223","customsNo":"Z3223I261126000000000001","manageResult":"1","manageDate":"2026-11-26 11:00:00"}`)
	d = decodeDoc(t, raw)
	require.Equal(t, model.DocEffective, d.Status)
	require.Equal(t, "QD3223260I000000001", d.CustomsNo, "the gate pass number does not replace the checklist's")
	require.Equal(t, int64(3_000), tr.stock(tr.customs, enterpriseA, true).WeightGrams)
}

func TestOverShipment(t *testing.T) {
	tr := newTrade(t)
	tr.enter(10_000)

	first := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
	require.Empty(t, first.Tags)
	second := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.line(6_000))
	require.Len(t, second.Tags, 1, "6 kg more while only 4 kg are available")
	require.Equal(t, model.TagWeightAnomaly, second.Tags[0].Code)
	require.Equal(t, int64(12_000), tr.stock(tr.entA, enterpriseA, true).ReservedGrams)

	// Both approved; the second exit cannot take the balance below zero.
	tr.receipt(first.ID, "INV201", "1")
	tr.mustInvoke(tr.admin, "RecordGatePass", tr.req(), first.ID)
	tr.receipt(second.ID, "INV201", "1")
	tr.refused(model.CodeConflict, tr.admin, "RecordGatePass", tr.req(), second.ID)
	b := tr.stock(tr.entA, enterpriseA, true)
	require.Equal(t, int64(4_000), b.WeightGrams)
	require.Equal(t, int64(6_000), b.ReservedGrams)
}

func TestDeletion(t *testing.T) {
	t.Run("a transfer pending review is voided once the transferee confirms, releasing the reservation", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(5_000)
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(5_000))
		tr.refused(model.CodeForbidden, tr.entB, "RequestDeletion", tr.req(), out.ID, "不要了")
		d := decodeDoc(t, tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), out.ID, "数量有误"))
		require.Equal(t, model.DocDeletionAsked, d.Status)
		tr.refused(model.CodeForbidden, tr.entA, "ConfirmDeletion", tr.req(), out.ID)
		d = decodeDoc(t, tr.mustInvoke(tr.entB, "ConfirmDeletion", tr.req(), out.ID))
		require.Equal(t, model.DocVoided, d.Status)
		require.Zero(t, tr.stock(tr.entA, enterpriseA, true).ReservedGrams)
	})

	t.Run("an effective transfer needs the transferee and customs, and moves the goods back", func(t *testing.T) {
		tr := newTrade(t)
		tr.enter(5_000)
		out := tr.declareDoc(tr.entA, model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseB}, tr.line(5_000))
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), out.ID, "approve", "")
		in := tr.declareDoc(tr.entB, model.FamilyBondedTransfer, model.BusinessIn, model.DocumentHead{LinkedDocumentID: out.ID}, tr.line(5_000))
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), in.ID, "approve", "")
		tr.refused(model.CodeConflict, tr.entB, "RequestDeletion", tr.req(), in.ID, "走出库单")
		tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), out.ID, "误操作")
		tr.refused(model.CodeConflict, tr.customs, "ReviewDeletion", tr.req(), out.ID, "approve", "")
		tr.mustInvoke(tr.entB, "ConfirmDeletion", tr.req(), out.ID)
		d := decodeDoc(t, tr.mustInvoke(tr.customs, "ReviewDeletion", tr.req(), out.ID, "approve", "同意"))
		require.Equal(t, model.DocVoided, d.Status)
		require.Equal(t, int64(5_000), tr.stock(tr.entA, enterpriseA, true).WeightGrams)
		require.Zero(t, tr.stock(tr.entB, enterpriseB, true).WeightGrams)
		var inLeg model.Document
		require.NoError(t, json.Unmarshal(tr.mustInvoke(tr.entB, "GetDocument", in.ID), &inLeg))
		require.Equal(t, model.DocVoided, inLeg.Status)
	})

	t.Run("customs may reject a deletion, restoring the status", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
		tr.mustInvoke(tr.customs, "ReviewDocument", tr.req(), d.ID, "approve", "")
		tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), d.ID, "不进区了")
		d = decodeDoc(t, tr.mustInvoke(tr.customs, "ReviewDeletion", tr.req(), d.ID, "reject", "货物已在途"))
		require.Equal(t, model.DocApproved, d.Status)
		require.Nil(t, d.Deletion)
	})

	t.Run("an application pending review is voided at once", func(t *testing.T) {
		tr := newTrade(t)
		d := tr.declareDoc(tr.entA, model.FamilyNonBondedApplication, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
		d = decodeDoc(t, tr.mustInvoke(tr.entA, "RequestDeletion", tr.req(), d.ID, "重复申报"))
		require.Equal(t, model.DocVoided, d.Status)
	})

	t.Run("consolidated and externally reviewed documents are refused with the reason", func(t *testing.T) {
		tr := newTrade(t)
		wr := tr.declareDoc(tr.entA, model.FamilyWarehouseReceipt, model.BusinessIn, model.DocumentHead{}, tr.line(1_000))
		require.Contains(t, tr.refused(model.CodeConflict, tr.entA, "RequestDeletion", tr.req(), wr.ID, "x"), "offline")
		cl := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.line(1_000))
		require.Contains(t, tr.refused(model.CodeConflict, tr.entA, "RequestDeletion", tr.req(), cl.ID, "x"), "customs' own system")
	})

	t.Run("a non-bonded transfer cannot be deleted across a calendar year", func(t *testing.T) {
		tr := newTrade(t)
		tr.clock = time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC) // 23:00 on 31 December in China
		tr.enter(2_000)
		conv := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessConversion, model.DocumentHead{}, tr.line(2_000))
		tr.receipt(conv.ID, "INV201", "1")
		out := tr.declareDoc(tr.entA, model.FamilyNonBondedTransfer, model.BusinessOut, model.DocumentHead{CounterpartyID: enterpriseC}, tr.line(2_000))
		tr.clock = time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC) // 00:30 on 1 January in China
		require.Contains(t, tr.refused(model.CodeConflict, tr.entA, "RequestDeletion", tr.req(), out.ID, "跨年"), "calendar year")
	})
}

func prefixOf(f model.Family) string {
	info, _ := model.InfoOf(f)
	return info.Prefix
}

// completeHead fills the head fields a declaration of family × bt needs
// and head leaves empty (never the transfer links, which tests choose).
func completeHead(family model.Family, bt model.BusinessType, head model.DocumentHead) model.DocumentHead {
	defaults := map[string]string{model.HeadAccountBook: "T3223W000001", model.HeadSupervision: "5034",
		model.HeadTransport: "2", model.HeadPort: "2249", model.HeadCountry: "ET", model.HeadVehicle: "苏E·5K218",
		model.HeadPlannedDate: "2026-11-26", model.HeadCarrier: "昆山综保物流车队"}
	rule, _ := model.RuleOf(family, bt)
	for _, f := range model.HeadFields {
		if v, ok := defaults[f.Key]; ok && slices.Contains(rule.RequiredHead, f.Key) && *f.Ref(&head) == "" {
			*f.Ref(&head) = v
		}
	}
	return head
}
