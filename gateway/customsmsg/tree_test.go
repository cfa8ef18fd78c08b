package customsmsg

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/htmlindex"
)

// referenceTree is the tree encoding/xml reads from raw (strict mode,
// RawToken, the declared character set), as parseTree read it before it
// had its own scanner: what parseTree must agree with.
func referenceTree(raw []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(input), nil
	}
	var stack []*node
	var root *node
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, space: t.Name.Space}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			top := len(stack) - 1
			if top < 0 || stack[top].name != t.Name.Local || stack[top].space != t.Name.Space {
				return nil, errors.New("unexpected end tag")
			}
			stack = stack[:top]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, errors.New("no complete root element")
	}
	return root, nil
}

// sameTree reports where got differs from want; text that is only white
// space is not kept by parseTree (every reader trims it).
func sameTree(got, want *node) error {
	wantText := want.text
	if strings.TrimSpace(wantText) == "" {
		wantText = ""
	}
	switch {
	case got.name != want.name || got.space != want.space:
		return fmt.Errorf("element %s:%s, want %s:%s", got.space, got.name, want.space, want.name)
	case got.text != wantText:
		return fmt.Errorf("<%s> text %q, want %q", want.name, got.text, wantText)
	case len(got.children) != len(want.children):
		return fmt.Errorf("<%s> has %d children, want %d", want.name, len(got.children), len(want.children))
	}
	for i := range want.children {
		if err := sameTree(got.children[i], want.children[i]); err != nil {
			return err
		}
	}
	return nil
}

func agreeWithEncodingXML(t *testing.T, raw []byte) {
	t.Helper()
	want, wantErr := referenceTree(raw)
	got, err := parseTree(raw)
	if wantErr != nil {
		require.ErrorIs(t, err, ErrMalformed, "encoding/xml refuses %q: %v", raw, wantErr)
		return
	}
	require.NoError(t, err, "encoding/xml accepts %q", raw)
	require.NoError(t, sameTree(got, want), "%q", raw)
}

// TestTreeAgreesWithEncodingXML: the scanner reads the sample messages and
// the corners of XML (entities, CDATA, comments, directives, character
// sets, prefixes) into the tree encoding/xml reads, and refuses what it
// refuses.
func TestTreeAgreesWithEncodingXML(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		raw, err := os.ReadFile(name)
		require.NoError(t, err)
		agreeWithEncodingXML(t, raw)
	}
	agreeWithEncodingXML(t, largeReceipt(64<<10))
	for _, raw := range cornerCases {
		agreeWithEncodingXML(t, []byte(raw))
	}
}

var cornerCases = []string{
	`<a>x &amp; &lt;&gt;&apos;&quot; &#x4E2D;&#25991; &#xD800;</a>`,
	`<a>&#0;</a>`, `<a>&#xFFFE;</a>`, `<a>&#x110000;</a>`, `<a>&#X41;</a>`, `<a>&#x;</a>`, `<a>&#;</a>`,
	`<a>&nbsp;</a>`, `<a>&amp</a>`, `<a>& amp;</a>`, `<a>&lt ;</a>`, `<a>&#99999999999999999999;</a>`,
	"<a>line\r\nnext\rlast\r</a>", "<a><![CDATA[x\r\n<b>&amp;]]]]><![CDATA[>]]></a>", `<a><![CDATA[x</a>`, `<a><![CDAT[x]]></a>`,
	`<a>]]></a>`, `<a>]]</a>`, `<a x="]]>"/>`, `<a x="1"y='2' z = "&amp;&#65;"></a>`, `<a x="<"/>`, `<a x=1/>`, `<a x/>`, `<a x="1`,
	`<a x="&bogus;"/>`, "<a x=\"\x01\"/>", `<a b:c:d="1"/>`, `<a :b="1" c:="2"/>`,
	`<x:a><x:b>t</x:b></x:a>`, `<x:a></y:a>`, `<x:a></a>`, `<:a></:a>`, `<a:></a:>`, `<a:b:c></a:b:c>`,
	`<1a/>`, `<-a/>`, `<_a.b-c1/>`, `<中文>文</中文>`, `<a中/>`, `<·a/>`, "<a\xff/>", `< a/>`, `<a></a >`, `<a></a x>`,
	`<!-- c --><a><!-- in -- no --></a>`, `<a><!-- ok ---></a>`, `<a><!----></a>`, `<a><!-x--></a>`, `<a><!-- open`,
	`<!DOCTYPE a [<!ENTITY e "x>"> <!-- c > --> ]><a/>`, `<!DOCTYPE a><a/>`, `<!><a/>`, `<!DOCTYPE a [<!ELEMENT a ANY>`,
	`<?xml version="1.0"?><a/>`, `<?xml version="1.1"?><a/>`, `<?xml version="1.0" encoding="utf-8"?><a>é</a>`,
	`<?xml version="1.0" encoding="x-klingon"?><a/>`, `<?pi data?><a><?pi?></a>`, `<?1pi?><a/>`, `<? pi?><a/>`, `<?pi`,
	"<?xml version='1.0' encoding='GB18030'?><a>\xd6\xd0\xce\xc4</a>", "<?xml version=\"1.0\" encoding=\"utf8\"?><a>\xff</a>",
	"<a>\xff</a>", "<a>\x00</a>", "<a>\t\n</a>", "<a>\uFFFF</a>", "<a>\U0001F600 \uFFFD</a>", "\uFEFF<a/>",
	`<a/>tail`, `<a/>&bogus;`, `<a/><b/>`, `text`, ``, `<a>`, `</a>`, `<a><b></a></b>`, `<`, `<a`, `<a/`, `<a x`, `<a x=`,
	`<a>t<b>u</b>v<c/>w</a>`, `<a>  <b> x </b>  </a>`,
}

// FuzzTreeAgreesWithEncodingXML: the scanner and encoding/xml accept and
// refuse the same inputs and read the same trees.
func FuzzTreeAgreesWithEncodingXML(f *testing.F) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, raw := range cornerCases {
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		agreeWithEncodingXML(t, raw)
	})
}
