package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TableDigest returns, for every projection table, the hex SHA-256 of its rows
// in primary-key order (each row's text form followed by a newline), plus
// "indexer_checkpoint" over the next block number alone (its updated_at is
// wall-clock time). Equal digests mean equal tables: Rebuild is checked with
// it, and the auditor compares a mirror against a replay.
//
// Rows are streamed, so memory stays flat however large the tables are; the
// session's time zone and date style are pinned so the text form is the same
// on every server.
func TableDigest(ctx context.Context, pool *pgxpool.Pool) (map[string]string, error) {
	var digests map[string]string
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, pool, opts, func(tx pgx.Tx) error {
		var err error
		digests, err = TableDigestTx(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return digests, nil
}

// TableDigestTx is TableDigest inside tx, which should be a repeatable-read
// transaction so that every table is read at one instant; the auditor keeps
// it open to read the same snapshot's rows afterwards.
func TableDigestTx(ctx context.Context, tx pgx.Tx) (map[string]string, error) {
	digests := make(map[string]string, len(projectionTables)+1)
	if _, err := tx.Exec(ctx, `SET LOCAL TimeZone = 'UTC'`); err != nil {
		return nil, fmt.Errorf("digest tables: pin time zone: %w", err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL DateStyle = 'ISO, YMD'`); err != nil {
		return nil, fmt.Errorf("digest tables: pin date style: %w", err)
	}
	var next int64
	if err := tx.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return nil, fmt.Errorf("digest tables: read checkpoint: %w", err)
	}
	sum := sha256.Sum256([]byte(strconv.FormatInt(next, 10) + "\n"))
	digests["indexer_checkpoint"] = hex.EncodeToString(sum[:])
	for _, t := range projectionTables {
		d, err := digestTable(ctx, tx, t)
		if err != nil {
			return nil, fmt.Errorf("digest tables: %w", err)
		}
		digests[t.name] = d
	}
	return digests, nil
}

func digestTable(ctx context.Context, tx pgx.Tx, t projectionTable) (string, error) {
	rows, err := tx.Query(ctx, `SELECT t::text FROM `+t.name+` t ORDER BY `+t.orderBy)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	h := sha256.New()
	var row []byte
	for rows.Next() {
		if err := rows.Scan(&row); err != nil {
			return "", fmt.Errorf("read %s row: %w", t.name, err)
		}
		h.Write(row)
		h.Write([]byte{'\n'})
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("read %s: %w", t.name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
