package alerts

import (
	"context"
	"encoding/json"
	"fmt"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
)

// Uploads tells which attachments a user's organisation uploaded
// (*attachments.Store).
type Uploads interface {
	Uploaded(ctx context.Context, enterpriseID string, sums []string) (map[string]bool, error)
}

// Disposals takes customs' steps on alerts (风险预警处置): each is a ledger
// transaction on the alert's model.RiskDisposal, which the chaincode keeps
// in its workflow; the answer is the alert with the record as committed.
type Disposals struct {
	Store   *Store
	Signers service.Signers
	Submit  ledgertx.Submitter
	Uploads Uploads
}

// Disposed is a step's answer and the transaction that committed it.
type Disposed struct {
	Alert AlertDetail
	Tx    *ledgertx.Tx
}

// Assess levels the alert (AssessRiskAlert); the first assessment carries
// the alert's reference to the ledger.
func (s Disposals) Assess(ctx context.Context, w service.Write, id int64, in model.AssessmentInput) (Disposed, error) {
	if err := problems(model.CheckAssessment(in)); err != nil {
		return Disposed{}, err
	}
	a, err := s.Store.Get(ctx, id)
	if err != nil {
		return Disposed{}, err
	}
	ref, err := json.Marshal(model.AlertRef{Kind: a.Kind, SubjectType: a.SubjectType, Subject: a.Subject, Period: a.Period,
		EnterpriseID: a.EnterpriseID, ConfigVersion: a.ConfigVersion, AlertID: a.ID})
	if err != nil {
		return Disposed{}, err
	}
	input, err := json.Marshal(in)
	if err != nil {
		return Disposed{}, err
	}
	return s.step(ctx, w, a, "AssessRiskAlert", string(ref), string(input))
}

// Dispose records the disposal (DisposeRiskAlert). Its evidence must be
// files customs uploaded, like a declaration's attachments.
func (s Disposals) Dispose(ctx context.Context, w service.Write, id int64, in model.DispositionInput) (Disposed, error) {
	if in.Attachments == nil {
		in.Attachments = []model.Attachment{}
	}
	if err := problems(model.CheckDisposition(in)); err != nil {
		return Disposed{}, err
	}
	if err := s.uploaded(ctx, w.Caller.EnterpriseID, in.Attachments); err != nil {
		return Disposed{}, err
	}
	a, err := s.Store.Get(ctx, id)
	if err != nil {
		return Disposed{}, err
	}
	input, err := json.Marshal(in)
	if err != nil {
		return Disposed{}, err
	}
	return s.step(ctx, w, a, "DisposeRiskAlert", a.keyArgs(string(input))...)
}

// Close closes a disposed alert (CloseRiskAlert).
func (s Disposals) Close(ctx context.Context, w service.Write, id int64, note string) (Disposed, error) {
	if err := problems(model.CheckText("note", note, model.Note)); err != nil {
		return Disposed{}, err
	}
	a, err := s.Store.Get(ctx, id)
	if err != nil {
		return Disposed{}, err
	}
	return s.step(ctx, w, a, "CloseRiskAlert", a.keyArgs(note)...)
}

// Revoke revokes the disposal of a disposed or closed alert
// (RevokeRiskDisposal).
func (s Disposals) Revoke(ctx context.Context, w service.Write, id int64, reason string) (Disposed, error) {
	if err := problems(model.CheckText("reason", reason, model.RequiredNote)); err != nil {
		return Disposed{}, err
	}
	a, err := s.Store.Get(ctx, id)
	if err != nil {
		return Disposed{}, err
	}
	return s.step(ctx, w, a, "RevokeRiskDisposal", a.keyArgs(reason)...)
}

// keyArgs are the ledger arguments naming the alert's record, then rest.
func (a AlertDetail) keyArgs(rest ...string) []string {
	return append(model.DisposalKey(a.Kind, a.Subject, a.Period), rest...)
}

// step submits function(requestID, args...) as the caller; a request
// carried out before is answered by reading the record back.
func (s Disposals) step(ctx context.Context, w service.Write, a AlertDetail, function string, args ...string) (Disposed, error) {
	signer, err := s.Signers.For(w.Caller)
	if err != nil {
		return Disposed{}, err
	}
	res, err := s.Submit.Submit(ctx, ledgertx.Call{Signer: signer, Function: function, Args: append([]string{w.RequestID}, args...),
		ReadBack: s.Submit.Evaluator(signer, "GetRiskDisposal", a.keyArgs()...)})
	if err != nil {
		return Disposed{}, err
	}
	var d model.RiskDisposal
	if err := json.Unmarshal(res.Payload, &d); err != nil {
		return Disposed{}, fmt.Errorf("decode %s answer: %w", function, err)
	}
	a.Disposal = &d
	a.Status = d.State
	a.Level, a.DisposalType = "", ""
	if d.Assessment != nil {
		a.Level = d.Assessment.Level
	}
	if d.Disposition != nil {
		a.DisposalType = d.Disposition.Type
	}
	return Disposed{Alert: a, Tx: res.Tx}, nil
}

// uploaded refuses evidence the caller's organisation did not upload.
func (s Disposals) uploaded(ctx context.Context, enterpriseID string, list []model.Attachment) error {
	if len(list) == 0 {
		return nil
	}
	sums := make([]string, len(list))
	for i, a := range list {
		sums[i] = a.SHA256
	}
	have, err := s.Uploads.Uploaded(ctx, enterpriseID, sums)
	if err != nil {
		return err
	}
	var p validation.Problems
	for i, a := range list {
		if !have[a.SHA256] {
			p.Add(fmt.Sprintf("attachments[%d].sha256", i), "is not a file you uploaded", "不是本单位上传的附件，请先上传")
		}
	}
	return p.Err()
}

func problems(ps model.Problems) error {
	if len(ps) == 0 {
		return nil
	}
	var p validation.Problems
	p.AddModel(ps...)
	return p
}
