package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/ruleengine"
)

// PutRuleConfig stores a new version of customs' rule configuration: the
// tag catalogue, the validation models' parameters, where each tag applies
// and the review rules. baseVersion is the version the edit started from;
// a configuration changed since is refused instead of overwritten. Every
// condition must compile within the cost limit. The next declaration is
// decided under the new version; earlier versions stay readable.
func (c *Contract) PutRuleConfig(ctx contractapi.TransactionContextInterface, requestID, baseVersion, configJSON string) (*model.RuleConfig, error) {
	w, err := beginWrite(ctx, "PutRuleConfig", requestID, model.RoleCustoms)
	if err != nil {
		return nil, err
	}
	// Customs' officers review; only its administrators change the rules.
	// A certificate without attributes is the organisation's own (issued
	// before identities were personal) and keeps the organisation's right.
	if role := w.caller.UserRole; role != "" && role != model.UserCustomsAdmin {
		return nil, model.Refuse(model.ReasonUserRoleNotAllowed, model.Params{"action": "PutRuleConfig", "userRole": role},
			"PutRuleConfig: not allowed for %s", role)
	}
	var draft model.RuleConfigDraft
	if err := decodeStrict(configJSON, &draft); err != nil {
		return nil, err
	}
	base, err := strconv.Atoi(baseVersion)
	if err != nil || base < 0 {
		return nil, unknownValue("baseVersion")
	}
	if err := ruleengine.CheckConfig(draft).Err(); err != nil {
		return nil, err
	}
	head, err := ruleHead(ctx)
	if err != nil {
		return nil, err
	}
	if base != head.Version {
		return nil, model.Refuse(model.ReasonRuleConfigStale, model.Params{"baseVersion": base, "version": head.Version},
			"the rule configuration is at version %d, the edit started from %d", head.Version, base)
	}
	normalise(&draft)
	cfg := &model.RuleConfig{RuleConfigDraft: draft, Version: head.Version + 1, ChangedAt: w.at,
		ChangedTx: ctx.GetStub().GetTxID(), ChangedBy: w.caller.Actor}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", model.KeyRuleConfig, err)
	}
	k, err := key(ctx, model.KeyRuleConfig, versionAttrs(cfg.Version))
	if err != nil {
		return nil, err
	}
	if err := ctx.GetStub().PutState(k, raw); err != nil {
		return nil, fmt.Errorf("write %s: %w", model.KeyRuleConfig, err)
	}
	if err := putRecord(ctx, model.KeyRuleConfigHead, []string{}, model.RuleConfigHead{Version: cfg.Version, Digest: digest(raw)}); err != nil {
		return nil, err
	}
	return cfg, w.finish(model.DomainEvent{Type: model.EventRuleConfigChanged, RuleConfig: cfg})
}

// normalise gives the lists of a stored configuration their empty form, so
// a version reads back exactly as the event carried it.
func normalise(d *model.RuleConfigDraft) {
	if d.Tags == nil {
		d.Tags = []model.TagDef{}
	}
	if d.Models == nil {
		d.Models = []model.ValidationModel{}
	}
	for i := range d.Models {
		if d.Models[i].Params == nil {
			d.Models[i].Params = []model.ModelParam{}
		}
	}
	if d.Bindings == nil {
		d.Bindings = []model.TagBinding{}
	}
	if d.Rules == nil {
		d.Rules = []model.ReviewRule{}
	}
	if r := d.Risk; r != nil {
		if r.LongStorage.Limits == nil {
			r.LongStorage.Limits = []model.StorageLimit{}
		}
		if r.HighRisk.Origins == nil {
			r.HighRisk.Origins = []string{}
		}
		if r.HighRisk.HSCodes == nil {
			r.HighRisk.HSCodes = []model.CodeRange{}
		}
		if r.HighRisk.ProductNames == nil {
			r.HighRisk.ProductNames = []string{}
		}
		if p := r.Disposal; p != nil {
			if p.Templates == nil {
				p.Templates = []model.OpinionTemplate{}
			}
			for i := range p.Templates {
				if p.Templates[i].Kinds == nil {
					p.Templates[i].Kinds = []model.AlertKind{}
				}
			}
		}
	}
}

// GetRuleConfig returns a version of the rule configuration to customs or
// the zone admin: the current one when version is empty, version 0 being
// the built-in defaults in force before customs wrote any.
func (c *Contract) GetRuleConfig(ctx contractapi.TransactionContextInterface, version string) (*model.RuleConfig, error) {
	if err := requireReader(ctx, "GetRuleConfig"); err != nil {
		return nil, err
	}
	var cfg model.RuleConfig
	var err error
	if version == "" {
		cfg, err = currentRules(ctx)
	} else if v, convErr := strconv.Atoi(version); convErr != nil || v < 0 {
		return nil, model.Refuse(model.ReasonRuleConfigNotFound, model.Params{"version": version}, "no rule configuration version %q", version)
	} else {
		cfg, err = rulesAt(ctx, v)
	}
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// ListRuleVersions lists up to limit (at most 100) versions older than
// before (the newest when before is empty), newest first, without their
// content.
func (c *Contract) ListRuleVersions(ctx contractapi.TransactionContextInterface, before, limit string) ([]model.RuleVersionSummary, error) {
	if err := requireReader(ctx, "ListRuleVersions"); err != nil {
		return nil, err
	}
	head, err := ruleHead(ctx)
	if err != nil {
		return nil, err
	}
	from := head.Version
	if before != "" {
		b, err := strconv.Atoi(before)
		if err != nil || b < 1 {
			var ps model.Problems
			ps.Add("before", model.RuleOutOfRange, model.Params{"min": 1, "max": head.Version + 1})
			return nil, ps.Err()
		}
		from = min(from, b-1)
	}
	n, err := strconv.Atoi(limit)
	if err != nil || n < 1 || n > 100 {
		var ps model.Problems
		ps.Add("limit", model.RuleOutOfRange, model.Params{"min": 1, "max": 100})
		return nil, ps.Err()
	}
	out := []model.RuleVersionSummary{}
	for v := from; v >= 1 && len(out) < n; v-- {
		cfg, err := rulesAt(ctx, v)
		if err != nil {
			return nil, err
		}
		out = append(out, model.RuleVersionSummary{Version: cfg.Version, ChangedAt: cfg.ChangedAt, ChangedTx: cfg.ChangedTx,
			ChangedBy: cfg.ChangedBy, Note: cfg.Note, RuleCount: len(cfg.Rules), TagCount: len(cfg.Tags)})
	}
	return out, nil
}

// DryRunRule evaluates a draft review rule, as if it were added to (or
// replaced its namesake in) the current configuration, against the given
// earlier declarations of its kind — the gateway passes the newest ones it
// knows, at most model.MaxRuleDryRunTargets — and reports for each the
// decision recorded on chain and the one the configuration with the draft
// would make. The validity windows are ignored: the question is what the
// rule would do, not when. Nothing is written.
func (c *Contract) DryRunRule(ctx contractapi.TransactionContextInterface, ruleJSON, idsJSON string) (*model.DryRunResult, error) {
	if err := requireReader(ctx, "DryRunRule", model.RoleCustoms); err != nil {
		return nil, err
	}
	var draft model.ReviewRule
	if err := decodeStrict(ruleJSON, &draft); err != nil {
		return nil, err
	}
	var ids []string
	if err := decodeStrict(idsJSON, &ids); err != nil {
		return nil, err
	}
	ps := model.CheckReviewRule("rule", draft)
	if !model.RuleIDPattern.MatchString(draft.ID) {
		ps.Add("rule.id", model.RulePattern, model.Params{"format": model.FormatRuleID})
	}
	if len(ids) > model.MaxRuleDryRunTargets {
		ps.Add("targets", model.RuleTooMany, model.Params{"max": model.MaxRuleDryRunTargets})
	}
	if len(ps) == 0 {
		_, cps := ruleengine.Compile("rule.condition", draft.Condition)
		ps = append(ps, cps...)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	cfg, err := currentRules(ctx)
	if err != nil {
		return nil, err
	}
	draft.Enabled = true
	rules := []model.ReviewRule{draft}
	for _, r := range cfg.Rules {
		if r.Kind == draft.Kind && r.Enabled && r.ID != draft.ID {
			rules = append(rules, r)
		}
	}
	model.SortRules(rules)
	result := &model.DryRunResult{ConfigVersion: cfg.Version, Rule: draft, Items: []model.DryRunItem{}}
	for _, id := range ids {
		in, recorded, err := dryRunTarget(ctx, draft.Kind, id)
		if err != nil {
			return nil, err
		}
		matched, err := ruleengine.Match(draft, &in)
		would := ruleengine.DecideRules(cfg.Version, rules, &in)
		item := model.DryRunItem{ID: id, Recorded: recorded, Would: would, DraftMatched: matched && err == nil}
		item.Changed = recorded == nil || recorded.Outcome != would.Outcome || recorded.RuleID != would.RuleID
		if item.DraftMatched {
			result.Matched++
		}
		if item.Changed {
			result.Changed++
		}
		result.Items = append(result.Items, item)
	}
	return result, nil
}

// dryRunTarget is the rule input of an earlier declaration of kind and the
// decision recorded for it.
func dryRunTarget(ctx contractapi.TransactionContextInterface, kind model.DeclarationKind, id string) (model.RuleInput, *model.RuleDecision, error) {
	switch kind {
	case model.KindPrefiling, model.KindSupplement:
		p, err := loadPrefiling(ctx, id)
		if err != nil {
			return model.RuleInput{}, nil, err
		}
		if kind == model.KindSupplement {
			if p.Supplement == nil {
				return model.RuleInput{}, nil, model.Refuse(model.ReasonNoSupplement, model.Params{"prefilingId": id}, "prefiling %s has no supplement", id)
			}
			return model.SupplementRuleInput(p, p.Supplement), p.SupplementAutoReview, nil
		}
		return model.PrefilingRuleInput(p), p.AutoReview, nil
	}
	d, err := loadDocument(ctx, id)
	if err != nil {
		return model.RuleInput{}, nil, err
	}
	if string(d.Family) != string(kind) {
		return model.RuleInput{}, nil, unknownValue("targets")
	}
	return model.DocumentRuleInput(d), d.AutoReview, nil
}

// requireReader authorises a read of the rule configuration: customs and
// the zone admin, or only the roles given.
func requireReader(ctx contractapi.TransactionContextInterface, function string, roles ...model.Role) error {
	who, err := resolveCaller(ctx)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		roles = []model.Role{model.RoleCustoms, model.RoleZoneAdmin}
	}
	return who.require(function, roles...)
}

func versionAttrs(v int) []string { return []string{fmt.Sprintf("%010d", v)} }

func ruleHead(ctx contractapi.TransactionContextInterface) (model.RuleConfigHead, error) {
	var head model.RuleConfigHead
	_, err := getRecord(ctx, model.KeyRuleConfigHead, []string{}, &head)
	return head, err
}

// currentRules is the configuration in force: the head's version, or the
// built-in defaults before customs wrote one. Only the small head enters
// the transaction's read set — versions never change, so a declaration
// endorsed under a version that changed before it committed still fails
// validation instead of standing under the wrong rules — and the decoded
// version comes from the cache by the head's digest: reading and decoding
// 200 rules on every declaration would cost more than evaluating them.
func currentRules(ctx contractapi.TransactionContextInterface) (model.RuleConfig, error) {
	head, err := ruleHead(ctx)
	if err != nil || head.Version == 0 {
		return model.DefaultRuleConfig(), err
	}
	decoded.Lock()
	cfg, ok := decoded.configs[head.Digest]
	decoded.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, raw, err := loadVersion(ctx, head.Version)
	if err != nil {
		return model.RuleConfig{}, err
	}
	decoded.Lock()
	if len(decoded.configs) >= 64 {
		clear(decoded.configs)
	}
	decoded.configs[digest(raw)] = cfg
	decoded.Unlock()
	return cfg, nil
}

// decoded keeps decoded configurations by the SHA-256 of their stored
// bytes — by content, not by version number, so ledgers that share a
// process (tests, a peer serving several channels) never see each other's
// versions. Callers must not modify what it returns.
var decoded = struct {
	sync.Mutex
	configs map[string]model.RuleConfig
}{configs: map[string]model.RuleConfig{}}

func digest(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// rulesAt loads one version; 0 is the built-in defaults.
func rulesAt(ctx contractapi.TransactionContextInterface, v int) (model.RuleConfig, error) {
	if v == 0 {
		return model.DefaultRuleConfig(), nil
	}
	cfg, _, err := loadVersion(ctx, v)
	return cfg, err
}

// loadVersion reads and decodes a stored version.
func loadVersion(ctx contractapi.TransactionContextInterface, v int) (model.RuleConfig, []byte, error) {
	k, err := key(ctx, model.KeyRuleConfig, versionAttrs(v))
	if err != nil {
		return model.RuleConfig{}, nil, err
	}
	raw, err := ctx.GetStub().GetState(k)
	if err != nil {
		return model.RuleConfig{}, nil, fmt.Errorf("read %s: %w", model.KeyRuleConfig, err)
	}
	if raw == nil {
		return model.RuleConfig{}, nil, model.Refuse(model.ReasonRuleConfigNotFound, model.Params{"version": v}, "no rule configuration version %d", v)
	}
	var cfg model.RuleConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return model.RuleConfig{}, nil, fmt.Errorf("decode %s: %w", model.KeyRuleConfig, err)
	}
	return cfg, raw, nil
}

// rules is the configuration in force for this transaction, loaded once.
func (w *write) rules() (model.RuleConfig, error) {
	if w.config == nil {
		cfg, err := currentRules(w.ctx)
		if err != nil {
			return model.RuleConfig{}, err
		}
		w.config = &cfg
	}
	return *w.config, nil
}

// autoReview decides a declaration of kind by the review rules in force at
// the transaction time.
func (w *write) autoReview(kind model.DeclarationKind, in *model.RuleInput) (model.RuleDecision, error) {
	cfg, err := w.rules()
	if err != nil {
		return model.RuleDecision{}, err
	}
	at, err := time.Parse(time.RFC3339Nano, w.at)
	if err != nil {
		return model.RuleDecision{}, err
	}
	return ruleengine.Decide(cfg, kind, at, in), nil
}

// decidedBy makes the steps recorded until done the rule's: their actor is
// the system rule and they name it.
func (w *write) decidedBy(d model.RuleDecision) (done func()) {
	w.rule = &model.RuleRef{RuleID: d.RuleID, ConfigVersion: d.ConfigVersion}
	return func() { w.rule = nil }
}

// stepActor is who a step is recorded as made by.
func (w *write) stepActor() (model.Actor, *model.RuleRef) {
	if w.rule != nil {
		return model.Actor{Name: model.SystemActorName(*w.rule)}, w.rule
	}
	return w.caller.Actor, nil
}

// ruleOpinion is the reason a rule's step records: its opinion, or for a
// manual review without one, the rule that asked for it.
func ruleOpinion(d model.RuleDecision) string {
	if d.Opinion != "" {
		return d.Opinion
	}
	if d.Outcome == model.OutcomeManual {
		return "审核规则 " + d.RuleID + "（第" + strconv.Itoa(d.ConfigVersion) + "版）要求人工审核"
	}
	return ""
}
