package platform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	leveldberrors "github.com/syndtr/goleveldb/leveldb/errors"

	"zonetrace/indexer"
	"zonetrace/network/embedded"
	"zonetrace/network/fabricledger"
	"zonetrace/network/ledger"
)

// AuditConfig says which node an auditor checks.
type AuditConfig struct {
	// Ledger, FabricConnection and DataDir as in Config. An embedded ledger
	// must not be open in another process.
	Ledger           string
	FabricConnection string
	DataDir          string
	// DatabaseURL is the indexer's database; the replay goes to a scratch
	// database created next to it and dropped afterwards.
	DatabaseURL string
	Logger      *slog.Logger
}

// AuditReport is what a clean audit checked.
type AuditReport struct {
	Blocks uint64
	Tables int
}

// Discrepancy is the first difference between the indexer's tables and a
// replay of the ledger. Row texts are JSON; an empty one is a missing row.
type Discrepancy struct {
	Table  string
	Block  string
	TxID   string
	Mirror string
	Ledger string
}

func (d *Discrepancy) Error() string {
	where := ""
	if d.Block != "" || d.TxID != "" {
		where = fmt.Sprintf(" (block %s, transaction %s)", orNone(d.Block), orNone(d.TxID))
	}
	return fmt.Sprintf("table %s differs from the ledger%s:\n  indexer has: %s\n  ledger says: %s",
		d.Table, where, orNone(d.Mirror), orNone(d.Ledger))
}

func orNone(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}

// Audit checks the ledger (embedded: embedded.VerifyStore; Fabric: the hash
// chain and every endorsement signature against the MSPs' CAs) and then
// compares the indexer's tables with a replay of the ledger. It returns the
// first fault: *embedded.CorruptionError, *fabricledger.CorruptionError or
// *Discrepancy.
func Audit(ctx context.Context, cfg AuditConfig) (*AuditReport, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	report := &AuditReport{}
	var l ledger.Ledger
	switch cfg.Ledger {
	case "", LedgerEmbedded:
		dir := filepath.Join(cfg.DataDir, "ledger")
		if err := embedded.VerifyStore(dir); err != nil {
			return nil, err
		}
		emb, _, err := OpenLedger(ctx, cfg.DataDir, log)
		if err != nil {
			return nil, err
		}
		l = emb
	case LedgerFabric:
		fab, _, err := OpenFabricLedger(ctx, cfg.FabricConnection, cfg.DataDir, log)
		if err != nil {
			return nil, err
		}
		l = fab
		conn, err := fabricledger.LoadConnection(cfg.FabricConnection)
		if err != nil {
			_ = l.Close()
			return nil, err
		}
		roots, err := fabricledger.LoadMSPRoots(conn)
		if err != nil {
			_ = l.Close()
			return nil, err
		}
		if report.Blocks, err = fab.(*fabricledger.Ledger).VerifyChain(ctx, roots); err != nil {
			_ = l.Close()
			return nil, err
		}
	default:
		return nil, fmt.Errorf("audit: unknown ledger %q", cfg.Ledger)
	}
	defer l.Close()
	if report.Blocks == 0 {
		h, err := l.Height(ctx)
		if err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		report.Blocks = h
	}

	mirror, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("audit: connect to PostgreSQL: %w", err)
	}
	defer mirror.Close()
	scratchURL, drop, err := createScratchDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer drop()
	scratch, err := pgxpool.New(ctx, scratchURL)
	if err != nil {
		return nil, fmt.Errorf("audit: connect to scratch database: %w", err)
	}
	defer scratch.Close()
	if report.Tables, err = CompareProjection(ctx, mirror, l, scratch); err != nil {
		return nil, err
	}
	return report, nil
}

// CompareProjection replays l into the empty database of scratch up to the
// block the mirror's checkpoint has reached and compares every projection
// table (indexer.TableDigest). It returns the number of tables compared, or
// a *Discrepancy naming the first differing row.
func CompareProjection(ctx context.Context, mirror *pgxpool.Pool, l ledger.Ledger, scratch *pgxpool.Pool) (int, error) {
	want, err := indexer.TableDigest(ctx, mirror)
	if err != nil {
		return 0, fmt.Errorf("compare projection: %w", err)
	}
	var next int64
	if err := mirror.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return 0, fmt.Errorf("compare projection: read checkpoint: %w", err)
	}
	height, err := l.Height(ctx)
	if err != nil {
		return 0, fmt.Errorf("compare projection: %w", err)
	}
	if height < uint64(next) {
		// The replay could never reach the mirror: the ledger lost blocks
		// (or the mirror is of another ledger).
		return 0, &Discrepancy{
			Table:  "indexer_checkpoint",
			Block:  fmt.Sprint(height),
			Mirror: fmt.Sprintf("indexed %d blocks", next),
			Ledger: fmt.Sprintf("has %d blocks", height),
		}
	}
	if err := indexer.Migrate(ctx, scratch); err != nil {
		return 0, fmt.Errorf("compare projection: %w", err)
	}
	ix := indexer.New(scratch, l, indexer.WithLogger(slog.New(slog.DiscardHandler)))
	if err := ix.CatchUp(ctx, uint64(next)); err != nil {
		return 0, fmt.Errorf("compare projection: replay %d blocks: %w", next, err)
	}
	got, err := indexer.TableDigest(ctx, scratch)
	if err != nil {
		return 0, fmt.Errorf("compare projection: %w", err)
	}
	tables := make([]string, 0, len(want))
	for t := range want {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, t := range tables {
		if want[t] == got[t] {
			continue
		}
		if t == "indexer_checkpoint" {
			return 0, &Discrepancy{Table: t, Mirror: fmt.Sprintf("next block %d", next), Ledger: "another height"}
		}
		d, err := firstDifference(ctx, mirror, scratch, t)
		if err != nil {
			return 0, fmt.Errorf("compare projection: %w", err)
		}
		return 0, d
	}
	return len(tables), nil
}

// firstDifference finds the first row, in text order, that only one side has.
func firstDifference(ctx context.Context, mirror, replay *pgxpool.Pool, table string) (*Discrepancy, error) {
	a, err := tableRows(ctx, mirror, table)
	if err != nil {
		return nil, err
	}
	b, err := tableRows(ctx, replay, table)
	if err != nil {
		return nil, err
	}
	d := &Discrepancy{Table: table}
	i, j := 0, 0
	for i < len(a) && j < len(b) && a[i] == b[j] {
		i, j = i+1, j+1
	}
	switch {
	case i < len(a) && (j >= len(b) || a[i] < b[j]):
		d.Mirror = a[i]
		if j < len(b) {
			d.Ledger = b[j]
		}
	case j < len(b):
		d.Ledger = b[j]
		if i < len(a) {
			d.Mirror = a[i]
		}
	}
	d.Block, d.TxID = locate(d.Mirror)
	if d.Block == "" {
		d.Block, d.TxID = locate(d.Ledger)
	}
	return d, nil
}

func tableRows(ctx context.Context, pool *pgxpool.Pool, table string) ([]string, error) {
	q := `SELECT row_to_json(t)::text COLLATE "C" FROM ` + pgx.Identifier{table}.Sanitize() + ` t ORDER BY 1`
	rows, err := pool.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	return out, nil
}

// locate picks the block and transaction a projected row came from.
func locate(rowJSON string) (block, txID string) {
	if rowJSON == "" {
		return "", ""
	}
	var row map[string]any
	if err := json.Unmarshal([]byte(rowJSON), &row); err != nil {
		return "", ""
	}
	if v, ok := row["block_number"]; ok {
		block = fmt.Sprint(v)
	}
	for _, k := range []string{"tx_id", "updated_tx"} {
		if v, ok := row[k].(string); ok && v != "" {
			return block, v
		}
	}
	return block, ""
}

// createScratchDatabase creates an empty database on the server of dbURL
// and returns its URL and a function dropping it.
func createScratchDatabase(ctx context.Context, dbURL string) (string, func(), error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", nil, fmt.Errorf("create scratch database: parse database URL: %w", err)
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	name := "zt_audit_" + hex.EncodeToString(suffix)
	admin, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	scratch := *u
	scratch.Path = "/" + name
	drop := func() {
		ctx := context.WithoutCancel(ctx)
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			slog.Warn("audit: drop scratch database", "name", name, "err", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			slog.Warn("audit: drop scratch database", "name", name, "err", err)
		}
	}
	return scratch.String(), drop, nil
}

// IsAuditFinding reports whether err is a fault the audit found (as opposed
// to an audit that could not run); a store LevelDB itself reports as
// corrupted counts as one.
func IsAuditFinding(err error) bool {
	var d *Discrepancy
	var e *embedded.CorruptionError
	var f *fabricledger.CorruptionError
	return errors.As(err, &d) || errors.As(err, &e) || errors.As(err, &f) || leveldberrors.IsCorrupted(err)
}
