package outgoing

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/customsmsg"
)

var shanghai = time.FixedZone("CST", 8*3600)

func context() Context {
	return Context{
		Declarant:   Party{Sccd: "91320583MA1W2X3Y4K", CustomsCode: "3223640001", Name: "昆山咖啡贸易有限公司"},
		CustomsArea: "2305", SysID: "Z8", Declare: true,
		Now: time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC), Location: shanghai,
	}
}

func coffee(seq int, grams int64) model.DocumentLine {
	return model.DocumentLine{Seq: seq, TraceCode: "TC2026112600000001", ProductName: "未焙炒咖啡豆", HSCode: "09011100",
		Origin: "ET", WeightGrams: grams, UnitPriceFen: 7250, ValueFen: grams / 1000 * 7250, Currency: "USD"}
}

func document(f model.Family, bt model.BusinessType, head model.DocumentHead, lines ...model.DocumentLine) model.Document {
	info, _ := model.InfoOf(f)
	return model.Document{ID: info.Prefix + "20261126AB12CD34", Family: f, BusinessType: bt, EnterpriseID: "91320583MA1W2X3Y4K",
		Status: model.DocDeclared, Head: head, Lines: lines, DeclaredAt: "2026-11-26T17:30:00Z"}
}

// element returns the text of the first element named name in raw.
func element(t *testing.T, raw []byte, name string) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(raw)))
	for {
		tok, err := dec.Token()
		require.NoError(t, err, "no element %s", name)
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == name {
			var s string
			require.NoError(t, dec.DecodeElement(&s, &se))
			return s
		}
	}
}

func built(t *testing.T, d model.Document, c Context) Message {
	t.Helper()
	m, err := Build(d, c)
	require.NoError(t, err)
	require.Empty(t, Check(m), "%s", m.XML)
	return m
}

var entryHead = model.DocumentHead{AccountBookNo: "T2305W000012", SupervisionMode: "5034", TransportMode: "2", PortCode: "2249", TradeCountry: "ET"}

func TestINV101(t *testing.T) {
	t.Parallel()
	d := document(model.FamilyChecklist, model.BusinessEntry, entryHead, coffee(1, 19_200_000), coffee(2, 500))
	m := built(t, d, context())
	require.Equal(t, TypeChecklist, m.Type)
	x := m.XML
	t.Run("the import-file envelope keeps customs' spellings", func(t *testing.T) {
		s := string(x)
		for _, want := range []string{`<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">`, "<Object>", "<Package>", "<EnvelopInfo>",
			"<BussinessData>", "<DelcareFlag>1</DelcareFlag>", "<InvtMessage>", "<InvtHeadType>", "<InvtListType>"} {
			require.Contains(t, s, want)
		}
		require.NotContains(t, s, "BusinessData", "pitfall 5: BussinessData (sic)")
		require.NotContains(t, s, "DeclareFlag", "pitfall 5: DelcareFlag (sic)")
		p, err := customsmsg.Parse(x)
		require.NoError(t, err, "the receipt reader finds the package inside Signature/Object")
		require.Equal(t, "INV101", p.Pocket.MessageType)
	})
	t.Run("head field for field", func(t *testing.T) {
		for name, want := range map[string]string{
			"SysId": "Z8", "OperCusRegCode": "3223640001", "SeqNo": "", "EtpsInnerInvtNo": d.ID, "PutrecNo": "T2305W000012",
			"BizopEtpsSccd": "91320583MA1W2X3Y4K", "BizopEtpsno": "3223640001", "RcvgdEtpsNm": "昆山咖啡贸易有限公司",
			"ImpexpPortcd": "2249", "DclPlcCuscd": "2305", "ImpexpMarkcd": "I", "MtpckEndprdMarkcd": "I", "SupvModecd": "5034",
			"TrspModecd": "2", "StshipTrsarvNatcd": "217", "DclcusFlag": "1", "DclcusTypecd": "2", "GenDecFlag": "1",
			"DecType": "3", "InvtType": "0", "DclTypecd": "1",
			// Pitfall 8: the import head date is yyyyMMdd, in the zone's
			// time zone (17:30 UTC is the next morning in Kunshan).
			"InputTime": "20261127",
		} {
			require.Equal(t, want, element(t, x, name), name)
		}
	})
	t.Run("lines in kilograms, customs codes and amounts", func(t *testing.T) {
		l := m.body.(*invtMessage).Lines
		require.Len(t, l, 2)
		require.Equal(t, invtLine{GdsSeqno: 1, GdsMtno: "09011100", Gdecd: "0901110000", GdsNm: "未焙炒咖啡豆",
			GdsSpcfModelDesc: "溯源码:TC2026112600000001", DclUnitcd: "035", LawfUnitcd: "035", DclQty: "19200", LawfQty: "19200",
			DclUprcAmt: "72.5", DclTotalAmt: "1392000", DclCurrcd: "502", Natcd: "217", DestinationNatcd: "142",
			LvyrlfModecd: "3", NetWt: "19200", ModfMarkcd: "3"}, l[0])
		require.Equal(t, "0.5", l[1].DclQty, "grams keep their precision")
	})
	t.Run("a resend carries the pre-entry number learnt from the import result (pitfall 4)", func(t *testing.T) {
		c := context()
		c.SeqNo = "202600000122717119"
		m := built(t, d, c)
		require.Equal(t, "202600000122717119", element(t, m.XML, "SeqNo"))
		require.Equal(t, d.ID, element(t, m.XML, "EtpsInnerInvtNo"), "the enterprise's own number stays ours")
	})
	t.Run("a transfer checklist is not a customs declaration and goes within China", func(t *testing.T) {
		d := document(model.FamilyChecklist, model.BusinessTransfer, model.DocumentHead{AccountBookNo: "T2305W000012", SupervisionMode: "5034"}, coffee(1, 1000))
		m := built(t, d, context())
		h := m.body.(*invtMessage).Head
		require.Equal(t, []string{"6", "2", "", "2", "9", "142"}, []string{h.InvtType, h.DclcusFlag, h.DclcusTypecd, h.GenDecFlag, h.TrspModecd, h.StshipTrsarvNatcd})
	})
}

func TestSAS111AndSAS121(t *testing.T) {
	t.Parallel()
	t.Run("a warehouse receipt is an SAS111 of 分送集报 under its business application", func(t *testing.T) {
		d := document(model.FamilyWarehouseReceipt, model.BusinessIn, model.DocumentHead{AccountBookNo: "T2305W000012"}, coffee(1, 2_000), coffee(2, 3_000))
		d.Lines[0].Packages, d.Lines[1].Packages = 4, 6
		c := context()
		c.SasDclNo = "SW2305260000001"
		m := built(t, d, c)
		require.Equal(t, TypeStock, m.Type)
		for name, want := range map[string]string{"EtpsPreentNo": d.ID, "SasDclNo": "SW2305260000001", "StockTypecd": "I", "BusinessTypecd": "A",
			"AreainOriactNo": "T2305W000012", "MasterCuscd": "2305", "PackageQty": "10", "GrossWt": "5", "CentralizedDclTypecd": "1", "DclTime": "20261127"} {
			require.Equal(t, want, element(t, m.XML, name), name)
		}
		require.Equal(t, "3", m.body.(*stockMessage).Lines[1].DclQty)

		c.SasDclNo = ""
		m, err := Build(d, c)
		require.NoError(t, err)
		require.Equal(t, []Problem{{"SasStockBsc.SasDclNo", model.RuleRequired, "is required"}}, Check(m))
	})
	t.Run("a gate registration is an SAS121 of type 5 without related documents", func(t *testing.T) {
		d := document(model.FamilyGateRegistration, model.BusinessExit, model.DocumentHead{VehiclePlate: "苏E12345", Carrier: "顺达物流"}, coffee(1, 600_000))
		m := built(t, d, context())
		require.Equal(t, TypePassport, m.Type)
		for name, want := range map[string]string{"EtpsPreentNo": d.ID, "IoTypecd": "E", "PassportTypecd": "5", "VehicleNo": "苏E12345",
			"TotalGrossWt": "600", "TotalWt": "600", "DclErConc": "顺达物流", "PassportSeqNo": "1", "DclUnitcd": "035"} {
			require.Equal(t, want, element(t, m.XML, name), name)
		}
		require.NotContains(t, string(m.XML), "PassportAcmp")
		require.Contains(t, string(m.XML), "<PassPortMessage>")
	})
}

func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	t.Run("families customs reviews on this platform have no national message", func(t *testing.T) {
		_, err := Build(document(model.FamilyBondedTransfer, model.BusinessOut, model.DocumentHead{}, coffee(1, 1)), context())
		require.ErrorIs(t, err, ErrNoMessage)
	})
	t.Run("a country or currency outside the code tables is named, not guessed", func(t *testing.T) {
		l := coffee(1, 1000)
		l.Origin = "AQ"
		_, err := Build(document(model.FamilyChecklist, model.BusinessEntry, entryHead, l), context())
		require.ErrorIs(t, err, ErrUnmapped)
		require.ErrorContains(t, err, `"AQ"`)
		l = coffee(1, 1000)
		l.Currency = "ETB"
		_, err = Build(document(model.FamilyChecklist, model.BusinessEntry, entryHead, l), context())
		require.ErrorContains(t, err, `currency "ETB"`)
	})
}

// Check is what stands between a document and customs: each rule of the
// field tables must be able to fail.
func TestCheckCatchesBreaches(t *testing.T) {
	t.Parallel()
	d := document(model.FamilyChecklist, model.BusinessEntry, entryHead, coffee(1, 1000))
	breach := func(t *testing.T, change func(*invtMessage), field, why string) {
		t.Helper()
		m, err := Build(d, context())
		require.NoError(t, err)
		change(m.body.(*invtMessage))
		ps := Check(m)
		require.NotEmpty(t, ps)
		require.Equal(t, field, ps[0].Field, "%v", ps)
		require.Contains(t, ps[0].Why, why)
	}
	breach(t, func(m *invtMessage) { m.Head.TrspModecd = "Q" }, "InvtHeadType.TrspModecd", "not one of the codes")
	breach(t, func(m *invtMessage) { m.Head.TrspModecd = "Y"; m.Head.DclPlcCuscd = "23050" }, "InvtHeadType.DclPlcCuscd", "does not match")
	breach(t, func(m *invtMessage) { m.Head.BondInvtNo = "QD2305261000000001" }, "InvtHeadType.BondInvtNo", "does not match")
	breach(t, func(m *invtMessage) { m.Head.SeqNo = "2026000001227171" }, "InvtHeadType.SeqNo", "does not match")
	breach(t, func(m *invtMessage) { m.Lines[0].SeqNo = "202600000122717119" }, "InvtListType[0].SeqNo", "the head's SeqNo")
	breach(t, func(m *invtMessage) { m.Head.InputTime = "2026-11-27" }, "InvtHeadType.InputTime", "does not match")
	breach(t, func(m *invtMessage) { m.Head.DclEtpsno = "" }, "InvtHeadType.DclEtpsno", "is required")
	breach(t, func(m *invtMessage) { m.Head.DclEtpsNm = strings.Repeat("企", 513) }, "InvtHeadType.DclEtpsNm", "longer than 512")
	breach(t, func(m *invtMessage) { m.Head.DclcusTypecd = "" }, "InvtHeadType.DclcusTypecd", "DclcusFlag is 1")
	breach(t, func(m *invtMessage) { m.Lines[0].Gdecd = "09011100" }, "InvtListType[0].Gdecd", "does not match")
	breach(t, func(m *invtMessage) { m.Lines[0].DclQty = "1.123456" }, "InvtListType[0].DclQty", "does not match")
	breach(t, func(m *invtMessage) { m.Lines[0].DclTotalAmt = "10.125" }, "InvtListType[0].DclTotalAmt", "does not match")
	breach(t, func(m *invtMessage) { m.Lines[0].Natcd = "999" }, "InvtListType[0].Natcd", "not one of the codes")
	breach(t, func(m *invtMessage) { m.Lines[0].GdsSeqno = 2 }, "InvtListType[0].GdsSeqno", "1..n")
	breach(t, func(m *invtMessage) { m.OperCusRegCode = "32236" }, "InvtMessage.OperCusRegCode", "does not match")
	breach(t, func(m *invtMessage) { m.Lines = nil }, "InvtListType", "at least one line")

	t.Run("a letter transport mode is a valid code (pitfall 3)", func(t *testing.T) {
		h := entryHead
		h.TransportMode = "Y"
		built(t, document(model.FamilyChecklist, model.BusinessEntry, h, coffee(1, 1000)), context())
	})
	t.Run("every element built has a row in the field tables", func(t *testing.T) {
		rules := map[string]rule{}
		for k, v := range invtLineRules {
			if k != "ModfMarkcd" {
				rules[k] = v
			}
		}
		m, err := Build(d, context())
		require.NoError(t, err)
		require.Equal(t, []Problem{{"InvtListType[0].ModfMarkcd", model.RuleUnknownValue, "has no row in the field tables"}},
			checkBlock("InvtListType", 0, m.body.(*invtMessage).Lines[0], rules))
	})
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{0: "0", 1: "0.001", 500: "0.5", 1000: "1", 19_200_000: "19200", 1_234_567: "1234.567"} {
		require.Equal(t, want, kilograms(in), in)
	}
	require.Equal(t, "72.5", yuan(7250))
	require.Equal(t, "0.05", yuan(5))
}
