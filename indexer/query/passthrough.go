package query

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/tidwall/gjson"

	"zonetrace/internal/sealing"
)

// PageInfo is what a list's page says besides its items.
type PageInfo struct {
	Total int `json:"total"`
	// TotalCapped says there are more than Total (CountCap) matches.
	TotalCapped bool `json:"totalCapped"`
	// Page is the page number asked for, 0 when the page was asked by cursor.
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
	// Next and Prev are the cursors of the pages after and before this one,
	// empty at either end.
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// capTotal says "more than CountCap" for a count that went past it.
func (i *PageInfo) capTotal() {
	if i.Total > CountCap {
		i.Total, i.TotalCapped = CountCap, true
	}
}

// JSONPage is a page of a list whose items are passed through as the
// indexer stored them (sealed members opened, steps left out, the view's
// members added) instead of being decoded and encoded again: the API's
// lists answer these, and the JSON work was the largest part of a list's
// CPU. Each item has the members of the list's typed view (PrefilingView,
// DocumentView).
type JSONPage struct {
	Items []json.RawMessage `json:"items"`
	PageInfo
}

// member is a member a list adds to a stored document; name is a plain
// identifier.
type member struct {
	name  string
	value any
}

// storedItem is a list item made of the stored document raw: its sealed
// members (f) opened, its steps null as in the typed views' lists, and
// extra appended. raw may be reused by the caller; the item is not.
func (r *Reader) storedItem(f sealing.Fields, raw []byte, extra ...member) (json.RawMessage, error) {
	doc, err := f.Open(r.sealer, raw)
	if err != nil {
		return nil, err
	}
	doc = bytes.TrimSpace(doc)
	if len(doc) < 2 || doc[0] != '{' || doc[len(doc)-1] != '}' || !gjson.ValidBytes(doc) {
		return nil, errors.New("stored document is not a JSON object")
	}
	body := doc[:len(doc)-1]
	item := make([]byte, 0, len(doc)+64)
	if steps := gjson.GetBytes(doc, "steps"); steps.Exists() {
		item = append(append(item, body[:steps.Index]...), "null"...)
		item = append(item, body[steps.Index+len(steps.Raw):]...)
	} else {
		item = append(item, body...)
	}
	opened := bytes.TrimSpace(body)
	empty := opened[len(opened)-1] == '{'
	for _, m := range extra {
		value, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		if !empty {
			item = append(item, ',')
		}
		empty = false
		item = append(append(append(append(item, '"'), m.name...), `":`...), value...)
	}
	return append(item, '}'), nil
}
