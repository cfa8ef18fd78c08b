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

// explorerRows collects a block's ledger_transactions and
// ledger_tx_subjects rows column by column, so that each table takes one
// statement per block (unnest of arrays) instead of one per row.
type explorerRows struct {
	tx struct {
		block, index                                 []int64
		id, function, msp, creatorID, code           []string
		cert, name, userID, userRole, userEnterprise []string
		endorsements, writes                         []string
		valid                                        []bool
		at                                           []time.Time
		raw                                          [][]byte
	}
	subject struct {
		kind, subject []string
		block, index  []int64
	}
}

// addTransaction adds the transaction's explorer row.
func (r *explorerRows) addTransaction(block int64, t ledger.Transaction) error {
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
	c := &r.tx
	c.block = append(c.block, block)
	c.index = append(c.index, int64(t.Index))
	c.id = append(c.id, StoreText(t.ID))
	c.function = append(c.function, StoreText(t.Function))
	c.msp = append(c.msp, StoreText(t.Creator.MspID))
	c.creatorID = append(c.creatorID, StoreText(t.Creator.ID))
	c.valid = append(c.valid, t.Valid)
	c.code = append(c.code, StoreText(t.ValidationCode))
	c.at = append(c.at, t.Timestamp)
	c.cert = append(c.cert, StoreText(string(t.Creator.CertPEM)))
	c.name = append(c.name, ind.Name)
	c.userID = append(c.userID, ind.UserID)
	c.userRole = append(c.userRole, ind.Role)
	c.userEnterprise = append(c.userEnterprise, ind.EnterpriseID)
	c.endorsements = append(c.endorsements, string(endorsed))
	c.writes = append(c.writes, string(written))
	c.raw = append(c.raw, orEmpty(t.Raw))
	return nil
}

// queue queues the collected rows, one statement per table.
func (r *explorerRows) queue(batch *pgx.Batch) {
	if c := &r.tx; len(c.id) > 0 {
		batch.Queue(`INSERT INTO ledger_transactions
			(block_number, tx_index, tx_id, function, creator_msp, creator_id, valid, validation_code, at,
			 creator_cert, creator_name, user_id, user_role, user_enterprise, endorsements, writes, raw)
			SELECT block_number, tx_index, tx_id, function, creator_msp, creator_id, valid, validation_code, at,
				creator_cert, creator_name, user_id, user_role, user_enterprise, endorsements::jsonb, writes::jsonb, raw
			FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
				$8::text[], $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
				$15::text[], $16::text[], $17::bytea[])
				AS t(block_number, tx_index, tx_id, function, creator_msp, creator_id, valid, validation_code, at,
					creator_cert, creator_name, user_id, user_role, user_enterprise, endorsements, writes, raw)`,
			c.block, c.index, c.id, c.function, c.msp, c.creatorID, c.valid, c.code, c.at,
			c.cert, c.name, c.userID, c.userRole, c.userEnterprise, c.endorsements, c.writes, c.raw)
	}
	if s := &r.subject; len(s.kind) > 0 {
		batch.Queue(`INSERT INTO ledger_tx_subjects (kind, subject, block_number, tx_index)
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[])`,
			s.kind, s.subject, s.block, s.index)
	}
}

// Subject kinds of ledger_tx_subjects.
const (
	SubjectTraceCode = "trace_code"
	SubjectDocument  = "document"
	SubjectPrefiling = "prefiling"
)

// addSubjects records the trace codes, documents and prefilings the
// events of a valid transaction touched, each once.
func (r *explorerRows) addSubjects(block int64, txIndex int, events []model.DomainEvent) {
	seen := map[[2]string]bool{}
	add := func(kind, subject string) {
		key := [2]string{kind, subject}
		if subject == "" || seen[key] {
			return
		}
		seen[key] = true
		s := &r.subject
		s.kind = append(s.kind, kind)
		s.subject = append(s.subject, subject)
		s.block = append(s.block, block)
		s.index = append(s.index, int64(txIndex))
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
