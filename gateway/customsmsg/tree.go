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
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

	text     string // "" when only white space: every reader trims it
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
// their end tags) becomes its text once, at its end tag.
//
// The scanner is our own because encoding/xml reads a byte at a time
// through an interface (~40 MB/s, a 3 MB receipt took over 100 ms); it
// accepts and refuses exactly what encoding/xml's Decoder.RawToken does in
// strict mode (checked against it by TestTreeAgreesWithEncodingXML and
// FuzzTreeAgreesWithEncodingXML), and works on the byte slice with
// bytes.IndexByte to find markup. Fast lexers from the ecosystem (such as
// tdewolff/parse's, written for minifying) are lenient: they neither check
// well-formedness nor decode entities, so those checks would be ours anyway.
func parseTree(raw []byte) (*node, error) {
	s := scanner{data: raw, names: make(map[string]string)}
	root, err := s.document()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return root, nil
}

var errEOF = errors.New("unexpected EOF")

// scanner reads one document; see parseTree.
type scanner struct {
	data []byte
	pos  int
	// names interns element names: a receipt repeats a few dozen names
	// tens of thousands of times.
	names map[string]string
	// otherNames remembers which names with non-ASCII letters are valid.
	otherNames map[string]bool
	// buf is the text of the open elements, innermost last.
	buf []byte
	// slab hands out nodes a chunk at a time, not one allocation each.
	slab []node
}

func (s *scanner) syntaxError(msg string) error {
	return fmt.Errorf("XML syntax error at byte %d: %s", s.pos, msg)
}

func (s *scanner) document() (*node, error) {
	var stack []*node
	var starts []int // where each open element's text starts in buf
	var root *node
	for s.pos < len(s.data) {
		if s.data[s.pos] != '<' {
			end := bytes.IndexByte(s.data[s.pos:], '<')
			if end < 0 {
				end = len(s.data)
			} else {
				end += s.pos
			}
			if err := s.charData(s.data[s.pos:end], modeText, len(stack) > 0); err != nil {
				return nil, err
			}
			s.pos = end
			continue
		}
		s.pos++
		b, err := s.must()
		if err != nil {
			return nil, err
		}
		switch b {
		case '/':
			space, local, err := s.nsname()
			if err != nil {
				return nil, s.syntaxError("expected element name after </")
			}
			s.space()
			if b, err := s.must(); err != nil {
				return nil, err
			} else if b != '>' {
				return nil, s.syntaxError("invalid characters between </" + string(local) + " and >")
			}
			top := len(stack) - 1
			if top < 0 || stack[top].name != string(local) || stack[top].space != string(space) {
				return nil, fmt.Errorf("unexpected end tag </%s>", local)
			}
			s.close(stack[top], starts[top])
			stack, starts = stack[:top], starts[:top]
		case '?':
			if err := s.procInst(); err != nil {
				return nil, err
			}
		case '!':
			if err := s.bang(len(stack) > 0); err != nil {
				return nil, err
			}
		default:
			s.pos--
			n, empty, err := s.startTag()
			if err != nil {
				return nil, err
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			if !empty {
				stack = append(stack, n)
				starts = append(starts, len(s.buf))
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("<%s> is not closed", stack[len(stack)-1].name)
	}
	return root, nil
}

// close gives n its text, the part of buf from start, unless it is only
// white space: every reader trims it.
func (s *scanner) close(n *node, start int) {
	if text := s.buf[start:]; len(bytes.TrimSpace(text)) > 0 {
		n.text = string(text)
	}
	s.buf = s.buf[:start]
}

func (s *scanner) must() (byte, error) {
	if s.pos >= len(s.data) {
		return 0, s.syntaxError(errEOF.Error())
	}
	b := s.data[s.pos]
	s.pos++
	return b, nil
}

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\r', '\n', '\t':
			s.pos++
		default:
			return
		}
	}
}

// startTag reads an element's start tag from its name on; attributes are
// checked and dropped.
func (s *scanner) startTag() (n *node, empty bool, err error) {
	space, local, err := s.nsname()
	if err != nil {
		return nil, false, s.syntaxError("expected element name after <")
	}
	if len(s.slab) == 0 {
		s.slab = make([]node, 256)
	}
	n, s.slab = &s.slab[0], s.slab[1:]
	n.name, n.space = s.intern(local), s.intern(space)
	for {
		s.space()
		b, err := s.must()
		if err != nil {
			return nil, false, err
		}
		if b == '/' {
			if b, err := s.must(); err != nil {
				return nil, false, err
			} else if b != '>' {
				return nil, false, s.syntaxError("expected /> in element")
			}
			return n, true, nil
		}
		if b == '>' {
			return n, false, nil
		}
		s.pos--
		if _, _, err := s.nsname(); err != nil {
			return nil, false, s.syntaxError("expected attribute name in element")
		}
		s.space()
		if b, err := s.must(); err != nil {
			return nil, false, err
		} else if b != '=' {
			return nil, false, s.syntaxError("attribute name without = in element")
		}
		s.space()
		quote, err := s.must()
		if err != nil {
			return nil, false, err
		}
		if quote != '"' && quote != '\'' {
			return nil, false, s.syntaxError("unquoted or missing attribute value in element")
		}
		end := bytes.IndexByte(s.data[s.pos:], quote)
		if end < 0 {
			end = len(s.data) - s.pos
		}
		value := s.data[s.pos : s.pos+end]
		if bytes.IndexByte(value, '<') >= 0 {
			return nil, false, s.syntaxError("unescaped < inside quoted string")
		}
		if s.pos+end == len(s.data) {
			return nil, false, s.syntaxError(errEOF.Error())
		}
		if err := s.charData(value, modeAttr, false); err != nil {
			return nil, false, err
		}
		s.pos += end + 1
	}
}

// procInst reads a processing instruction after "<?". The XML
// declaration's encoding, when not UTF-8, applies to the rest of the input.
func (s *scanner) procInst() error {
	target, err := s.name()
	if err != nil {
		return s.syntaxError("expected target name after <?")
	}
	s.space()
	end := bytes.Index(s.data[s.pos:], []byte("?>"))
	if end < 0 {
		s.pos = len(s.data)
		return s.syntaxError(errEOF.Error())
	}
	content := string(s.data[s.pos : s.pos+end])
	s.pos += end + 2
	if string(target) != "xml" {
		return nil
	}
	if ver := procInstParam("version", content); ver != "" && ver != "1.0" {
		return fmt.Errorf("unsupported XML version %q; only version 1.0 is supported", ver)
	}
	label := procInstParam("encoding", content)
	if label == "" || strings.EqualFold(label, "utf-8") {
		return nil
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return fmt.Errorf("unsupported character set %q: %w", label, err)
	}
	rest, err := enc.NewDecoder().Bytes(s.data[s.pos:])
	if err != nil {
		return fmt.Errorf("character set %q: %w", label, err)
	}
	s.data, s.pos = rest, 0
	return nil
}

// procInstParam is encoding/xml's reading of a pseudo-attribute of the
// XML declaration.
func procInstParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// bang reads what follows "<!": a comment, a CDATA section (whose text
// the open element keeps when keep) or a directive such as DOCTYPE.
func (s *scanner) bang(keep bool) error {
	b, err := s.must()
	if err != nil {
		return err
	}
	switch b {
	case '-':
		if b, err := s.must(); err != nil {
			return err
		} else if b != '-' {
			return s.syntaxError("invalid sequence <!- not part of <!--")
		}
		end := bytes.Index(s.data[s.pos:], []byte("--"))
		if end < 0 || s.pos+end+2 >= len(s.data) {
			s.pos = len(s.data)
			return s.syntaxError(errEOF.Error())
		}
		s.pos += end + 2
		if s.data[s.pos] != '>' {
			return s.syntaxError(`invalid sequence "--" not allowed in comments`)
		}
		s.pos++
		return nil
	case '[':
		if !bytes.HasPrefix(s.data[s.pos:], []byte("CDATA[")) {
			return s.syntaxError("invalid <![ sequence")
		}
		s.pos += len("CDATA[")
		end := bytes.Index(s.data[s.pos:], []byte("]]>"))
		if end < 0 {
			return s.syntaxError("unexpected EOF in CDATA section")
		}
		if err := s.charData(s.data[s.pos:s.pos+end], modeCDATA, keep); err != nil {
			return err
		}
		s.pos += end + 3
		return nil
	}
	// A directive: skipped as encoding/xml does, quoted angle brackets
	// not counting for nesting, comments inside skipped.
	var inquote byte
	depth := 0
	for {
		if b, err = s.must(); err != nil {
			return err
		}
		if inquote == 0 && b == '>' && depth == 0 {
			return nil
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			for i := range len("!--") {
				if b, err = s.must(); err != nil {
					return err
				}
				if b != "!--"[i] {
					depth++
					goto handle
				}
			}
			end := bytes.Index(s.data[s.pos:], []byte("-->"))
			if end < 0 {
				s.pos = len(s.data)
				return s.syntaxError(errEOF.Error())
			}
			s.pos += end + 3
		}
	}
}

// Kinds of character data, as charData reads them.
const (
	modeText  = iota // entity references; ]]> refused
	modeAttr         // entity references; ]]> allowed
	modeCDATA        // taken literally
)

// charData checks one run of character data (no '<' in it) and, when
// keep, appends it to buf as encoding/xml reads it: entity references
// replaced, \r\n and a lone \r turned into \n.
func (s *scanner) charData(seg []byte, mode int, keep bool) error {
	from := 0 // start of the run not yet appended
	flush := func(to int) {
		if keep {
			s.buf = append(s.buf, seg[from:to]...)
		}
	}
	for i := 0; i < len(seg); {
		c := seg[i]
		switch {
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(seg[i:])
			if r == utf8.RuneError && n == 1 {
				return s.syntaxError("invalid UTF-8")
			}
			if r == 0xFFFE || r == 0xFFFF {
				return s.syntaxError(fmt.Sprintf("illegal character code %U", r))
			}
			i += n
		case c == '\r':
			flush(i)
			if keep {
				s.buf = append(s.buf, '\n')
			}
			i++
			if i < len(seg) && seg[i] == '\n' {
				i++
			}
			from = i
		case c < 0x20 && c != '\t' && c != '\n':
			return s.syntaxError(fmt.Sprintf("illegal character code %U", rune(c)))
		case c == ']' && mode == modeText && bytes.HasPrefix(seg[i:], []byte("]]>")):
			return s.syntaxError("unescaped ]]> not in CDATA section")
		case c == '&' && mode != modeCDATA:
			flush(i)
			r, n, ok := entityAt(seg[i:])
			if !ok {
				return s.syntaxError("invalid character entity " + string(seg[i:i+n]))
			}
			if !isInCharacterRange(r) {
				return s.syntaxError(fmt.Sprintf("illegal character code %U", r))
			}
			if keep {
				s.buf = utf8.AppendRune(s.buf, r)
			}
			i += n
			from = i
		default:
			i++
		}
	}
	flush(len(seg))
	return nil
}

// entityAt reads the entity reference at the start of b ("&amp;",
// "&#x4E2D;", …): the character it stands for and its length. Only the
// five predefined entities are known, as with encoding/xml in strict mode.
func entityAt(b []byte) (r rune, n int, ok bool) {
	semi := bytes.IndexByte(b, ';')
	if semi < 0 {
		return 0, len(b), false
	}
	ref := b[1:semi]
	n = semi + 1
	switch string(ref) {
	case "lt":
		return '<', n, true
	case "gt":
		return '>', n, true
	case "amp":
		return '&', n, true
	case "apos":
		return '\'', n, true
	case "quot":
		return '"', n, true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, n, false
	}
	digits, base := ref[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	v, err := strconv.ParseUint(string(digits), base, 64)
	if err != nil || v > unicode.MaxRune {
		return 0, n, false
	}
	r = rune(v)
	if utf8.ValidRune(r) {
		return r, n, true
	}
	return utf8.RuneError, n, true // a surrogate, as string(rune(v)) makes it
}

// isInCharacterRange is the Char production of XML 1.0.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// name reads an XML name.
func (s *scanner) name() ([]byte, error) {
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c < utf8.RuneSelf && !isNameByte(c) {
			break
		}
		s.pos++
	}
	if s.pos == len(s.data) {
		return nil, errEOF
	}
	name := s.data[start:s.pos]
	if !s.isName(name) {
		return nil, errors.New("invalid XML name")
	}
	return name, nil
}

// nsname reads a name with at most one colon, split at it into prefix and
// local part (both not empty) as encoding/xml's RawToken does.
func (s *scanner) nsname() (space, local []byte, err error) {
	name, err := s.name()
	if err != nil {
		return nil, nil, err
	}
	switch i := bytes.IndexByte(name, ':'); {
	case i < 0:
		return nil, name, nil
	case bytes.IndexByte(name[i+1:], ':') >= 0:
		return nil, nil, errors.New("more than one colon in a name")
	case i == 0 || i == len(name)-1:
		return nil, name, nil
	default:
		return name[:i], name[i+1:], nil
	}
}

func (s *scanner) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if name, ok := s.names[string(b)]; ok {
		return name
	}
	name := string(b)
	s.names[name] = name
	return name
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// isName checks a run of name bytes against XML's Name production. ASCII
// names are checked here; a name with other letters is left to
// encoding/xml, whose tables of name characters are not exported, once per
// distinct name.
func (s *scanner) isName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	ascii := true
	for _, c := range name {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		c := name[0]
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
	}
	if ok, seen := s.otherNames[string(name)]; seen {
		return ok
	}
	tag := make([]byte, 0, len(name)+3)
	tag = append(append(append(tag, '<'), name...), "/>"...)
	_, err := xml.NewDecoder(bytes.NewReader(tag)).RawToken()
	if s.otherNames == nil {
		s.otherNames = make(map[string]bool)
	}
	s.otherNames[string(name)] = err == nil
	return err == nil
}
