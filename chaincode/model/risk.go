package model

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// RiskTags are the tag codes that mark goods as high risk (高风险货物) in
// trace views: every default tag but the informational QUARANTINED and the
// separate high-value mark HIGH_VALUE. A batch whose quarantine result is
// unqualified is high risk too.
var RiskTags = []string{TagWeightAnomaly, TagPriceAnomaly, TagOriginMismatch, TagNotQuarantined,
	TagQuarantineBatchMismatch, TagFlowAnomaly, TagTaxAnomaly}

// Risk parameters (风险预警参数): the thresholds of the five alert kinds the
// gateway's alert engine raises (gateway/alerts). They are the `risk`
// section of customs' rule configuration, so they share its single version
// sequence, its optimistic edit (PutRuleConfig's baseVersion) and its
// cache; every alert names the configuration version it was raised under.
// A version written before the section existed decodes with Risk nil and
// means DefaultRiskParams: nothing fires until customs sets a threshold.
// Quantities are integers: days, permille, fen.

// AlertKind is one of the five kinds of risk alert.
type AlertKind string

const (
	AlertLongStorage     AlertKind = "long_storage"     // 超期存储
	AlertHighRisk        AlertKind = "high_risk"        // 高风险货物
	AlertHighValue       AlertKind = "high_value"       // 高价值货物
	AlertPriceDifference AlertKind = "price_difference" // 价格差异
	AlertQuarantine      AlertKind = "quarantine"       // 检疫异常
)

// AlertKinds lists the kinds in a fixed order.
var AlertKinds = []AlertKind{AlertLongStorage, AlertHighRisk, AlertHighValue, AlertPriceDifference, AlertQuarantine}

// AlertKindZh is the Chinese name of each kind.
var AlertKindZh = map[AlertKind]string{
	AlertLongStorage: "超期存储", AlertHighRisk: "高风险货物", AlertHighValue: "高价值货物",
	AlertPriceDifference: "价格差异", AlertQuarantine: "检疫异常",
}

// StorageLimit is the longest goods of one commodity (goods category) may
// stay in the zone, in whole days.
type StorageLimit struct {
	Commodity string `json:"commodity"`
	MaxDays   int    `json:"maxDays"`
}

// CodeRange is an inclusive range of HS code prefixes of one length: a
// single value has From == To ("0303" matches every code under 0303).
type CodeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// LongStorageParams fire when goods stay strictly longer than their
// commodity's limit, or DefaultMaxDays for a commodity without one (0: no
// limit).
type LongStorageParams struct {
	Limits         []StorageLimit `json:"limits"`
	DefaultMaxDays int            `json:"defaultMaxDays"`
}

// HighRiskParams fire when a batch's origin (an epidemic area), HS code or
// product name is listed.
type HighRiskParams struct {
	Origins      []string    `json:"origins"`
	HSCodes      []CodeRange `json:"hsCodes"`
	ProductNames []string    `json:"productNames"`
}

// HighValueParams fire when a batch's average price is strictly above the
// reference — the weight-weighted average price of the batches of the same
// origin and HS code prefiled in the PeriodDays before it — by more than
// ThresholdPermille. PeriodDays 0 switches the kind off.
type HighValueParams struct {
	PeriodDays        int   `json:"periodDays"`
	ThresholdPermille int64 `json:"thresholdPermille"`
}

// PriceDifferenceParams fire when a document line's unit price is strictly
// more than HighPermille above, or strictly more than LowPermille below,
// the average price of the batch's original entry (the prefiling). A zero
// bound is off.
type PriceDifferenceParams struct {
	HighPermille int64 `json:"highPermille"`
	LowPermille  int64 `json:"lowPermille"`
}

// QuarantineParams fire on an unqualified quarantine result, and on an
// approved batch that needed quarantine without a certificate uploaded.
type QuarantineParams struct {
	Unqualified   bool `json:"unqualified"`
	NoCertificate bool `json:"noCertificate"`
}

// RiskParams are the thresholds of every kind.
type RiskParams struct {
	LongStorage     LongStorageParams     `json:"longStorage"`
	HighRisk        HighRiskParams        `json:"highRisk"`
	HighValue       HighValueParams       `json:"highValue"`
	PriceDifference PriceDifferenceParams `json:"priceDifference"`
	Quarantine      QuarantineParams      `json:"quarantine"`
	// Disposal is the level matrix and the opinion templates of disposal
	// (disposal.go); nil means DefaultDisposalParams.
	Disposal *DisposalParams `json:"disposal,omitempty" metadata:",optional"`
}

// Limits of the risk parameters.
const (
	MaxRiskListItems = 500
	MaxStorageDays   = 3650
	MaxRiskPermille  = 100_000 // a hundredfold
	MaxHSCodeLength  = 10
)

// HSPrefixPattern is an HS code or a prefix of one.
var HSPrefixPattern = regexp.MustCompile(`^[0-9]{2,10}$`)

// FormatHSPrefix names HSPrefixPattern in problems.
const FormatHSPrefix = "HS_PREFIX"

// DefaultRiskParams is in force while the configuration has no risk
// section: every kind off.
func DefaultRiskParams() RiskParams {
	return RiskParams{LongStorage: LongStorageParams{Limits: []StorageLimit{}},
		HighRisk: HighRiskParams{Origins: []string{}, HSCodes: []CodeRange{}, ProductNames: []string{}}}
}

// RiskParams returns the configuration's risk section or the defaults.
func (c RuleConfig) RiskParams() RiskParams {
	if c.Risk == nil {
		return DefaultRiskParams()
	}
	return *c.Risk
}

// CheckRiskParams checks a risk section; fields are named under "risk".
func CheckRiskParams(r RiskParams) Problems {
	var ps Problems
	inRange := func(f string, v, lo, hi int64) {
		if v < lo || v > hi {
			ps.Add(f, RuleOutOfRange, Params{"min": lo, "max": hi})
		}
	}
	tooMany := func(f string, n int) bool {
		if n > MaxRiskListItems {
			ps.Add(f, RuleTooMany, Params{"max": MaxRiskListItems})
			return true
		}
		return false
	}
	inRange("risk.longStorage.defaultMaxDays", int64(r.LongStorage.DefaultMaxDays), 0, MaxStorageDays)
	if !tooMany("risk.longStorage.limits", len(r.LongStorage.Limits)) {
		seen := map[string]bool{}
		for i, l := range r.LongStorage.Limits {
			f := fmt.Sprintf("risk.longStorage.limits[%d]", i)
			ps = append(ps, CheckText(f+".commodity", l.Commodity, RequiredSingleLine)...)
			if seen[l.Commodity] {
				ps.Add(f+".commodity", RuleDuplicate, Params{"value": l.Commodity})
			}
			seen[l.Commodity] = true
			inRange(f+".maxDays", int64(l.MaxDays), 1, MaxStorageDays)
		}
	}
	for name, list := range map[string][]string{"origins": r.HighRisk.Origins, "productNames": r.HighRisk.ProductNames} {
		f := "risk.highRisk." + name
		if tooMany(f, len(list)) {
			continue
		}
		for i, v := range list {
			ps = append(ps, CheckText(fmt.Sprintf("%s[%d]", f, i), v, RequiredSingleLine)...)
		}
	}
	if !tooMany("risk.highRisk.hsCodes", len(r.HighRisk.HSCodes)) {
		for i, c := range r.HighRisk.HSCodes {
			f := fmt.Sprintf("risk.highRisk.hsCodes[%d]", i)
			checkPattern(&ps, f+".from", c.From, FormatHSPrefix, HSPrefixPattern.MatchString)
			checkPattern(&ps, f+".to", c.To, FormatHSPrefix, HSPrefixPattern.MatchString)
			if len(c.From) != len(c.To) || c.To < c.From {
				ps.Add(f+".to", RuleOutOfRange, Params{"min": c.From, "max": strings.Repeat("9", len(c.From))})
			}
		}
	}
	inRange("risk.highValue.periodDays", int64(r.HighValue.PeriodDays), 0, MaxStorageDays)
	inRange("risk.highValue.thresholdPermille", r.HighValue.ThresholdPermille, 0, MaxRiskPermille)
	inRange("risk.priceDifference.highPermille", r.PriceDifference.HighPermille, 0, MaxRiskPermille)
	inRange("risk.priceDifference.lowPermille", r.PriceDifference.LowPermille, 0, 1000)
	if r.Disposal != nil {
		ps = append(ps, CheckDisposalParams("risk.disposal", *r.Disposal)...)
	}
	return ps
}

// StorageLimitDays is the limit for a commodity, 0 when none applies.
func (r RiskParams) StorageLimitDays(commodity string) int {
	for _, l := range r.LongStorage.Limits {
		if l.Commodity == commodity {
			return l.MaxDays
		}
	}
	return r.LongStorage.DefaultMaxDays
}

// StorageExceeded reports whether goods of commodity that have been in the
// zone for days whole days stay too long, and the limit applied.
func (r RiskParams) StorageExceeded(commodity string, days int) (limit int, fired bool) {
	limit = r.StorageLimitDays(commodity)
	return limit, limit > 0 && days > limit
}

// HighRiskMatch names the first list a batch is on ("origin", "hsCode",
// "productName") and the listed value, or "" when it is on none.
func (r RiskParams) HighRiskMatch(origin, hsCode, productName string) (field, listed string) {
	if slices.Contains(r.HighRisk.Origins, origin) {
		return "origin", origin
	}
	for _, c := range r.HighRisk.HSCodes {
		if len(hsCode) >= len(c.From) {
			p := hsCode[:len(c.From)]
			if c.From <= p && p <= c.To {
				if c.From == c.To {
					return "hsCode", c.From
				}
				return "hsCode", c.From + "-" + c.To
			}
		}
	}
	if slices.Contains(r.HighRisk.ProductNames, productName) {
		return "productName", productName
	}
	return "", ""
}

// HighValueFired reports whether priceFen is above referenceFen by more
// than the threshold. Without a reference (no earlier batch) nothing fires.
// Computed in integers: price·1000 > reference·(1000+threshold).
func (r RiskParams) HighValueFired(priceFen, referenceFen int64) bool {
	if r.HighValue.PeriodDays == 0 || referenceFen <= 0 {
		return false
	}
	return priceFen*1000 > referenceFen*(1000+r.HighValue.ThresholdPermille)
}

// PriceDifferenceFired reports whether a unit price departs from the
// entry's average price by more than the bounds, and which ("high" or
// "low").
func (r RiskParams) PriceDifferenceFired(priceFen, entryFen int64) (side string, fired bool) {
	if entryFen <= 0 {
		return "", false
	}
	p := r.PriceDifference
	if p.HighPermille > 0 && priceFen*1000 > entryFen*(1000+p.HighPermille) {
		return "high", true
	}
	if p.LowPermille > 0 && priceFen*1000 < entryFen*(1000-p.LowPermille) {
		return "low", true
	}
	return "", false
}

// QuarantineFired reports whether a batch's quarantine fires and why
// ("unqualified" or "no_certificate"): a batch declared as inspected
// (any result but pending) must carry its certificate.
func (r RiskParams) QuarantineFired(result QuarantineResult, hasCertificate bool) (why string, fired bool) {
	if r.Quarantine.Unqualified && result == QuarantineUnqualified {
		return "unqualified", true
	}
	if r.Quarantine.NoCertificate && result != QuarantinePending && result != "" && !hasCertificate {
		return "no_certificate", true
	}
	return "", false
}
