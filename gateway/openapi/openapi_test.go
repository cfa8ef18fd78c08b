package openapi_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/openapi"
)

type color string

type inner struct {
	Note string `json:"note,omitempty"`
}

type sample struct {
	inner
	Name    string    `json:"name"`
	Grams   int64     `json:"grams"`
	Color   color     `json:"color"`
	At      time.Time `json:"at"`
	Tags    []string  `json:"tags"`
	Skipped string    `json:"-"`
}

func TestBuild(t *testing.T) {
	t.Parallel()
	raw, err := openapi.Build("t", "1", []openapi.Operation{
		{Method: "POST", Path: "/api/v1/things/{id}", Tag: "things", Summary: "make", Idempotent: true, Request: sample{}, Status: 201, Response: sample{}},
		{Method: "GET", Path: "/healthz", Tag: "ops", Summary: "alive", Public: true, Status: 200, Response: map[string]any{}},
	}, openapi.Enums{reflect.TypeOf(color("")): {"red", "blue"}})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))

	schema := doc["components"].(map[string]any)["schemas"].(map[string]any)["Sample"].(map[string]any)
	props := schema["properties"].(map[string]any)
	t.Run("embedded fields are flattened and skipped fields left out", func(t *testing.T) {
		require.Contains(t, props, "note")
		require.NotContains(t, props, "Skipped")
	})
	t.Run("types map onto JSON schema", func(t *testing.T) {
		require.Equal(t, map[string]any{"type": "integer", "format": "int64"}, props["grams"])
		require.Equal(t, map[string]any{"type": "string", "enum": []any{"red", "blue"}}, props["color"])
		require.Equal(t, "date-time", props["at"].(map[string]any)["format"])
	})
	t.Run("fields without omitempty are required", func(t *testing.T) {
		require.ElementsMatch(t, []any{"name", "grams", "color", "at", "tags"}, schema["required"])
	})
	op := doc["paths"].(map[string]any)["/api/v1/things/{id}"].(map[string]any)["post"].(map[string]any)
	t.Run("path parameters, the idempotency header and bearer security are declared", func(t *testing.T) {
		var names []string
		for _, p := range op["parameters"].([]any) {
			names = append(names, p.(map[string]any)["name"].(string))
		}
		require.Equal(t, []string{"id", "Idempotency-Key", "wait"}, names)
		require.NotEmpty(t, op["security"])
		require.Equal(t, "postThingsId", op["operationId"])
	})
	t.Run("public operations need no token", func(t *testing.T) {
		health := doc["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)
		require.NotContains(t, health, "security")
	})
}
