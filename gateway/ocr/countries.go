package ocr

import (
	"strings"
	"unicode"
)

// country is an origin a certificate may name: its ISO 3166-1 alpha-2 code
// (what a prefiling's origin holds, model.Countries), its Chinese name (what
// the form shows) and the English names certificates print.
type country struct {
	Code    string
	Zh      string
	English []string
}

// countries are the origins of the goods the zone imports (coffee's
// producers first) and the main trading countries. A certificate naming a
// country missing here yields no origin, flagged for a person, never a
// guess.
var countries = []country{
	{"BR", "巴西", []string{"BRAZIL", "BRASIL", "FEDERATIVE REPUBLIC OF BRAZIL"}},
	{"CO", "哥伦比亚", []string{"COLOMBIA"}},
	{"ET", "埃塞俄比亚", []string{"ETHIOPIA"}},
	{"VN", "越南", []string{"VIETNAM", "VIET NAM"}},
	{"ID", "印度尼西亚", []string{"INDONESIA"}},
	{"GT", "危地马拉", []string{"GUATEMALA"}},
	{"HN", "洪都拉斯", []string{"HONDURAS"}},
	{"KE", "肯尼亚", []string{"KENYA"}},
	{"PE", "秘鲁", []string{"PERU"}},
	{"MX", "墨西哥", []string{"MEXICO"}},
	{"CR", "哥斯达黎加", []string{"COSTA RICA"}},
	{"YE", "也门", []string{"YEMEN"}},
	{"UG", "乌干达", []string{"UGANDA"}},
	{"JM", "牙买加", []string{"JAMAICA"}},
	{"PA", "巴拿马", []string{"PANAMA"}},
	{"IN", "印度", []string{"INDIA"}},
	{"CN", "中国", []string{"CHINA", "PEOPLE'S REPUBLIC OF CHINA"}},
	{"RW", "卢旺达", []string{"RWANDA"}},
	{"BI", "布隆迪", []string{"BURUNDI"}},
	{"TZ", "坦桑尼亚", []string{"TANZANIA"}},
	{"NI", "尼加拉瓜", []string{"NICARAGUA"}},
	{"SV", "萨尔瓦多", []string{"EL SALVADOR"}},
	{"EC", "厄瓜多尔", []string{"ECUADOR"}},
	{"BO", "玻利维亚", []string{"BOLIVIA"}},
	{"PG", "巴布亚新几内亚", []string{"PAPUA NEW GUINEA"}},
	{"LA", "老挝", []string{"LAOS", "LAO PDR"}},
	{"TH", "泰国", []string{"THAILAND"}},
	{"US", "美国", []string{"UNITED STATES", "UNITED STATES OF AMERICA", "USA"}},
	{"CI", "科特迪瓦", []string{"COTE D'IVOIRE", "IVORY COAST"}},
	{"CM", "喀麦隆", []string{"CAMEROON"}},
	{"MY", "马来西亚", []string{"MALAYSIA"}},
	{"PH", "菲律宾", []string{"PHILIPPINES"}},
	{"VE", "委内瑞拉", []string{"VENEZUELA"}},
	{"DO", "多米尼加", []string{"DOMINICAN REPUBLIC"}},
	{"CU", "古巴", []string{"CUBA"}},
	{"HT", "海地", []string{"HAITI"}},
	{"AU", "澳大利亚", []string{"AUSTRALIA"}},
	{"NZ", "新西兰", []string{"NEW ZEALAND"}},
	{"JP", "日本", []string{"JAPAN"}},
	{"KR", "韩国", []string{"KOREA", "REPUBLIC OF KOREA", "SOUTH KOREA"}},
	{"DE", "德国", []string{"GERMANY"}},
	{"FR", "法国", []string{"FRANCE"}},
	{"IT", "意大利", []string{"ITALY"}},
	{"ES", "西班牙", []string{"SPAIN"}},
	{"NL", "荷兰", []string{"NETHERLANDS", "THE NETHERLANDS"}},
	{"BE", "比利时", []string{"BELGIUM"}},
	{"CH", "瑞士", []string{"SWITZERLAND"}},
	{"GB", "英国", []string{"UNITED KINGDOM", "GREAT BRITAIN"}},
	{"CA", "加拿大", []string{"CANADA"}},
	{"AR", "阿根廷", []string{"ARGENTINA"}},
	{"CL", "智利", []string{"CHILE"}},
	{"ZA", "南非", []string{"SOUTH AFRICA"}},
	{"SG", "新加坡", []string{"SINGAPORE"}},
	{"LK", "斯里兰卡", []string{"SRI LANKA"}},
	{"MM", "缅甸", []string{"MYANMAR"}},
	{"KH", "柬埔寨", []string{"CAMBODIA"}},
	{"NP", "尼泊尔", []string{"NEPAL"}},
	{"TL", "东帝汶", []string{"TIMOR-LESTE", "EAST TIMOR"}},
	{"MG", "马达加斯加", []string{"MADAGASCAR"}},
	{"MW", "马拉维", []string{"MALAWI"}},
	{"ZM", "赞比亚", []string{"ZAMBIA"}},
	{"ZW", "津巴布韦", []string{"ZIMBABWE"}},
}

// CountryZh returns the Chinese name of an origin code, or "" when the
// code is not one a certificate is read for.
func CountryZh(code string) string {
	for _, c := range countries {
		if c.Code == code {
			return c.Zh
		}
	}
	return ""
}

// letters keeps the upper-cased letters of s: OCR drops and adds spaces
// and punctuation in names freely.
func letters(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matchCountry finds the country s names, in Chinese or English, and how
// many edits of OCR noise the match took (0 for an exact name). ok is false
// when no name is near enough or two countries are equally near.
func matchCountry(s string) (c country, edits int, ok bool) {
	key := letters(s)
	if key == "" {
		return country{}, 0, false
	}
	best, bestEdits, tie := -1, 1<<30, false
	for i, cand := range countries {
		names := append([]string{cand.Zh}, cand.English...)
		for _, name := range names {
			n := letters(name)
			d := editDistance(key, n)
			// A longer value may carry noise around the name ("BRAZIL."
			// read as "BRAZILL"); containment of a whole name is exact.
			if strings.Contains(key, n) && len([]rune(n)) >= 2 && len([]rune(key))-len([]rune(n)) <= 3 {
				d = 0
			}
			if d < bestEdits {
				best, bestEdits, tie = i, d, false
			} else if d == bestEdits && best != i {
				tie = true
			}
		}
	}
	if best < 0 || tie || bestEdits > allowedEdits(key) {
		return country{}, 0, false
	}
	return countries[best], bestEdits, true
}

// allowedEdits is how much OCR noise a name of this length tolerates before
// it could be mistaken for another name.
func allowedEdits(key string) int {
	n := len([]rune(key))
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	default:
		return 0
	}
}

// editDistance is the Levenshtein distance of a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
