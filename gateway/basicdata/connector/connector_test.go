package connector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/basicdata/connector"
)

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
}

func TestDirectory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	write(t, dir, "hs_codes_2.json", `{"dataset":"hs_codes","full":true,"records":[{"code":"0901210000"}]}`)
	write(t, dir, "hs_codes_1.json", `{"dataset":"hs_codes","full":false,"records":[]}`)
	write(t, dir, "hs_codes_3.json", `{"dataset":"hs_codes","full":true,"records":[{"code":"09012`)
	write(t, dir, "hs_codes_4.json", `{"dataset":"account_books","records":[]}`)
	write(t, dir, "hs_codes_5.json.tmp", `{"dataset":"hs_codes","records":[]}`)
	write(t, dir, "account_books_1.json", `{"dataset":"account_books","records":[]}`)
	d := connector.Directory{Dir: dir}

	got, err := d.Fetch(ctx, "hs_codes", time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 4, "a file being written (.tmp) and another data set's file are left alone")
	require.Equal(t, []string{"hs_codes_1.json", "hs_codes_2.json", "hs_codes_3.json", "hs_codes_4.json"},
		[]string{got[0].Source, got[1].Source, got[2].Source, got[3].Source})
	require.NoError(t, got[0].Invalid)
	require.False(t, got[0].Full)
	require.NoError(t, got[1].Invalid)
	require.True(t, got[1].Full)
	require.JSONEq(t, `{"code":"0901210000"}`, string(got[1].Records[0]))
	require.ErrorContains(t, got[2].Invalid, "not a complete JSON delivery", "a file cut off is refused whole")
	require.Empty(t, got[2].Records)
	require.ErrorContains(t, got[3].Invalid, "names data set")

	require.NoError(t, got[1].Settle(nil))
	require.NoError(t, got[2].Settle(got[2].Invalid))
	require.FileExists(t, filepath.Join(dir, "done", "hs_codes_2.json"))
	require.FileExists(t, filepath.Join(dir, "failed", "hs_codes_3.json"))
	reason, err := os.ReadFile(filepath.Join(dir, "failed", "hs_codes_3.json.reason.txt"))
	require.NoError(t, err)
	require.Contains(t, string(reason), "not a complete JSON delivery")
	require.NoFileExists(t, filepath.Join(dir, "hs_codes_2.json"))

	t.Run("a file dropped again under the same name keeps the first", func(t *testing.T) {
		write(t, dir, "hs_codes_2.json", `{"dataset":"hs_codes","full":true,"records":[]}`)
		again, err := d.Fetch(ctx, "hs_codes", time.Time{})
		require.NoError(t, err)
		for _, del := range again {
			if del.Source == "hs_codes_2.json" {
				require.NoError(t, del.Settle(nil))
			}
		}
		require.FileExists(t, filepath.Join(dir, "done", "hs_codes_2.json"))
		require.FileExists(t, filepath.Join(dir, "done", "hs_codes_2.json.1"))
	})
	t.Run("a missing folder is an error", func(t *testing.T) {
		_, err := connector.Directory{Dir: filepath.Join(dir, "nope")}.Fetch(ctx, "hs_codes", time.Time{})
		require.Error(t, err)
	})
}

// platform is a fake trade platform: pages of records, a token, and a number
// of failures to answer before the truth.
type platform struct {
	token    string
	pages    int
	failures atomic.Int32
	calls    atomic.Int32
	since    atomic.Value
}

func (p *platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.calls.Add(1)
	if r.Header.Get("Authorization") != "Bearer "+p.token {
		http.Error(w, "no", http.StatusUnauthorized)
		return
	}
	if p.failures.Add(-1) >= 0 {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	p.since.Store(r.URL.Query().Get("since"))
	var page int
	_, _ = fmt.Sscan(r.URL.Query().Get("page"), &page)
	next := page + 1
	if page >= p.pages {
		next = 0
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"dataset": filepath.Base(r.URL.Path), "full": true, "nextPage": next,
		"records": []map[string]any{{"code": fmt.Sprintf("09012100%02d", page)}}})
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &platform{token: "s3cret", pages: 3}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	h := connector.HTTP{BaseURL: srv.URL + "/api", Token: "s3cret", Backoff: time.Millisecond}

	t.Run("every page makes one delivery", func(t *testing.T) {
		since := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		got, err := h.Fetch(ctx, "hs_codes", since)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.True(t, got[0].Full)
		require.Len(t, got[0].Records, 3)
		require.Equal(t, "2026-11-27T00:00:00Z", p.since.Load())
		require.NoError(t, got[0].Settle(nil))
	})
	t.Run("transient failures are retried", func(t *testing.T) {
		p.failures.Store(2)
		before := p.calls.Load()
		got, err := h.Fetch(ctx, "hs_codes", time.Time{})
		require.NoError(t, err)
		require.Len(t, got[0].Records, 3)
		require.Equal(t, int32(5), p.calls.Load()-before)
	})
	t.Run("too many failures fail the pull", func(t *testing.T) {
		p.failures.Store(10)
		t.Cleanup(func() { p.failures.Store(0) })
		_, err := h.Fetch(ctx, "hs_codes", time.Time{})
		require.ErrorContains(t, err, "4 attempts")
	})
	t.Run("a wrong token fails at once", func(t *testing.T) {
		before := p.calls.Load()
		_, err := connector.HTTP{BaseURL: srv.URL, Token: "wrong", Backoff: time.Millisecond}.Fetch(ctx, "hs_codes", time.Time{})
		require.ErrorContains(t, err, "401")
		require.Equal(t, int32(1), p.calls.Load()-before, "a refusal is not retried")
	})
	t.Run("a cancelled pull stops", func(t *testing.T) {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := h.Fetch(cancelled, "hs_codes", time.Time{})
		require.ErrorIs(t, err, context.Canceled)
	})
}
