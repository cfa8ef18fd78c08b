package documents

import (
	"context"
	"encoding/json"
	"fmt"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service"
	"zonetrace/gateway/validation"
)

// Corrections of the ledger's readings (docs/architecture.md): customs'
// manual tags and the release of a stuck reservation, and the enterprise's
// report of its transfers in a consolidated checklist. The chaincode decides
// everything; these check the shape of the input so that a typo is answered
// without a transaction.

// TagRequest is customs' manual tag (手工打标) of a document.
type TagRequest struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// ReasonRequest carries the reason of a tag's removal or a release.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// ConsolidationRequest lists the bonded transfer legs a checklist reports.
type ConsolidationRequest struct {
	TransferIDs []string `json:"transferIds"`
}

// Tag sets a manual tag of a catalogue code on a document.
func (s *Service) Tag(ctx context.Context, w service.Write, id string, req TagRequest) (Written, error) {
	if err := checkTag(req.Code, req.Reason); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, "TagDocument", req.Code, req.Reason)
}

// Untag removes every tag of a code from a document, with a reason.
func (s *Service) Untag(ctx context.Context, w service.Write, id, code string, req ReasonRequest) (Written, error) {
	if err := checkTag(code, req.Reason); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, "UntagDocument", code, req.Reason)
}

// ReleaseReservation voids an approved document whose goods will not move,
// releasing what it reserved.
func (s *Service) ReleaseReservation(ctx context.Context, w service.Write, id string, req ReasonRequest) (Written, error) {
	var p validation.Problems
	p.AddModel(model.CheckText("reason", req.Reason, model.RequiredNote)...)
	if err := p.Err(); err != nil {
		return Written{}, err
	}
	return s.change(ctx, w, id, "ReleaseReservation", req.Reason)
}

// Consolidate marks the enterprise's bonded transfer legs as reported in its
// checklist id (已集报); they can then be deleted only offline.
func (s *Service) Consolidate(ctx context.Context, w service.Write, id string, req ConsolidationRequest) (Written, error) {
	var p validation.Problems
	switch {
	case len(req.TransferIDs) == 0:
		p.AddModel(model.Problem{Field: "transferIds", Rule: model.RuleTooFew, Params: model.Params{"min": 1}})
	case len(req.TransferIDs) > model.MaxLines:
		p.AddModel(model.Problem{Field: "transferIds", Rule: model.RuleTooMany, Params: model.Params{"max": model.MaxLines}})
	}
	for i, t := range req.TransferIDs {
		if !model.IsDocumentID(t) {
			p.AddModel(model.Problem{Field: fmt.Sprintf("transferIds[%d]", i), Rule: model.RulePattern,
				Params: model.Params{"format": model.FormatDocumentID}})
		}
	}
	if err := p.Err(); err != nil {
		return Written{}, err
	}
	raw, err := json.Marshal(req.TransferIDs)
	if err != nil {
		return Written{}, fmt.Errorf("encode transfer ids: %w", err)
	}
	return s.change(ctx, w, id, "ConsolidateTransfers", string(raw))
}

// checkTag checks a tag code's pattern and the required reason; whether the
// code is in the catalogue in force only the chaincode knows.
func checkTag(code, reason string) error {
	var p validation.Problems
	if !model.TagCodePattern.MatchString(code) {
		p.AddModel(model.Problem{Field: "code", Rule: model.RulePattern, Params: model.Params{"format": model.FormatTagCode}})
	}
	p.AddModel(model.CheckText("reason", reason, model.RequiredNote)...)
	return p.Err()
}
