package sealing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Fields names the members of one kind of JSON document that are sealed,
// by dotted paths where "*" stands for every element of an array:
// "data.avgPriceFen", "lines.*.unitPriceFen". Place prefixes the paths to
// name the fields (associated data, see Seal).
type Fields struct {
	Place string
	Paths []string
}

// Seal replaces each named member of doc present in it by its sealed JSON
// text (a string); row names the document (its key), and each member's
// concrete path (array indexes included) is mixed into its nonce.
func (f Fields) Seal(s *Sealer, row string, doc []byte) ([]byte, error) {
	return f.apply(doc, func(place, concrete string, v any) (any, error) {
		if text, ok := v.(string); ok && IsSealed(text) {
			return v, nil
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return s.Seal(place, row+"#"+concrete, raw), nil
	})
}

// Open restores the named members sealed in doc; a document holding none
// (written before sealing, or by a test without keys) is returned as is.
// The sealed members' text is spliced out and the rest of doc copied as
// stored, in one pass: every row a list answers is opened, and decoding
// whole documents to a tree and encoding them again was the largest part
// of a list's CPU. Path segments are plain member names or "*".
func (f Fields) Open(s *Sealer, doc []byte) ([]byte, error) {
	if !bytes.Contains(doc, []byte(Prefix)) {
		return doc, nil
	}
	if !gjson.ValidBytes(doc) {
		return nil, fmt.Errorf("%s: decode: not valid JSON", f.Place)
	}
	type splice struct {
		from, to int
		with     []byte
	}
	var splices []splice
	root := gjson.ParseBytes(doc)
	for _, path := range f.Paths {
		place := f.Place + "." + path
		var err error
		eachMember(root, strings.Split(path, "."), func(v gjson.Result) bool {
			if v.Type != gjson.String || !IsSealed(v.Str) {
				return true
			}
			var plain []byte
			if plain, err = s.Open(place, v.Str); err != nil {
				err = fmt.Errorf("%s: %w", place, err)
				return false
			}
			splices = append(splices, splice{from: v.Index, to: v.Index + len(v.Raw), with: plain})
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(splices, func(a, b splice) int { return a.from - b.from })
	out := make([]byte, 0, len(doc))
	last := 0
	for _, sp := range splices {
		out = append(append(out, doc[last:sp.from]...), sp.with...)
		last = sp.to
	}
	return append(out, doc[last:]...), nil
}

// eachMember calls fn with each member of r that segs name, "*" standing
// for every element of an array, until fn returns false; it reports
// whether it went through them all.
func eachMember(r gjson.Result, segs []string, fn func(gjson.Result) bool) bool {
	switch {
	case len(segs) == 0:
		return fn(r)
	case segs[0] == "*":
		if !r.IsArray() {
			return true
		}
		all := true
		r.ForEach(func(_, v gjson.Result) bool {
			all = eachMember(v, segs[1:], fn)
			return all
		})
		return all
	case r.IsObject():
		return eachMember(r.Get(segs[0]), segs[1:], fn)
	}
	return true
}

// apply decodes doc, replaces every member a path names by fn's answer and
// encodes it again. Numbers keep their exact text.
func (f Fields) apply(doc []byte, fn func(place, concrete string, v any) (any, error)) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("%s: decode: %w", f.Place, err)
	}
	for _, path := range f.Paths {
		place := f.Place + "." + path
		var err error
		if root, err = walk(root, strings.Split(path, "."), "", func(concrete string, v any) (any, error) {
			return fn(place, concrete, v)
		}); err != nil {
			return nil, fmt.Errorf("%s: %w", place, err)
		}
	}
	return json.Marshal(root)
}

func walk(node any, path []string, concrete string, fn func(string, any) (any, error)) (any, error) {
	if len(path) == 0 {
		return fn(concrete, node)
	}
	switch n := node.(type) {
	case map[string]any:
		child, ok := n[path[0]]
		if !ok || child == nil {
			return node, nil
		}
		v, err := walk(child, path[1:], concrete+"."+path[0], fn)
		if err != nil {
			return nil, err
		}
		n[path[0]] = v
	case []any:
		if path[0] != "*" {
			return node, nil
		}
		for i, child := range n {
			v, err := walk(child, path[1:], concrete+"."+strconv.Itoa(i), fn)
			if err != nil {
				return nil, err
			}
			n[i] = v
		}
	}
	return node, nil
}
