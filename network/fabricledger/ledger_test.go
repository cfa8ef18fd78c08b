package fabricledger_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/network/fabricledger"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// openNetwork opens the network scripts/test-fabric.sh started; the test is
// skipped without one, since make test runs without Fabric binaries.
func openNetwork(t *testing.T) (*fabricledger.Ledger, *pki.PKI) {
	t.Helper()
	path := os.Getenv("ZT_FABRIC_CONNECTION")
	if path == "" {
		t.Skip("needs a Fabric network: run make test-fabric (ZT_FABRIC_CONNECTION)")
	}
	conn, err := fabricledger.LoadConnection(path)
	require.NoError(t, err)
	ca, err := pki.OpenCryptogen(conn.CryptoConfig, filepath.Join(t.TempDir(), "pki"))
	require.NoError(t, err)
	listener, err := ca.Issue(pki.CustomsMSP, "listener", pki.OUClient)
	require.NoError(t, err)
	l, err := fabricledger.Open(context.Background(), fabricledger.Config{Connection: conn, Listener: listener})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, l.Close()) })
	return l, ca
}

func TestLedgerOnFabric(t *testing.T) {
	l, ca := openNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := ca.Issue(pki.ZoneAdminMSP, "zone-admin", pki.OUAdmin)
	require.NoError(t, err)
	stranger, err := ca.Issue(pki.ZoneAdminMSP, "stranger", pki.OUClient)
	require.NoError(t, err)

	t.Run("a committed submission is delivered to listeners with its creator and function", func(t *testing.T) {
		before, err := l.Height(ctx)
		require.NoError(t, err)
		res, err := l.Submit(ctx, admin, "org.hyperledger.fabric:GetMetadata")
		require.NoError(t, err)
		require.GreaterOrEqual(t, res.BlockNumber, before)

		var seen ledger.Transaction
		errFound := errors.New("found")
		err = l.Listen(ctx, res.BlockNumber, func(b ledger.Block) error {
			for _, tx := range b.Transactions {
				if tx.ID == res.TxID {
					seen = tx
					return errFound
				}
			}
			return nil
		})
		require.ErrorIs(t, err, errFound)
		require.True(t, seen.Valid)
		require.Equal(t, "VALID", seen.ValidationCode)
		require.Equal(t, pki.ZoneAdminMSP, seen.Creator.MspID)
		require.NotEmpty(t, seen.Creator.ID)
		require.Equal(t, "org.hyperledger.fabric:GetMetadata", seen.Function)
		require.WithinDuration(t, time.Now(), seen.Timestamp, time.Minute)
	})
	t.Run("a chaincode rejection keeps the model's code", func(t *testing.T) {
		_, err := l.Submit(ctx, stranger, "DeclarePrefiling", "r-1", "PF20261126STRANGER", `{}`)
		var ccErr *ledger.ChaincodeError
		require.ErrorAs(t, err, &ccErr)
		parsed, ok := model.ParseError(ccErr.Message)
		require.True(t, ok, ccErr.Message)
		require.Equal(t, model.CodeForbidden, parsed.Code)
	})
	t.Run("an evaluation rejection keeps the model's code too", func(t *testing.T) {
		_, err := l.Evaluate(ctx, admin, "NoSuchFunction")
		var ccErr *ledger.ChaincodeError
		require.ErrorAs(t, err, &ccErr)
	})
	t.Run("a signer of no channel MSP is refused at endorsement", func(t *testing.T) {
		foreign, err := pki.Open(t.TempDir())
		require.NoError(t, err)
		id, err := foreign.Issue(pki.CustomsMSP, "forger", pki.OUClient)
		require.NoError(t, err)
		_, err = l.Submit(ctx, id, "org.hyperledger.fabric:GetMetadata")
		require.ErrorIs(t, err, ledger.ErrEndorsement)
	})
}
