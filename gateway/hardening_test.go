package gateway

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInputHardening(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.login("ent-a")
	cases := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"malformed JSON is 400", `{"data":`, 400, "BAD_REQUEST"},
		{"an empty body is 400", ``, 400, "BAD_REQUEST"},
		{"two JSON values are 400", `{"data":{}} {"data":{}}`, 400, "BAD_REQUEST"},
		{"an unknown nested field is 400", `{"data":{"isAdmin":true}}`, 400, "BAD_REQUEST"},
		{"a wrong type is 400", `{"data":{"shelfLifeDays":"long"}}`, 400, "BAD_REQUEST"},
		{"an unknown enum value is 422", `{"data":{"attachments":[{"kind":"selfie","name":"x","sha256":"` + strings.Repeat("a", 64) + `","size":1}]}}`, 422, "VALIDATION_FAILED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(a, "POST", "/api/v1/prefiling-drafts", tc.body, nil)
			require.Equal(t, tc.status, r.Code, r.Body.String())
			require.Equal(t, tc.code, r.code(t))
			require.NotEmpty(t, r.json(t)["error"].(map[string]any)["messageZh"])
		})
	}
	t.Run("a body over the limit is 413", func(t *testing.T) {
		big := `{"data":{"productName":"` + strings.Repeat("x", 11<<20) + `"}}`
		r := e.do(a, "POST", "/api/v1/prefiling-drafts", big, nil)
		require.Equal(t, 413, r.Code)
		require.Equal(t, "PAYLOAD_TOO_LARGE", r.code(t))
	})
	t.Run("a malformed idempotency key is 400", func(t *testing.T) {
		r := e.do(a, "POST", "/api/v1/prefiling-drafts", `{"data":{}}`, map[string]string{"Idempotency-Key": "no spaces allowed"})
		require.Equal(t, 400, r.Code)
	})
	t.Run("nothing was created by the bad requests", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/prefiling-drafts", nil, nil)
		require.Zero(t, r.json(t)["total"])
	})
}
