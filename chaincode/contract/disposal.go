package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// Risk disposal (风险预警处置): every step customs takes on a risk alert is a
// transaction on the record of that alert (model.RiskDisposal). The alert
// itself is raised off chain, so the first assessment carries its
// reference; later steps name it by its key.

// AssessRiskAlert assesses an alert — probability, impact and urgency, each
// 1–3 — and levels it by the matrix of the rule configuration in force,
// naming that version. An alert already assessed but not yet disposed may
// be assessed again; the earlier assessment is kept.
func (c *Contract) AssessRiskAlert(ctx contractapi.TransactionContextInterface, requestID, alertJSON, assessmentJSON string) (*model.RiskDisposal, error) {
	w, err := beginWrite(ctx, "AssessRiskAlert", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	var ref model.AlertRef
	if err := decodeStrict(alertJSON, &ref); err != nil {
		return nil, err
	}
	var in model.AssessmentInput
	if err := decodeStrict(assessmentJSON, &in); err != nil {
		return nil, err
	}
	ps := model.CheckAlertRef(ref)
	ps = append(ps, model.CheckAssessment(in)...)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	d := &model.RiskDisposal{Alert: ref, State: model.DisposalOpen, Revoked: []model.Disposition{}, Reassessed: []model.Assessment{}}
	if _, err := getRecord(ctx, model.KeyRiskDisposal, model.DisposalKey(ref.Kind, ref.Subject, ref.Period), d); err != nil {
		return nil, err
	}
	if err := allowStep(d, model.ActionAssess); err != nil {
		return nil, err
	}
	cfg, err := w.rules()
	if err != nil {
		return nil, err
	}
	if d.Assessment != nil {
		d.Reassessed = append(d.Reassessed, *d.Assessment)
	}
	d.Assessment = &model.Assessment{Probability: in.Probability, Impact: in.Impact, Urgency: in.Urgency, Note: in.Note,
		Level:         cfg.RiskParams().DisposalParams().Matrix.Level(in.Probability, in.Impact, in.Urgency),
		ConfigVersion: cfg.Version, At: w.at, By: w.caller.Actor, TxID: ctx.GetStub().GetTxID()}
	d.State = model.DisposalAssessed
	return d, saveDisposal(w, d)
}

// DisposeRiskAlert records the disposal of an assessed alert: type,
// handler, reason, opinion (from a template of the configuration in force,
// when one is named) and the evidence files anchored by their SHA-256.
func (c *Contract) DisposeRiskAlert(ctx contractapi.TransactionContextInterface, requestID, kind, subject, period, dispositionJSON string) (*model.RiskDisposal, error) {
	w, err := beginWrite(ctx, "DisposeRiskAlert", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	var in model.DispositionInput
	if err := decodeStrict(dispositionJSON, &in); err != nil {
		return nil, err
	}
	if err := model.CheckDisposition(in).Err(); err != nil {
		return nil, err
	}
	d, err := loadDisposal(ctx, kind, subject, period, model.ActionDispose)
	if err != nil {
		return nil, err
	}
	cfg, err := w.rules()
	if err != nil {
		return nil, err
	}
	if in.TemplateID != "" {
		if _, ok := cfg.RiskParams().DisposalParams().Template(in.TemplateID); !ok {
			var ps model.Problems
			ps.Add("templateId", model.RuleUnknownValue, nil)
			return nil, ps.Err()
		}
	}
	if in.Attachments == nil {
		in.Attachments = []model.Attachment{}
	}
	d.Disposition = &model.Disposition{DispositionInput: in, ConfigVersion: cfg.Version, At: w.at, By: w.caller.Actor,
		TxID: ctx.GetStub().GetTxID()}
	d.State = model.DisposalDisposed
	return d, saveDisposal(w, d)
}

// CloseRiskAlert closes a disposed alert (办结) with an optional note.
func (c *Contract) CloseRiskAlert(ctx contractapi.TransactionContextInterface, requestID, kind, subject, period, note string) (*model.RiskDisposal, error) {
	w, d, err := beginTextStep(ctx, "CloseRiskAlert", requestID, kind, subject, period, model.ActionClose, "note", note, model.Note)
	if err != nil {
		return nil, err
	}
	d.Disposition.Closing = &model.DisposalClosing{Note: note, At: w.at, By: w.caller.Actor, TxID: ctx.GetStub().GetTxID()}
	d.State = model.DisposalClosed
	return d, saveDisposal(w, d)
}

// RevokeRiskDisposal revokes the disposal of a disposed or closed alert
// (撤销) with a reason: the disposal moves to the revoked list and the
// alert is assessed again, to be disposed anew.
func (c *Contract) RevokeRiskDisposal(ctx contractapi.TransactionContextInterface, requestID, kind, subject, period, reason string) (*model.RiskDisposal, error) {
	w, d, err := beginTextStep(ctx, "RevokeRiskDisposal", requestID, kind, subject, period, model.ActionRevoke, "reason", reason, model.RequiredNote)
	if err != nil {
		return nil, err
	}
	revoked := *d.Disposition
	revoked.Revocation = &model.DisposalRevocation{Reason: reason, At: w.at, By: w.caller.Actor, TxID: ctx.GetStub().GetTxID()}
	d.Revoked = append(d.Revoked, revoked)
	d.Disposition = nil
	d.State = model.DisposalAssessed
	return d, saveDisposal(w, d)
}

// GetRiskDisposal returns an alert's disposal record to customs and
// auditors.
func (c *Contract) GetRiskDisposal(ctx contractapi.TransactionContextInterface, kind, subject, period string) (*model.RiskDisposal, error) {
	if err := requireReader(ctx, "GetRiskDisposal", model.RoleCustoms, model.RoleAuditor); err != nil {
		return nil, err
	}
	var d model.RiskDisposal
	found, err := getRecord(ctx, model.KeyRiskDisposal, model.DisposalKey(model.AlertKind(kind), subject, period), &d)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, disposalNotFound(kind, subject, period)
	}
	return &d, nil
}

// beginTextStep begins a step that carries one text (a note, a reason) on
// an alert's record: customs only, the text checked, the state allowing it.
func beginTextStep(ctx contractapi.TransactionContextInterface, function, requestID, kind, subject, period string,
	step model.DisposalAction, field, text string, rule model.TextRule) (*write, *model.RiskDisposal, error) {
	w, err := beginWrite(ctx, function, requestID, model.RoleCustoms)
	if err != nil {
		return nil, nil, err
	}
	if err := checkText(field, text, rule); err != nil {
		return nil, nil, err
	}
	d, err := loadDisposal(ctx, kind, subject, period, step)
	return w, d, err
}

// loadDisposal reads the record a step is taken on and checks the step may
// start from its state.
func loadDisposal(ctx contractapi.TransactionContextInterface, kind, subject, period string, step model.DisposalAction) (*model.RiskDisposal, error) {
	var d model.RiskDisposal
	found, err := getRecord(ctx, model.KeyRiskDisposal, model.DisposalKey(model.AlertKind(kind), subject, period), &d)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, disposalNotFound(kind, subject, period)
	}
	return &d, allowStep(&d, step)
}

func allowStep(d *model.RiskDisposal, step model.DisposalAction) error {
	if model.DisposalAllowed(step, d.State) {
		return nil
	}
	return model.Refuse(model.ReasonDisposalState, model.Params{"disposalState": string(d.State), "step": string(step)},
		"the alert's disposal is %s; it cannot %s", d.State, step)
}

func disposalNotFound(kind, subject, period string) error {
	return model.Refuse(model.ReasonDisposalNotFound, model.Params{"alertKind": kind, "subject": subject, "period": period},
		"no disposal of the %s alert on %s (%s)", kind, subject, period)
}

// saveDisposal stores the record and announces it.
func saveDisposal(w *write, d *model.RiskDisposal) error {
	d.UpdatedAt = w.at
	if err := putRecord(w.ctx, model.KeyRiskDisposal, model.DisposalKey(d.Alert.Kind, d.Alert.Subject, d.Alert.Period), d); err != nil {
		return fmt.Errorf("write %s: %w", model.KeyRiskDisposal, err)
	}
	return w.finish(model.DomainEvent{Type: model.EventRiskDisposalChanged, RiskDisposal: d})
}
