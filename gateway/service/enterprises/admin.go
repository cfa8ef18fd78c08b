package enterprises

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
)

// Edit is what the zone admin may change of an enterprise; the id (its
// unified social credit code) never changes.
type Edit struct {
	Name        string               `json:"name"`
	Kind        model.EnterpriseKind `json:"kind"`
	CustomsCode string               `json:"customsCode,omitempty"`
}

// Changed is an enterprise after an edit or a status change, and the
// transaction that made it.
type Changed struct {
	Enterprise model.Enterprise
	Tx         *ledgertx.Tx
}

// Update replaces the enterprise's name, kind and customs code on the
// ledger, as the zone admin.
func (s *Service) Update(ctx context.Context, requestID, id string, e Edit) (Changed, error) {
	r := Registration{ID: id, Name: e.Name, Kind: e.Kind, CustomsCode: e.CustomsCode}
	if err := r.check(); err != nil {
		return Changed{}, err
	}
	enterpriseJSON, err := json.Marshal(r)
	if err != nil {
		return Changed{}, fmt.Errorf("encode enterprise: %w", err)
	}
	return s.change(ctx, id, "UpdateEnterprise", requestID, string(enterpriseJSON))
}

// SetStatus disables (model.EnterpriseDisabled) or enables
// (model.EnterpriseActive) the enterprise on the ledger, as the zone admin.
// A disabled enterprise's identities submit nothing and its users cannot
// log in.
func (s *Service) SetStatus(ctx context.Context, requestID, id, status string) (Changed, error) {
	if !slices.Contains(model.EnterpriseStatuses, status) {
		var ps model.Problems
		ps.Add("status", model.RuleUnknownValue, nil)
		var p validation.Problems
		p.AddModel(ps...)
		return Changed{}, p
	}
	return s.change(ctx, id, "SetEnterpriseStatus", requestID, id, status)
}

func (s *Service) change(ctx context.Context, id, function string, args ...string) (Changed, error) {
	admin, err := s.Identities.ZoneAdmin()
	if err != nil {
		return Changed{}, err
	}
	res, err := s.Ledger.Submit(ctx, ledgertx.Call{Signer: admin, Function: function, Args: args,
		ReadBack: s.Ledger.Evaluator(admin, "GetEnterprise", id)})
	if err != nil {
		return Changed{}, err
	}
	out := Changed{Tx: res.Tx}
	if err := json.Unmarshal(res.Payload, &out.Enterprise); err != nil {
		return out, fmt.Errorf("decode changed enterprise: %w", err)
	}
	return out, nil
}
