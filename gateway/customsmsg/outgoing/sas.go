package outgoing

import (
	"fmt"

	"zonetrace/chaincode/model"
)

// SAS111: SasStockBsc + SasStockDt* (CUSTOMS_MESSAGES.md §6). No enterprise
// import sample of it is public: the block and element names are the
// receipts' camelCase names in PascalCase, as INV101 and SAS121 do it, and
// the message block is named after them (SasStockMessage).
type stockMessage struct {
	Head  stockHead   `xml:"SasStockBsc"`
	Lines []stockLine `xml:"SasStockDt"`
}

type stockHead struct {
	SasStockPreentNo     string `xml:"SasStockPreentNo"`
	SasStockNo           string `xml:"SasStockNo"`
	EtpsPreentNo         string `xml:"EtpsPreentNo"`
	ChgTmsCnt            string `xml:"ChgTmsCnt"`
	DclTypecd            string `xml:"DclTypecd"`
	SasDclNo             string `xml:"SasDclNo"`
	MasterCuscd          string `xml:"MasterCuscd"`
	StockTypecd          string `xml:"StockTypecd"`
	BusinessTypecd       string `xml:"BusinessTypecd"`
	AreainOriactNo       string `xml:"AreainOriactNo"`
	AreainEtpsSccd       string `xml:"AreainEtpsSccd"`
	AreainEtpsno         string `xml:"AreainEtpsno"`
	AreainEtpsNm         string `xml:"AreainEtpsNm"`
	DclEtpsSccd          string `xml:"DclEtpsSccd"`
	DclEtpsno            string `xml:"DclEtpsno"`
	DclEtpsNm            string `xml:"DclEtpsNm"`
	InputSccd            string `xml:"InputSccd"`
	InputCode            string `xml:"InputCode"`
	InputName            string `xml:"InputName"`
	MtpckEndprdTypecd    string `xml:"MtpckEndprdTypecd"`
	CentralizedDclTypecd string `xml:"CentralizedDclTypecd"`
	PackageQty           string `xml:"PackageQty,omitempty"`
	GrossWt              string `xml:"GrossWt"`
	NetWt                string `xml:"NetWt"`
	DclTime              string `xml:"DclTime"`
	Rmk                  string `xml:"Rmk,omitempty"`
}

type stockLine struct {
	SasStockSeqno    int    `xml:"SasStockSeqno"`
	GdsMtno          string `xml:"GdsMtno"`
	Gdecd            string `xml:"Gdecd"`
	GdsNm            string `xml:"GdsNm"`
	GdsSpcfModelDesc string `xml:"GdsSpcfModelDesc"`
	DclUnitcd        string `xml:"DclUnitcd"`
	LawfUnitcd       string `xml:"LawfUnitcd"`
	Natcd            string `xml:"Natcd"`
	DclUprcAmt       string `xml:"DclUprcAmt"`
	DclTotalAmt      string `xml:"DclTotalAmt"`
	DclCurrcd        string `xml:"DclCurrcd"`
	DclQty           string `xml:"DclQty"`
	LawfQty          string `xml:"LawfQty"`
	NetWt            string `xml:"NetWt"`
	LvyrlfModecd     string `xml:"LvyrlfModecd"`
}

// stockTypes: 入库 is goods entering the zone (I), 出库 leaving it (E).
var stockTypes = map[model.BusinessType]string{model.BusinessIn: "I", model.BusinessOut: "E"}

func stock(d model.Document, c Context) (*stockMessage, error) {
	io, ok := stockTypes[d.BusinessType]
	if !ok {
		return nil, fmt.Errorf("%w: warehouse receipt business type %q", ErrUnmapped, d.BusinessType)
	}
	var packages, grams int64
	for _, l := range d.Lines {
		packages += l.Packages
		grams += l.WeightGrams
	}
	h := stockHead{
		SasStockPreentNo: c.SeqNo, SasStockNo: d.CustomsNo, EtpsPreentNo: d.ID, ChgTmsCnt: "0", DclTypecd: model.DeclarationFiling,
		SasDclNo: c.SasDclNo, MasterCuscd: c.CustomsArea, StockTypecd: io,
		// A 分送集报: the consolidated warehouse receipt (集报出入库单).
		BusinessTypecd: "A", AreainOriactNo: d.Head.AccountBookNo,
		AreainEtpsSccd: c.Declarant.Sccd, AreainEtpsno: c.Declarant.CustomsCode, AreainEtpsNm: c.Declarant.Name,
		DclEtpsSccd: c.Declarant.Sccd, DclEtpsno: c.Declarant.CustomsCode, DclEtpsNm: c.Declarant.Name,
		InputSccd: c.Declarant.Sccd, InputCode: c.Declarant.CustomsCode, InputName: c.Declarant.Name,
		MtpckEndprdTypecd: "I", CentralizedDclTypecd: "1", // 料件, 未集报
		GrossWt: kilograms(grams), NetWt: kilograms(grams), DclTime: declaredDate(d, c), Rmk: d.Head.Note,
	}
	if packages > 0 {
		h.PackageQty = fmt.Sprint(packages)
	}
	m := &stockMessage{Head: h}
	for _, l := range d.Lines {
		origin, err := CountryCode(l.Origin)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.Seq, err)
		}
		currency, err := CurrencyCode(l.Currency)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.Seq, err)
		}
		m.Lines = append(m.Lines, stockLine{
			SasStockSeqno: l.Seq, GdsMtno: orDefault(l.MaterialNo, l.HSCode), Gdecd: hs10(l.HSCode), GdsNm: l.ProductName,
			GdsSpcfModelDesc: specification(l), DclUnitcd: UnitKilogram, LawfUnitcd: UnitKilogram, Natcd: origin,
			DclUprcAmt: yuan(l.UnitPriceFen), DclTotalAmt: yuan(l.ValueFen), DclCurrcd: currency,
			DclQty: kilograms(l.WeightGrams), LawfQty: kilograms(l.WeightGrams), NetWt: kilograms(l.WeightGrams), LvyrlfModecd: "3",
		})
	}
	return m, nil
}

// SAS121: PassportHead + PassportList* (+ PassportAcmp*, §5). A gate
// registration is a gate pass of type 5 (卡口登记货物): it is bound to no
// checklist or warehouse receipt, so it has no related documents.
type passPortMessage struct {
	Head  passportHead   `xml:"PassportHead"`
	Lines []passportLine `xml:"PassportList"`
}

type passportHead struct {
	SeqNo          string `xml:"SeqNo"`
	PassportNo     string `xml:"PassportNo"`
	EtpsPreentNo   string `xml:"EtpsPreentNo"`
	DclTypecd      string `xml:"DclTypecd"`
	IoTypecd       string `xml:"IoTypecd"`
	PassportTypecd string `xml:"PassportTypecd"`
	MasterCuscd    string `xml:"MasterCuscd"`
	AreainOriactNo string `xml:"AreainOriactNo,omitempty"`
	AreainEtpsSccd string `xml:"AreainEtpsSccd"`
	AreainEtpsno   string `xml:"AreainEtpsno"`
	AreainEtpsNm   string `xml:"AreainEtpsNm"`
	DclEtpsSccd    string `xml:"DclEtpsSccd"`
	DclEtpsno      string `xml:"DclEtpsno"`
	DclEtpsNm      string `xml:"DclEtpsNm"`
	InputSccd      string `xml:"InputSccd"`
	InputCode      string `xml:"InputCode"`
	InputName      string `xml:"InputName"`
	VehicleNo      string `xml:"VehicleNo"`
	TotalGrossWt   string `xml:"TotalGrossWt"`
	TotalNetWt     string `xml:"TotalNetWt"`
	// TotalWt is the goods' gross weight only: our registrations do not
	// carry the vehicle's weights; the gate's weighbridge reading answers
	// in the receipts (passCollectWt, wtError).
	TotalWt   string `xml:"TotalWt"`
	DclErConc string `xml:"DclErConc"`
	Rmk       string `xml:"Rmk,omitempty"`
}

type passportLine struct {
	SeqNo         string `xml:"SeqNo"`
	PassportNo    string `xml:"PassportNo"`
	PassportSeqNo int    `xml:"PassportSeqNo"`
	GdsMtno       string `xml:"GdsMtno"`
	Gdecd         string `xml:"Gdecd"`
	GdsNm         string `xml:"GdsNm"`
	DclUnitcd     string `xml:"DclUnitcd"`
	DclQty        string `xml:"DclQty"`
	GrossWt       string `xml:"GrossWt"`
	NetWt         string `xml:"NetWt"`
}

// passportIO: a gate registration's entry is 进区 (I), its exit 出区 (E).
var passportIO = map[model.BusinessType]string{model.BusinessEntry: "I", model.BusinessExit: "E"}

// PassportTypeGateRegistration is 核放单类型 5, 卡口登记货物.
const PassportTypeGateRegistration = "5"

func passport(d model.Document, c Context) (*passPortMessage, error) {
	io, ok := passportIO[d.BusinessType]
	if !ok {
		return nil, fmt.Errorf("%w: gate registration business type %q", ErrUnmapped, d.BusinessType)
	}
	var grams int64
	for _, l := range d.Lines {
		grams += l.WeightGrams
	}
	h := passportHead{
		SeqNo: c.SeqNo, PassportNo: d.CustomsNo, EtpsPreentNo: d.ID, DclTypecd: model.DeclarationFiling, IoTypecd: io,
		PassportTypecd: PassportTypeGateRegistration, MasterCuscd: c.CustomsArea, AreainOriactNo: d.Head.AccountBookNo,
		AreainEtpsSccd: c.Declarant.Sccd, AreainEtpsno: c.Declarant.CustomsCode, AreainEtpsNm: c.Declarant.Name,
		DclEtpsSccd: c.Declarant.Sccd, DclEtpsno: c.Declarant.CustomsCode, DclEtpsNm: c.Declarant.Name,
		InputSccd: c.Declarant.Sccd, InputCode: c.Declarant.CustomsCode, InputName: c.Declarant.Name,
		VehicleNo: d.Head.VehiclePlate, TotalGrossWt: kilograms(grams), TotalNetWt: kilograms(grams), TotalWt: kilograms(grams),
		DclErConc: d.Head.Carrier, Rmk: d.Head.Note,
	}
	m := &passPortMessage{Head: h}
	for _, l := range d.Lines {
		m.Lines = append(m.Lines, passportLine{
			SeqNo: c.SeqNo, PassportNo: d.CustomsNo, PassportSeqNo: l.Seq, GdsMtno: orDefault(l.MaterialNo, l.HSCode),
			Gdecd: hs10(l.HSCode), GdsNm: l.ProductName, DclUnitcd: UnitKilogram, DclQty: kilograms(l.WeightGrams),
			GrossWt: kilograms(l.WeightGrams), NetWt: kilograms(l.WeightGrams),
		})
	}
	return m, nil
}
