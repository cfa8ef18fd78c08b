// Package bundle is the evidence bundle of one trace code: every committed
// transaction that touched it, with the bytes an auditor needs to recompute
// its block's hashes and every signature offline, and the CA roots the
// certificates must chain to. The file is JSON (byte fields in base64):
//
//	{
//	  "format": "zonetrace-evidence/1",
//	  "ledger": "embedded" | "fabric",
//	  "traceCode": "…", "generatedAt": "RFC 3339",
//	  "caRoots": {"CustomsMSP": "PEM", …},
//	  "headers": [{"number", "previousHash", "dataHash", "metadataHash", "hash"}, …],
//	  "blocks": [{"number", "transactions": [raw…], "validationCodes": […]}, …],
//	  "transactions": [{"block", "index", "txId"}, …]
//	}
//
// headers run without gap from the first to the last block that holds an
// evidence transaction, so the touched blocks are linked into one chain
// whose last hash can be compared with the live ledger. blocks are those
// touched blocks in full: every transaction's committed bytes (the data
// hash covers them all) and validation codes (the embedded ledger's
// metadata hash covers them). transactions are the evidence itself.
package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Format names this version of the file.
const Format = "zonetrace-evidence/1"

// Ledger kinds a bundle can come from; they hash and sign differently.
const (
	LedgerEmbedded = "embedded"
	LedgerFabric   = "fabric"
)

// Bundle is an evidence bundle.
type Bundle struct {
	Format      string            `json:"format"`
	Ledger      string            `json:"ledger"`
	TraceCode   string            `json:"traceCode"`
	GeneratedAt time.Time         `json:"generatedAt"`
	CARoots     map[string]string `json:"caRoots"`
	Headers     []Header          `json:"headers"`
	Blocks      []Block           `json:"blocks"`
	Evidence    []TxRef           `json:"transactions"`
}

// Header is a block header as committed, with the hash the ledger states.
type Header struct {
	Number       uint64 `json:"number"`
	PreviousHash []byte `json:"previousHash"`
	DataHash     []byte `json:"dataHash"`
	MetadataHash []byte `json:"metadataHash,omitempty"`
	Hash         []byte `json:"hash"`
}

// Block is a touched block's content.
type Block struct {
	Number          uint64   `json:"number"`
	Transactions    [][]byte `json:"transactions"`
	ValidationCodes []string `json:"validationCodes"`
}

// TxRef locates one evidence transaction.
type TxRef struct {
	Block uint64 `json:"block"`
	Index int    `json:"index"`
	TxID  string `json:"txId"`
}

// Write encodes b.
func (b *Bundle) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("write evidence bundle: %w", err)
	}
	return nil
}

// Read decodes a bundle; a file that is not one, or not exactly as Write
// wrote it, is a *Fault at "file". The second check catches the changes
// decoding would hide, such as base64's unused padding bits.
func Read(r io.Reader) (*Bundle, error) {
	file, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read evidence bundle: %w", err)
	}
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(file))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, &Fault{Field: "file", Reason: fmt.Sprintf("not an evidence bundle: %v", err)}
	}
	var again bytes.Buffer
	if err := b.Write(&again); err != nil {
		return nil, err
	}
	if !bytes.Equal(again.Bytes(), file) {
		at := 0
		for at < len(file) && at < again.Len() && file[at] == again.Bytes()[at] {
			at++
		}
		return nil, &Fault{Field: "file", Reason: fmt.Sprintf("byte %d is not as the bundle was written", at)}
	}
	return &b, nil
}
