// Package platform assembles one running ZoneTrace node: the ledger (embedded
// by default), the indexer mirroring it into PostgreSQL, and the gateway
// serving the API and the web app. The zonetrace command and the end-to-end
// tests start the product through it, so both run exactly the same wiring.
package platform

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/contract"
	"zonetrace/gateway"
	"zonetrace/gateway/alerts"
	"zonetrace/gateway/attachments"
	"zonetrace/gateway/basicdata/connector"
	"zonetrace/gateway/customsmsg/send"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/entryfill"
	"zonetrace/gateway/exporters"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/notify"
	"zonetrace/gateway/ocr"
	"zonetrace/gateway/ocr/recognitions"
	"zonetrace/gateway/retention"
	"zonetrace/gateway/verifyruns"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/internal/jobs"
	"zonetrace/internal/sealing"
	"zonetrace/network/embedded"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// Config says where a node keeps its data and how it is reached.
type Config struct {
	// DataDir holds the embedded ledger, the dev PKI and attachments.
	DataDir string
	// DatabaseURL is the PostgreSQL database of the indexer and gateway.
	DatabaseURL string
	// ReadDatabaseURL, when set, is a streaming replica of DatabaseURL
	// that answers the read model's queries (query.WithReadReplica);
	// writes, the indexer, sessions and the outbox stay on DatabaseURL.
	ReadDatabaseURL string
	// Listen is the listen address, e.g. "127.0.0.1:8080" (":0" picks a port).
	Listen string
	// TLS, when set, makes the node serve HTTPS only on Listen (its
	// certificates and minimum version), with an HSTS header on every
	// answer; nil serves plain HTTP (tests of the gateway in process).
	TLS *tls.Config
	// PublicURL is the base URL printed in trace QR codes; defaults to the
	// listen address.
	PublicURL string
	// ReportFont is the CJK TrueType font of the PDF reports (gateway.Config).
	ReportFont string
	// Tesseract is the OCR program reading certificates (gateway/ocr);
	// empty finds tesseract on PATH.
	Tesseract string
	// WebFS is the built web app (nil serves the API only).
	WebFS  fs.FS
	Logger *slog.Logger
	// Ledger selects the ledger: LedgerEmbedded (the default when empty) or
	// LedgerFabric.
	Ledger string
	// FabricConnection is the connection description network/fabric/up.sh
	// wrote; Fabric mode only.
	FabricConnection string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (gateway.Config.TrustedProxies); empty trusts none.
	TrustedProxies []string
	// ShutdownTimeout bounds Close: requests in flight, webhook deliveries
	// and jobs are given this long, then cut off (default
	// DefaultShutdownTimeout).
	ShutdownTimeout time.Duration
	// Retention says how long sessions, outbox bodies, raw customs messages
	// and webhook deliveries are kept; nil means retention.DefaultPolicy.
	Retention *retention.Policy
	// Keys wrap the node's data keys (<DataDir>/keys), which seal
	// sensitive fields at rest (internal/sealing); nil uses the key ring
	// file <DataDir>/keys/kek.json, created on first use.
	Keys sealing.KeyEncrypter
	// RedriveEvery and RetentionEvery set how often outbox recovery and
	// the retention purge run (defaults in package jobs).
	RedriveEvery, RetentionEvery time.Duration
	// AnchorEvery sets how often the operation log's head is anchored on
	// the ledger (default jobs.DefaultAnchorEvery).
	AnchorEvery time.Duration
	// SMTP is the mail server of e-mail notifications; nil sends none.
	SMTP *notify.SMTPConfig
	// Gates tunes the gate intake: signature window, camera playback
	// links (gateway.Config.Gates).
	Gates gates.Config
	// CustomsMessages says how national messages reach customs' own
	// systems (gateway/customsmsg/send); no transport sends none.
	// CustomsMessagesEvery sets how often declared documents are looked
	// for (default jobs.DefaultCustomsMessagesEvery).
	CustomsMessages      send.Config
	CustomsMessagesEvery time.Duration
	// BasicData pulls the trade platform's basic data (gateway/basicdata)
	// every BasicDataEvery (default basicdata.DefaultEvery); nil pulls
	// none.
	BasicData      connector.Connector
	BasicDataEvery time.Duration
	// SessionCacheTTL is gateway.Config's: how long a gateway trusts a
	// session it read (0: the default, negative: not at all).
	SessionCacheTTL time.Duration
	// Exporters says where the foreign exporter registry is crawled from
	// (gateway/exporters); no registry URL crawls nothing.
	Exporters exporters.Config
	// LedgerClock, when set, stamps the transactions the node proposes on
	// the embedded ledger instead of time.Now: `run --demo-year` replays a
	// simulated year through it before serving (docs/operations.md "Demo
	// data"). The Fabric ledger refuses it; its client sets the time.
	LedgerClock func() time.Time
	// SharedLedger, when set, is a ledger already open that this node
	// uses instead of opening one (Ledger is then ignored) and does not
	// close, with SharedPKI vouching for its identities: several nodes in
	// one process over one database, as the scale-out tests run them in
	// place of one Fabric channel.
	SharedLedger ledger.Ledger
	SharedPKI    *pki.PKI
	// LeaderCheck is how often the indexer's leader checks its lock
	// connection (default indexer.DefaultLeaderCheck).
	LeaderCheck time.Duration
}

// DefaultShutdownTimeout is Config.ShutdownTimeout's default.
const DefaultShutdownTimeout = 10 * time.Second

// Pool sizes. pgx sizes pools by CPU count (4 here); the gateway serves
// hundreds of users. The indexer has a pool of its own so that no burst of
// reads can take the connection it needs to apply the next block: it runs
// one block transaction at a time, plus an alarm write when parked.
const (
	apiPoolSize     = 32
	indexerPoolSize = 3
)

// Ledger choices of Config.Ledger.
const (
	LedgerEmbedded = "embedded"
	LedgerFabric   = "fabric"
)

// Platform is a running node.
type Platform struct {
	URL    string
	PKI    *pki.PKI
	Ledger ledger.Ledger
	Pool   *pgxpool.Pool
	Reads  *query.Reader
	// IndexerPool is the indexer's own pool (indexerPoolSize connections).
	IndexerPool *pgxpool.Pool
	// ReadPool is the read replica's pool (Config.ReadDatabaseURL), or nil.
	ReadPool *pgxpool.Pool
	// Leader runs the indexer while this node holds the writer lock; of
	// the nodes sharing a database exactly one indexes.
	Leader  *indexer.Leader
	Gateway *gateway.Gateway
	// Sealer seals sensitive fields at rest with the node's data keys.
	Sealer *sealing.Sealer

	ownsLedger      bool
	server          *http.Server
	jobs            *jobs.Queue
	cancel          context.CancelFunc
	wg              sync.WaitGroup
	shutdownTimeout time.Duration
	log             *slog.Logger
	closeErr        error
	once            sync.Once
}

// Start opens the ledger and the database, migrates, starts the indexer, the
// HTTP server and the job queue. Submissions a previous run left pending are
// re-driven in the background by the queue: a failing one never stops the
// node from serving.
func Start(ctx context.Context, cfg Config) (*Platform, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	p := &Platform{shutdownTimeout: cfg.ShutdownTimeout, log: log}
	if p.shutdownTimeout <= 0 {
		p.shutdownTimeout = DefaultShutdownTimeout
	}
	policy := retention.DefaultPolicy()
	if cfg.Retention != nil {
		policy = *cfg.Retention
	}
	ok := false
	defer func() {
		if !ok {
			_ = p.Close()
		}
	}()

	var err error
	switch {
	case cfg.SharedLedger != nil:
		p.Ledger, p.PKI = cfg.SharedLedger, cfg.SharedPKI
	case cfg.Ledger == "" || cfg.Ledger == LedgerEmbedded:
		p.Ledger, p.PKI, err = openLedger(ctx, cfg.DataDir, cfg.LedgerClock, log)
	case cfg.Ledger == LedgerFabric:
		if cfg.LedgerClock != nil {
			return nil, errors.New("a ledger clock works on the embedded ledger only: a Fabric client stamps its own proposals")
		}
		p.Ledger, p.PKI, err = OpenFabricLedger(ctx, cfg.FabricConnection, cfg.DataDir, log)
	default:
		err = fmt.Errorf("unknown ledger %q (want %q or %q)", cfg.Ledger, LedgerEmbedded, LedgerFabric)
	}
	if err != nil {
		return nil, err
	}
	p.ownsLedger = cfg.SharedLedger == nil

	poolConfig, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	// A server that is away must fail a request fast (503), not hang it.
	if poolConfig.ConnConfig.ConnectTimeout == 0 {
		poolConfig.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	indexerPoolConfig := poolConfig.Copy()
	poolConfig.MaxConns = apiPoolSize
	indexerPoolConfig.MaxConns = indexerPoolSize
	if p.Pool, err = pgxpool.NewWithConfig(ctx, poolConfig); err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if p.IndexerPool, err = pgxpool.NewWithConfig(ctx, indexerPoolConfig); err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL for the indexer: %w", err)
	}
	if err := indexer.Migrate(ctx, p.Pool); err != nil {
		return nil, err
	}
	if err := gateway.Migrate(ctx, p.Pool); err != nil {
		return nil, err
	}
	if err := jobs.Migrate(ctx, p.Pool); err != nil {
		return nil, err
	}
	if p.Sealer, err = OpenSealer(ctx, cfg.Keys, cfg.DataDir); err != nil {
		return nil, err
	}
	// Before the indexer runs: a mirror written before sealing is sealed
	// as the indexer would have written it.
	if n, err := indexer.SealExisting(ctx, p.Pool, p.Sealer); err != nil {
		return nil, err
	} else if n > 0 {
		log.Info("sealed commercial values stored in clear", "rows", n)
	}
	// A mirror indexed before the cockpit's sums existed gets them once.
	if filled, err := indexer.FillCockpit(ctx, p.Pool, p.Sealer); err != nil {
		return nil, err
	} else if filled {
		log.Info("filled the cockpit's sums from the mirror")
	}
	if err := sealGatewayData(ctx, p.Pool, cfg.DataDir, p.Sealer, log); err != nil {
		return nil, err
	}
	if cfg.ReadDatabaseURL != "" {
		readConfig, err := pgxpool.ParseConfig(cfg.ReadDatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("parse read replica URL: %w", err)
		}
		if readConfig.ConnConfig.ConnectTimeout == 0 {
			readConfig.ConnConfig.ConnectTimeout = 5 * time.Second
		}
		readConfig.MaxConns = apiPoolSize
		if p.ReadPool, err = pgxpool.NewWithConfig(ctx, readConfig); err != nil {
			return nil, fmt.Errorf("connect to the read replica: %w", err)
		}
	}
	p.Reads = query.New(p.Pool, query.WithSealer(p.Sealer), query.WithReadReplica(p.ReadPool))

	listener, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	p.URL = "http://" + listener.Addr().String()
	if cfg.TLS != nil {
		p.URL = "https://" + listener.Addr().String()
	}
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = p.URL
	}
	if p.Gateway, err = gateway.New(gateway.Config{
		Pool:           p.Pool,
		Ledger:         p.Ledger,
		Reads:          p.Reads,
		PKI:            p.PKI,
		Sealer:         p.Sealer,
		DataDir:        cfg.DataDir,
		PublicURL:      publicURL,
		ReportFont:     cfg.ReportFont,
		WebFS:          cfg.WebFS,
		Logger:         log.With("component", "gateway"),
		TrustedProxies: cfg.TrustedProxies,
		LedgerKind:     ledgerKind(cfg.Ledger),
		SMTP:           cfg.SMTP,
		Gates:          cfg.Gates,
		Readiness: []gateway.ReadinessCheck{{Name: "outbox", Check: func(ctx context.Context) gateway.CheckResult {
			return p.Gateway.OutboxCheck(ctx)
		}}},
		CustomsMessages: cfg.CustomsMessages,
		BasicData:       cfg.BasicData,
		BasicDataEvery:  cfg.BasicDataEvery,
		SessionCacheTTL: cfg.SessionCacheTTL,
		Exporters:       cfg.Exporters,
	}); err != nil {
		_ = listener.Close()
		return nil, fmt.Errorf("create gateway: %w", err)
	}
	// Nothing is served yet: alone on the database, the leases still
	// running were taken by the previous run of this node. With another
	// node running (it holds the indexer's writer lock; this node does not
	// compete yet) they may be that node's writes in flight: they are left
	// to run out, after which recovery takes them up all the same.
	othersRunning, err := indexer.LockHeld(ctx, p.Pool)
	if err != nil {
		_ = listener.Close()
		return nil, err
	}
	if !othersRunning {
		if err := p.Gateway.ReleaseLeases(ctx); err != nil {
			_ = listener.Close()
			return nil, err
		}
	}
	if err := p.Gateway.IssueIdentities(ctx); err != nil {
		_ = listener.Close()
		return nil, err
	}

	runCtx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	ix := indexer.New(p.IndexerPool, p.Ledger, indexer.WithLogger(log.With("component", "indexer")), indexer.WithSealer(p.Sealer),
		indexer.WithRegisterer(p.Gateway.MetricsRegisterer()))
	p.Leader = indexer.NewLeader(indexerPoolConfig.ConnConfig, ix).WithTimings(cfg.LeaderCheck, 0)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := p.Leader.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("indexer stopped", "err", err)
		}
	}()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := p.Gateway.RunDeliverer(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("webhook deliverer stopped", "err", err)
		}
	}()

	// Idle keep-alive connections close after two minutes: clients that
	// come back reconnect, and ones that went away hold no socket for ever.
	p.server = &http.Server{Handler: p.Gateway.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	// Notification streams never end on their own.
	p.server.RegisterOnShutdown(p.Gateway.CloseStreams)
	serve := p.server.Serve
	if cfg.TLS != nil {
		p.server.Handler = strictTransport(p.server.Handler)
		p.server.TLSConfig = cfg.TLS.Clone()
		serve = func(l net.Listener) error { return p.server.ServeTLS(l, "", "") }
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()

	runs, err := verifyruns.New(p.Pool, time.Now)
	if err != nil {
		return nil, err
	}
	// A run left running was cut off with the previous process.
	if err := runs.AbandonRunning(ctx); err != nil {
		return nil, err
	}
	verifier := &verifyRunner{runs: runs, log: log.With("component", "verify"), cfg: AuditConfig{
		Ledger: cfg.Ledger, FabricConnection: cfg.FabricConnection, DataDir: cfg.DataDir,
		DatabaseURL: cfg.DatabaseURL, Logger: log.With("component", "verify"),
	}}
	recognizer := recognitions.NewWorker(p.Pool, attachments.New(p.Pool, cfg.DataDir, p.Sealer),
		&ocr.Engine{Runner: ocr.NewRunner(cfg.Tesseract, 1)}, log.With("component", "ocr"))
	// A recognition left running was cut off with the previous process.
	if err := recognizer.AbandonRunning(ctx); err != nil {
		return nil, err
	}
	// A sync left running was cut off with the previous process.
	if err := p.Gateway.BasicData().AbandonRunning(ctx); err != nil {
		return nil, err
	}
	riskAlerts := alerts.New(p.Pool, alerts.NewPGSource(p.Pool, p.Reads), alerts.WithLogger(log.With("component", "risk-alerts")),
		alerts.WithSink(alerts.Notifier{Notifications: p.Gateway.Notifications()}))
	if p.jobs, err = jobs.Start(runCtx, jobs.Config{
		Pool:           p.Pool,
		Logger:         log.With("component", "jobs"),
		Outbox:         p.Gateway,
		Purger:         retention.New(p.Pool, policy, time.Now),
		RedriveEvery:   cfg.RedriveEvery,
		RetentionEvery: cfg.RetentionEvery,
		Verifier:       verifier,
		Anchorer:       p.Gateway,
		AnchorEvery:    cfg.AnchorEvery,
		Notifications:  p.Gateway.Notifications(),
		GatePasses:     p.Gateway.Gates(),
		EntryDrafts: entryfill.New(p.Pool, p.Reads, docdrafts.New(p.Pool, docdrafts.WithSealer(p.Sealer)),
			log.With("component", "entry-drafts")),
		Alerts:     riskAlerts,
		Recognizer: recognizer,
		// National messages to customs (gateway/customsmsg/send).
		CustomsMessages: p.Gateway.CustomsMessages(), CustomsMessagesEvery: cfg.CustomsMessagesEvery,
		BasicData: p.Gateway.BasicData(),
		Exporters: p.Gateway.Exporters(),
	}); err != nil {
		return nil, err
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		riskAlerts.Follow(runCtx, p.Reads)
	}()
	ok = true
	return p, nil
}

// ledgerKind names the ledger for evidence bundles.
func ledgerKind(ledger string) string {
	if ledger == LedgerFabric {
		return LedgerFabric
	}
	return LedgerEmbedded
}

// sealGatewayData seals what a gateway written before sealing keeps in
// clear: attachment files and the commercial values of drafts.
func sealGatewayData(ctx context.Context, pool *pgxpool.Pool, dataDir string, sealer *sealing.Sealer, log *slog.Logger) error {
	files, err := attachments.New(pool, dataDir, sealer).SealExisting()
	if err != nil {
		return err
	}
	prefilingDrafts, err := drafts.New(pool, drafts.WithSealer(sealer)).SealExisting(ctx)
	if err != nil {
		return err
	}
	documentDrafts, err := docdrafts.New(pool, docdrafts.WithSealer(sealer)).SealExisting(ctx)
	if err != nil {
		return err
	}
	if files+prefilingDrafts+documentDrafts > 0 {
		log.Info("sealed data stored in clear", "attachments", files, "prefiling_drafts", prefilingDrafts, "document_drafts", documentDrafts)
	}
	return nil
}

// OpenSealer opens the data keys of a data folder (KeysDir) with keys, or
// with the key ring file of the folder (KeyFile) when keys is nil.
func OpenSealer(ctx context.Context, keys sealing.KeyEncrypter, dataDir string) (*sealing.Sealer, error) {
	if keys == nil {
		ring, err := sealing.OpenKeyFile(KeyFile(dataDir))
		if err != nil {
			return nil, err
		}
		keys = ring
	}
	return sealing.Open(ctx, KeysDir(dataDir), keys)
}

// KeysDir is the folder of a node's wrapped data keys.
func KeysDir(dataDir string) string { return filepath.Join(dataDir, "keys") }

// KeyFile is the development key ring (the KEKs) of a data folder; a
// production node takes its KEKs from elsewhere (Config.Keys).
func KeyFile(dataDir string) string { return filepath.Join(KeysDir(dataDir), "kek.json") }

// strictTransport tells browsers to reach this host over HTTPS only, for a
// year, so a later plain-HTTP link or a downgrade attempt is never followed.
func strictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}

// OpenLedger opens the embedded ledger of a data folder and the dev PKI that
// vouches for its identities.
func OpenLedger(ctx context.Context, dataDir string, log *slog.Logger) (ledger.Ledger, *pki.PKI, error) {
	return openLedger(ctx, dataDir, nil, log)
}

// openLedger is OpenLedger with the client clock of Config.LedgerClock
// (nil: time.Now).
func openLedger(ctx context.Context, dataDir string, clock func() time.Time, log *slog.Logger) (ledger.Ledger, *pki.PKI, error) {
	ca, err := pki.Open(filepath.Join(dataDir, "pki"))
	if err != nil {
		return nil, nil, fmt.Errorf("open dev PKI: %w", err)
	}
	l, err := openEmbedded(ctx, filepath.Join(dataDir, "ledger"), ca, clock, log)
	if err != nil {
		return nil, nil, err
	}
	return l, ca, nil
}

// openEmbedded opens the embedded ledger stored in dir (a node's, or the
// auditor's snapshot of it) with the dev PKI ca vouching for identities.
func openEmbedded(ctx context.Context, dir string, ca *pki.PKI, clock func() time.Time, log *slog.Logger) (*embedded.Ledger, error) {
	cc, err := contract.NewChaincode()
	if err != nil {
		return nil, err
	}
	l, err := embedded.Open(ctx, embedded.Config{
		Dir:       dir,
		ChannelID: "zonetrace",
		Chaincode: cc,
		Verifier:  ca,
		Clock:     clock,
		Logger:    log.With("component", "ledger"),
	})
	if err != nil {
		return nil, fmt.Errorf("open embedded ledger: %w", err)
	}
	return l, nil
}

// Close stops serving, stops the job queue, the webhook deliverer and the
// indexer, and closes the ledger and database, within ShutdownTimeout:
// requests and jobs still running then are cut off (a cut-off write stays
// pending in the outbox and is re-driven at the next start).
func (p *Platform) Close() error {
	p.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), p.shutdownTimeout)
		defer cancel()
		var errs []error
		if p.server != nil {
			// Requests get most of the time; the rest is for the jobs.
			serving, cancelServing := context.WithTimeout(ctx, p.shutdownTimeout*3/4)
			err := p.server.Shutdown(serving)
			cancelServing()
			if err != nil {
				p.log.Warn("requests still running at the shutdown deadline are cut off", "err", err)
				errs = append(errs, p.server.Close())
			}
		}
		if p.jobs != nil {
			if err := p.jobs.Stop(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop job queue: %w", err))
			}
		}
		if p.cancel != nil {
			p.cancel()
		}
		stopped := make(chan struct{})
		go func() {
			p.wg.Wait()
			close(stopped)
		}()
		select {
		case <-stopped:
		case <-ctx.Done():
			// Closing the ledger and the pool would wait for them.
			p.closeErr = errors.Join(append(errs, errors.New("the indexer or webhook deliverer did not stop within the shutdown timeout"))...)
			return
		}
		if p.Ledger != nil && p.ownsLedger {
			errs = append(errs, p.Ledger.Close())
		}
		if p.Pool != nil {
			p.Pool.Close()
		}
		if p.IndexerPool != nil {
			p.IndexerPool.Close()
		}
		if p.ReadPool != nil {
			p.ReadPool.Close()
		}
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}
