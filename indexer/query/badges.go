package query

import (
	"context"
	"fmt"

	"zonetrace/chaincode/model"
)

// incomingWhere selects the out legs naming $1 as transferee that are
// approved and have no in leg yet: the transfers it has to receive.
const incomingWhere = `counterparty_id = $1 AND counterparty_id <> '' AND family IN ($2, $3) AND business_type = $4
	AND status = $5 AND in_leg_id = ''`

func incomingArgs(enterpriseID string) []any {
	return []any{enterpriseID, string(model.FamilyBondedTransfer), string(model.FamilyNonBondedTransfer),
		string(model.BusinessOut), string(model.DocApproved)}
}

// EnterpriseCounts are the numbers an enterprise's menu shows.
type EnterpriseCounts struct {
	// Receipts is every receipt issued to the enterprise; the gateway
	// keeps the read marks and subtracts them.
	Receipts int
	// IncomingTransfers are the transfers it has to receive (see
	// IncomingTransfers).
	IncomingTransfers int
}

// EnterpriseCounts counts enterpriseID's receipts and incoming transfers
// in one statement.
func (r *Reader) EnterpriseCounts(ctx context.Context, enterpriseID string) (EnterpriseCounts, error) {
	var c EnterpriseCounts
	err := r.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM receipts WHERE enterprise_id = $1),
		(SELECT count(*) FROM documents WHERE `+incomingWhere+`)`, incomingArgs(enterpriseID)...).Scan(&c.Receipts, &c.IncomingTransfers)
	if err != nil {
		return EnterpriseCounts{}, fmt.Errorf("count receipts and incoming transfers of %q: %w", enterpriseID, err)
	}
	return c, nil
}
