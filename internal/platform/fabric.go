package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"zonetrace/network/fabricledger"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// listenerCN is the CustomsMSP client identity that reads blocks and the
// chain height for the indexer and settles submissions of unknown outcome.
const listenerCN = "ledger-listener"

// OpenFabricLedger connects to the Fabric network described by connPath.
// Identities are issued by the CAs cryptogen generated for the network, so
// the channel trusts them: the gateway's customs officer (a CustomsMSP
// client), its zone admin (a ZoneAdminMSP admin) and every enterprise's
// ZoneAdminMSP client. They are kept in dataDir/fabric-pki, private keys
// mode 0600.
func OpenFabricLedger(ctx context.Context, connPath, dataDir string, log *slog.Logger) (ledger.Ledger, *pki.PKI, error) {
	if connPath == "" {
		return nil, nil, errors.New("open Fabric ledger: no connection description (run network/fabric/up.sh and pass the path it prints)")
	}
	conn, err := fabricledger.LoadConnection(connPath)
	if err != nil {
		return nil, nil, fmt.Errorf("open Fabric ledger: %w", err)
	}
	ca, err := pki.OpenCryptogen(conn.CryptoConfig, filepath.Join(dataDir, "fabric-pki"))
	if err != nil {
		return nil, nil, fmt.Errorf("open Fabric ledger: %w", err)
	}
	listener, err := ca.Issue(pki.CustomsMSP, listenerCN, pki.OUClient)
	if err != nil {
		return nil, nil, fmt.Errorf("open Fabric ledger: %w", err)
	}
	if _, err := ca.Verify(pki.CustomsMSP, listener.Credentials()); err != nil {
		return nil, nil, fmt.Errorf("open Fabric ledger: %s holds identities of another network (recreated with up.sh?): start with a new data folder and database: %w",
			filepath.Join(dataDir, "fabric-pki"), err)
	}
	l, err := fabricledger.Open(ctx, fabricledger.Config{
		Connection: conn,
		Listener:   listener,
		Logger:     log.With("component", "ledger"),
	})
	if err != nil {
		return nil, nil, err
	}
	return l, ca, nil
}
