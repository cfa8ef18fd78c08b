// Package receipts tells enterprises about their documents' receipts (回执):
// read marks for the app, one webhook per enterprise with a sealed HMAC
// secret, and a deliverer that follows the ledger's receipts in order and
// POSTs each to its enterprise's webhook until it is acknowledged.
package receipts

import (
	"context"

	"zonetrace/chaincode/model"
)

// Position is where a receipt event sits in the ledger: its block, and its
// order within the block.
type Position struct {
	Block uint64
	Index int
}

// Positioned is a receipt with its position.
type Positioned struct {
	Position Position
	Receipt  model.Receipt
}

// Source lists the ledger's receipts strictly after a position, ascending;
// the indexer's read model is one.
type Source interface {
	ReceiptsAfter(ctx context.Context, after Position, limit int) ([]Positioned, error)
}
