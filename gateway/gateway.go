// Package gateway is ZoneTrace's HTTP API (docs/api.md): login and roles,
// off-chain drafts and attachments, idempotent submissions to the ledger,
// reads from the indexer's PostgreSQL mirror, and the embedded web app.
package gateway

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/attachments"
	"zonetrace/gateway/basicdata"
	"zonetrace/gateway/basicdata/connector"
	"zonetrace/gateway/customsmsg/send"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/exporters"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/identities"
	"zonetrace/gateway/loginguard"
	"zonetrace/gateway/notify"
	"zonetrace/gateway/ocr/recognitions"
	"zonetrace/gateway/oplog"
	"zonetrace/gateway/ratelimit"
	"zonetrace/gateway/reports"
	"zonetrace/gateway/service/audit"
	"zonetrace/gateway/submissions"
	"zonetrace/internal/sealing"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// DefaultMaxBody is the largest request body accepted (10 MiB).
const DefaultMaxBody = 10 << 20

// Config holds what a Gateway needs; the caller owns every connection it
// passes in.
type Config struct {
	Pool   *pgxpool.Pool
	Ledger ledger.Ledger
	Reads  ReadModel
	// PKI issues and loads the client identities the gateway signs with.
	PKI *pki.PKI
	// Sealer seals uploaded attachments at rest.
	Sealer *sealing.Sealer
	// DataDir holds uploaded attachments (DataDir/attachments).
	DataDir string
	// PublicURL is the web app's public base URL; trace QR codes encode
	// PublicURL + "/t/<code>".
	PublicURL string
	// WebFS is the built web app (index.html at its root, or under dist/);
	// nil serves no web app.
	WebFS  fs.FS
	Logger *slog.Logger
	// MaxBody bounds request bodies and uploaded files; 0 means
	// DefaultMaxBody.
	MaxBody int64
	// WaitTimeout bounds ?wait=indexed; 0 means 10 s.
	WaitTimeout time.Duration
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For the gateway believes; empty trusts none, so
	// the client's address is the connection's peer (login throttling
	// keys on it).
	TrustedProxies []string
	// PublicTraceLimit bounds anonymous requests of the public trace page
	// per client address; zero fields take ratelimit.Default.
	PublicTraceLimit ratelimit.Limit
	// WebhookAllowLoopback lets webhooks reach loopback addresses; for
	// tests with a local receiver only, never in production.
	WebhookAllowLoopback bool
	// Readiness adds checks to /readyz after the built-in database, ledger
	// and indexer checks (see ReadinessCheck).
	Readiness []ReadinessCheck
	// ReportFont is the CJK TrueType font of the PDF reports; empty means
	// reports.DefaultFont (Debian's fonts-droid-fallback).
	ReportFont string
	// LedgerKind is "embedded" (default) or "fabric": how evidence bundles
	// are hashed and signed.
	LedgerKind string
	// SMTP is the mail server of e-mail notifications; nil leaves the
	// e-mail channel out (its deliveries are recorded not_configured).
	SMTP *notify.SMTPConfig
	// Gates tunes the gate intake: the signatures' time window and the
	// camera playback links.
	Gates gates.Config
	// CustomsMessages says how national messages reach customs' own
	// systems; without a transport nothing is sent.
	CustomsMessages send.Config
	// BasicData pulls the trade platform's basic data (gateway/basicdata)
	// every BasicDataEvery (default basicdata.DefaultEvery); nil pulls
	// none.
	BasicData      connector.Connector
	BasicDataEvery time.Duration
	// Exporters says where the foreign exporter registry is crawled from.
	Exporters exporters.Config
	// SessionCacheTTL is how long a request's session, and its
	// enterprise's status, are taken from memory after being read from
	// PostgreSQL: 0 means accounts.DefaultSessionCacheTTL (5 s), negative
	// reads them for every request. A logout, password change or
	// disabling made through another gateway process is seen here within
	// it (docs/architecture.md, "Cheaper reads").
	SessionCacheTTL time.Duration
}

// Gateway serves the HTTP API.
type Gateway struct {
	cfg         Config
	log         *slog.Logger
	accounts    *accounts.Store
	logins      *loginguard.Guard
	publicLimit *ratelimit.Limiter
	drafts      *drafts.Store
	attachments *attachments.Store
	submissions *submissions.Store
	identities  *identities.Resolver
	metrics     *metrics
	web         fs.FS
	engine      *gin.Engine
	// handler is engine behind compressed answers (compress.go).
	handler  http.Handler
	inFlight inFlight
	audit    *audit.Service
	oplog    *oplog.Log
	notify   *notify.Service
	// customsMessages sends national messages (gateway/customsmsg/send).
	customsMessages *send.Service
	// reportFont writes the PDF reports.
	reportFont *reports.Font
	gates      *gates.Service
	// oplogFailures counts actions the operation log could not record.
	oplogFailures prometheus.Counter

	// recognitions queues and reads certificate recognitions.
	recognitions *recognitions.Store
	// basicData keeps the trade platform's basic data.
	basicData *basicdata.Service
	// exporters is the foreign exporter registry and its claims.
	exporters *exporters.Service
	// enterpriseStatus remembers enterprises' status for authenticate.
	enterpriseStatus *statusCache
	// qrImages remembers encoded QR images.
	qrImages *qrCache
}

// New validates cfg and builds the Gateway. Call Migrate first, and Recover
// before serving.
func New(cfg Config) (*Gateway, error) {
	var missing []string
	if cfg.Pool == nil {
		missing = append(missing, "Pool")
	}
	if cfg.Ledger == nil {
		missing = append(missing, "Ledger")
	}
	if cfg.Reads == nil {
		missing = append(missing, "Reads")
	}
	if cfg.PKI == nil {
		missing = append(missing, "PKI")
	}
	if cfg.Sealer == nil {
		missing = append(missing, "Sealer")
	}
	if cfg.DataDir == "" {
		missing = append(missing, "DataDir")
	}
	if cfg.PublicURL == "" {
		missing = append(missing, "PublicURL")
	}
	if len(missing) > 0 {
		return nil, errors.New("gateway: missing configuration: " + strings.Join(missing, ", "))
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = 10 * time.Second
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	web, err := webRoot(cfg.WebFS)
	if err != nil {
		return nil, err
	}
	g := &Gateway{
		cfg:         cfg,
		log:         cfg.Logger,
		accounts:    accounts.New(cfg.Pool, accounts.WithSessionCache(cfg.SessionCacheTTL, 0)),
		logins:      loginguard.New(cfg.Pool),
		publicLimit: ratelimit.New(cfg.PublicTraceLimit),
		drafts:      drafts.New(cfg.Pool, drafts.WithSealer(cfg.Sealer)),
		attachments: attachments.New(cfg.Pool, cfg.DataDir, cfg.Sealer),
		submissions: submissions.New(cfg.Pool),
		identities:  identities.New(identities.PKI(cfg.PKI)),
		metrics:     newMetrics(),
		web:         web,
		reportFont:  &reports.Font{Path: cfg.ReportFont},
		qrImages:    newQRCache(qrCacheSize),
	}
	g.enterpriseStatus = newStatusCache(cfg.SessionCacheTTL)
	if g.recognitions, err = recognitions.New(cfg.Pool, g.drafts, g.attachments); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if g.basicData, err = basicdata.New(cfg.Pool, cfg.BasicData, basicdata.WithEvery(cfg.BasicDataEvery),
		basicdata.WithLogger(cfg.Logger.With("component", "basic-data"))); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if g.audit, err = g.auditService(); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	g.oplog = oplog.New(cfg.Pool, ledgerAnchors{g})
	if g.notify, err = g.newNotifications(); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if g.exporters, err = exporters.New(cfg.Pool, cfg.Exporters, g.notify, cfg.Logger.With("component", "exporters")); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if g.gates, err = g.newGates(); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if g.customsMessages, err = send.New(cfg.Pool, cfg.Reads, cfg.CustomsMessages, cfg.Logger); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	g.oplogFailures = prometheus.NewCounter(prometheus.CounterOpts{Name: "zonetrace_oplog_append_failures_total",
		Help: "Actions the operation log could not record (each written to the process log instead)."})
	g.metrics.registry.MustRegister(g.oplogFailures)
	if p, ok := cfg.Ledger.(identities.Publisher); ok {
		g.identities.PublishTo(p)
	}
	g.engine = g.routes()
	if err := g.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("gateway: trusted proxies: %w", err)
	}
	if g.handler, err = compressAnswers(g.engine); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	return g, nil
}

// Handler returns the HTTP handler of the whole API, the operations
// endpoints and the web app.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Exporters returns the foreign exporter registry, whose crawl and expiry
// check the node's job queue runs.
func (g *Gateway) Exporters() *exporters.Service { return g.exporters }

// Accounts returns the user store, for seeding demo users.
func (g *Gateway) Accounts() *accounts.Store { return g.accounts }
