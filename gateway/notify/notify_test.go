package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/notify"
	"zonetrace/gateway/receipts"
	"zonetrace/gateway/validation"
)

func TestEmailArrivesInTheSMTPServerWithChineseContent(t *testing.T) {
	ctx := context.Background()
	mb := startMailbox(t)
	email, err := notify.NewEmail(mb.config(t))
	require.NoError(t, err)
	e := newEnv(t, notify.WithChannel(email))
	_, err = e.svc.SaveSettings(ctx, "officer", "customs_officer", notify.SettingsInput{Email: "officer@customs.example"})
	require.NoError(t, err)
	e.start(t)

	id := e.publish(t, highRisk("TC-0001", notify.Audience{Usernames: []string{"officer"}}))
	e.settle(t)

	got := mb.messages()
	require.Len(t, got, 1)
	require.Equal(t, "noreply@zone.example", got[0].From)
	require.Equal(t, []string{"officer@customs.example"}, got[0].To)
	m := decode(t, got[0])
	require.Equal(t, "【ZoneTrace风险预警】高风险货物：TC-0001", m.Subject)
	require.Equal(t, "<officer@customs.example>", m.To)
	require.Contains(t, m.Body, "预警对象：TC-0001")
	require.Contains(t, m.Body, "级别：严重")
	require.Contains(t, m.Body, "原产地：疫区甲")
	require.Contains(t, m.Body, "商品编码：0303.89")
	require.Contains(t, m.Body, "查看详情：https://trace.example/alerts/7")
	require.Equal(t, map[string]string{"email/" + strconv.FormatInt(id, 10): "sent", "inapp/" + strconv.FormatInt(id, 10): "sent"},
		e.statuses(t, "officer"))
}

func TestRefusedSMTPConnectionIsRetriedNotGivenUp(t *testing.T) {
	ctx := context.Background()
	mb := startMailbox(t)
	cfg := mb.config(t)
	// Nothing listens on the port at first.
	cfg.Port = freePort(t)
	email, err := notify.NewEmail(cfg)
	require.NoError(t, err)
	e := newEnv(t, notify.WithChannel(email))
	_, err = e.svc.SaveSettings(ctx, "officer", "customs_officer", notify.SettingsInput{Email: "officer@customs.example"})
	require.NoError(t, err)
	e.start(t)
	e.publish(t, highRisk("TC-0002", notify.Audience{Usernames: []string{"officer"}}))
	require.Eventually(t, func() bool {
		var attempts int
		var last string
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT attempts, last_error FROM notify_deliveries WHERE channel = 'email'`).Scan(&attempts, &last))
		return attempts >= 1 && last != ""
	}, 30*time.Second, 50*time.Millisecond)
	var status string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT status FROM notify_deliveries WHERE channel = 'email'`).Scan(&status))
	require.Equal(t, "pending", status, "a refused connection is retried, not given up")
	require.Empty(t, mb.messages())
}

func TestWebhookIsSignedAndVerifiable(t *testing.T) {
	ctx := context.Background()
	type hit struct {
		header http.Header
		body   []byte
	}
	hits := make(chan hit, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hits <- hit{r.Header.Clone(), body}
	}))
	defer srv.Close()
	policy := receipts.AddressPolicy{AllowLoopback: true}
	e := newEnv(t, notify.WithChannel(notify.NewWebhook(policy.Client(5*time.Second))), notify.WithURLChecker(policy))
	secret := "a-secret-of-24-characters"
	_, err := e.svc.SaveSettings(ctx, "ent-a", "enterprise", notify.SettingsInput{WebhookURL: srv.URL + "/hook", WebhookSecret: secret,
		Subscriptions: []notify.Subscription{{Kind: notify.KindQuarantine, Channel: notify.ChannelWebhook, Enabled: true}}})
	require.NoError(t, err)
	e.start(t)

	msg := notify.Message{Source: "risk", Kind: notify.KindQuarantine, Subject: "DOC-9", Severity: notify.SeverityWarning,
		Link: "/alerts/9", Params: map[string]any{"certificate": "none"}, Audience: notify.Audience{EnterpriseID: "E-A"}}
	id := e.publish(t, msg)
	e.settle(t)

	var h hit
	select {
	case h = <-hits:
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook call")
	}
	ts := h.header.Get(notify.TimestampHeader)
	require.NotEmpty(t, ts)
	require.True(t, notify.Verify([]byte(secret), ts, h.body, h.header.Get(notify.SignatureHeader)), "signature verifies")
	require.False(t, notify.Verify([]byte("another-secret-entirely"), ts, h.body, h.header.Get(notify.SignatureHeader)))
	require.False(t, notify.Verify([]byte(secret), ts+"1", h.body, h.header.Get(notify.SignatureHeader)), "timestamp is signed")
	var p notify.WebhookPayload
	require.NoError(t, json.Unmarshal(h.body, &p))
	require.Equal(t, id, p.MessageID)
	require.Equal(t, "ent-a", p.Recipient)
	require.Equal(t, "DOC-9", p.Subject)
	require.Equal(t, notify.KindQuarantine, p.Kind)
	require.Equal(t, "none", p.Params["certificate"])
	select {
	case extra := <-hits:
		t.Fatalf("second webhook call: %s", extra.body)
	case <-time.After(200 * time.Millisecond):
	}
	// ent-b (another enterprise) was not in the audience.
	require.Empty(t, e.statuses(t, "ent-b"))
}

func TestWebhookAddressesFollowTheReceiptPolicy(t *testing.T) {
	e := newEnv(t, notify.WithURLChecker(receipts.AddressPolicy{}))
	for _, url := range []string{"http://127.0.0.1:9/hook", "https://10.1.2.3/hook", "http://169.254.169.254/latest", "ftp://example.com/"} {
		_, err := e.svc.SaveSettings(context.Background(), "ent-a", "enterprise",
			notify.SettingsInput{WebhookURL: url, WebhookSecret: "a-secret-of-24-characters"})
		var p validation.Problems
		require.ErrorAs(t, err, &p, url)
		require.Equal(t, "webhookUrl", p[0].Field, url)
	}
	var n int
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT count(*) FROM notification_contacts`).Scan(&n))
	require.Zero(t, n, "refused settings store nothing")
}

func TestSubscriptionsAreRespected(t *testing.T) {
	ctx := context.Background()
	mb := startMailbox(t)
	email, err := notify.NewEmail(mb.config(t))
	require.NoError(t, err)
	e := newEnv(t, notify.WithChannel(email))
	_, err = e.svc.SaveSettings(ctx, "officer", "customs_officer", notify.SettingsInput{Email: "officer@customs.example",
		Subscriptions: []notify.Subscription{{Kind: notify.KindHighRisk, Channel: notify.ChannelEmail, Enabled: false}}})
	require.NoError(t, err)
	_, err = e.svc.SaveSettings(ctx, "officer2", "customs_officer", notify.SettingsInput{Email: "officer2@customs.example",
		Subscriptions: []notify.Subscription{{Kind: notify.KindHighRisk, Channel: notify.ChannelInApp, Enabled: false}}})
	require.NoError(t, err)
	e.start(t)

	risky := e.publish(t, highRisk("TC-0003", notify.Audience{Roles: []string{"customs_officer"}}))
	valuable := e.publish(t, notify.Message{Source: "risk", Kind: notify.KindHighValue, Subject: "TC-0004", Severity: notify.SeverityInfo,
		Params: map[string]any{"percent": 180}, Audience: notify.Audience{Roles: []string{"customs_officer"}}})
	e.settle(t)

	r, v := strconv.FormatInt(risky, 10), strconv.FormatInt(valuable, 10)
	require.Equal(t, map[string]string{"inapp/" + r: "sent", "inapp/" + v: "sent", "email/" + v: "sent"}, e.statuses(t, "officer"),
		"officer turned e-mail off for high risk only")
	require.Equal(t, map[string]string{"email/" + r: "sent", "inapp/" + v: "sent", "email/" + v: "sent"}, e.statuses(t, "officer2"),
		"officer2 turned the app off for high risk only")
	var toOfficer, toOfficer2 int
	for _, m := range mb.messages() {
		d := decode(t, m)
		switch d.To {
		case "<officer@customs.example>":
			toOfficer++
			require.Contains(t, d.Subject, "高价值货物")
		case "<officer2@customs.example>":
			toOfficer2++
		}
	}
	require.Equal(t, 1, toOfficer)
	require.Equal(t, 2, toOfficer2)
	var inbox int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE username = 'officer2' AND message_id IS NOT NULL`).Scan(&inbox))
	require.Equal(t, 1, inbox)
	// Nobody else was in the audience.
	require.Empty(t, e.statuses(t, "admin"))
	require.Empty(t, e.statuses(t, "ent-a"))
}

func TestUnconfiguredChannelsSayNotConfigured(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, err := e.svc.SaveSettings(ctx, "admin", "zone_admin", notify.SettingsInput{Subscriptions: []notify.Subscription{
		{Kind: notify.KindLongStorage, Channel: notify.ChannelSMS, Enabled: true},
		{Kind: notify.KindLongStorage, Channel: notify.ChannelIM, Enabled: true}}})
	require.NoError(t, err)
	s, err := e.svc.Settings(ctx, "admin", "zone_admin")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"inapp": true, "email": false, "webhook": false, "sms": false, "im": false}, s.Configured)
	e.start(t)
	id := strconv.FormatInt(e.publish(t, notify.Message{Source: "risk", Kind: notify.KindLongStorage, Subject: "TC-5",
		Severity: notify.SeverityWarning, Params: map[string]any{"days": 91, "maxDays": 90}, Audience: notify.Audience{Usernames: []string{"admin"}}}), 10)
	e.settle(t)
	require.Equal(t, map[string]string{"inapp/" + id: "sent", "sms/" + id: "not_configured", "im/" + id: "not_configured"},
		e.statuses(t, "admin"))
}

func TestPublishRefusesBadMessagesAndStoresNothing(t *testing.T) {
	e := newEnv(t)
	good := highRisk("TC-1", notify.Audience{Usernames: []string{"officer"}})
	for name, m := range map[string]notify.Message{
		"kind":     func() notify.Message { m := good; m.Kind = "nope"; return m }(),
		"subject":  func() notify.Message { m := good; m.Subject = ""; return m }(),
		"severity": func() notify.Message { m := good; m.Severity = "loud"; return m }(),
		"audience": func() notify.Message { m := good; m.Audience = notify.Audience{}; return m }(),
		"source":   func() notify.Message { m := good; m.Source = ""; return m }(),
	} {
		err := pgx.BeginFunc(context.Background(), e.pool, func(tx pgx.Tx) error {
			_, err := e.svc.Publish(context.Background(), tx, m)
			return err
		})
		require.ErrorIs(t, err, notify.ErrInvalidMessage, name)
	}
	var n int
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM notify_messages) + (SELECT count(*) FROM river_job)`).Scan(&n))
	require.Zero(t, n)
}

// TestExactlyOnceAcrossRestartAndTwoProcesses publishes while a first
// worker process runs, stops it part-way, and finishes with two processes
// working the same database: every delivery is made once.
func TestExactlyOnceAcrossRestartAndTwoProcesses(t *testing.T) {
	ctx := context.Background()
	mb := startMailbox(t)
	email, err := notify.NewEmail(mb.config(t))
	require.NoError(t, err)
	e := newEnv(t, notify.WithChannel(email))
	for _, u := range []string{"officer", "officer2"} {
		_, err = e.svc.SaveSettings(ctx, u, "customs_officer", notify.SettingsInput{Email: u + "@customs.example"})
		require.NoError(t, err)
	}
	const messages = 25
	stopFirst := e.start(t)
	for i := range messages {
		e.publish(t, highRisk(fmt.Sprintf("TC-%03d", i), notify.Audience{Roles: []string{"customs_officer"}}))
	}
	require.Eventually(t, func() bool { return len(mb.messages()) >= 5 }, 30*time.Second, 20*time.Millisecond)
	stopFirst()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { e.start(t) })
	}
	wg.Wait()
	e.settle(t)

	got := mb.messages()
	require.Len(t, got, 2*messages)
	ids := map[string]bool{}
	for _, m := range got {
		ids[decode(t, m).MessageID] = true
	}
	require.Len(t, ids, 2*messages, "no mail sent twice")
	var inbox, sent int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE message_id IS NOT NULL`).Scan(&inbox))
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM notify_deliveries WHERE status = 'sent' AND attempts = 1`).Scan(&sent))
	require.Equal(t, 2*messages, inbox)
	require.Equal(t, 4*messages, sent)
}

func TestHubStreamsANewInboxRow(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	events, closeStream := e.svc.Hub().Subscribe(ctx, "officer", "customs_officer")
	defer closeStream()
	others, closeOthers := e.svc.Hub().Subscribe(ctx, "admin", "zone_admin")
	defer closeOthers()
	e.start(t)
	e.publish(t, highRisk("TC-7", notify.Audience{Usernames: []string{"officer"}}))
	select {
	case ev := <-events:
		var id int64
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT id FROM notifications WHERE username = 'officer'`).Scan(&id))
		require.Equal(t, id, ev.ID)
	case <-time.After(20 * time.Second):
		t.Fatal("no event")
	}
	select {
	case ev := <-others:
		t.Fatalf("admin got officer's event %d", ev.ID)
	case <-time.After(200 * time.Millisecond):
	}
	closeStream()
	_, open := <-events
	require.False(t, open, "closing the stream closes its channel")
}

func TestSettingsRefuseSubscriptionsWithoutAnAddress(t *testing.T) {
	e := newEnv(t)
	for want, in := range map[string]notify.SettingsInput{
		"email":            {Subscriptions: []notify.Subscription{{Kind: notify.KindHighRisk, Channel: notify.ChannelEmail, Enabled: true}}},
		"webhookUrl":       {Subscriptions: []notify.Subscription{{Kind: notify.KindHighRisk, Channel: notify.ChannelWebhook, Enabled: true}}},
		"subscriptions[0]": {Subscriptions: []notify.Subscription{{Kind: "weather", Channel: notify.ChannelInApp, Enabled: true}}},
		"webhookSecret":    {WebhookURL: "https://203.0.113.9/hook", WebhookSecret: "short"},
	} {
		_, err := e.svc.SaveSettings(context.Background(), "officer", "customs_officer", in)
		var p validation.Problems
		require.ErrorAs(t, err, &p, want)
		require.Len(t, p, 1, want)
		require.Equal(t, want, p[0].Field)
	}
	// A webhook URL without any secret yet is refused too.
	_, err := e.svc.SaveSettings(context.Background(), "officer", "customs_officer", notify.SettingsInput{WebhookURL: "https://203.0.113.9/hook"})
	var p validation.Problems
	require.ErrorAs(t, err, &p)
	require.Equal(t, "webhookSecret", p[0].Field)
	var n int
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM notification_contacts) + (SELECT count(*) FROM notification_subscriptions)`).Scan(&n))
	require.Zero(t, n)
}
