package bundle

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"zonetrace/network/embedded"
	"zonetrace/network/fabricledger"
	"zonetrace/network/pki"
)

// Fault is the first place a bundle does not hold: Block and TxID say where
// (HasBlock false when the fault is not in a block), Field what.
type Fault struct {
	HasBlock bool
	Block    uint64
	TxID     string
	Field    string
	Reason   string
}

func (f *Fault) Error() string {
	var where []string
	if f.HasBlock {
		where = append(where, fmt.Sprintf("block %d", f.Block))
	}
	if f.TxID != "" {
		where = append(where, "tx "+f.TxID)
	}
	where = append(where, f.Field)
	return strings.Join(where, " / ") + ": " + f.Reason
}

func blockFault(n uint64, txID, field, format string, args ...any) *Fault {
	return &Fault{HasBlock: true, Block: n, TxID: txID, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Verify checks b offline and returns what it checked, one line per check,
// or the first *Fault.
func Verify(b *Bundle) ([]string, error) {
	var report []string
	say := func(format string, args ...any) { report = append(report, fmt.Sprintf(format, args...)) }
	if b.Format != Format {
		return nil, &Fault{Field: "format", Reason: fmt.Sprintf("%q is not %q", b.Format, Format)}
	}
	if b.Ledger != LedgerEmbedded && b.Ledger != LedgerFabric {
		return nil, &Fault{Field: "ledger", Reason: fmt.Sprintf("unknown ledger %q", b.Ledger)}
	}
	roots, err := parseRoots(b.CARoots)
	if err != nil {
		return nil, err
	}
	say("CA roots: %d MSPs (%s)", len(roots), strings.Join(slices.Sorted(maps.Keys(roots)), ", "))

	headers, err := checkHeaders(b)
	if err != nil {
		return nil, err
	}
	if len(b.Headers) > 0 {
		first, last := b.Headers[0], b.Headers[len(b.Headers)-1]
		say("headers: blocks %d to %d recomputed and linked; block %d hash %x (compare with the ledger)",
			first.Number, last.Number, last.Number, last.Hash)
	}

	evidence := make(map[[2]uint64]string, len(b.Evidence))
	for _, ref := range b.Evidence {
		evidence[[2]uint64{ref.Block, uint64(ref.Index)}] = ref.TxID
	}
	blocks := make(map[uint64]*Block, len(b.Blocks))
	creators := map[[2]uint64]string{}
	for i := range b.Blocks {
		blk := &b.Blocks[i]
		h, ok := headers[blk.Number]
		if !ok {
			return nil, blockFault(blk.Number, "", "header", "block content without its header")
		}
		if len(blk.ValidationCodes) != len(blk.Transactions) {
			return nil, blockFault(blk.Number, "", "validation codes", "%d codes for %d transactions", len(blk.ValidationCodes), len(blk.Transactions))
		}
		// Each transaction first, so that a changed byte is blamed on the
		// transaction it is in rather than only on the block's data hash.
		for j, raw := range blk.Transactions {
			name, isEvidence := evidence[[2]uint64{blk.Number, uint64(j)}]
			if !isEvidence {
				name = fmt.Sprintf("#%d", j)
			}
			txID, creator, err := checkTransaction(b.Ledger, raw, roots)
			if err != nil {
				return nil, blockFault(blk.Number, name, fieldOf(err), "%v", err)
			}
			if isEvidence && txID != name {
				return nil, blockFault(blk.Number, name, "tx id", "the transaction's bytes carry id %s", txID)
			}
			creators[[2]uint64{blk.Number, uint64(j)}] = creator
		}
		if err := checkBlockHashes(b.Ledger, blk, h); err != nil {
			return nil, err
		}
		blocks[blk.Number] = blk
		say("block %d: %d transactions, each signature holds, data hash matches the header", blk.Number, len(blk.Transactions))
	}

	if len(b.Evidence) == 0 {
		return nil, &Fault{Field: "transactions", Reason: "no evidence transaction"}
	}
	for _, ref := range b.Evidence {
		blk, ok := blocks[ref.Block]
		if !ok || ref.Index < 0 || ref.Index >= len(blk.Transactions) {
			return nil, blockFault(ref.Block, ref.TxID, "transactions", "no transaction %d in the bundle's block", ref.Index)
		}
		if !bytes.Contains(blk.Transactions[ref.Index], []byte(b.TraceCode)) {
			return nil, blockFault(ref.Block, ref.TxID, "trace code", "the transaction's bytes do not mention %s", b.TraceCode)
		}
		say("tx %s (block %d #%d, %s): id, creator signature and certificate chain to %s hold%s; mentions %s",
			ref.TxID, ref.Block, ref.Index, blk.ValidationCodes[ref.Index], creators[[2]uint64{ref.Block, uint64(ref.Index)}],
			endorsedNote(b.Ledger), b.TraceCode)
	}
	return report, nil
}

func endorsedNote(ledger string) string {
	if ledger == LedgerFabric {
		return ", every endorsement signature and its certificate chain hold"
	}
	return ""
}

func parseRoots(pems map[string]string) (map[string]*x509.CertPool, error) {
	if len(pems) == 0 {
		return nil, &Fault{Field: "caRoots", Reason: "no CA root"}
	}
	roots := make(map[string]*x509.CertPool, len(pems))
	for msp, text := range pems {
		if !slices.Contains(pki.MSPs, msp) {
			return nil, &Fault{Field: "caRoots." + msp, Reason: "not an MSP of the channel"}
		}
		pool := x509.NewCertPool()
		rest := []byte(text)
		n := 0
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if !bytes.Contains([]byte(text), pem.EncodeToMemory(block)) {
				return nil, &Fault{Field: "caRoots." + msp, Reason: "certificate not in canonical PEM form"}
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, &Fault{Field: "caRoots." + msp, Reason: fmt.Sprintf("parse certificate: %v", err)}
			}
			if err := cert.CheckSignatureFrom(cert); err != nil {
				return nil, &Fault{Field: "caRoots." + msp, Reason: fmt.Sprintf("not a self-signed root: %v", err)}
			}
			pool.AddCert(cert)
			n++
		}
		if n == 0 || len(bytes.TrimSpace(rest)) > 0 {
			return nil, &Fault{Field: "caRoots." + msp, Reason: "not a list of PEM certificates"}
		}
		roots[msp] = pool
	}
	return roots, nil
}

// checkHeaders recomputes every header's hash and the links between them,
// and returns the headers by block number.
func checkHeaders(b *Bundle) (map[uint64]*Header, error) {
	headers := make(map[uint64]*Header, len(b.Headers))
	var prev []byte
	for i, h := range b.Headers {
		if i > 0 && h.Number != b.Headers[i-1].Number+1 {
			return nil, blockFault(h.Number, "", "header number", "follows block %d", b.Headers[i-1].Number)
		}
		var sum []byte
		if b.Ledger == LedgerEmbedded {
			sum = embedded.HeaderHash(h.Number, h.PreviousHash, h.DataHash, h.MetadataHash)
		} else {
			sum = fabricledger.HeaderHash(h.Number, h.PreviousHash, h.DataHash)
		}
		if !bytes.Equal(sum, h.Hash) {
			return nil, blockFault(h.Number, "", "header hash", "the header's fields hash to %x, not %x", sum, h.Hash)
		}
		if i > 0 && !bytes.Equal(h.PreviousHash, prev) {
			return nil, blockFault(h.Number, "", "previous hash", "%x is not block %d's hash %x", h.PreviousHash, h.Number-1, prev)
		}
		headers[h.Number], prev = &b.Headers[i], sum
	}
	return headers, nil
}

// checkBlockHashes recomputes the block's data hash (and the embedded
// ledger's metadata hash) against its header.
func checkBlockHashes(ledger string, blk *Block, h *Header) error {
	var data []byte
	if ledger == LedgerEmbedded {
		data = embedded.DataHash(blk.Transactions)
		if meta := embedded.MetadataHash(blk.ValidationCodes); !bytes.Equal(meta, h.MetadataHash) {
			return blockFault(blk.Number, "", "validation codes", "they hash to %x, the header says %x", meta, h.MetadataHash)
		}
	} else {
		data = fabricledger.EnvelopesHash(blk.Transactions)
	}
	if !bytes.Equal(data, h.DataHash) {
		return blockFault(blk.Number, "", "data hash", "the transactions hash to %x, the header says %x", data, h.DataHash)
	}
	return nil
}

// fieldError names the part of a transaction a check failed on.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }

func fieldOf(err error) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.field
	}
	return "transaction"
}

// checkTransaction checks one committed transaction's id and signatures and
// that its certificates chain to roots; it returns the id and a description
// of the creator.
func checkTransaction(ledger string, raw []byte, roots map[string]*x509.CertPool) (string, string, error) {
	if ledger == LedgerFabric {
		txID, err := fabricledger.CheckTransaction(raw, roots)
		if err != nil {
			field := "signature"
			if strings.Contains(err.Error(), "decode") {
				field = "transaction bytes"
			}
			return "", "", &fieldError{field: field, err: err}
		}
		return txID, "its MSP", nil
	}
	tx, err := embedded.CheckTransaction(raw)
	if err != nil {
		field := "signature"
		if strings.Contains(err.Error(), "malformed") || strings.Contains(err.Error(), "transaction ID") {
			field = "transaction bytes"
		}
		return "", "", &fieldError{field: field, err: err}
	}
	cn, err := chains(roots, tx.MspID, tx.CertPEM)
	if err != nil {
		return "", "", &fieldError{field: "creator certificate", err: err}
	}
	return tx.TxID, fmt.Sprintf("%s (%s)", tx.MspID, cn), nil
}

// chains checks that certPEM chains to mspID's root at the certificate's own
// start of validity (expiry later does not undo a past signature) and
// returns its common name.
func chains(roots map[string]*x509.CertPool, mspID string, certPEM []byte) (string, error) {
	pool, ok := roots[mspID]
	if !ok {
		return "", fmt.Errorf("MSP %q has no CA root in the bundle", mspID)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return "", errors.New("no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("parse certificate: %w", err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: cert.NotBefore.Add(time.Second),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return "", fmt.Errorf("certificate of %s does not chain to %s's root: %w", cert.Subject.CommonName, mspID, err)
	}
	return cert.Subject.CommonName, nil
}
