package query

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidCursor reports a page cursor this API did not issue.
var ErrInvalidCursor = errors.New("query: invalid cursor")

// listKey is where a row stands in a newest-first list: documents order by
// (abnormal, updatedAt, id), prefilings by (updatedAt, id), all descending.
type listKey struct {
	Abnormal  bool      `json:"a,omitempty"`
	UpdatedAt time.Time `json:"u"`
	ID        string    `json:"i"`
}

// listCursor is a page's next or prev: the key of the row next to the page
// wanted, and on which side of it the page lies (Back: the newer rows).
type listCursor struct {
	listKey
	Back bool `json:"r,omitempty"`
}

func (c listCursor) String() string {
	raw, _ := json.Marshal(c) // a struct of a bool, a time and a string
	return base64.RawURLEncoding.EncodeToString(raw)
}

func parseListCursor(s string) (*listCursor, error) {
	var c listCursor
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil || c.ID == "" || c.UpdatedAt.IsZero() {
		return nil, fmt.Errorf("%w: %q is not a cursor this API issued", ErrInvalidCursor, s)
	}
	return &c, nil
}

// listPaging is how a list is paged: by page number (offset) or by cursor.
type listPaging struct {
	size   int
	offset int64
	cursor *listCursor
}

// newListPaging reads a filter's paging; a cursor, when given, overrides the
// page number.
func newListPaging(page, size int, cursor string) (listPaging, error) {
	p := listPaging{size: size, offset: int64(page-1) * int64(size)}
	if cursor != "" {
		c, err := parseListCursor(cursor)
		if err != nil {
			return p, err
		}
		p.cursor, p.offset = c, 0
	}
	return p, nil
}

// listSpec is a newest-first list: its table, its key columns (most
// significant first; the last one unique) and the columns a page reads.
// arms are the WHERE clauses whose union the list is: one, or two for an
// enterprise's documents (declared by it, or naming it as counterparty),
// each walked along its own index so PostgreSQL merges two ordered scans
// instead of sorting every match.
type listSpec struct {
	table, alias string
	keys         []string
	columns      string
	arms         []string
}

// ctes renders the two common table expressions of a list's one statement:
// page, the page's rows (one more than the page size, to tell whether
// another page follows) in the order walked — descending, ascending when
// going back — and total, the number of matches up to CountCap+1. Count and
// page in one statement cost one round trip and one snapshot, without the
// repeatable-read transaction two statements needed.
func (s listSpec) ctes(c *conditions, p listPaging) string {
	dir, cmp := " DESC", "<"
	if p.cursor != nil && p.cursor.Back {
		dir, cmp = "", ">"
	}
	qualified := make([]string, len(s.keys))
	for i, k := range s.keys {
		qualified[i] = s.alias + "." + k
	}
	order := func(cols []string) string { return strings.Join(cols, dir+", ") + dir }
	after := ""
	if p.cursor != nil {
		values := make([]string, 0, len(s.keys))
		for _, k := range s.keys {
			switch k {
			case "abnormal":
				values = append(values, c.arg(p.cursor.Abnormal)+"::boolean")
			case "updated_at":
				values = append(values, c.arg(p.cursor.UpdatedAt)+"::timestamptz")
			default:
				values = append(values, c.arg(p.cursor.ID)+"::text")
			}
		}
		after = fmt.Sprintf(" AND (%s) %s (%s)", strings.Join(qualified, ", "), cmp, strings.Join(values, ", "))
	}
	n := int64(p.size) + 1
	var page string
	if len(s.arms) == 1 {
		page = fmt.Sprintf(`SELECT %s FROM %s WHERE %s%s ORDER BY %s LIMIT %s OFFSET %s`,
			s.columns, s.table, s.arms[0], after, order(qualified), c.arg(n), c.arg(p.offset))
	} else {
		armLimit := c.arg(n + p.offset)
		arms := make([]string, len(s.arms))
		for i, w := range s.arms {
			arms[i] = fmt.Sprintf(`(SELECT %s FROM %s WHERE %s%s ORDER BY %s LIMIT %s)`,
				s.columns, s.table, w, after, order(qualified), armLimit)
		}
		page = fmt.Sprintf(`SELECT * FROM (%s) arms ORDER BY %s LIMIT %s OFFSET %s`,
			strings.Join(arms, " UNION ALL "), order(s.keys), c.arg(n), c.arg(p.offset))
	}
	counted := make([]string, len(s.arms))
	for i, w := range s.arms {
		counted[i] = fmt.Sprintf(`(SELECT 1 FROM %s WHERE %s LIMIT %d)`, s.table, w, CountCap+1)
	}
	return fmt.Sprintf(`WITH page AS (%s),
		total AS (SELECT count(*) AS n FROM (SELECT 1 FROM (%s) arms LIMIT %d) capped)`,
		page, strings.Join(counted, " UNION ALL "), CountCap+1)
}

// pageLinks trims the one extra row a page read and returns the cursors of
// the pages around it. keys are the keys of the rows read, newest first.
func (p listPaging) pageLinks(keys []listKey) (kept int, next, prev string) {
	kept = len(keys)
	if kept == 0 {
		return 0, "", ""
	}
	back := p.cursor != nil && p.cursor.Back
	first, last := 0, kept-1
	more := kept > p.size
	if more {
		kept = p.size
		if back {
			first = 1 // the extra row is the newest, read last going back
		} else {
			last = p.size - 1
		}
	}
	if back {
		// Going back from a cursor: the cursor's own row follows the page.
		next = listCursor{listKey: keys[last]}.String()
		if more {
			prev = listCursor{listKey: keys[first], Back: true}.String()
		}
		return kept, next, prev
	}
	if more {
		next = listCursor{listKey: keys[last]}.String()
	}
	if p.cursor != nil || p.offset > 0 {
		prev = listCursor{listKey: keys[first], Back: true}.String()
	}
	return kept, next, prev
}

// trimmed returns the rows of a page from what was read: going back the
// extra row is the first, otherwise the last.
func trimmed[T any](p listPaging, rows []T, kept int) []T {
	if len(rows) > kept && p.cursor != nil && p.cursor.Back {
		return rows[len(rows)-kept:]
	}
	return rows[:kept]
}
