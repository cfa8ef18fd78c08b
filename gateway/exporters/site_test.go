package exporters

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// siteRow is one registration as the website lists it: its cells as
// printed, quirks included.
type siteRow struct {
	country, regNo, localNo, name, products, registered, expires, status string
	// noStatus leaves the status cell out of the row, as the site does for
	// some entries.
	noStatus bool
}

// site generates the registry website's listing (the official system,
// 进口食品境外生产企业注册管理系统, cannot be reached from here): pages of
// perPage rows, with the page's layout table before the listing, a header
// row in <thead>, cells holding spans, non-breaking and full-width spaces
// and line breaks, and a pager saying 共 N 页.
func site(rows []siteRow, perPage int) map[int]string {
	pages := max(1, (len(rows)+perPage-1)/perPage)
	out := map[int]string{}
	for p := 1; p <= pages; p++ {
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>进口食品境外生产企业注册信息查询</title>
<script>var _hmt = _hmt || [];</script></head>
<body>
<div class="top"><img src="/img/logo.png" alt="中华人民共和国海关总署"></div>
<table class="search"><tr><td>国家（地区）：</td><td><select name="country"><option>全部</option></select></td>
<td>企业名称：</td><td><input name="name"></td><td><button>查询</button></td></tr></table>
<div class="list-box">
<table class="table-list" cellspacing="0" cellpadding="0">
<thead><tr><th>序号</th><th>国家（地区）</th><th>在华注册编号</th><th>所在国家（地区）注册编号</th>
<th>企业名称</th><th>产品类别</th><th>注册日期</th><th>有效期至</th><th>注册状态</th></tr></thead>
<tbody>
`)
		for i := (p - 1) * perPage; i < min(len(rows), p*perPage); i++ {
			r := rows[i]
			fmt.Fprintf(&b, "<tr class=%q>\n  <td>%d</td><td> %s </td>\n  <td>\n    <span class=\"no\">%s</span>&nbsp;</td><td>%s</td>\n"+
				"  <td title=\"%s\"><a href=\"/detail?id=%d\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>",
				[]string{"odd", "even"}[i%2], i+1, r.country, r.regNo, r.localNo, r.name, i, r.name, r.products, r.registered, r.expires)
			if !r.noStatus {
				fmt.Fprintf(&b, "<td><font color=\"green\">%s</font></td>", r.status)
			}
			b.WriteString("\n</tr>\n")
		}
		fmt.Fprintf(&b, `</tbody></table></div>
<div class="page"><span>共 %d 页 %d 条</span>
<a href="?page=1">首页</a>`, pages, len(rows))
		if p > 1 {
			fmt.Fprintf(&b, ` <a href="?page=%d">上一页</a>`, p-1)
		}
		if p < pages {
			fmt.Fprintf(&b, ` <a href="?page=%d">下一页</a>`, p+1)
		}
		fmt.Fprintf(&b, ` <a href="?page=%d">尾页</a></div>
<div class="footer">版权所有：中华人民共和国海关总署</div></body></html>`, pages)
		out[p] = b.String()
	}
	return out
}

// sampleRows are the listing the tests crawl: ten registrations over
// three pages of four, with the website's quirks.
func sampleRows() []siteRow {
	return []siteRow{
		{"巴西", "CBRA02001202300017", "SIF 0123", "COOXUPE EXPORTADORA LTDA", "咖啡豆", "2023-05-17", "2028-05-16", "有效", false},
		// Full-width letters and digits, full-width space in the name.
		{"哥伦比亚", "ＣＣＯＬ０２００１２０２２０００１１", "", "ALMACAFE　S.A.", "咖啡豆", "2022年3月1日", "2027年2月28日", "有效", false},
		{"埃塞俄比亚", "CETH02001202400003", "ET-77", "YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION", "咖啡豆", "2024/1/9", "2029/1/8", "有 效", false},
		// No expiry (long term) and no status cell.
		{"越南", "CVNM02001202100042", "", "SIMEXCO DAKLAK LTD", "咖啡豆、咖啡制品", "2021-07-01", "长期", "", true},
		{"巴西", "CBRA02001201900008", "", "CAFE BRASIL EXPORT S.A.", "咖啡豆", "2019-02-01", "2024-01-31", "已过期", false},
		{"哥伦比亚", "CCOL02001202300150", "", "EXPORTADORA ANDINA CIA", "咖啡豆", "2023-09-01", "2028-08-31", "暂停进口", false},
		// A country the parser does not know: skipped, never guessed.
		{"亚特兰蒂斯", "CXXX02001202300001", "", "LOST CITY COFFEE", "咖啡豆", "2023-01-01", "2028-01-01", "有效", false},
		// A missing registration number: skipped.
		{"巴西", "", "", "NO NUMBER COFFEE", "咖啡豆", "2023-01-01", "2028-01-01", "有效", false},
		{"埃塞俄比亚", "CETH02001202400021", "", "SIDAMA COFFEE FARMERS COOPERATIVE UNION", "咖啡豆", "2024-02-01", "2029-01-31", "有效", false},
		{"印度尼西亚", "CIDN02001202200077", "", "PT. KOPI NUSANTARA TBK", "咖啡豆", "2022-06-01", "2027-05-31", "注销", false},
	}
}

// siteServer serves pages as the website does, ?page=n, and counts the
// requests of each page.
type siteServer struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[int]string
	hits  map[int]int
}

func serveSite(t *testing.T, pages map[int]string) *siteServer {
	s := &siteServer{pages: pages, hits: map[int]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("page"))
		s.mu.Lock()
		page, ok := s.pages[n]
		s.hits[n]++
		s.mu.Unlock()
		if err != nil || !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *siteServer) set(pages map[int]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages = pages
}

// pageSource is a Source of pages in memory.
type pageSource map[int]string

func (p pageSource) Page(_ context.Context, n int) ([]byte, error) {
	page, ok := p[n]
	if !ok {
		return nil, fmt.Errorf("no page %d", n)
	}
	return []byte(page), nil
}
