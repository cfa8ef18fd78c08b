package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/internal/sealing"
)

// queueEvent queues the upserts that make the read model hold the full new
// state carried by ev. Unknown event types are refused, like unknown schema
// versions: skipping them would silently leave the read model behind.
func queueEvent(batch *pgx.Batch, pos position, ev model.DomainEvent, s *sealing.Sealer) error {
	block := pos.block
	switch ev.Type {
	case model.EventEnterpriseRegistered, model.EventEnterpriseChanged:
		if ev.Enterprise == nil {
			return errMissingRecord
		}
		return queueEnterprise(batch, block, ev.Enterprise)
	case model.EventIdentityBound:
		if ev.Identity == nil {
			return errMissingRecord
		}
		return queueIdentity(batch, block, ev.Identity)
	case model.EventPrefilingDeclared, model.EventPrefilingApproved, model.EventPrefilingReturned,
		model.EventSupplementDeclared, model.EventSupplementApproved, model.EventSupplementReturned:
		if ev.Prefiling == nil {
			return errMissingRecord
		}
		return queuePrefiling(batch, block, ev.Prefiling, s)
	case model.EventTraceCodeIssued, model.EventTraceCodeChanged:
		if ev.TraceCode == nil {
			return errMissingRecord
		}
		return queueTraceCode(batch, block, ev.TraceCode)
	case model.EventDocumentDeclared, model.EventDocumentChanged:
		if ev.Document == nil {
			return errMissingRecord
		}
		return queueDocument(batch, block, ev.Document, s)
	case model.EventMovementRecorded:
		if ev.Movement == nil {
			return errMissingRecord
		}
		if err := queueMovement(batch, pos, ev.Movement); err != nil {
			return err
		}
		return queueAccountLegs(batch, pos, ev.Movement)
	case model.EventBalanceChanged:
		if ev.Balance == nil {
			return errMissingRecord
		}
		return queueBalance(batch, block, ev.Balance)
	case model.EventReceiptIssued:
		if ev.Receipt == nil {
			return errMissingRecord
		}
		return queueReceipt(batch, pos, ev.Receipt)
	case model.EventRuleConfigChanged:
		if ev.RuleConfig == nil {
			return errMissingRecord
		}
		return queueRuleConfig(batch, block, ev.RuleConfig)
	case model.EventAccountPeriodChanged:
		if ev.AccountPeriod == nil {
			return errMissingRecord
		}
		return queueAccountPeriod(batch, block, ev.AccountPeriod)
	case model.EventRiskDisposalChanged:
		if ev.RiskDisposal == nil {
			return errMissingRecord
		}
		return queueRiskDisposal(batch, block, ev.RiskDisposal)
	default:
		return fmt.Errorf("unknown domain event type %q", ev.Type)
	}
}

var errMissingRecord = errors.New("event carries no record for its type")

func queueEnterprise(batch *pgx.Batch, block int64, e *model.Enterprise) error {
	at, err := parseTime("registeredAt", e.RegisteredAt)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode enterprise: %w", err)
	}
	batch.Queue(`INSERT INTO enterprises
		(id, name, kind, customs_code, status, registered_at, registered_by, updated_tx, block_number, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
			customs_code = EXCLUDED.customs_code, status = EXCLUDED.status,
			registered_at = EXCLUDED.registered_at, registered_by = EXCLUDED.registered_by,
			updated_tx = EXCLUDED.updated_tx, block_number = EXCLUDED.block_number, doc = EXCLUDED.doc`,
		e.ID, e.Name, string(e.Kind), e.CustomsCode, e.Status, at, e.RegisteredBy, e.UpdatedTx, block, doc)
	return nil
}

func queueIdentity(batch *pgx.Batch, block int64, b *model.IdentityBinding) error {
	at, err := parseTime("boundAt", b.BoundAt)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode identity binding: %w", err)
	}
	batch.Queue(`INSERT INTO identity_bindings
		(msp_id, client_id, enterprise_id, cert_fingerprint, bound_at, bound_by, updated_tx, block_number, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (msp_id, client_id) DO UPDATE SET enterprise_id = EXCLUDED.enterprise_id,
			cert_fingerprint = EXCLUDED.cert_fingerprint, bound_at = EXCLUDED.bound_at,
			bound_by = EXCLUDED.bound_by, updated_tx = EXCLUDED.updated_tx,
			block_number = EXCLUDED.block_number, doc = EXCLUDED.doc`,
		b.MspID, b.ClientID, b.EnterpriseID, b.CertFingerprint, at, b.BoundBy, b.UpdatedTx, block, doc)
	return nil
}

// queuePrefiling upserts the prefiling without its history and appends the
// steps not yet stored: history is append-only on chain, so a stored step
// never changes and keeps the block that first carried it.
func queuePrefiling(batch *pgx.Batch, block int64, p *model.Prefiling, s *sealing.Sealer) error {
	declaredAt, err := parseTime("declaredAt", p.DeclaredAt)
	if err != nil {
		return err
	}
	updatedAt, err := parseTime("updatedAt", p.UpdatedAt)
	if err != nil {
		return err
	}
	head := *p
	head.Steps = nil
	doc, err := json.Marshal(head)
	if err != nil {
		return fmt.Errorf("encode prefiling: %w", err)
	}
	if doc, err = sealDoc(s, PrefilingSealed, p.ID, doc); err != nil {
		return err
	}
	d := p.Data
	batch.Queue(`INSERT INTO prefilings
		(id, enterprise_id, status, supplement_status, trace_code, commodity, product_name, hs_code,
		 origin, exporter_name, material_no, batch_no, quarantine_result, weight_grams, avg_price_fen,
		 declared_at, updated_at, updated_tx, block_number, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (id) DO UPDATE SET enterprise_id = EXCLUDED.enterprise_id, status = EXCLUDED.status,
			supplement_status = EXCLUDED.supplement_status, trace_code = EXCLUDED.trace_code,
			commodity = EXCLUDED.commodity, product_name = EXCLUDED.product_name, hs_code = EXCLUDED.hs_code,
			origin = EXCLUDED.origin, exporter_name = EXCLUDED.exporter_name, material_no = EXCLUDED.material_no,
			batch_no = EXCLUDED.batch_no, quarantine_result = EXCLUDED.quarantine_result,
			weight_grams = EXCLUDED.weight_grams, avg_price_fen = EXCLUDED.avg_price_fen,
			declared_at = EXCLUDED.declared_at, updated_at = EXCLUDED.updated_at,
			updated_tx = EXCLUDED.updated_tx, block_number = EXCLUDED.block_number, doc = EXCLUDED.doc`,
		p.ID, p.EnterpriseID, string(p.Status), string(p.SupplementStatus), p.TraceCode, d.Commodity,
		d.ProductName, d.HSCode, d.Origin, d.ExporterName, d.MaterialNo, d.BatchNo, string(d.QuarantineResult),
		d.WeightGrams, sealAmount(s, placeAvgPrice, p.ID, d.AvgPriceFen), declaredAt, updatedAt, p.UpdatedTx, block, doc)
	for _, s := range p.Steps {
		if err := queueStep(batch, block, p.ID, s); err != nil {
			return fmt.Errorf("step %d: %w", s.Seq, err)
		}
	}
	return nil
}

func queueStep(batch *pgx.Batch, block int64, prefilingID string, s model.PrefilingStep) error {
	at, err := parseTime("at", s.At)
	if err != nil {
		return err
	}
	var supplement []byte
	if s.Supplement != nil {
		if supplement, err = json.Marshal(s.Supplement); err != nil {
			return fmt.Errorf("encode supplement: %w", err)
		}
	}
	ruleID, ruleVersion := ruleColumns(s.DecidedBy)
	batch.Queue(`INSERT INTO prefiling_steps
		(prefiling_id, seq, action, actor_msp, actor_client_id, actor_role, actor_enterprise_id, actor_name,
		 actor_user_id, actor_user_role, tx_id, at, at_text, reason, supplement, block_number, rule_id, rule_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (prefiling_id, seq) DO NOTHING`,
		prefilingID, s.Seq, s.Action, s.Actor.MspID, s.Actor.ClientID, string(s.Actor.Role),
		s.Actor.EnterpriseID, s.Actor.Name, s.Actor.UserID, s.Actor.UserRole, s.TxID, at, s.At, s.Reason, supplement, block, ruleID, ruleVersion)
	return nil
}

// ruleColumns are the rule_id and rule_version of a step: NULL for a step a
// person made.
func ruleColumns(r *model.RuleRef) (*string, *int) {
	if r == nil {
		return nil, nil
	}
	return &r.RuleID, &r.ConfigVersion
}

// queueRuleConfig inserts one version of customs' rule configuration.
func queueRuleConfig(batch *pgx.Batch, block int64, c *model.RuleConfig) error {
	at, err := parseTime("changedAt", c.ChangedAt)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode rule configuration: %w", err)
	}
	batch.Queue(`INSERT INTO rule_configs
		(version, changed_at, changed_tx, changed_by, note, rule_count, block_number, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (version) DO NOTHING`,
		c.Version, at, c.ChangedTx, c.ChangedBy.Name, c.Note, len(c.Rules), block, doc)
	return nil
}

func queueRiskDisposal(batch *pgx.Batch, block int64, d *model.RiskDisposal) error {
	at, err := parseTime("updatedAt", d.UpdatedAt)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode risk disposal: %w", err)
	}
	level, disposalType := "", ""
	if d.Assessment != nil {
		level = string(d.Assessment.Level)
	}
	if d.Disposition != nil {
		disposalType = string(d.Disposition.Type)
	}
	a := d.Alert
	batch.Queue(`INSERT INTO risk_disposals
		(alert_kind, subject, period, alert_id, enterprise_id, state, level, disposal_type, updated_at, block_number, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (alert_kind, subject, period) DO UPDATE SET alert_id = EXCLUDED.alert_id,
			enterprise_id = EXCLUDED.enterprise_id, state = EXCLUDED.state, level = EXCLUDED.level,
			disposal_type = EXCLUDED.disposal_type, updated_at = EXCLUDED.updated_at,
			block_number = EXCLUDED.block_number, doc = EXCLUDED.doc`,
		string(a.Kind), a.Subject, a.Period, a.AlertID, a.EnterpriseID, string(d.State), level, disposalType, at, block, doc)
	return nil
}

func queueTraceCode(batch *pgx.Batch, block int64, c *model.TraceCode) error {
	at, err := parseTime("issuedAt", c.IssuedAt)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode trace code: %w", err)
	}
	batch.Queue(`INSERT INTO trace_codes
		(code, prefiling_id, enterprise_id, commodity, product_name, origin, weight_grams, status,
		 issued_at, issued_tx, block_number, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (code) DO UPDATE SET prefiling_id = EXCLUDED.prefiling_id,
			enterprise_id = EXCLUDED.enterprise_id, commodity = EXCLUDED.commodity,
			product_name = EXCLUDED.product_name, origin = EXCLUDED.origin,
			weight_grams = EXCLUDED.weight_grams, status = EXCLUDED.status, issued_at = EXCLUDED.issued_at,
			issued_tx = EXCLUDED.issued_tx, block_number = EXCLUDED.block_number, doc = EXCLUDED.doc`,
		c.Code, c.PrefilingID, c.EnterpriseID, c.Commodity, c.ProductName, c.Origin, c.WeightGrams,
		c.Status, at, c.IssuedTx, block, doc)
	return nil
}

// parseTime reads an RFC 3339 transaction time; the original string stays in
// the row's doc (or at_text) so it round-trips exactly.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse %s %q as RFC 3339: %w", field, s, err)
	}
	return t, nil
}
