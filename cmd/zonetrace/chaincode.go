package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"zonetrace/chaincode/contract"
	"zonetrace/network/fabricledger"
	"zonetrace/network/pki"
)

// chaincodeCommand serves the contract as a Fabric chaincode server
// (chaincode as a service): the peers dial it at --address.
func chaincodeCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("chaincode", flag.ExitOnError)
	address := flags.String("address", "127.0.0.1:27200", "listen address of the chaincode server")
	id := flags.String("id", os.Getenv("CHAINCODE_ID"), "package ID the peers installed (label:hash); default $CHAINCODE_ID")
	certFile := flags.String("tls-cert", os.Getenv("CHAINCODE_TLS_CERT"),
		"PEM certificate the server presents to the peers; its CA is root_cert in the package's connection.json (env CHAINCODE_TLS_CERT)")
	keyFile := flags.String("tls-key", os.Getenv("CHAINCODE_TLS_KEY"), "PEM private key of --tls-cert (env CHAINCODE_TLS_KEY)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *id == "" {
		return errors.New("--id (or CHAINCODE_ID) is required: the package ID from `peer lifecycle chaincode calculatepackageid`")
	}
	if *certFile == "" || *keyFile == "" {
		return errors.New("--tls-cert and --tls-key (CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY) are required: peers reach the chaincode over TLS only (`zonetrace dev-tls-server` issues a development pair)")
	}
	certPEM, err := os.ReadFile(*certFile) //nolint:gosec // G703: the path is the operator's --tls-cert flag
	if err != nil {
		return fmt.Errorf("read chaincode TLS certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(*keyFile) //nolint:gosec // G703: the path is the operator's --tls-key flag
	if err != nil {
		return fmt.Errorf("read chaincode TLS key: %w", err)
	}
	// Fails early on a mismatched pair instead of at the peer's first dial.
	if _, err := pki.ServerTLSConfig(certPEM, keyPEM); err != nil {
		return err
	}
	cc, err := contract.NewChaincode()
	if err != nil {
		return err
	}
	server := &shim.ChaincodeServer{
		CCID:    *id,
		Address: *address,
		CC:      cc,
		// The shim serves TLS 1.2+ with this pair; peers verify it against
		// the root_cert of the package's connection.json.
		TLSProps: shim.TLSProperties{Cert: certPEM, Key: keyPEM},
	}
	done := make(chan error, 1)
	go func() { done <- server.Start() }()
	log.Info("chaincode server started", "address", *address, "package_id", *id, "tls", true)
	select {
	case err := <-done:
		return fmt.Errorf("serve chaincode: %w", err)
	case <-ctx.Done():
		log.Info("chaincode server stopping")
		return nil
	}
}

// devTLSServerCommand issues (or reuses) a server key pair from a dev TLS CA
// folder, creating the CA on first use: DIR/ca/cert.pem is the root clients
// trust, DIR/servers/NAME/{cert,key}.pem the pair. network/fabric uses it
// for the chaincode server.
func devTLSServerCommand(args []string) error {
	flags := flag.NewFlagSet("dev-tls-server", flag.ExitOnError)
	dir := flags.String("dir", "", "dev TLS CA folder (created on first use)")
	name := flags.String("name", "", "server name: the key pair's folder under DIR/servers")
	hosts := flags.String("hosts", "127.0.0.1,localhost", "comma-separated DNS names and IP addresses the certificate names")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *name == "" {
		return errors.New("--dir and --name are required")
	}
	ca, err := pki.OpenTLS(*dir)
	if err != nil {
		return err
	}
	_, _, err = ca.Server(*name, splitList(*hosts))
	return err
}

// chaincodeReadyCommand waits until a transaction submitted through every
// organisation's gateway peer commits: the channel exists, the chaincode is
// committed and reachable, and gossip knows the other organisations' peers.
func chaincodeReadyCommand(ctx context.Context, log *slog.Logger, args []string) error {
	flags := flag.NewFlagSet("chaincode-ready", flag.ExitOnError)
	connPath := flags.String("connection", ".data/fabric/connection-zonetrace.json", "connection description written by network/fabric/up.sh")
	timeout := flags.Duration("timeout", 90*time.Second, "how long to keep trying")
	if err := flags.Parse(args); err != nil {
		return err
	}
	conn, err := fabricledger.LoadConnection(*connPath)
	if err != nil {
		return err
	}
	users := make([]*pki.Identity, len(conn.Organizations))
	for i, org := range conn.Organizations {
		if users[i], err = cryptogenUser(conn.CryptoConfig, org); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	l, err := fabricledger.Open(ctx, fabricledger.Config{
		Connection: conn, Listener: users[0],
		EndorseTimeout: 10 * time.Second, SubmitTimeout: 10 * time.Second, CommitStatusTimeout: 20 * time.Second,
	})
	if err != nil {
		return err
	}
	defer func() { _ = l.Close() }()
	for i, org := range conn.Organizations {
		start := time.Now()
		for {
			// The contract API's own metadata function writes nothing, so the
			// check leaves no trace in the projections.
			_, err := l.Submit(ctx, users[i], "org.hyperledger.fabric:GetMetadata")
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return fmt.Errorf("%s not ready after %s: %w", org.MspID, *timeout, err)
			}
			log.Debug("not ready yet", "org", org.MspID, "err", err)
			time.Sleep(time.Second)
		}
		fmt.Fprintf(os.Stderr, "ready: submitted through %s (%s) in %s\n", org.MspID, org.PeerEndpoint, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// cryptogenUser loads User1 of an organisation from cryptogen's output.
func cryptogenUser(cryptoDir string, org fabricledger.Organization) (*pki.Identity, error) {
	msp := filepath.Join(cryptoDir, "peerOrganizations", org.Domain, "users", "User1@"+org.Domain, "msp")
	certs, err := filepath.Glob(filepath.Join(msp, "signcerts", "*.pem"))
	if err != nil || len(certs) != 1 {
		return nil, fmt.Errorf("find the certificate of User1@%s in %s (found %d): %w", org.Domain, msp, len(certs), err)
	}
	certPEM, err := os.ReadFile(certs[0])
	if err != nil {
		return nil, fmt.Errorf("read User1@%s: %w", org.Domain, err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(msp, "keystore", "priv_sk"))
	if err != nil {
		return nil, fmt.Errorf("read User1@%s: %w", org.Domain, err)
	}
	return pki.IdentityFromPEM(org.MspID, certPEM, keyPEM)
}
