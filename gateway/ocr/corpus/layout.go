package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"zonetrace/chaincode/model"
)

// A page is laid out once and drawn either as pixels (a scan) or as a PDF
// with a text layer: the same certificate either way.

// Page size in pixels: A4 at 150 dpi, a common office scan.
const (
	PageWidth  = 1240
	PageHeight = 1754
)

type text struct {
	X, Y float64 // baseline start, pixels
	Size float64 // pixels
	S    string
	// Field names the label whose value this text carries, if any.
	Field string
}

type rule struct{ X0, Y0, X1, Y1 float64 }

type seal struct {
	X, Y, R float64
	Words   string
}

type page struct {
	Texts []text
	Rules []rule
	Seal  *seal
}

// pools of values: the tuning set and the held-out set draw from disjoint
// lists, so the held-out figures measure values the extraction was never
// tuned on.
type pools struct {
	Countries []string // codes
	Exporters []string
	Consign   []string
	Bodies    []string
	Goods     []string
	Years     []int
}

var originNames = map[string]struct{ En, Zh string }{
	"BR": {"BRAZIL", "巴西"}, "CO": {"COLOMBIA", "哥伦比亚"}, "ET": {"ETHIOPIA", "埃塞俄比亚"}, "VN": {"VIETNAM", "越南"},
	"ID": {"INDONESIA", "印度尼西亚"}, "GT": {"GUATEMALA", "危地马拉"}, "HN": {"HONDURAS", "洪都拉斯"}, "KE": {"KENYA", "肯尼亚"},
	"PE": {"PERU", "秘鲁"}, "MX": {"MEXICO", "墨西哥"}, "CR": {"COSTA RICA", "哥斯达黎加"}, "UG": {"UGANDA", "乌干达"},
	"RW": {"RWANDA", "卢旺达"}, "TZ": {"TANZANIA", "坦桑尼亚"}, "NI": {"NICARAGUA", "尼加拉瓜"}, "SV": {"EL SALVADOR", "萨尔瓦多"},
	"EC": {"ECUADOR", "厄瓜多尔"}, "BO": {"BOLIVIA", "玻利维亚"}, "PG": {"PAPUA NEW GUINEA", "巴布亚新几内亚"}, "LA": {"LAOS", "老挝"},
	"JM": {"JAMAICA", "牙买加"}, "PA": {"PANAMA", "巴拿马"}, "IN": {"INDIA", "印度"}, "YE": {"YEMEN", "也门"},
	"BI": {"BURUNDI", "布隆迪"}, "TH": {"THAILAND", "泰国"}, "US": {"UNITED STATES", "美国"}, "AU": {"AUSTRALIA", "澳大利亚"},
}

var tuningPools = pools{
	Countries: []string{"BR", "CO", "ET", "VN", "ID", "GT", "HN", "KE", "PE", "MX", "CR", "UG", "RW", "TZ"},
	Exporters: []string{"COOXUPE EXPORTADORA LTDA", "ALMACAFE S.A.", "YIRGA CHEFE COFFEE UNION", "SIMEXCO DAKLAK LTD",
		"PT INDOKOM CITRA PERSADA", "FEDECOCAGUA", "MOLINOS DE HONDURAS", "KENYA COFFEE MILLS LTD"},
	Consign: []string{"KUNSHAN HUAXIN TRADING CO., LTD.", "SUZHOU YUNDOU FOOD CO., LTD.", "KUNSHAN BONDED COFFEE HUB CO., LTD."},
	Bodies:  []string{"昆山海关", "苏州海关", "上海海关"},
	Goods:   []string{"GREEN COFFEE BEANS", "ARABICA GREEN COFFEE", "ROBUSTA GREEN COFFEE BEANS"},
	Years:   []int{2023, 2024},
}

var heldOutPools = pools{
	Countries: []string{"NI", "SV", "EC", "BO", "PG", "LA", "JM", "PA", "IN", "YE", "BI", "TH", "US", "AU"},
	Exporters: []string{"CAFE NICARAGUENSE S.A.", "CUSCATLAN COFFEE EXPORTS", "EXPORTADORA ANDINA CIA", "SOL DE LOS ANDES SRL",
		"HIGHLANDS PNG COFFEE LTD", "BOLAVEN PLATEAU COFFEE", "BLUE MOUNTAIN TRADERS LTD", "BOQUETE ESTATES INC"},
	Consign: []string{"KUNSHAN ZHENGHE IMPORT CO., LTD.", "JIANGSU XIANGMAN BEVERAGE CO., LTD."},
	Bodies:  []string{"南京海关", "杭州海关", "宁波海关"},
	Goods:   []string{"SPECIALTY GREEN COFFEE", "WASHED ARABICA COFFEE BEANS"},
	Years:   []int{2025, 2026},
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// jitter is a small random offset, wider in the held-out set: its layouts
// are shifted further than anything tuned on.
func jitter(r *rand.Rand, held bool, span float64) float64 {
	if held {
		span *= 1.6
	}
	return (r.Float64()*2 - 1) * span
}

// newTruth draws the values of a certificate.
func newTruth(r *rand.Rand, kind string, p pools) Truth {
	t := Truth{Kind: kind}
	switch kind {
	case model.AttachmentOriginCertificate:
		t.Origin = pick(r, p.Countries)
	case model.AttachmentQuarantineCertificate:
		t.BatchNo = fmt.Sprintf("%d%02d%d%010d", 32+r.IntN(3), r.IntN(100), r.IntN(10), r.Int64N(1e10))
		t.Result = string(model.QuarantineQualified)
		if r.IntN(4) == 0 {
			t.Result = string(model.QuarantineUnqualified)
		}
		t.Date = fmt.Sprintf("%d-%02d-%02d", pick(r, p.Years), 1+r.IntN(12), 1+r.IntN(28))
	}
	return t
}

// originPage lays out a certificate of origin in the boxed form exporting
// countries' chambers of commerce issue.
func originPage(r *rand.Rand, t Truth, p pools, held bool) page {
	var pg page
	left := 90 + jitter(r, held, 25)
	right := PageWidth - 90 + jitter(r, held, 25)
	y := 130 + jitter(r, held, 30)
	body := 27 + jitter(r, held, 2)
	gap := body * (1.7 + jitter(r, held, 0.12))
	name := originNames[t.Origin]
	pg.Texts = append(pg.Texts, text{X: PageWidth/2 - 260 + jitter(r, held, 30), Y: y, Size: 44, S: "CERTIFICATE OF ORIGIN"})
	y += 70
	pg.Texts = append(pg.Texts, text{X: right - 380, Y: y, Size: body, S: fmt.Sprintf("No. %s%d/%06d", t.Origin, pick(r, p.Years), r.IntN(1e6))})
	y += 30
	exporter := pick(r, p.Exporters)
	box := func(lines ...string) {
		top := y
		y += gap
		for _, l := range lines {
			pg.Texts = append(pg.Texts, text{X: left + 18, Y: y, Size: body, S: l})
			y += gap
		}
		y -= gap * 0.4
		pg.Rules = append(pg.Rules, rule{left, top, right, top}, rule{left, top, left, y}, rule{right, top, right, y})
	}
	box("1. Exporter (name, address, country):", exporter, fmt.Sprintf("%d AVENIDA CENTRAL, %s", 10+r.IntN(900), name.En))
	box("2. Consignee (name, address, country):", pick(r, p.Consign), "KUNSHAN, JIANGSU, CHINA")
	// The origin box comes in three forms seen in practice: value after the
	// label, value on the next line, and a bilingual form.
	originFrom := len(pg.Texts)
	switch r.IntN(3) {
	case 0:
		box("3. Country of origin: " + name.En)
	case 1:
		box("3. Country of origin:", name.En)
	default:
		box("3. 原产国（地区） Country of origin: " + name.Zh + " " + name.En)
	}
	for i := originFrom; i < len(pg.Texts); i++ {
		pg.Texts[i].Field = "origin"
	}
	box(fmt.Sprintf("4. HS code: 0901.%d%d", 1+r.IntN(2), 1+r.IntN(2)), fmt.Sprintf("5. Marks and numbers: %s-%04d", t.Origin, r.IntN(1e4)))
	box(fmt.Sprintf("6. Description of goods: %s, %d BAGS OF 60 KG", pick(r, p.Goods), 50+r.IntN(600)))
	box("7. Certification: It is hereby certified that the goods", "described above originate in the country shown in box 3.",
		fmt.Sprintf("CHAMBER OF COMMERCE, %s   %d-%02d-%02d", name.En, pick(r, p.Years), 1+r.IntN(12), 1+r.IntN(28)))
	pg.Rules = append(pg.Rules, rule{left, y, right, y})
	pg.Seal = &seal{X: right - 230 + jitter(r, held, 40), Y: y - gap*1.2 + jitter(r, held, 20), R: 105 + jitter(r, held, 10), Words: "CHAMBER OF COMMERCE"}
	return pg
}

// rowFields are the labelled fields of the quarantine table's rows, by
// label, named as gateway/ocr names them.
var rowFields = map[string]string{"检疫批次号": "quarantineBatchNo", "检疫结果": "quarantineResult", "签发日期": "quarantineDate"}

// quarantinePage lays out an entry goods inspection and quarantine
// certificate (入境货物检验检疫证明) as a table of labelled rows.
func quarantinePage(r *rand.Rand, t Truth, p pools, held bool) page {
	var pg page
	left := 100 + jitter(r, held, 25)
	right := PageWidth - 100 + jitter(r, held, 25)
	mid := left + 300 + jitter(r, held, 30)
	y := 140 + jitter(r, held, 30)
	body := 28 + jitter(r, held, 2)
	row := body * (2.1 + jitter(r, held, 0.15))
	pg.Texts = append(pg.Texts,
		text{X: PageWidth/2 - 170 + jitter(r, held, 20), Y: y, Size: 38, S: "中华人民共和国海关"},
		text{X: PageWidth/2 - 230 + jitter(r, held, 20), Y: y + 64, Size: 44, S: "入境货物检验检疫证明"})
	y += 130
	pg.Texts = append(pg.Texts, text{X: right - 400, Y: y, Size: body, S: fmt.Sprintf("编号：%d", 3e14+r.Int64N(1e14))})
	y += 30
	body2 := body
	date := t.Date
	if r.IntN(2) == 0 {
		if d, err := time.Parse(time.DateOnly, t.Date); err == nil {
			date = fmt.Sprintf("%d年%02d月%02d日", d.Year(), d.Month(), d.Day())
		}
	}
	result := "合格"
	if t.Result == string(model.QuarantineUnqualified) {
		result = "不合格"
	}
	country := originNames[pick(r, tuningPools.Countries)].Zh
	if held {
		country = originNames[pick(r, heldOutPools.Countries)].Zh
	}
	rows := [][2]string{
		{"收货人", pick(r, p.Consign)},
		{"发货人", pick(r, p.Exporters)},
		{"品名", "生咖啡豆 " + pick(r, p.Goods)},
		{"HS编码", fmt.Sprintf("0901.%d%d00", 1+r.IntN(2), 1+r.IntN(2))},
		{"报检数/重量", fmt.Sprintf("%d袋 / %d千克", 50+r.IntN(600), 3000+r.IntN(40000))},
		{"输出国家或地区", country},
		{"检疫批次号", t.BatchNo},
		{"检疫结果", result},
		{"签发日期", date},
	}
	// Row order varies between issuing offices, and so does the place of
	// the batch number.
	if r.IntN(2) == 0 {
		rows[6], rows[4] = rows[4], rows[6]
	}
	top := y
	for _, rw := range rows {
		pg.Rules = append(pg.Rules, rule{left, y, right, y})
		pg.Texts = append(pg.Texts, text{X: left + 16, Y: y + row*0.68, Size: body2, S: rw[0]},
			text{X: mid + 16, Y: y + row*0.68, Size: body2, S: rw[1], Field: rowFields[rw[0]]})
		y += row
	}
	pg.Rules = append(pg.Rules, rule{left, y, right, y}, rule{left, top, left, y}, rule{right, top, right, y}, rule{mid, top, mid, y})
	y += row
	opinion := "上述货物经检验检疫，" + result + "。"
	pg.Texts = append(pg.Texts, text{X: left + 16, Y: y, Size: body, S: "评定意见：" + opinion})
	y += row * 1.4
	bodyName := pick(r, p.Bodies)
	pg.Texts = append(pg.Texts, text{X: right - 520, Y: y, Size: body, S: "检验检疫机构：" + bodyName})
	pg.Seal = &seal{X: right - 300 + jitter(r, held, 40), Y: y - row + jitter(r, held, 25), R: 110 + jitter(r, held, 10), Words: strings.TrimSuffix(bodyName, "海关") + "海关"}
	return pg
}
