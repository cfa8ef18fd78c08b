// Package enterprises registers enterprises on the ledger and reads them
// with the identities bound to them.
package enterprises

import (
	"context"
	"encoding/json"
	"fmt"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
	"zonetrace/network/ledger"
)

// Identities signs as the zone administration and issues enterprises' client
// identities (*identities.Resolver).
type Identities interface {
	ZoneAdmin() (ledger.Signer, error)
	IssueEnterprise(enterpriseID string) (ledger.Signer, error)
}

// Reads is what the reads need of the indexer's mirror.
type Reads interface {
	Enterprises(ctx context.Context) ([]model.Enterprise, error)
	Enterprise(ctx context.Context, id string) (model.Enterprise, error)
	Identities(ctx context.Context, enterpriseID string) ([]model.IdentityBinding, error)
}

// Service runs the enterprise operations.
type Service struct {
	Reads      Reads
	Identities Identities
	Ledger     ledgertx.Submitter
}

// Registration is a new enterprise.
type Registration struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Kind        model.EnterpriseKind `json:"kind"`
	CustomsCode string               `json:"customsCode,omitempty"`
}

func (r Registration) check() error {
	var p validation.Problems
	p.AddModel(model.CheckEnterprise(model.Enterprise{ID: r.ID, Name: r.Name, Kind: r.Kind, CustomsCode: r.CustomsCode})...)
	return p.Err()
}

// Registered is a registered enterprise and the last transaction of its
// registration.
type Registered struct {
	Enterprise model.Enterprise
	Tx         *ledgertx.Tx
}

// Register registers the enterprise, issues its client identity and binds
// it, as the zone admin. Each step has its own chaincode request id derived
// from requestID, so a retry after a crash finishes the job without doing
// any step twice.
func (s *Service) Register(ctx context.Context, requestID string, r Registration) (Registered, error) {
	if err := r.check(); err != nil {
		return Registered{}, err
	}
	admin, err := s.Identities.ZoneAdmin()
	if err != nil {
		return Registered{}, err
	}
	enterpriseJSON, err := json.Marshal(r)
	if err != nil {
		return Registered{}, fmt.Errorf("encode enterprise: %w", err)
	}
	reg, err := s.Ledger.Submit(ctx, ledgertx.Call{Signer: admin, Function: "RegisterEnterprise",
		Args: []string{requestID + ":register", string(enterpriseJSON)}, ReadBack: s.Ledger.Evaluator(admin, "GetEnterprise", r.ID)})
	if err != nil {
		return Registered{}, err
	}
	var out Registered
	if err := json.Unmarshal(reg.Payload, &out.Enterprise); err != nil {
		return Registered{}, fmt.Errorf("decode registered enterprise: %w", err)
	}
	// From here on the registration is committed: a failure still reports
	// its transaction, and a retry with the same request id finishes.
	out.Tx = reg.Tx
	identity, err := s.Identities.IssueEnterprise(r.ID)
	if err != nil {
		return out, err
	}
	bind, err := s.Ledger.Submit(ctx, ledgertx.Call{Signer: admin, Function: "BindIdentity",
		Args: []string{requestID + ":bind", r.ID, identity.MspID(), string(identity.Credentials())}})
	out.Tx = ledgertx.Last(reg.Tx, bind.Tx)
	return out, err
}

// List lists the registered enterprises.
func (s *Service) List(ctx context.Context) ([]model.Enterprise, error) {
	list, err := s.Reads.Enterprises(ctx)
	if list == nil {
		list = []model.Enterprise{}
	}
	return list, err
}

// Identity is a client identity bound to an enterprise.
type Identity struct {
	MspID           string `json:"mspId"`
	CertFingerprint string `json:"certFingerprint"`
	BoundAt         string `json:"boundAt"`
}

// Profile is an enterprise with its bound identities.
type Profile struct {
	model.Enterprise
	Identities []Identity `json:"identities"`
}

// Profile reads an enterprise with its bound identities.
func (s *Service) Profile(ctx context.Context, id string) (Profile, error) {
	e, err := s.Reads.Enterprise(ctx, id)
	if err != nil {
		return Profile{}, err
	}
	bindings, err := s.Reads.Identities(ctx, e.ID)
	if err != nil {
		return Profile{}, err
	}
	out := Profile{Enterprise: e, Identities: make([]Identity, 0, len(bindings))}
	for _, b := range bindings {
		out.Identities = append(out.Identities, Identity{MspID: b.MspID, CertFingerprint: b.CertFingerprint, BoundAt: b.BoundAt})
	}
	return out, nil
}
