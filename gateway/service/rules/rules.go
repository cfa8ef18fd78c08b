// Package rules holds customs' rule configuration operations: reading a
// version, listing versions, writing a new version (customs_admin) and the
// dry run of a draft review rule. The configuration lives on chain; the
// chaincode checks and versions it (chaincode/contract/rules.go) and this
// package only chooses the dry run's targets from the read model.
package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
)

// Reads is what the dry run and the tag catalogue read from the indexer's
// mirror.
type Reads interface {
	RecentDeclarations(ctx context.Context, kind model.DeclarationKind, n int) ([]string, error)
	// CurrentTags is the newest configuration version's tag catalogue (the
	// built-in defaults', version 0, before customs wrote one).
	CurrentTags(ctx context.Context) (int, []model.TagDef, error)
}

// Service runs the rule configuration operations.
type Service struct {
	Reads   Reads
	Signers service.Signers
	Ledger  ledgertx.Submitter
}

// Update is a new version of the configuration and the version the edit
// started from; a configuration changed since is a CONFLICT.
type Update struct {
	BaseVersion int                   `json:"baseVersion"`
	Config      model.RuleConfigDraft `json:"config"`
}

// DryRun asks what a draft rule would decide about the newest Limit
// declarations of its kind (default DefaultDryRunLimit).
type DryRun struct {
	Rule  model.ReviewRule `json:"rule"`
	Limit int              `json:"limit,omitempty"`
}

// DefaultDryRunLimit is the dry run's number of declarations when none is
// asked for.
const DefaultDryRunLimit = 20

// Config reads a version of the configuration ("" = current, "0" = the
// built-in defaults).
func (s *Service) Config(ctx context.Context, u accounts.User, version string) (model.RuleConfig, error) {
	var cfg model.RuleConfig
	return cfg, s.evaluate(ctx, u, &cfg, "GetRuleConfig", version)
}

// Versions lists up to limit versions older than before (0: the newest),
// newest first.
func (s *Service) Versions(ctx context.Context, u accounts.User, before, limit int) ([]model.RuleVersionSummary, error) {
	b := ""
	if before > 0 {
		b = strconv.Itoa(before)
	}
	list := []model.RuleVersionSummary{}
	return list, s.evaluate(ctx, u, &list, "ListRuleVersions", b, strconv.Itoa(limit))
}

// Put stores a new version of the configuration and returns it.
func (s *Service) Put(ctx context.Context, w service.Write, up Update) (model.RuleConfig, *ledgertx.Tx, error) {
	raw, err := json.Marshal(up.Config)
	if err != nil {
		return model.RuleConfig{}, nil, fmt.Errorf("encode rule configuration: %w", err)
	}
	signer, err := s.Signers.For(w.Caller)
	if err != nil {
		return model.RuleConfig{}, nil, err
	}
	res, err := s.Ledger.Submit(ctx, ledgertx.Call{Signer: signer, Function: "PutRuleConfig",
		Args:     []string{w.RequestID, strconv.Itoa(up.BaseVersion), string(raw)},
		ReadBack: s.Ledger.Evaluator(signer, "GetRuleConfig", "")})
	if err != nil {
		return model.RuleConfig{}, nil, err
	}
	var cfg model.RuleConfig
	if err := json.Unmarshal(res.Payload, &cfg); err != nil {
		return model.RuleConfig{}, res.Tx, fmt.Errorf("decode rule configuration from the ledger: %w", err)
	}
	return cfg, res.Tx, nil
}

// DryRun evaluates a draft rule against the newest declarations of its
// kind the read model knows. The chaincode reads each from the ledger and
// compares with the decision recorded on it.
func (s *Service) DryRun(ctx context.Context, u accounts.User, req DryRun) (model.DryRunResult, error) {
	limit := req.Limit
	if limit == 0 {
		limit = DefaultDryRunLimit
	}
	var p validation.Problems
	if limit < 1 || limit > model.MaxRuleDryRunTargets {
		p.AddModel(model.Problem{Field: "limit", Rule: model.RuleOutOfRange, Params: model.Params{"min": 1, "max": model.MaxRuleDryRunTargets}})
	}
	p.AddModel(model.CheckReviewRule("rule", req.Rule)...)
	if err := p.Err(); err != nil {
		return model.DryRunResult{}, err
	}
	ids, err := s.Reads.RecentDeclarations(ctx, req.Rule.Kind, limit)
	if err != nil {
		return model.DryRunResult{}, err
	}
	rule, err := json.Marshal(req.Rule)
	if err != nil {
		return model.DryRunResult{}, fmt.Errorf("encode rule: %w", err)
	}
	targets, err := json.Marshal(ids)
	if err != nil {
		return model.DryRunResult{}, fmt.Errorf("encode targets: %w", err)
	}
	var result model.DryRunResult
	return result, s.evaluate(ctx, u, &result, "DryRunRule", string(rule), string(targets))
}

// evaluate runs a read-only chaincode function as u and decodes its answer.
func (s *Service) evaluate(ctx context.Context, u accounts.User, dst any, function string, args ...string) error {
	signer, err := s.Signers.For(u)
	if err != nil {
		return err
	}
	raw, err := s.Ledger.Evaluator(signer, function, args...)(ctx)
	if err != nil {
		return apierror.Ledger(err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("decode %s answer: %w", function, err)
	}
	return nil
}

// ModelSpec is a validation model the chaincode computes with its code, as
// the rule editor renders it: Chinese name, default tag, parameters with
// their units and bounds.
type ModelSpec struct {
	Code string `json:"code"`
	model.ModelSpec
}

// Models lists every validation model the chaincode knows (model.ModelSpecs),
// by code, so the editor offers exactly the parameters a write accepts.
func (s *Service) Models() []ModelSpec {
	out := make([]ModelSpec, 0, len(model.ModelSpecs))
	for code, spec := range model.ModelSpecs {
		out = append(out, ModelSpec{Code: code, ModelSpec: spec})
	}
	slices.SortFunc(out, func(a, b ModelSpec) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// TagCatalogue is the tag catalogue of the configuration in force, with its
// version: what every role needs to render a document's tags.
type TagCatalogue struct {
	Version int            `json:"version"`
	Items   []model.TagDef `json:"items"`
}

// Tags reads the current tag catalogue from the read model: enterprises may
// not read the configuration on chain (its rules are customs' business), but
// the names and colours of the tags on their own documents are theirs.
func (s *Service) Tags(ctx context.Context) (TagCatalogue, error) {
	version, tags, err := s.Reads.CurrentTags(ctx)
	if err != nil {
		return TagCatalogue{}, err
	}
	return TagCatalogue{Version: version, Items: tags}, nil
}
