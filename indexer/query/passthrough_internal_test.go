package query

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/sealing"
)

func TestStoredItemShapes(t *testing.T) {
	t.Parallel()
	r := New(nil)
	none := sealing.Fields{Place: "x", Paths: []string{"price"}}
	for stored, want := range map[string]string{
		`{}`:                                   `{"enterpriseName":"Alpha"}`,
		` { } `:                                `{"enterpriseName":"Alpha"}`,
		`{"id": "P1", "price": 3}`:             `{"id":"P1","price":3,"enterpriseName":"Alpha"}`,
		`{"steps": [{"seq": 1}], "id": "P1"}`:  `{"steps":null,"id":"P1","enterpriseName":"Alpha"}`,
		`{"id": "P1", "steps": [{"a": "}"}]} `: `{"id":"P1","steps":null,"enterpriseName":"Alpha"}`,
	} {
		item, err := r.storedItem(none, []byte(stored), member{"enterpriseName", "Alpha"})
		require.NoError(t, err, stored)
		require.JSONEq(t, want, string(item), stored)
	}
	for _, bad := range []string{``, `[]`, `{"id":`, `"text"`} {
		_, err := r.storedItem(none, []byte(bad))
		require.Error(t, err, bad)
	}
}
