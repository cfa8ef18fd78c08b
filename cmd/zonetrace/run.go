package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/exporters"
	"zonetrace/gateway/gates"
	"zonetrace/gateway/retention"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/platform"
	"zonetrace/web"
)

func runCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("run", flag.ExitOnError)
	node := nodeFlags(flags, os.Getenv)
	serverTLS := tlsFlags(flags, os.Getenv)
	mailServer := newSMTPFlags(flags, os.Getenv)
	customsMessages := newCustomsMessageFlags(flags, os.Getenv)
	basicData := newBasicDataFlags(flags, os.Getenv)
	listen := flags.String("listen", "127.0.0.1:8080", "HTTPS listen address (plain HTTP is not served)")
	tesseract := flags.String("tesseract", os.Getenv("ZT_TESSERACT"), "tesseract program reading certificates (default: tesseract on PATH; Debian tesseract-ocr with tesseract-ocr-chi-sim and tesseract-ocr-eng)")
	reportFont := flags.String("report-font", os.Getenv("ZT_REPORT_FONT"), "CJK TrueType font of the PDF reports (default /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf, Debian fonts-droid-fallback)")
	publicURL := flags.String("public-url", "", "base URL printed in trace QR codes (default: the listen URL)")
	demo := flags.Bool("demo", false, "seed demo enterprises, users and prefilings into an empty ledger")
	demoYearFlag := flags.Bool("demo-year", false, "with --demo on an empty embedded ledger, first replay a simulated year of trade and gate traffic on a demo clock (about 20 s)")
	readURL := flags.String("db-read-url", os.Getenv("ZT_DB_READ_URL"),
		"PostgreSQL streaming replica of --db that answers read queries; --db-sslmode and --db-sslrootcert apply to it too (default none: reads go to --db; env ZT_DB_READ_URL)")
	trustedProxies := flags.String("trusted-proxies", os.Getenv("ZT_TRUSTED_PROXIES"),
		"comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed (default none; env ZT_TRUSTED_PROXIES)")
	var envErrs []error
	duration := func(p *time.Duration, name, envName string, fallback time.Duration, usage string) {
		if v := os.Getenv(envName); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				envErrs = append(envErrs, fmt.Errorf("%s: %w", envName, err))
			}
			fallback = d
		}
		flags.DurationVar(p, name, fallback, usage+" (env "+envName+")")
	}
	var shutdownTimeout time.Duration
	duration(&shutdownTimeout, "shutdown-timeout", "ZT_SHUTDOWN_TIMEOUT", platform.DefaultShutdownTimeout,
		"how long a stop waits for requests, deliveries and jobs before cutting them off")
	keep := retention.DefaultPolicy()
	duration(&keep.Sessions, "retain-sessions", "ZT_RETAIN_SESSIONS", keep.Sessions,
		"how long expired or revoked sessions are kept (0: for ever)")
	duration(&keep.OutboxBodies, "retain-outbox-bodies", "ZT_RETAIN_OUTBOX_BODIES", keep.OutboxBodies,
		"how long finished submissions keep their request body; then only its SHA-256 and the answer remain (0: for ever)")
	duration(&keep.CustomsMessages, "retain-customs-messages", "ZT_RETAIN_CUSTOMS_MESSAGES", keep.CustomsMessages,
		"how long raw customs messages and incomplete split receipts are kept (0: for ever)")
	duration(&keep.Deliveries, "retain-deliveries", "ZT_RETAIN_DELIVERIES", keep.Deliveries,
		"how long webhook deliveries are kept after delivery, or undelivered after creation (0: for ever)")
	var sessionCacheTTL time.Duration
	duration(&sessionCacheTTL, "session-cache-ttl", "ZT_SESSION_CACHE_TTL", accounts.DefaultSessionCacheTTL,
		"how long a gateway answers from a session it read without reading it again; a logout, password change or disabling through another gateway takes effect here within it (0: read every time)")
	cameraURL := flags.String("camera-url-template", os.Getenv("ZT_CAMERA_URL_TEMPLATE"),
		"camera playback link of a gate crossing, {gate} {plate} {from} {to} replaced, e.g. 'https://cam/{gate}?from={from}&to={to}' (default none; env ZT_CAMERA_URL_TEMPLATE)")
	var exporterCfg exporters.Config
	flags.StringVar(&exporterCfg.RegistryURL, "exporter-registry-url", os.Getenv("ZT_EXPORTER_REGISTRY_URL"),
		"first page of the foreign exporter registry website's listing, crawled on a schedule (default none: no crawl; env ZT_EXPORTER_REGISTRY_URL)")
	duration(&exporterCfg.CrawlEvery, "exporter-crawl-every", "ZT_EXPORTER_CRAWL_EVERY", exporters.DefaultCrawlEvery,
		"how often the exporter registry website is crawled")
	var gateCfg gates.Config
	duration(&gateCfg.CameraWindow, "camera-window", "ZT_CAMERA_WINDOW", gates.DefaultCameraWindow,
		"how much before and after a gate crossing its camera playback covers")
	duration(&gateCfg.Window, "gate-signature-window", "ZT_GATE_SIGNATURE_WINDOW", gates.DefaultWindow,
		"how far a gate request's signed timestamp may be from the node's clock")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if err := errors.Join(envErrs...); err != nil {
		return err
	}
	if sessionCacheTTL == 0 {
		sessionCacheTTL = -1 // the gateway's "no cache"; its 0 is the default
	}

	dbURL, err := node.Database()
	if err != nil {
		return err
	}
	readDB := ""
	if *readURL != "" {
		replica := *node
		replica.DatabaseURL = *readURL
		if readDB, err = replica.Database(); err != nil {
			return err
		}
	}
	keys, err := node.keyRing()
	if err != nil {
		return err
	}
	smtpConfig, err := mailServer.config()
	if err != nil {
		return err
	}
	customsConfig, err := customsMessages.config()
	if err != nil {
		return err
	}
	basicDataConnector, basicDataEvery, err := basicData.config()
	if err != nil {
		return err
	}
	served, err := serverTLS.serverTLS(node.DataDir, *listen)
	if err != nil {
		return err
	}
	webFS, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		return fmt.Errorf("open embedded web app: %w", err)
	}
	var year *demoYear
	cfgGates := gates.Config{Window: gateCfg.Window, CameraURLTemplate: *cameraURL, CameraWindow: gateCfg.CameraWindow}
	var ledgerClock func() time.Time
	if *demoYearFlag {
		if !*demo {
			return errors.New("--demo-year needs --demo")
		}
		year = &demoYear{Clock: &demoClock{}, End: time.Now()}
		ledgerClock, cfgGates.Now = year.Clock.Now, year.Clock.Now
	}
	p, err := platform.Start(ctx, platform.Config{
		DataDir:          node.DataDir,
		DatabaseURL:      dbURL,
		ReadDatabaseURL:  readDB,
		Listen:           *listen,
		TLS:              served,
		Keys:             keys,
		PublicURL:        *publicURL,
		ReportFont:       *reportFont,
		Tesseract:        *tesseract,
		WebFS:            webFS,
		Logger:           log,
		Ledger:           node.Ledger,
		FabricConnection: node.FabricConnection,
		TrustedProxies:   splitList(*trustedProxies),
		ShutdownTimeout:  shutdownTimeout,
		Retention:        &keep,
		SMTP:             smtpConfig,
		Gates:            cfgGates,
		CustomsMessages:  customsConfig,
		BasicData:        basicDataConnector,
		BasicDataEvery:   basicDataEvery,
		Exporters:        exporterCfg,
		LedgerClock:      ledgerClock,
		SessionCacheTTL:  sessionCacheTTL,
	})
	if err != nil {
		return err
	}
	defer p.Close()

	logins := demoLogins
	if *demo {
		if err := seedDemo(ctx, p, func() *apiclient.Client { return selfClient(p.URL, served) }, year); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		if year != nil {
			es, err := p.Reads.Enterprises(ctx)
			if err != nil {
				return err
			}
			// A data folder seeded before without the year has no ent-c.
			if slices.ContainsFunc(es, func(e model.Enterprise) bool { return e.ID == demoEnterpriseC }) {
				logins += "\n" + demoYearLogins
			}
		}
	} else if logins, err = ensureFirstAdmin(ctx, p); err != nil {
		return err
	}
	fmt.Printf("\nZoneTrace is running at %s\n\n%s\n", p.URL, logins)
	<-ctx.Done()
	log.Info("shutting down")
	return p.Close()
}

// splitList reads a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// ensureFirstAdmin creates the zone administration's first account on a node
// without users and returns a line telling its one-time password. The
// password was printed, so the admin must replace it at first login.
func ensureFirstAdmin(ctx context.Context, p *platform.Platform) (string, error) {
	users := accounts.New(p.Pool)
	existing, err := users.Users(ctx)
	if err != nil {
		return "", err
	}
	if len(existing) > 0 {
		return "Log in with your account.", nil
	}
	password, err := firstPassword()
	if err != nil {
		return "", err
	}
	if _, err := users.CreateUser(ctx, accounts.NewUser{Username: "admin", Password: password, DisplayName: "综保区管理员", Role: accounts.RoleZoneAdmin, MustChangePassword: true}); err != nil {
		return "", fmt.Errorf("create first admin: %w", err)
	}
	return "First login: admin / " + password + " (shown once; you will be asked to change it; create personal accounts, then retire it)", nil
}

// firstPassword draws the first admin's one-time password: 16 characters of
// URL-safe base64, drawn again in the rare case the password policy refuses
// a draw (a single character class, say), so start-up never fails on it.
func firstPassword() (string, error) {
	for {
		secret := make([]byte, 12)
		if _, err := rand.Read(secret); err != nil {
			return "", fmt.Errorf("generate first password: %w", err)
		}
		password := base64.RawURLEncoding.EncodeToString(secret)
		if msg, _ := accounts.CheckPassword(password, "admin"); msg == "" {
			return password, nil
		}
	}
}
