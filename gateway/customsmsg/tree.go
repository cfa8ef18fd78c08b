// Package customsmsg reads the messages customs' national systems (金关二期)
// send back about declared documents: approval and gate receipts (INV201,
// SAS211, SAS223 …) and the Single Window client's import result
// (CommonResponeMessage). Messages are read as a generic element tree and
// looked up case-insensitively, because real receipts do not keep the casing
// of the published schemas (passID vs passId) and carry elements newer than
// them; the raw XML is kept by the caller.
package customsmsg

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// ErrMalformed reports a message that is not well-formed XML or lacks what
// every message of its kind carries.
var ErrMalformed = errors.New("malformed customs message")

// node is one XML element: its local name as written, its own text and its
// child elements in document order.
type node struct {
	name  string
	space string // the prefix as written, to match the end tag

	text     string
	children []*node
}

// child returns the first child element named name, in any letter case.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// all returns every child element named name, in any letter case.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			out = append(out, c)
		}
	}
	return out
}

// path follows child elements by name.
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// value is the trimmed text of the element at path, or "".
func (n *node) value(names ...string) string {
	if m := n.path(names...); m != nil {
		return strings.TrimSpace(m.text)
	}
	return ""
}

// parseTree reads raw into an element tree. The character set is the one
// the XML declaration names (UTF-8 when none): customs' mocks and some
// clients write GBK or GB2312, others UTF-8. It runs in time linear in the
// input: character data is collected in one buffer, and an element's part
// of it (from where the element started; its children's text is cut off at
// their end tags) becomes its text once, at its end tag. Appending to a
// string per piece, as before, copied the text so far each time.
func parseTree(raw []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.CharsetReader = charsetReader
	var stack []*node
	var starts []int // where each open element's text starts in buf
	var buf []byte
	var root *node
	// RawToken skips the namespace bookkeeping of Token (a third of the
	// time), which the case-insensitive local-name lookups do not need;
	// start and end tags are matched here instead.
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, space: t.Name.Space}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("%w: more than one root element", ErrMalformed)
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
			starts = append(starts, len(buf))
		case xml.EndElement:
			top := len(stack) - 1
			if top < 0 || stack[top].name != t.Name.Local || stack[top].space != t.Name.Space {
				return nil, fmt.Errorf("%w: unexpected end tag </%s>", ErrMalformed, t.Name.Local)
			}
			if text := buf[starts[top]:]; len(text) > 0 {
				stack[top].text = string(text)
			}
			buf = buf[:starts[top]]
			stack, starts = stack[:top], starts[:top]
		case xml.CharData:
			if len(stack) > 0 {
				buf = append(buf, t...)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("%w: <%s> is not closed", ErrMalformed, stack[len(stack)-1].name)
	}
	return root, nil
}

// charsetReader decodes the character sets the WHATWG encoding index knows
// (gbk, gb2312 and gb18030 included) into UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unsupported character set %q: %w", label, err)
	}
	return enc.NewDecoder().Reader(input), nil
}
