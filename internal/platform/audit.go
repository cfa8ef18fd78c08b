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
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	leveldberrors "github.com/syndtr/goleveldb/leveldb/errors"

	"zonetrace/indexer"
	"zonetrace/internal/sealing"
	"zonetrace/network/embedded"
	"zonetrace/network/fabricledger"
	"zonetrace/network/ledger"
)

// AuditConfig says which node an auditor checks.
type AuditConfig struct {
	// Ledger, FabricConnection and DataDir as in Config. The node may be
	// running: an embedded ledger is read from a snapshot (OpenReadLedger).
	Ledger           string
	FabricConnection string
	DataDir          string
	// DatabaseURL is the indexer's database; the replay goes to a scratch
	// database created next to it and dropped afterwards.
	DatabaseURL string
	Logger      *slog.Logger
	// Progress, if set, hears after each block of the ledger check how
	// many blocks were checked of the height.
	Progress func(checked, height uint64)
	// Keys unwrap the mirror's data keys, so the replay seals the
	// commercial values exactly as the mirror holds them (Config.Keys).
	Keys sealing.KeyEncrypter
}

// AuditReport is what a clean audit checked.
type AuditReport struct {
	// Blocks is the ledger height whose hash chain and signatures were
	// checked, and up to which the ledger was replayed.
	Blocks uint64
	// IndexedHeight is the mirror's checkpoint when it was read.
	IndexedHeight uint64
	// Lag is how many blocks the mirror is behind the ledger (Blocks -
	// IndexedHeight). It is not a fault by itself (a running node's mirror
	// trails by the blocks in flight) and every lagging block was replayed
	// and found projectable; a mirror stuck on a block is reported as an
	// *UnprojectableBlockError instead.
	Lag uint64
	// Tables is the number of tables found equal to the replay.
	Tables int
}

// UnprojectableBlockError is a committed block the mirror cannot hold: the
// indexer is parked on it (Source "mirror alarm"), or a replay of the ledger
// into a scratch database could not project it (Source "replay").
type UnprojectableBlockError struct {
	Block  uint64
	Reason string
	Source string
}

func (e *UnprojectableBlockError) Error() string {
	return fmt.Sprintf("block %d cannot be projected into the mirror (%s): %s", e.Block, e.Source, e.Reason)
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

// Audit checks the ledger (embedded: embedded.VerifyStore on a snapshot;
// Fabric: the hash chain and every endorsement signature against the MSPs'
// CAs) and compares the mirror with a replay of the ledger: its tables must
// equal the replay up to its checkpoint, it must not be parked, and every
// block beyond the checkpoint up to the ledger height must be projectable.
// It works while the node runs. It returns the first fault:
// *embedded.CorruptionError, *fabricledger.CorruptionError, *Discrepancy or
// *UnprojectableBlockError; lag is reported in the AuditReport.
func Audit(ctx context.Context, cfg AuditConfig) (*AuditReport, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mirror, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("audit: connect to PostgreSQL: %w", err)
	}
	defer mirror.Close()
	sealer, err := OpenSealer(ctx, cfg.Keys, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	// The mirror is read in one snapshot taken before the ledger is opened,
	// so the ledger (which only grows) is at least as high as the mirror's
	// checkpoint, however fast the running node appends.
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	var report *AuditReport
	err = pgx.BeginTxFunc(ctx, mirror, opts, func(tx pgx.Tx) error {
		var err error
		report, err = audit(ctx, cfg, log, tx, sealer)
		return err
	})
	if err != nil {
		return nil, err
	}
	return report, nil
}

func audit(ctx context.Context, cfg AuditConfig, log *slog.Logger, mirror pgx.Tx, sealer *sealing.Sealer) (*AuditReport, error) {
	want, err := indexer.TableDigestTx(ctx, mirror)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	var next int64
	if err := mirror.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return nil, fmt.Errorf("audit: read checkpoint: %w", err)
	}
	alarm, err := indexer.OpenAlarm(ctx, mirror)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}

	l, verified, err := openAuditedLedger(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	report := &AuditReport{Blocks: verified, IndexedHeight: uint64(next)}
	if report.Blocks < report.IndexedHeight {
		// The replay could never reach the mirror: the ledger lost blocks
		// (or the mirror is of another ledger).
		return nil, &Discrepancy{
			Table:  "indexer_checkpoint",
			Block:  fmt.Sprint(report.Blocks),
			Mirror: fmt.Sprintf("indexed %d blocks", next),
			Ledger: fmt.Sprintf("has %d blocks", report.Blocks),
		}
	}
	report.Lag = report.Blocks - report.IndexedHeight

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
	if report.Tables, err = compareProjection(ctx, mirror, want, l, scratch, sealer, report.IndexedHeight); err != nil {
		return nil, err
	}
	if alarm != nil {
		return nil, &UnprojectableBlockError{Block: alarm.Block, Reason: alarm.Reason, Source: "mirror alarm"}
	}
	if err := replay(ctx, l, scratch, sealer, report.Blocks); err != nil {
		return nil, err
	}
	return report, nil
}

// openAuditedLedger opens the ledger for the audit, after checking it, and
// returns the height checked.
func openAuditedLedger(ctx context.Context, cfg AuditConfig, log *slog.Logger) (ledger.Ledger, uint64, error) {
	switch cfg.Ledger {
	case "", LedgerEmbedded:
		check := func(dir string) error { return embedded.VerifyStoreProgress(dir, cfg.Progress) }
		l, err := openEmbeddedSnapshot(ctx, cfg.DataDir, log, check)
		if err != nil {
			return nil, 0, err
		}
		h, err := l.Height(ctx)
		if err != nil {
			_ = l.Close()
			return nil, 0, fmt.Errorf("audit: %w", err)
		}
		return l, h, nil
	case LedgerFabric:
		fab, _, err := OpenFabricLedger(ctx, cfg.FabricConnection, cfg.DataDir, log)
		if err != nil {
			return nil, 0, err
		}
		conn, err := fabricledger.LoadConnection(cfg.FabricConnection)
		if err != nil {
			_ = fab.Close()
			return nil, 0, err
		}
		roots, err := fabricledger.LoadMSPRoots(conn)
		if err != nil {
			_ = fab.Close()
			return nil, 0, err
		}
		blocks, err := fab.(*fabricledger.Ledger).VerifyChainProgress(ctx, roots, cfg.Progress)
		if err != nil {
			_ = fab.Close()
			return nil, 0, err
		}
		return fab, blocks, nil
	default:
		return nil, 0, fmt.Errorf("audit: unknown ledger %q", cfg.Ledger)
	}
}

// replay projects l into scratch up to height; a block it cannot project is
// an *UnprojectableBlockError.
func replay(ctx context.Context, l ledger.Ledger, scratch *pgxpool.Pool, sealer *sealing.Sealer, height uint64) error {
	ix := indexer.New(scratch, l, indexer.WithLogger(slog.New(slog.DiscardHandler)), indexer.WithSealer(sealer))
	err := ix.CatchUp(ctx, height)
	var blockErr *indexer.BlockError
	if errors.As(err, &blockErr) {
		return &UnprojectableBlockError{Block: blockErr.Block, Reason: blockErr.Err.Error(), Source: "replay"}
	}
	if err != nil {
		return fmt.Errorf("audit: replay to block %d: %w", height, err)
	}
	return nil
}

// compareProjection replays l into scratch up to next and compares the
// result with the mirror's digests want, read in the snapshot mirror.
func compareProjection(ctx context.Context, mirror pgx.Tx, want map[string]string, l ledger.Ledger, scratch *pgxpool.Pool, sealer *sealing.Sealer, next uint64) (int, error) {
	if err := indexer.Migrate(ctx, scratch); err != nil {
		return 0, fmt.Errorf("compare projection: %w", err)
	}
	if err := replay(ctx, l, scratch, sealer, next); err != nil {
		return 0, err
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
func firstDifference(ctx context.Context, mirror, replay querier, table string) (*Discrepancy, error) {
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

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func tableRows(ctx context.Context, pool querier, table string) ([]string, error) {
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
	var u *UnprojectableBlockError
	return errors.As(err, &d) || errors.As(err, &e) || errors.As(err, &f) || errors.As(err, &u) ||
		leveldberrors.IsCorrupted(err)
}
