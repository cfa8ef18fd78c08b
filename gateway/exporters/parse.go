package exporters

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/width"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/ocr"
)

// Listing is one page of the registry website's listing.
type Listing struct {
	Entries []model.ExporterEntry
	// Skipped are rows that could not be read: they are reported, never
	// guessed at.
	Skipped []Skip
	// Pages is the number of pages the listing says it has (1 when it
	// names none).
	Pages int
}

// Skip is a row of a page that was not read, and why.
type Skip struct {
	Row   int        `json:"row"`
	RegNo string     `json:"regNo"`
	Field string     `json:"field"`
	Rule  model.Rule `json:"rule"`
}

// columnTitles are the headers the listing names its columns by (the
// official site's wording and its variants), compared after cleanCell().
var columnTitles = map[string]string{
	"在华注册编号": "regNo", "注册编号": "regNo", "在华注册号": "regNo",
	"企业名称": "name", "生产企业名称": "name", "境外生产企业名称": "name", "企业名称(英文)": "name",
	"国家(地区)": "country", "国家/地区": "country", "所在国家(地区)": "country", "国家地区": "country",
	"产品类别": "products", "注册产品类别": "products", "产品种类": "products",
	"注册日期": "registeredOn", "注册生效日期": "registeredOn", "生效日期": "registeredOn",
	"有效期至": "expiresOn", "注册有效期至": "expiresOn", "有效截止日期": "expiresOn", "截止日期": "expiresOn",
	"注册状态": "status", "状态": "status",
}

// statusWords are the website's statuses.
var statusWords = map[string]model.ExporterStatus{
	"有效": model.ExporterValid, "正常": model.ExporterValid, "在有效期内": model.ExporterValid,
	"已过期": model.ExporterExpired, "过期": model.ExporterExpired, "失效": model.ExporterExpired,
	"暂停": model.ExporterSuspended, "暂停进口": model.ExporterSuspended, "已暂停": model.ExporterSuspended,
	"注销": model.ExporterCancelled, "已注销": model.ExporterCancelled, "撤销": model.ExporterCancelled, "已撤销": model.ExporterCancelled,
}

var countryByZh = func() map[string]string {
	out := map[string]string{}
	for _, code := range model.Countries {
		if zh := ocr.CountryZh(code); zh != "" {
			out[zh] = code
		}
	}
	return out
}()

var (
	pagesText = regexp.MustCompile(`共\s*(\d+)\s*页`)
	pageHref  = regexp.MustCompile(`[?&]page=(\d+)`)
	dateParts = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
)

// clean folds full-width characters, drops zero-width and non-breaking
// spaces and collapses white space: the website's cells carry all of them.
func cleanCell(s string) string {
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200b' || r == '\ufeff':
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Parse reads one page of the listing: the table whose header names a
// registration number column, one entry per row, and the page count.
func Parse(r io.Reader) (Listing, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return Listing{}, fmt.Errorf("parse listing: %w", err)
	}
	out := Listing{Pages: 1}
	text := cleanCell(textOf(doc))
	if m := pagesText.FindStringSubmatch(text); m != nil {
		out.Pages, _ = strconv.Atoi(m[1])
	}
	walk(doc, func(n *html.Node) {
		if n.DataAtom == atom.A {
			if m := pageHref.FindStringSubmatch(attr(n, "href")); m != nil {
				if p, _ := strconv.Atoi(m[1]); p > out.Pages {
					out.Pages = p
				}
			}
		}
	})
	table, cols := findTable(doc)
	if table == nil {
		return out, fmt.Errorf("parse listing: no table with a 在华注册编号 column")
	}
	row := 0
	for _, tr := range rowsOf(table) {
		cells := cellsOf(tr)
		if len(cells) == 0 || isHeader(tr) {
			continue
		}
		row++
		e, problem := entryOf(cols, cells)
		if problem != nil {
			out.Skipped = append(out.Skipped, Skip{Row: row, RegNo: e.RegNo, Field: problem.Field, Rule: problem.Rule})
			continue
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// entryOf reads a row; a problem says why it cannot be kept.
func entryOf(cols map[int]string, cells []string) (model.ExporterEntry, *model.Problem) {
	var e model.ExporterEntry
	var rawStatus, rawCountry string
	for i, v := range cells {
		switch cols[i] {
		case "regNo":
			e.RegNo = NormalizeRegNo(v)
		case "name":
			e.Name = v
		case "country":
			rawCountry = v
		case "products":
			e.Products = v
		case "registeredOn":
			e.RegisteredOn = date(v)
		case "expiresOn":
			e.ExpiresOn = date(v)
		case "status":
			rawStatus = v
		}
	}
	e.Country = countryCode(rawCountry)
	e.Status = model.ExporterValid
	if rawStatus != "" {
		st, ok := statusWords[strings.ReplaceAll(rawStatus, " ", "")]
		if !ok {
			return e, &model.Problem{Field: "exporter.status", Rule: model.RuleUnknownValue}
		}
		e.Status = st
	}
	if ps := model.CheckExporterEntry("exporter", e); len(ps) > 0 {
		return e, &ps[0]
	}
	return e, nil
}

// countryCode reads a country cell: an ISO code, or a Chinese name,
// possibly followed by the English one ("巴西 BRAZIL").
func countryCode(v string) string {
	if code := strings.ToUpper(v); model.IsCountry(code) {
		return code
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '/' || r == '(' || r == ')' }) {
		if code, ok := countryByZh[part]; ok {
			return code
		}
	}
	return v
}

// date reads 2023-05-17, 2023/5/17 or 2023年5月17日 as YYYY-MM-DD; what it
// cannot read stays as it was, for the entry's check to refuse.
func date(v string) string {
	if v == "" || v == "-" || v == "/" || v == "长期" || v == "长期有效" {
		return ""
	}
	m := dateParts.FindStringSubmatch(v)
	if m == nil {
		return v
	}
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return fmt.Sprintf("%s-%02d-%02d", m[1], mo, d)
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
	})
	return b.String()
}

// findTable is the first table with a registration number column, and
// its columns by index.
func findTable(doc *html.Node) (*html.Node, map[int]string) {
	var table *html.Node
	var cols map[int]string
	walk(doc, func(n *html.Node) {
		if table != nil || n.DataAtom != atom.Table {
			return
		}
		for _, tr := range rowsOf(n) {
			if !isHeader(tr) {
				continue
			}
			found := map[int]string{}
			for i, h := range cellsOf(tr) {
				if field, ok := columnTitles[strings.ReplaceAll(h, " ", "")]; ok {
					found[i] = field
				}
			}
			for _, f := range found {
				if f == "regNo" {
					table, cols = n, found
					return
				}
			}
		}
	})
	return table, cols
}

// rowsOf are a table's own rows (not those of tables within it).
func rowsOf(table *html.Node) []*html.Node {
	var out []*html.Node
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Tr:
				out = append(out, c)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				visit(c)
			}
		}
	}
	visit(table)
	return out
}

func isHeader(tr *html.Node) bool {
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Th {
			return true
		}
	}
	return tr.Parent != nil && tr.Parent.DataAtom == atom.Thead
}

func cellsOf(tr *html.Node) []string {
	var out []string
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
			out = append(out, cleanCell(textOf(c)))
		}
	}
	return out
}
