package externalreceipts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg/inbox"
	"zonetrace/gateway/schema"
	"zonetrace/gateway/service/externalreceipts"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/internal/pgtest"
	"zonetrace/network/ledger"
)

// chaincode knows some documents and applies receipts to them; any other
// document is its NOT_FOUND, a refused one its CONFLICT.
type chaincode struct {
	ledger.Ledger // only Submit is called: this chaincode never answers a duplicate
	known         map[string]bool
	refused       map[string]bool
	height        uint64
	applied       []string
}

func (c *chaincode) Submit(_ context.Context, _ ledger.Signer, function string, args ...string) (*ledger.SubmitResult, error) {
	switch {
	case function != "ApplyExternalReceipt":
		return nil, fmt.Errorf("unexpected %s", function)
	case c.refused[args[1]]:
		return nil, &ledger.ChaincodeError{Message: "CONFLICT: document " + args[1] + " is voided"}
	case !c.known[args[1]]:
		return nil, &ledger.ChaincodeError{Message: "NOT_FOUND: document " + args[1]}
	}
	c.applied = append(c.applied, args[1])
	c.height++
	return &ledger.SubmitResult{TxID: fmt.Sprintf("tx-%s", args[1]), BlockNumber: c.height - 1}, nil
}

type signers struct{}

func (signers) For(accounts.User) (ledger.Signer, error) { return nil, nil }

const (
	checklist   = "HZ20240730AB12CD34"
	other       = "HZ20240730ZZ99ZZ99"
	preEntryNo  = "202400000122717119"
	checklistNo = "QD311124E000098849"
)

func newService(t *testing.T, cc *chaincode) *externalreceipts.Service {
	t.Helper()
	pool := pgtest.NewPool(t)
	require.NoError(t, schema.Migrate(context.Background(), pool))
	return &externalreceipts.Service{Inbox: inbox.New(pool), Signers: signers{}, Ledger: ledgertx.Submitter{Ledger: cc},
		DecodeJSON: func(body []byte, dst any) error { return json.Unmarshal(body, dst) }}
}

func inv201(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "customsmsg", "testdata", "INV201.xml"))
	require.NoError(t, err)
	return raw
}

var officer = accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}

func TestReceive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a receipt matched by a learnt number is applied once, and teaches its numbers", func(t *testing.T) {
		cc := &chaincode{known: map[string]bool{checklist: true}}
		svc := newService(t, cc)
		require.NoError(t, svc.Inbox.Learn(ctx, checklist, "test", preEntryNo))
		res, err := svc.Receive(ctx, officer, inv201(t))
		require.NoError(t, err)
		require.Equal(t, []string{checklist}, res.Applied)
		require.Equal(t, &ledgertx.Tx{ID: "tx-" + checklist, Block: 0}, res.Tx)
		docs, err := svc.Inbox.Documents(ctx, []string{checklistNo})
		require.NoError(t, err)
		require.Equal(t, []string{checklist}, docs, "the checklist number is learnt")

		again, err := svc.Receive(ctx, officer, inv201(t))
		require.NoError(t, err)
		require.True(t, again.Duplicate)
		require.Nil(t, again.Tx, "nothing new committed")
		require.Equal(t, []string{checklist}, cc.applied)
	})
	t.Run("a refusal after an applied document reports the committed transaction with the error", func(t *testing.T) {
		cc := &chaincode{known: map[string]bool{checklist: true, other: true}, refused: map[string]bool{other: true}}
		svc := newService(t, cc)
		require.NoError(t, svc.Inbox.Learn(ctx, checklist, "test", preEntryNo))
		require.NoError(t, svc.Inbox.Learn(ctx, other, "test", checklistNo))
		res, err := svc.Receive(ctx, officer, inv201(t))
		require.Equal(t, apierror.Conflict, apierror.From(err).Code)
		require.Equal(t, &ledgertx.Tx{ID: "tx-" + checklist, Block: 0}, res.Tx)
		kept, err := svc.Inbox.Get(ctx, res.ReceiptID)
		require.NoError(t, err)
		require.Equal(t, inbox.StatusPending, kept.Status, "kept to be applied again")
		require.Equal(t, []string{checklist}, kept.DocumentIDs)
	})
	t.Run("a receipt no document is known for is kept unmatched", func(t *testing.T) {
		cc := &chaincode{known: map[string]bool{}}
		svc := newService(t, cc)
		res, err := svc.Receive(ctx, officer, inv201(t))
		require.Equal(t, apierror.NotFound, apierror.From(err).Code)
		require.Empty(t, cc.applied)
		kept, err := svc.Inbox.Get(ctx, res.ReceiptID)
		require.NoError(t, err)
		require.Equal(t, inbox.StatusUnmatched, kept.Status)
	})
}
