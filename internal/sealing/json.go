package sealing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
func (f Fields) Open(s *Sealer, doc []byte) ([]byte, error) {
	if !bytes.Contains(doc, []byte(Prefix)) {
		return doc, nil
	}
	return f.apply(doc, func(place, _ string, v any) (any, error) {
		text, ok := v.(string)
		if !ok || !IsSealed(text) {
			return v, nil
		}
		plain, err := s.Open(place, text)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(plain), nil
	})
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
