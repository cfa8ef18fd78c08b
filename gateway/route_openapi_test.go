package gateway

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var ginParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := setup(t)
	r := e.do("", "GET", "/api/v1/openapi.json", nil, nil)
	require.Equal(t, 200, r.Code)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), &doc))
	require.Equal(t, "3.0.3", doc.OpenAPI)

	var documented, routed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, route := range e.g.engine.Routes() {
		routed = append(routed, route.Method+" "+ginParam.ReplaceAllString(route.Path, "{$1}"))
	}
	sort.Strings(documented)
	sort.Strings(routed)
	require.Equal(t, routed, documented)
}
