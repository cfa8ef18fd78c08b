package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/notify"
	"zonetrace/gateway/oplog"
	"zonetrace/internal/jobs"
)

func TestNotificationSettingsAPI(t *testing.T) {
	e := setup(t)
	officer := e.login("officer")
	r := e.do(officer, "GET", "/api/v1/notification-subscriptions", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	var s notify.Settings
	require.NoError(t, json.Unmarshal(r.Body.Bytes(), &s))
	require.Len(t, s.Subscriptions, len(notify.Kinds)*len(notify.Channels))
	require.Equal(t, map[string]bool{"inapp": true, "email": false, "webhook": true, "sms": false, "im": false}, s.Configured,
		"no SMTP server configured in the test gateway")
	require.Contains(t, s.Subscriptions, notify.Subscription{Kind: notify.KindHighRisk, Channel: notify.ChannelEmail, Enabled: true},
		"customs get e-mail by default")

	bad := e.do(officer, "PUT", "/api/v1/notification-subscriptions", map[string]any{"email": "not an address"}, nil)
	require.Equal(t, 422, bad.Code, bad.Body.String())
	require.Contains(t, bad.Body.String(), `"email"`)
	private := e.do(officer, "PUT", "/api/v1/notification-subscriptions",
		map[string]any{"webhookUrl": "https://192.168.1.10/hook", "webhookSecret": "0123456789abcdef"}, nil)
	require.Equal(t, 422, private.Code, private.Body.String())
	require.Contains(t, private.Body.String(), `"webhookUrl"`)

	ok := e.do(officer, "PUT", "/api/v1/notification-subscriptions", map[string]any{"email": "officer@customs.example",
		"subscriptions": []map[string]any{{"kind": "high_risk", "channel": "email", "enabled": false}}}, nil)
	require.Equal(t, 200, ok.Code, ok.Body.String())
	require.NoError(t, json.Unmarshal(ok.Body.Bytes(), &s))
	require.Equal(t, "officer@customs.example", s.Email)
	require.Contains(t, s.Subscriptions, notify.Subscription{Kind: notify.KindHighRisk, Channel: notify.ChannelEmail, Enabled: false})
	// Another user's settings are their own.
	r = e.do(e.login("admin"), "GET", "/api/v1/notification-subscriptions", nil, nil)
	require.Equal(t, 200, r.Code)
	require.NotContains(t, r.Body.String(), "officer@customs.example")
}

func TestNotificationStreamPushesAPublishedMessage(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	require.NoError(t, jobs.Migrate(ctx, e.cfg.Pool))
	workers := river.NewWorkers()
	e.g.Notifications().AddWorkers(workers)
	worker, err := river.NewClient(riverpgxv5.New(e.cfg.Pool), &river.Config{Workers: workers,
		Queues: map[string]river.QueueConfig{notify.Queue: {MaxWorkers: 2}}, FetchPollInterval: 100 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, worker.Start(ctx))
	t.Cleanup(func() { require.NoError(t, worker.Stop(context.Background())) })
	srv := httptest.NewServer(e.g.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(e.g.CloseStreams)

	anonymous, err := http.Get(srv.URL + "/api/v1/notifications/stream")
	require.NoError(t, err)
	anonymous.Body.Close()
	require.Equal(t, 401, anonymous.StatusCode)

	officer := e.login("officer")
	streamCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(streamCtx, "GET", srv.URL+"/api/v1/notifications/stream", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+officer)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, "text/event-stream; charset=utf-8", res.Header.Get("Content-Type"))
	lines := bufio.NewScanner(res.Body)
	readUntil := func(prefix string) string {
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), prefix) {
				return lines.Text()
			}
		}
		t.Fatalf("stream ended before %q: %v", prefix, lines.Err())
		return ""
	}
	readUntil(": connected")

	require.NoError(t, pgx.BeginFunc(ctx, e.cfg.Pool, func(tx pgx.Tx) error {
		_, err := e.g.Notifications().Publish(ctx, tx, notify.Message{Source: "risk", Kind: notify.KindHighRisk, Subject: "TC-42",
			Severity: notify.SeverityCritical, Link: "/alerts/42", Params: map[string]any{"origin": "疫区甲"},
			Audience: notify.Audience{Roles: []string{"customs_officer"}}})
		return err
	}))
	require.Equal(t, "event: notification", readUntil("event:"))
	var pushed struct{ ID int64 }
	require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(readUntil("data: "), "data: ")), &pushed))

	inbox := e.do(officer, "GET", "/api/v1/notifications", nil, nil)
	require.Equal(t, 200, inbox.Code)
	var in oplog.Inbox
	require.NoError(t, json.Unmarshal(inbox.Body.Bytes(), &in))
	require.Equal(t, 1, in.Unread)
	require.Equal(t, pushed.ID, in.Items[0].ID)
	require.Nil(t, in.Items[0].Alert)
	require.Equal(t, "TC-42", in.Items[0].Message.Subject)
	require.Equal(t, "疫区甲", in.Items[0].Message.Params["origin"])
	require.Equal(t, 204, e.do(officer, "POST", "/api/v1/notifications/read-all", nil, nil).Code)
}
