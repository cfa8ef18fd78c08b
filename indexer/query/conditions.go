package query

import (
	"strconv"
	"strings"
)

// conditions builds the WHERE clause of a query and its arguments, numbering
// the placeholders as they are added.
type conditions struct {
	conds []string
	args  []any
}

// add adds a condition with one argument; each "?" in cond stands for it.
func (c *conditions) add(cond string, arg any) {
	c.conds = append(c.conds, strings.ReplaceAll(cond, "?", c.arg(arg)))
}

// raw adds a condition without arguments.
func (c *conditions) raw(cond string) { c.conds = append(c.conds, cond) }

// arg appends an argument and returns its placeholder, for conditions
// that take several.
func (c *conditions) arg(a any) string {
	c.args = append(c.args, a)
	return "$" + strconv.Itoa(len(c.args))
}

// where is the conjunction of the conditions (TRUE when there are none).
func (c *conditions) where() string {
	if len(c.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(c.conds, " AND ")
}

// page returns the LIMIT/OFFSET clause of page number page (from 1) of size
// rows, and the arguments with the paging ones appended; the conditions'
// own arguments are left for the count.
func (c *conditions) page(page, size int) (string, []any) {
	args := append(append([]any{}, c.args...), size, int64(page-1)*int64(size))
	n := len(c.args)
	return " LIMIT $" + strconv.Itoa(n+1) + " OFFSET $" + strconv.Itoa(n+2), args
}
