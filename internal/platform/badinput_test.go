package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
	"zonetrace/internal/apiclient"
)

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	n := startNode(t)
	admin := n.client("admin")
	require.NoError(t, admin.Post(ctx, "/api/v1/enterprises", map[string]string{"id": enterpriseA, "name": "A", "kind": "importer"}, nil))
	require.NoError(t, admin.Post(ctx, "/api/v1/users", map[string]string{"username": "ent-a", "displayName": "A", "role": "enterprise", "enterpriseId": enterpriseA, "password": testPassword}, nil))
	a := n.client("ent-a")

	raw := func(path, body string) apiclient.Request {
		return apiclient.Request{Method: http.MethodPost, Path: path, Body: []byte(body), ContentType: "application/json"}
	}

	t.Run("malformed JSON is a bad request", func(t *testing.T) {
		e := n.refused(400, a, raw("/api/v1/prefiling-drafts", `{"data": {`))
		require.Equal(t, "BAD_REQUEST", e.Code)
		require.NotEmpty(t, e.MessageZh)
	})
	t.Run("a mistyped field is a bad request naming the field", func(t *testing.T) {
		e := n.refused(400, a, raw("/api/v1/prefiling-drafts", `{"data": {"weightGrams": "heavy"}}`))
		require.Contains(t, e.Message, "weightGrams")
	})
	t.Run("an unknown field is a bad request", func(t *testing.T) {
		n.refused(400, a, raw("/api/v1/prefiling-drafts", `{"data": {}, "owner": "someone else"}`))
	})
	t.Run("an unknown enum value is a validation failure", func(t *testing.T) {
		e := n.refused(422, a, raw("/api/v1/prefiling-drafts", `{"data": {"quarantineResult": "maybe"}}`))
		require.Equal(t, "VALIDATION_FAILED", e.Code)
	})
	t.Run("a body over 10 MiB is too large", func(t *testing.T) {
		huge := `{"data": {"productName": "` + strings.Repeat("x", 11<<20) + `"}}`
		n.refused(413, a, raw("/api/v1/prefiling-drafts", huge))
	})
	t.Run("an incomplete draft cannot be declared and every missing field is named", func(t *testing.T) {
		var d draftJSON
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": map[string]any{"productName": "only a name"}}, &d))
		e := n.refused(422, a, post("/api/v1/prefiling-drafts/"+d.ID+"/declare", nil))
		fields := map[string]bool{}
		for _, f := range e.Details {
			fields[f.Field] = true
		}
		for _, want := range []string{"hsCode", "origin", "exporterName", "weightGrams"} {
			require.True(t, fields["data."+want] || fields[want], "missing %s in %v", want, e.Details)
		}
	})
	t.Run("injection strings are stored verbatim and match nothing else", func(t *testing.T) {
		hostile := `'; DROP TABLE prefilings; -- <script>alert("x")</script> %_\`
		data := coffee(hostile)
		data.ExporterName = `" OR 1=1 --`
		var d draftJSON
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": data}, &d))
		require.Equal(t, hostile, d.Data.ProductName)
		var declared query.PrefilingView
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &declared))
		var found pageJSON[query.PrefilingView]
		require.NoError(t, a.Get(ctx, "/api/v1/prefilings?productName="+urlQuery(hostile), &found))
		require.Equal(t, 1, found.Total)
		require.Equal(t, hostile, found.Items[0].Data.ProductName)
		require.Equal(t, `" OR 1=1 --`, found.Items[0].Data.ExporterName)
		require.NoError(t, a.Get(ctx, "/api/v1/prefilings?productName="+urlQuery("' OR '1'='1"), &found))
		require.Zero(t, found.Total)
	})
}
