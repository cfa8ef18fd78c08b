package gateway

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/jobs"
)

// TestRecognitionRoutes: an enterprise asks for a certificate it uploaded to
// be read for its draft and sees the recognition queued; another
// enterprise sees neither the draft's recognitions nor can it use the file.
// (The job itself is tested in gateway/ocr/recognitions.)
func TestRecognitionRoutes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// The recognition's job is queued on River, in the same transaction.
	require.NoError(t, jobs.Migrate(context.Background(), e.cfg.Pool))
	a, b := e.login("ent-a"), e.login("ent-b")
	pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\n%%EOF")
	r := upload(t, e, a, "origin.pdf", pdf)
	require.Equal(t, 201, r.Code, r.Body.String())
	sum := r.json(t)["sha256"].(string)
	data := completeData()
	data.Origin = "CO"
	r = e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": data}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	id := r.json(t)["id"].(string)
	path := "/api/v1/prefiling-drafts/" + id + "/recognitions"

	r = e.do(a, "POST", path, map[string]any{"attachmentSha256": sum, "kind": "origin_certificate"}, nil)
	require.Equal(t, 201, r.Code, r.Body.String())
	rec := r.json(t)
	require.Equal(t, "queued", rec["state"])
	require.Equal(t, []any{}, rec["fields"])

	r = e.do(a, "POST", path, map[string]any{"attachmentSha256": sum, "kind": "origin_certificate"}, nil)
	require.Equal(t, 200, r.Code, "asking again returns the same recognition")
	require.Equal(t, rec["id"], r.json(t)["id"])

	r = e.do(a, "GET", path, nil, nil)
	require.Equal(t, 200, r.Code)
	require.Len(t, r.json(t)["items"], 1)

	r = e.do(a, "POST", path, map[string]any{"attachmentSha256": sum, "kind": "invoice"}, nil)
	require.Equal(t, 422, r.Code)
	require.Equal(t, 404, e.do(b, "GET", path, nil, nil).Code, "another enterprise's draft")
	require.Equal(t, 404, e.do(b, "POST", path, map[string]any{"attachmentSha256": sum, "kind": "origin_certificate"}, nil).Code)
	require.Equal(t, 403, e.do(e.login("officer"), "GET", path, nil, nil).Code, "enterprises only")
}
