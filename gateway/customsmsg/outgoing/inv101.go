package outgoing

import (
	"fmt"
	"time"

	"zonetrace/chaincode/model"
)

// INV101: InvtHeadType + InvtListType* (CUSTOMS_MESSAGES.md §4), PascalCase
// as in the Single Window import file.
type invtMessage struct {
	SysID          string     `xml:"SysId"`
	OperCusRegCode string     `xml:"OperCusRegCode"`
	Head           invtHead   `xml:"InvtHeadType"`
	Lines          []invtLine `xml:"InvtListType"`
}

type invtHead struct {
	SeqNo             string `xml:"SeqNo"`
	BondInvtNo        string `xml:"BondInvtNo"`
	ChgTmsCnt         string `xml:"ChgTmsCnt"`
	EtpsInnerInvtNo   string `xml:"EtpsInnerInvtNo"`
	PutrecNo          string `xml:"PutrecNo"`
	BizopEtpsSccd     string `xml:"BizopEtpsSccd"`
	BizopEtpsno       string `xml:"BizopEtpsno"`
	BizopEtpsNm       string `xml:"BizopEtpsNm"`
	RvsngdEtpsSccd    string `xml:"RvsngdEtpsSccd"`
	RcvgdEtpsno       string `xml:"RcvgdEtpsno"`
	RcvgdEtpsNm       string `xml:"RcvgdEtpsNm"`
	DclEtpsSccd       string `xml:"DclEtpsSccd"`
	DclEtpsno         string `xml:"DclEtpsno"`
	DclEtpsNm         string `xml:"DclEtpsNm"`
	InputCreditCode   string `xml:"InputCreditCode"`
	InputCode         string `xml:"InputCode"`
	InputName         string `xml:"InputName"`
	InputTime         string `xml:"InputTime"`
	ImpexpPortcd      string `xml:"ImpexpPortcd"`
	DclPlcCuscd       string `xml:"DclPlcCuscd"`
	ImpexpMarkcd      string `xml:"ImpexpMarkcd"`
	MtpckEndprdMarkcd string `xml:"MtpckEndprdMarkcd"`
	SupvModecd        string `xml:"SupvModecd"`
	TrspModecd        string `xml:"TrspModecd"`
	StshipTrsarvNatcd string `xml:"StshipTrsarvNatcd"`
	DclcusFlag        string `xml:"DclcusFlag"`
	DclcusTypecd      string `xml:"DclcusTypecd,omitempty"`
	GenDecFlag        string `xml:"GenDecFlag"`
	DecType           string `xml:"DecType,omitempty"`
	InvtType          string `xml:"InvtType"`
	ListType          string `xml:"ListType,omitempty"`
	DclTypecd         string `xml:"DclTypecd"`
	IcCardNo          string `xml:"IcCardNo,omitempty"`
	Rmk               string `xml:"Rmk,omitempty"`
}

type invtLine struct {
	SeqNo            string `xml:"SeqNo"`
	GdsSeqno         int    `xml:"GdsSeqno"`
	PutrecSeqno      string `xml:"PutrecSeqno"`
	GdsMtno          string `xml:"GdsMtno"`
	Gdecd            string `xml:"Gdecd"`
	GdsNm            string `xml:"GdsNm"`
	GdsSpcfModelDesc string `xml:"GdsSpcfModelDesc"`
	DclUnitcd        string `xml:"DclUnitcd"`
	LawfUnitcd       string `xml:"LawfUnitcd"`
	DclQty           string `xml:"DclQty"`
	LawfQty          string `xml:"LawfQty"`
	DclUprcAmt       string `xml:"DclUprcAmt"`
	DclTotalAmt      string `xml:"DclTotalAmt"`
	DclCurrcd        string `xml:"DclCurrcd"`
	Natcd            string `xml:"Natcd"`
	DestinationNatcd string `xml:"DestinationNatcd"`
	LvyrlfModecd     string `xml:"LvyrlfModecd"`
	NetWt            string `xml:"NetWt"`
	ModfMarkcd       string `xml:"ModfMarkcd"`
}

// checklistKind is how each checklist business type is declared: 清单类型,
// 进出口标记, whether a customs declaration goes with it (1 报关: an entry or
// exit across the first line, or goods leaving bond into the country) and
// which one (报关单类型), and the 征免方式 of its lines.
var checklistKinds = map[model.BusinessType]struct {
	invtType, impexp, dclcus, decType, levy string
}{
	model.BusinessEntry:        {"0", "I", "1", "3", "3"}, // 普通清单, 进境备案清单, 全免
	model.BusinessExit:         {"0", "E", "1", "4", "3"}, // 普通清单, 出境备案清单, 全免
	model.BusinessConversion:   {"0", "E", "1", "1", "1"}, // 出区内销: 进口报关单, 照章征税
	model.BusinessConsolidated: {"1", "E", "2", "", "3"},  // 集报清单, 非报关
	model.BusinessTransfer:     {"6", "E", "2", "", "3"},  // 区内流转, 非报关
}

func checklist(d model.Document, c Context) (*invtMessage, error) {
	kind, ok := checklistKinds[d.BusinessType]
	if !ok {
		return nil, fmt.Errorf("%w: checklist business type %q", ErrUnmapped, d.BusinessType)
	}
	country := CountryChina
	if d.Head.TradeCountry != "" {
		var err error
		if country, err = CountryCode(d.Head.TradeCountry); err != nil {
			return nil, err
		}
	}
	h := invtHead{
		SeqNo: c.SeqNo, BondInvtNo: d.CustomsNo, ChgTmsCnt: "0", EtpsInnerInvtNo: d.ID, PutrecNo: d.Head.AccountBookNo,
		BizopEtpsSccd: c.Declarant.Sccd, BizopEtpsno: c.Declarant.CustomsCode, BizopEtpsNm: c.Declarant.Name,
		RvsngdEtpsSccd: c.Declarant.Sccd, RcvgdEtpsno: c.Declarant.CustomsCode, RcvgdEtpsNm: c.Declarant.Name,
		DclEtpsSccd: c.Declarant.Sccd, DclEtpsno: c.Declarant.CustomsCode, DclEtpsNm: c.Declarant.Name,
		InputCreditCode: c.Declarant.Sccd, InputCode: c.Declarant.CustomsCode, InputName: c.Declarant.Name,
		InputTime:    declaredDate(d, c),
		ImpexpPortcd: orDefault(d.Head.PortCode, c.CustomsArea), DclPlcCuscd: c.CustomsArea,
		ImpexpMarkcd: kind.impexp, MtpckEndprdMarkcd: "I", SupvModecd: d.Head.SupervisionMode,
		// 9 其它运输 where the declaration asks for no transport mode (区内流转,
		// 集报, 内销 within the zone).
		TrspModecd: orDefault(d.Head.TransportMode, "9"), StshipTrsarvNatcd: country,
		DclcusFlag: kind.dclcus, GenDecFlag: "2", InvtType: kind.invtType, DclTypecd: model.DeclarationFiling,
		IcCardNo: c.IcCardNo, Rmk: d.Head.Note,
	}
	if kind.dclcus == "1" {
		// 对应报关, the declaration generated by the system from the
		// checklist (an INV202 answers with its number).
		h.DclcusTypecd, h.GenDecFlag, h.DecType = "2", "1", kind.decType
	}
	m := &invtMessage{SysID: c.SysID, OperCusRegCode: c.OperatorCode, Head: h}
	for _, l := range d.Lines {
		origin, err := CountryCode(l.Origin)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.Seq, err)
		}
		currency, err := CurrencyCode(l.Currency)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.Seq, err)
		}
		destination := CountryChina
		if kind.impexp == "E" && kind.dclcus == "1" && d.BusinessType == model.BusinessExit {
			destination = country
		}
		m.Lines = append(m.Lines, invtLine{
			SeqNo: c.SeqNo, GdsSeqno: l.Seq, GdsMtno: orDefault(l.MaterialNo, l.HSCode), Gdecd: hs10(l.HSCode),
			GdsNm: l.ProductName, GdsSpcfModelDesc: specification(l),
			DclUnitcd: UnitKilogram, LawfUnitcd: UnitKilogram, DclQty: kilograms(l.WeightGrams), LawfQty: kilograms(l.WeightGrams),
			DclUprcAmt: yuan(l.UnitPriceFen), DclTotalAmt: yuan(l.ValueFen), DclCurrcd: currency,
			Natcd: origin, DestinationNatcd: destination, LvyrlfModecd: kind.levy, NetWt: kilograms(l.WeightGrams),
			// 3 增加: every line of a new declaration is added.
			ModfMarkcd: "3",
		})
	}
	return m, nil
}

// specification is the line's 规格型号: the trace code, which ties the
// declared goods to their batch on this platform.
func specification(l model.DocumentLine) string {
	return "溯源码:" + l.TraceCode
}

// hs10 pads an 8-digit HS code to the 10 digits the messages carry.
func hs10(code string) string {
	if len(code) == 8 {
		return code + "00"
	}
	return code
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// declaredDate is the import head date (yyyyMMdd, pitfall 8) of the
// declaration, in the zone's time zone.
func declaredDate(d model.Document, c Context) string {
	if t, err := time.Parse(time.RFC3339Nano, d.DeclaredAt); err == nil {
		return t.In(c.Location).Format("20060102")
	}
	return c.Now.In(c.Location).Format("20060102")
}
