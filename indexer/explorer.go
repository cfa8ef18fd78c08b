package indexer

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/network/ledger"
)

// Individual is who a creator certificate names: its common name and the
// zt.* attributes the organisation's CA put in it (chaincode/model
// identity.go); fields are empty when the certificate has none.
type Individual struct {
	Name         string `json:"name"`
	UserID       string `json:"userId"`
	Role         string `json:"role"`
	EnterpriseID string `json:"enterpriseId"`
}

// CertIndividual reads the individual from a PEM certificate. A certificate
// that does not parse names nobody: the explorer still shows the
// transaction, and the auditor's signature checks are where it fails.
func CertIndividual(certPEM []byte) Individual {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return Individual{}
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return Individual{}
	}
	ind := Individual{Name: cert.Subject.CommonName}
	attrs, err := attrmgr.New().GetAttributesFromCert(cert)
	if err != nil || attrs == nil {
		return ind
	}
	value := func(name string) string {
		v, ok, err := attrs.Value(name)
		if err != nil || !ok {
			return ""
		}
		return v
	}
	ind.UserID = value(model.AttrUserID)
	ind.Role = value(model.AttrUserRole)
	ind.EnterpriseID = value(model.AttrEnterpriseID)
	return ind
}

// Endorsement and KeyWrite are the JSON forms stored in ledger_transactions
// and served by the explorer.
type Endorsement struct {
	MspID          string `json:"mspId"`
	CertPEM        string `json:"certPem"`
	SignatureValid bool   `json:"signatureValid"`
}

type KeyWrite struct {
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
	Delete    bool   `json:"delete"`
}

// queueLedgerBlock queues the block's header row.
func queueLedgerBlock(batch *pgx.Batch, b ledger.Block) {
	var at *time.Time
	for _, t := range b.Transactions {
		if !t.Timestamp.IsZero() && (at == nil || t.Timestamp.After(*at)) {
			ts := t.Timestamp
			at = &ts
		}
	}
	batch.Queue(`INSERT INTO ledger_blocks
		(block_number, header_hash, previous_hash, data_hash, metadata_hash, tx_count, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		int64(b.Number), orEmpty(b.Hash), orEmpty(b.PreviousHash), orEmpty(b.DataHash),
		orEmpty(b.MetadataHash), len(b.Transactions), at)
}

func orEmpty(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// queueLedgerTransaction queues the transaction's explorer row.
func queueLedgerTransaction(batch *pgx.Batch, block int64, t ledger.Transaction) error {
	ind := CertIndividual(t.Creator.CertPEM)
	storeTexts(&ind)
	endorsements := make([]Endorsement, len(t.Endorsements))
	for i, e := range t.Endorsements {
		endorsements[i] = Endorsement{MspID: StoreText(e.MspID), CertPEM: StoreText(string(e.CertPEM)), SignatureValid: e.SignatureValid}
	}
	writes := make([]KeyWrite, len(t.Writes))
	for i, w := range t.Writes {
		writes[i] = KeyWrite{Namespace: StoreText(w.Namespace), Key: StoreText(w.Key), Delete: w.Delete}
	}
	endorsed, err := json.Marshal(endorsements)
	if err != nil {
		return fmt.Errorf("encode endorsements: %w", err)
	}
	written, err := json.Marshal(writes)
	if err != nil {
		return fmt.Errorf("encode keys written: %w", err)
	}
	batch.Queue(`INSERT INTO ledger_transactions
		(block_number, tx_index, tx_id, function, creator_msp, creator_id, valid, validation_code, at,
		 creator_cert, creator_name, user_id, user_role, user_enterprise, endorsements, writes, raw)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		block, t.Index, StoreText(t.ID), StoreText(t.Function), StoreText(t.Creator.MspID),
		StoreText(t.Creator.ID), t.Valid, StoreText(t.ValidationCode), t.Timestamp,
		StoreText(string(t.Creator.CertPEM)), ind.Name, ind.UserID, ind.Role, ind.EnterpriseID,
		endorsed, written, orEmpty(t.Raw))
	return nil
}

// Subject kinds of ledger_tx_subjects.
const (
	SubjectTraceCode = "trace_code"
	SubjectDocument  = "document"
	SubjectPrefiling = "prefiling"
)

// queueSubjects records the trace codes, documents and prefilings the
// events of a valid transaction touched, each once.
func queueSubjects(batch *pgx.Batch, block int64, txIndex int, events []model.DomainEvent) {
	seen := map[[2]string]bool{}
	add := func(kind, subject string) {
		key := [2]string{kind, subject}
		if subject == "" || seen[key] {
			return
		}
		seen[key] = true
		batch.Queue(`INSERT INTO ledger_tx_subjects (kind, subject, block_number, tx_index) VALUES ($1, $2, $3, $4)`,
			kind, subject, block, txIndex)
	}
	for _, ev := range events {
		if p := ev.Prefiling; p != nil {
			add(SubjectPrefiling, p.ID)
			add(SubjectTraceCode, p.TraceCode)
		}
		if c := ev.TraceCode; c != nil {
			add(SubjectTraceCode, c.Code)
			add(SubjectPrefiling, c.PrefilingID)
		}
		if d := ev.Document; d != nil {
			add(SubjectDocument, d.ID)
			for _, l := range d.Lines {
				add(SubjectTraceCode, l.TraceCode)
			}
		}
		if m := ev.Movement; m != nil {
			add(SubjectDocument, m.DocumentID)
			add(SubjectTraceCode, m.TraceCode)
		}
		if b := ev.Balance; b != nil {
			add(SubjectTraceCode, b.TraceCode)
		}
		if r := ev.Receipt; r != nil {
			add(SubjectDocument, r.DocumentID)
		}
		if d := ev.RiskDisposal; d != nil {
			switch d.Alert.SubjectType {
			case SubjectTraceCode, SubjectDocument:
				add(d.Alert.SubjectType, d.Alert.Subject)
			}
		}
	}
}
