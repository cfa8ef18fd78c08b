package model

// RiskTags are the tag codes that mark goods as high risk (高风险货物) in
// trace views: every default tag but the informational QUARANTINED and the
// separate high-value mark HIGH_VALUE. A batch whose quarantine result is
// unqualified is high risk too.
var RiskTags = []string{TagWeightAnomaly, TagPriceAnomaly, TagOriginMismatch, TagNotQuarantined,
	TagQuarantineBatchMismatch, TagFlowAnomaly, TagTaxAnomaly}
