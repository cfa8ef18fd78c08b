package fabricledger

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// CorruptionError locates the first inconsistency VerifyChain found. Tx is
// -1 when the block itself is at fault.
type CorruptionError struct {
	Block  uint64
	Tx     int
	TxID   string
	Reason string
}

func (e *CorruptionError) Error() string {
	if e.Tx < 0 {
		return fmt.Sprintf("ledger corrupt at block %d: %s", e.Block, e.Reason)
	}
	return fmt.Sprintf("ledger corrupt at block %d transaction %d (%s): %s", e.Block, e.Tx, e.TxID, e.Reason)
}

// LoadMSPRoots reads the CA certificates of every organisation of the
// connection from cryptogen's output (<org>/msp/cacerts): the roots an
// auditor checks creators and endorsers against.
func LoadMSPRoots(conn Connection) (map[string]*x509.CertPool, error) {
	roots := make(map[string]*x509.CertPool, len(conn.Organizations))
	for _, org := range conn.Organizations {
		dir := filepath.Join(conn.CryptoConfig, "peerOrganizations", org.Domain, "msp", "cacerts")
		files, err := filepath.Glob(filepath.Join(dir, "*.pem"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("load CA certificates of %s from %s: none found: %w", org.MspID, dir, err)
		}
		pool := x509.NewCertPool()
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("load CA certificates of %s: %w", org.MspID, err)
			}
			if !pool.AppendCertsFromPEM(raw) {
				return nil, fmt.Errorf("load CA certificates of %s: no certificate in %s", org.MspID, f)
			}
		}
		roots[org.MspID] = pool
	}
	return roots, nil
}

// VerifyChain fetches every block (qscc GetBlockByNumber) and checks the
// hash chain (block number, previous hash, data hash) and, for every
// endorser transaction, the creator's signature and each endorsement's
// signature against certificates chaining to the channel MSPs' CAs; a valid
// transaction of the ZoneTrace chaincode must carry a CustomsMSP
// endorsement. It returns the number of blocks checked, or a
// *CorruptionError for the first fault. Configuration transactions and the
// orderers' block signatures are not checked.
func (l *Ledger) VerifyChain(ctx context.Context, roots map[string]*x509.CertPool) (uint64, error) {
	return l.VerifyChainProgress(ctx, roots, nil)
}

// VerifyChainProgress is VerifyChain reporting, after each block, how many
// blocks it checked of the height (progress may be nil).
func (l *Ledger) VerifyChainProgress(ctx context.Context, roots map[string]*x509.CertPool, progress func(checked, height uint64)) (uint64, error) {
	height, err := l.Height(ctx)
	if err != nil {
		return 0, fmt.Errorf("verify chain: %w", err)
	}
	var prevHash []byte
	for n := range height {
		b, err := l.Block(ctx, n)
		if err != nil {
			return n, fmt.Errorf("verify chain: %w", err)
		}
		if err := verifyBlock(b, n, prevHash, roots, l.cfg.Connection.Chaincode); err != nil {
			return n, err
		}
		prevHash = BlockHash(b.GetHeader())
		if progress != nil {
			progress(n+1, height)
		}
	}
	return height, nil
}

// verifyBlock checks one block against the previous block's hash.
func verifyBlock(b *common.Block, n uint64, prevHash []byte, roots map[string]*x509.CertPool, chaincode string) error {
	corrupt := func(tx int, txID, format string, args ...any) error {
		return &CorruptionError{Block: n, Tx: tx, TxID: txID, Reason: fmt.Sprintf(format, args...)}
	}
	h := b.GetHeader()
	switch {
	case h.GetNumber() != n:
		return corrupt(-1, "", "header says block %d", h.GetNumber())
	case n > 0 && !bytes.Equal(h.GetPreviousHash(), prevHash):
		return corrupt(-1, "", "previous hash %x does not match block %d's hash %x", h.GetPreviousHash(), n-1, prevHash)
	case !bytes.Equal(h.GetDataHash(), DataHash(b.GetData())):
		return corrupt(-1, "", "data hash does not match the transactions")
	}
	codes, err := validationCodes(b)
	if err != nil {
		return corrupt(-1, "", "%v", err)
	}
	for i, raw := range b.GetData().GetData() {
		t, err := parseTx(raw)
		if err != nil {
			return corrupt(i, "", "%v", err)
		}
		if t.action == nil {
			continue
		}
		txID := t.header.GetTxId()
		if err := verifySigned(roots, t.sid, t.env.GetPayload(), t.env.GetSignature()); err != nil {
			return corrupt(i, txID, "creator signature: %v", err)
		}
		customs := false
		for j, e := range t.action.GetAction().GetEndorsements() {
			var endorser msp.SerializedIdentity
			if err := proto.Unmarshal(e.GetEndorser(), &endorser); err != nil {
				return corrupt(i, txID, "endorsement %d: decode endorser: %v", j, err)
			}
			msg := append(append([]byte(nil), t.action.GetAction().GetProposalResponsePayload()...), e.GetEndorser()...)
			if err := verifySigned(roots, &endorser, msg, e.GetSignature()); err != nil {
				return corrupt(i, txID, "endorsement %d by %s: %v", j, endorser.GetMspid(), err)
			}
			customs = customs || endorser.GetMspid() == "CustomsMSP"
		}
		ours := t.ccAction.GetChaincodeId().GetName() == chaincode
		if ours && codes[i] == peer.TxValidationCode_VALID && !customs {
			return corrupt(i, txID, "valid %s transaction without a CustomsMSP endorsement", chaincode)
		}
	}
	return nil
}

// verifySigned checks that id's certificate chains to its MSP's CA (at the
// certificate's own start of validity, as Fabric's MSP does: expiry later
// does not undo a past signature) and that sig is its ECDSA signature of
// SHA-256(msg).
func verifySigned(roots map[string]*x509.CertPool, id *msp.SerializedIdentity, msg, sig []byte) error {
	pool, ok := roots[id.GetMspid()]
	if !ok {
		return fmt.Errorf("MSP %q is not a channel member", id.GetMspid())
	}
	block, _ := pem.Decode(id.GetIdBytes())
	if block == nil {
		return errors.New("identity holds no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("parse certificate: %w", err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: cert.NotBefore.Add(time.Second),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return fmt.Errorf("certificate of %s: %w", cert.Subject.CommonName, err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("certificate key is %T, not ECDSA", cert.PublicKey)
	}
	digest := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return fmt.Errorf("signature of %s does not verify", cert.Subject.CommonName)
	}
	return nil
}
