// Package draftlife is the lifecycle every off-chain draft table shares:
// soft deletion recorded with who and when (the tender requires a deletion
// record), and the reservation of the ledger number a declaration is about
// to use — written before the ledger sees it, so that a crash between the
// submit and its record can never declare one draft twice.
package draftlife

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Table is a draft table: it has id (uuid), enterprise_id, updated_at/by,
// deleted_at/by, declared_at and NumberColumn, the reserved ledger number.
type Table struct {
	Pool *pgxpool.Pool
	// Name and NumberColumn are constants of the owning store, never input.
	Name, NumberColumn string
	Now                func() time.Time
}

// Delete soft-deletes an undeclared draft and reports whether it did; a
// draft that is gone or declared is left unchanged.
func (t Table) Delete(ctx context.Context, enterpriseID, id, user string) (bool, error) {
	tag, err := t.Pool.Exec(ctx, fmt.Sprintf(`UPDATE %s SET deleted_at = $3, deleted_by = $4
		WHERE id::text = $1 AND enterprise_id = $2 AND deleted_at IS NULL AND %s IS NULL`, t.Name, t.NumberColumn),
		id, enterpriseID, t.Now(), user)
	if err != nil {
		return false, fmt.Errorf("delete draft %s: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Reserve records the number a declaration is about to use, unless the
// draft already has one (the declaration then resumes with that number).
func (t Table) Reserve(ctx context.Context, enterpriseID, id, number string) error {
	if _, err := t.Pool.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = $3
		WHERE id::text = $1 AND enterprise_id = $2 AND deleted_at IS NULL AND %s IS NULL`, t.Name, t.NumberColumn, t.NumberColumn),
		id, enterpriseID, number); err != nil {
		return fmt.Errorf("reserve number for draft %s: %w", id, err)
	}
	return nil
}

// Unreserve frees a reserved number after the ledger refused the
// declaration, so the draft can be corrected; a committed declaration is
// never unreserved.
func (t Table) Unreserve(ctx context.Context, enterpriseID, id, number string) error {
	if _, err := t.Pool.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = NULL
		WHERE id::text = $1 AND enterprise_id = $2 AND %s = $3 AND declared_at IS NULL`, t.Name, t.NumberColumn, t.NumberColumn),
		id, enterpriseID, number); err != nil {
		return fmt.Errorf("unreserve number of draft %s: %w", id, err)
	}
	return nil
}

// MarkDeclared records that the ledger committed the draft's declaration.
func (t Table) MarkDeclared(ctx context.Context, enterpriseID, id, user string) error {
	if _, err := t.Pool.Exec(ctx, fmt.Sprintf(`UPDATE %s SET declared_at = coalesce(declared_at, $3), updated_at = $3, updated_by = $4
		WHERE id::text = $1 AND enterprise_id = $2`, t.Name), id, enterpriseID, t.Now(), user); err != nil {
		return fmt.Errorf("mark draft %s declared: %w", id, err)
	}
	return nil
}
