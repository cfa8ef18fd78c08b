// Package platform assembles one running ZoneTrace node: the ledger (embedded
// by default), the indexer mirroring it into PostgreSQL, and the gateway
// serving the API and the web app. The zonetrace command and the end-to-end
// tests start the product through it, so both run exactly the same wiring.
package platform

import (
	"context"
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
	"zonetrace/indexer"
	"zonetrace/indexer/query"
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
	// Listen is the HTTP address, e.g. "127.0.0.1:8080" (":0" picks a port).
	Listen string
	// PublicURL is the base URL printed in trace QR codes; defaults to the
	// listen address.
	PublicURL string
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
}

// Ledger choices of Config.Ledger.
const (
	LedgerEmbedded = "embedded"
	LedgerFabric   = "fabric"
)

// Platform is a running node.
type Platform struct {
	URL     string
	PKI     *pki.PKI
	Ledger  ledger.Ledger
	Pool    *pgxpool.Pool
	Reads   *query.Reader
	Gateway *gateway.Gateway

	server   *http.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	closeErr error
	once     sync.Once
}

// Start opens the ledger and the database, migrates, starts the indexer and
// the HTTP server, and re-drives submissions a previous run left pending.
func Start(ctx context.Context, cfg Config) (*Platform, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	p := &Platform{}
	ok := false
	defer func() {
		if !ok {
			_ = p.Close()
		}
	}()

	var err error
	switch cfg.Ledger {
	case "", LedgerEmbedded:
		p.Ledger, p.PKI, err = OpenLedger(ctx, cfg.DataDir, log)
	case LedgerFabric:
		p.Ledger, p.PKI, err = OpenFabricLedger(ctx, cfg.FabricConnection, cfg.DataDir, log)
	default:
		err = fmt.Errorf("unknown ledger %q (want %q or %q)", cfg.Ledger, LedgerEmbedded, LedgerFabric)
	}
	if err != nil {
		return nil, err
	}

	poolConfig, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	// pgx sizes pools by CPU count (4 here); the gateway serves hundreds of
	// users and the indexer must always find a connection.
	poolConfig.MaxConns = 32
	if p.Pool, err = pgxpool.NewWithConfig(ctx, poolConfig); err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := indexer.Migrate(ctx, p.Pool); err != nil {
		return nil, err
	}
	if err := gateway.Migrate(ctx, p.Pool); err != nil {
		return nil, err
	}
	p.Reads = query.New(p.Pool)

	listener, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	p.URL = "http://" + listener.Addr().String()
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = p.URL
	}
	if p.Gateway, err = gateway.New(gateway.Config{
		Pool:           p.Pool,
		Ledger:         p.Ledger,
		Reads:          p.Reads,
		PKI:            p.PKI,
		DataDir:        cfg.DataDir,
		PublicURL:      publicURL,
		WebFS:          cfg.WebFS,
		Logger:         log.With("component", "gateway"),
		TrustedProxies: cfg.TrustedProxies,
	}); err != nil {
		_ = listener.Close()
		return nil, fmt.Errorf("create gateway: %w", err)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	ix := indexer.New(p.Pool, p.Ledger, indexer.WithLogger(log.With("component", "indexer")),
		indexer.WithRegisterer(p.Gateway.MetricsRegisterer()))
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := ix.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
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

	p.server = &http.Server{Handler: p.Gateway.Handler(), ReadHeaderTimeout: 10 * time.Second}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := p.server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()

	if err := p.Gateway.Recover(ctx); err != nil {
		return nil, fmt.Errorf("recover pending submissions: %w", err)
	}
	ok = true
	return p, nil
}

// OpenLedger opens the embedded ledger of a data folder and the dev PKI that
// vouches for its identities.
func OpenLedger(ctx context.Context, dataDir string, log *slog.Logger) (ledger.Ledger, *pki.PKI, error) {
	ca, err := pki.Open(filepath.Join(dataDir, "pki"))
	if err != nil {
		return nil, nil, fmt.Errorf("open dev PKI: %w", err)
	}
	l, err := openEmbedded(ctx, filepath.Join(dataDir, "ledger"), ca, log)
	if err != nil {
		return nil, nil, err
	}
	return l, ca, nil
}

// openEmbedded opens the embedded ledger stored in dir (a node's, or the
// auditor's snapshot of it) with the dev PKI ca vouching for identities.
func openEmbedded(ctx context.Context, dir string, ca *pki.PKI, log *slog.Logger) (*embedded.Ledger, error) {
	cc, err := contract.NewChaincode()
	if err != nil {
		return nil, err
	}
	l, err := embedded.Open(ctx, embedded.Config{
		Dir:       dir,
		ChannelID: "zonetrace",
		Chaincode: cc,
		Verifier:  ca,
		Logger:    log.With("component", "ledger"),
	})
	if err != nil {
		return nil, fmt.Errorf("open embedded ledger: %w", err)
	}
	return l, nil
}

// Close stops serving, stops the indexer and closes the ledger and database.
func (p *Platform) Close() error {
	p.once.Do(func() {
		var errs []error
		if p.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			errs = append(errs, p.server.Shutdown(ctx))
			cancel()
		}
		if p.cancel != nil {
			p.cancel()
		}
		p.wg.Wait()
		if p.Ledger != nil {
			errs = append(errs, p.Ledger.Close())
		}
		if p.Pool != nil {
			p.Pool.Close()
		}
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}
