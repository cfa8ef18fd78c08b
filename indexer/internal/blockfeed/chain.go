package blockfeed

import (
	"encoding/json"
	"fmt"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/network/ledger"
)

// Chain plays the chaincode's part for tests: each call builds the new state
// the contract would write, wraps it in a model.EventEnvelope and commits it
// to the feed as a block holding one valid transaction. It checks nothing the
// contract checks; it only produces realistic events.
type Chain struct {
	Feed       *Feed
	clock      time.Time
	zone       *time.Location
	txs        int
	prefilings map[string]*model.Prefiling
	codes      int
	documents  map[string]*model.Document
	balances   map[balanceKey]*model.Balance
	moved      map[string][]model.Movement
	issued     []model.Receipt
	rules      int
	periods    map[string]*model.AccountPeriod
}

// Identities of the zone's authorities, as the chaincode records actors.
var (
	ZoneAdmin = model.Actor{MspID: model.ZoneAdminMSP, ClientID: "x509::CN=admin::CN=ca.zone", Role: model.RoleZoneAdmin, Name: "admin"}
	// Customs is an officer signing with a personal certificate.
	Customs = model.Actor{MspID: model.CustomsMSP, ClientID: "x509::CN=officer1::CN=ca.customs", Role: model.RoleCustoms, Name: "officer1",
		UserID: "officer1", UserRole: model.UserCustomsOfficer}
)

// NewChain starts a chain on feed whose first transaction happens at start;
// every transaction is one minute and a few nanoseconds after the previous.
func NewChain(feed *Feed, start time.Time) *Chain {
	return &Chain{Feed: feed, clock: start, zone: time.FixedZone("CST", 8*3600), prefilings: map[string]*model.Prefiling{},
		documents: map[string]*model.Document{}, balances: map[balanceKey]*model.Balance{}, moved: map[string][]model.Movement{},
		periods: map[string]*model.AccountPeriod{}}
}

// Declarant is the actor an enterprise's bound client identity becomes.
func Declarant(enterpriseID string) model.Actor {
	return model.Actor{MspID: model.WarehouseMSP, ClientID: "x509::CN=clerk-" + enterpriseID + "::CN=ca.zone",
		Role: model.RoleEnterprise, EnterpriseID: enterpriseID, Name: "clerk-" + enterpriseID,
		UserID: "clerk-" + enterpriseID, UserRole: model.UserEnterprise}
}

// RegisterEnterprise commits an EnterpriseRegistered event.
func (c *Chain) RegisterEnterprise(id, name string) model.Enterprise {
	txID, at := c.next()
	e := model.Enterprise{ID: id, Name: name, Kind: model.KindImporter, CustomsCode: "32" + id[:8],
		Status: model.EnterpriseActive, RegisteredAt: at, RegisteredBy: ZoneAdmin.ClientID, UpdatedTx: txID}
	c.commit(txID, at, "RegisterEnterprise", ZoneAdmin, model.DomainEvent{Type: model.EventEnterpriseRegistered, Enterprise: &e})
	return e
}

// ChangeEnterprise commits an EnterpriseChanged event carrying e (edited
// or with a new status) as its new state.
func (c *Chain) ChangeEnterprise(e model.Enterprise) model.Enterprise {
	txID, at := c.next()
	e.UpdatedTx = txID
	c.commit(txID, at, "UpdateEnterprise", ZoneAdmin, model.DomainEvent{Type: model.EventEnterpriseChanged, Enterprise: &e})
	return e
}

// BindIdentity commits an IdentityBound event binding Declarant(enterpriseID).
func (c *Chain) BindIdentity(enterpriseID string) model.IdentityBinding {
	txID, at := c.next()
	d := Declarant(enterpriseID)
	b := model.IdentityBinding{MspID: d.MspID, ClientID: d.ClientID, EnterpriseID: enterpriseID,
		CertFingerprint: fmt.Sprintf("%064x", c.txs), BoundAt: at, BoundBy: ZoneAdmin.ClientID, UpdatedTx: txID}
	c.commit(txID, at, "BindIdentity", ZoneAdmin, model.DomainEvent{Type: model.EventIdentityBound, Identity: &b})
	return b
}

// Declare commits a PrefilingDeclared event.
func (c *Chain) Declare(id, enterpriseID string, data model.PrefilingData) model.Prefiling {
	txID, at := c.next()
	p := &model.Prefiling{ID: id, EnterpriseID: enterpriseID, Status: model.PrefilingDeclared, Data: data,
		DeclaredAt: at, UpdatedAt: at, UpdatedTx: txID, Version: 1}
	c.prefilings[id] = p
	actor := Declarant(enterpriseID)
	c.step(p, txID, at, model.ActionDeclare, actor, "", nil)
	c.commit(txID, at, "DeclarePrefiling", actor, model.DomainEvent{Type: model.EventPrefilingDeclared, Prefiling: p})
	return c.Prefiling(id)
}

// Review commits customs' decision on a declared prefiling; approving also
// issues a trace code in the same transaction.
func (c *Chain) Review(id string, approve bool, reason string) model.Prefiling {
	txID, at := c.next()
	p := c.prefilings[id]
	events := []model.DomainEvent{}
	if approve {
		c.codes++
		tc := &model.TraceCode{Code: fmt.Sprintf("TC%s%06dX", p.Data.Commodity, c.codes), PrefilingID: id,
			EnterpriseID: p.EnterpriseID, Commodity: p.Data.Commodity, ProductName: p.Data.ProductName,
			Origin: p.Data.Origin, WeightGrams: p.Data.WeightGrams, Status: model.TraceCodeActive,
			IssuedAt: at, IssuedTx: txID}
		p.Status, p.TraceCode, p.ReturnReason = model.PrefilingApproved, tc.Code, ""
		c.step(p, txID, at, model.ActionApprove, Customs, reason, nil)
		events = append(events, model.DomainEvent{Type: model.EventPrefilingApproved, Prefiling: p},
			model.DomainEvent{Type: model.EventTraceCodeIssued, TraceCode: tc})
	} else {
		p.Status, p.ReturnReason = model.PrefilingReturned, reason
		c.step(p, txID, at, model.ActionReturn, Customs, reason, nil)
		events = append(events, model.DomainEvent{Type: model.EventPrefilingReturned, Prefiling: p})
	}
	c.commit(txID, at, "ReviewPrefiling", Customs, append(events, c.decisionReceipt(p))...)
	return c.Prefiling(id)
}

// DeclareSupplement commits a SupplementDeclared event.
func (c *Chain) DeclareSupplement(id string, s model.SupplementData) model.Prefiling {
	txID, at := c.next()
	p := c.prefilings[id]
	p.SupplementStatus, p.Supplement = model.SupplementDeclared, &s
	actor := Declarant(p.EnterpriseID)
	c.step(p, txID, at, model.ActionSupplement, actor, "", &s)
	c.commit(txID, at, "DeclareSupplement", actor, model.DomainEvent{Type: model.EventSupplementDeclared, Prefiling: p})
	return c.Prefiling(id)
}

// ReviewSupplement commits customs' decision on the declared supplement;
// approving merges it into the prefiling's data.
func (c *Chain) ReviewSupplement(id string, approve bool, reason string) model.Prefiling {
	txID, at := c.next()
	p := c.prefilings[id]
	typ, action := model.EventSupplementReturned, model.ActionSupplementReturn
	p.SupplementStatus = model.SupplementReturned
	if approve {
		typ, action = model.EventSupplementApproved, model.ActionSupplementApprove
		p.SupplementStatus = model.SupplementApproved
		p.Data.QuarantineBatchNo = p.Supplement.QuarantineBatchNo
		p.Data.QuarantineResult = p.Supplement.QuarantineResult
	}
	c.step(p, txID, at, action, Customs, reason, nil)
	c.commit(txID, at, "ReviewSupplement", Customs, model.DomainEvent{Type: typ, Prefiling: p}, c.decisionReceipt(p))
	return c.Prefiling(id)
}

// Prefiling returns a copy of the chain's current state of prefiling id.
func (c *Chain) Prefiling(id string) model.Prefiling {
	var p model.Prefiling
	deepCopy(&p, c.prefilings[id])
	return p
}

// deepCopy copies src into dst through its JSON form, as a reader of the
// chain's state would see it.
func deepCopy(dst, src any) {
	raw, err := json.Marshal(src)
	if err == nil {
		err = json.Unmarshal(raw, dst)
	}
	if err != nil {
		panic(fmt.Sprintf("blockfeed: copy %T: %v", src, err))
	}
}

// Tx builds a valid transaction whose chaincode event carries events in a
// current-schema envelope.
func Tx(txID, at, function string, actor model.Actor, events ...model.DomainEvent) ledger.Transaction {
	env := model.EventEnvelope{Schema: model.EventSchemaVersion, TxID: txID, Function: function,
		RequestID: "req-" + txID, Actor: actor, At: at, Events: events}
	payload, err := json.Marshal(env)
	if err != nil {
		panic(fmt.Sprintf("blockfeed: encode envelope: %v", err))
	}
	ts, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		panic(fmt.Sprintf("blockfeed: parse time: %v", err))
	}
	return ledger.Transaction{ID: txID, Valid: true, ValidationCode: "VALID",
		Creator: ledger.Creator{MspID: actor.MspID, ID: actor.ClientID}, Timestamp: ts, Function: function,
		Event: &ledger.ChaincodeEvent{Name: model.EventName, Payload: payload}}
}

// NextTx reserves a transaction id and time for a transaction a test builds
// itself (invalid ones, foreign schemas).
func (c *Chain) NextTx() (txID, at string) { return c.next() }

func (c *Chain) next() (txID, at string) {
	c.txs++
	c.clock = c.clock.Add(time.Minute + time.Duration(c.txs)*time.Microsecond + 7)
	return fmt.Sprintf("tx%06d", c.txs), c.clock.In(c.zone).Format(time.RFC3339Nano)
}

func (c *Chain) step(p *model.Prefiling, txID, at, action string, actor model.Actor, reason string, s *model.SupplementData) {
	if len(p.Steps) > 0 {
		p.Version++
	}
	p.UpdatedAt, p.UpdatedTx = at, txID
	p.Steps = append(p.Steps, model.PrefilingStep{Seq: len(p.Steps) + 1, Action: action, Actor: actor,
		TxID: txID, At: at, Reason: reason, Supplement: s})
}

// decisionReceipt issues, as the contract does, the receipt of the
// decision p's last step records.
func (c *Chain) decisionReceipt(p *model.Prefiling) model.DomainEvent {
	r := model.PrefilingReceipt(p, p.Steps[len(p.Steps)-1])
	c.issued = append(c.issued, r)
	return model.DomainEvent{Type: model.EventReceiptIssued, Receipt: &r}
}

func (c *Chain) commit(txID, at, function string, actor model.Actor, events ...model.DomainEvent) {
	c.Feed.Commit(Tx(txID, at, function, actor, events...))
}

// PutRuleConfig commits a new version of customs' rule configuration.
func (c *Chain) PutRuleConfig(d model.RuleConfigDraft) model.RuleConfig {
	txID, at := c.next()
	c.rules++
	cfg := &model.RuleConfig{RuleConfigDraft: d, Version: c.rules, ChangedAt: at, ChangedTx: txID, ChangedBy: Customs}
	c.commit(txID, at, "PutRuleConfig", Customs, model.DomainEvent{Type: model.EventRuleConfigChanged, RuleConfig: cfg})
	return *cfg
}

// DeclareDecided commits a declaration a review rule approved in the same
// transaction, as the chaincode does when a pass rule matches.
func (c *Chain) DeclareDecided(id, enterpriseID string, data model.PrefilingData, rule model.RuleRef) model.Prefiling {
	txID, at := c.next()
	p := &model.Prefiling{ID: id, EnterpriseID: enterpriseID, Status: model.PrefilingApproved, Data: data,
		DeclaredAt: at, UpdatedAt: at, UpdatedTx: txID, Version: 1,
		AutoReview: &model.RuleDecision{ConfigVersion: rule.ConfigVersion, RuleID: rule.RuleID, Outcome: model.OutcomePass}}
	c.prefilings[id] = p
	actor := Declarant(enterpriseID)
	c.step(p, txID, at, model.ActionDeclare, actor, "", nil)
	c.step(p, txID, at, model.ActionApprove, model.Actor{Name: model.SystemActorName(rule)}, "", nil)
	p.Steps[1].DecidedBy = &rule
	c.commit(txID, at, "DeclarePrefiling", actor, model.DomainEvent{Type: model.EventPrefilingDeclared, Prefiling: p},
		model.DomainEvent{Type: model.EventPrefilingApproved, Prefiling: p})
	return c.Prefiling(id)
}
