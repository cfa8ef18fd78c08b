// Package query is the read model the gateway queries: prefilings, trace
// codes, enterprises, identities, documents, movements, balances and
// receipts as the indexer mirrored them from the ledger, plus a wait for
// read-your-writes.
package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/internal/sealing"
)

// ErrNotFound reports that the requested record is not in the read model.
var ErrNotFound = errors.New("query: not found")

// Reader answers queries from the indexer's tables.
type Reader struct {
	// pool answers the queries: the primary, or a read replica.
	pool *pgxpool.Pool
	// primary carries the wait's LISTEN (a standby cannot LISTEN); it is
	// pool unless WithReadReplica.
	primary *pgxpool.Pool
	sealer  *sealing.Sealer
	watch   heightWatch
}

// Option configures a Reader.
type Option func(*Reader)

// WithSealer opens the commercial values the indexer sealed
// (indexer.WithSealer) with s, so that readers see them unchanged.
func WithSealer(s *sealing.Sealer) Option { return func(r *Reader) { r.sealer = s } }

// WithReadReplica sends the queries to replica, a streaming replica of the
// primary pool New was given. WaitForBlock still learns of commits from the
// primary, then waits until the replica has replayed the block too, so
// read-your-writes holds on the replica. The caller keeps owning replica.
func WithReadReplica(replica *pgxpool.Pool) Option {
	return func(r *Reader) {
		if replica != nil {
			r.pool = replica
		}
	}
}

// New returns a Reader on pool (the primary), which the caller keeps owning.
func New(pool *pgxpool.Pool, opts ...Option) *Reader {
	r := &Reader{pool: pool, primary: pool}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// decodeSealed opens the sealed members f names in raw and decodes it.
func (r *Reader) decodeSealed(f sealing.Fields, raw []byte, dst any) error {
	raw, err := f.Open(r.sealer, raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, dst)
}

// TraceCode returns the trace code code, or ErrNotFound.
func (r *Reader) TraceCode(ctx context.Context, code string) (model.TraceCode, error) {
	var c model.TraceCode
	if err := r.doc(ctx, &c, `SELECT doc FROM trace_codes WHERE code = $1`, code); err != nil {
		return c, fmt.Errorf("get trace code %q: %w", code, err)
	}
	return c, nil
}

// Enterprise returns the enterprise id, or ErrNotFound.
func (r *Reader) Enterprise(ctx context.Context, id string) (model.Enterprise, error) {
	var e model.Enterprise
	if err := r.doc(ctx, &e, `SELECT doc FROM enterprises WHERE id = $1`, id); err != nil {
		return e, fmt.Errorf("get enterprise %q: %w", id, err)
	}
	return e, nil
}

// Enterprises lists every registered enterprise ordered by id.
func (r *Reader) Enterprises(ctx context.Context) ([]model.Enterprise, error) {
	rows, err := r.pool.Query(ctx, `SELECT doc FROM enterprises ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("list enterprises: %w", err)
	}
	list, err := collectDocs[model.Enterprise](rows)
	if err != nil {
		return nil, fmt.Errorf("list enterprises: %w", err)
	}
	return list, nil
}

// Identities lists the client identities bound to enterpriseID (all bindings
// when enterpriseID is empty), ordered by MSP ID then client id.
func (r *Reader) Identities(ctx context.Context, enterpriseID string) ([]model.IdentityBinding, error) {
	rows, err := r.pool.Query(ctx, `SELECT doc FROM identity_bindings
		WHERE $1 = '' OR enterprise_id = $1
		ORDER BY msp_id COLLATE "C", client_id COLLATE "C"`, enterpriseID)
	if err != nil {
		return nil, fmt.Errorf("list identities of %q: %w", enterpriseID, err)
	}
	list, err := collectDocs[model.IdentityBinding](rows)
	if err != nil {
		return nil, fmt.Errorf("list identities of %q: %w", enterpriseID, err)
	}
	return list, nil
}

// IndexedHeight is the number of blocks indexed so far: the next block the
// indexer will process.
func (r *Reader) IndexedHeight(ctx context.Context) (uint64, error) {
	var next int64
	if err := r.pool.QueryRow(ctx, `SELECT next_block FROM indexer_checkpoint`).Scan(&next); err != nil {
		return 0, fmt.Errorf("read indexed height: %w", err)
	}
	return uint64(next), nil
}

// doc decodes the single jsonb column of the one row sql returns into dst.
func (r *Reader) doc(ctx context.Context, dst any, sql string, args ...any) error {
	var raw []byte
	err := r.pool.QueryRow(ctx, sql, args...).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("decode stored document: %w", err)
	}
	return nil
}

// collectDocs decodes rows of one jsonb column; the list is never nil so it
// encodes as [] rather than null.
func collectDocs[T any](rows pgx.Rows) ([]T, error) {
	list := []T{}
	var raw []byte
	_, err := pgx.ForEachRow(rows, []any{&raw}, func() error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode stored document: %w", err)
		}
		list = append(list, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}
