package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/notify"
	"zonetrace/gateway/schema"
	"zonetrace/internal/jobs"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/sealing/sealingtest"
)

// mailbox is a real SMTP server (emersion/go-smtp) on a loopback port
// keeping what it receives.
type mailbox struct {
	addr string
	mu   sync.Mutex
	got  []received
}

type received struct {
	From string
	To   []string
	Raw  []byte
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{mb: mb}, nil }))
	s.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	mb.addr = ln.Addr().String()
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return mb
}

func (mb *mailbox) messages() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.got...)
}

func (mb *mailbox) config(t *testing.T) notify.SMTPConfig {
	host, port, err := net.SplitHostPort(mb.addr)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	return notify.SMTPConfig{Host: host, Port: p, TLS: notify.SMTPPlain, From: "ZoneTrace <noreply@zone.example>",
		PublicURL: "https://trace.example"}
}

type session struct {
	mb  *mailbox
	cur received
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Raw = raw
	s.mb.mu.Lock()
	s.mb.got = append(s.mb.got, s.cur)
	s.mb.mu.Unlock()
	return nil
}

// decoded is a received mail's subject, body and headers, decoded.
type decoded struct {
	Subject, Body, To, MessageID string
}

func decode(t *testing.T, r received) decoded {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(r.Raw))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, "base64", m.Header.Get("Content-Transfer-Encoding"))
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	require.NoError(t, err)
	return decoded{Subject: subject, Body: string(body), To: m.Header.Get("To"), MessageID: m.Header.Get("Message-Id")}
}

// env is a migrated database with users and a notify service.
type env struct {
	pool *pgxpool.Pool
	svc  *notify.Service
}

func newEnv(t *testing.T, opts ...notify.Option) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(ctx, pool))
	require.NoError(t, jobs.Migrate(ctx, pool))
	for _, u := range [][3]string{
		{"officer", "customs_officer", ""}, {"officer2", "customs_officer", ""}, {"admin", "zone_admin", ""},
		{"ent-a", "enterprise", "E-A"}, {"ent-b", "enterprise", "E-B"},
	} {
		var ent any
		if u[2] != "" {
			ent = u[2]
		}
		_, err := pool.Exec(ctx, `INSERT INTO users (username, password_hash, display_name, role, enterprise_id) VALUES ($1, 'x', $1, $2, $3)`,
			u[0], u[1], ent)
		require.NoError(t, err)
	}
	svc, err := notify.New(pool, append([]notify.Option{notify.WithSealer(sealingtest.New(t))}, opts...)...)
	require.NoError(t, err)
	return &env{pool: pool, svc: svc}
}

// start runs a River client working the deliveries; stop it with the
// returned function (also at cleanup).
func (e *env) start(t *testing.T) func() {
	t.Helper()
	workers := river.NewWorkers()
	e.svc.AddWorkers(workers)
	c, err := river.NewClient(riverpgxv5.New(e.pool), &river.Config{Workers: workers,
		Queues: map[string]river.QueueConfig{notify.Queue: {MaxWorkers: 3}}, FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown: 10 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			require.NoError(t, c.Stop(ctx))
		})
	}
	t.Cleanup(stop)
	return stop
}

func (e *env) publish(t *testing.T, m notify.Message) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pgx.BeginFunc(context.Background(), e.pool, func(tx pgx.Tx) error {
		var err error
		id, err = e.svc.Publish(context.Background(), tx, m)
		return err
	}))
	return id
}

// settle waits until no delivery is pending.
func (e *env) settle(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT count(*) FROM notify_deliveries WHERE status = 'pending'`).Scan(&n))
		return n == 0
	}, 30*time.Second, 50*time.Millisecond)
}

func (e *env) statuses(t *testing.T, username string) map[string]string {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT channel || '/' || message_id, status FROM notify_deliveries WHERE username = $1`, username)
	require.NoError(t, err)
	out := map[string]string{}
	var k, v string
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error { out[k] = v; return nil })
	require.NoError(t, err)
	return out
}

func highRisk(subject string, a notify.Audience) notify.Message {
	return notify.Message{Source: "risk", Kind: notify.KindHighRisk, Subject: subject, Severity: notify.SeverityCritical,
		Link: "/alerts/7", Params: map[string]any{"origin": "疫区甲", "hsCode": "0303.89"}, Audience: a}
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
