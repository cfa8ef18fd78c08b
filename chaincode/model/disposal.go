package model

import (
	"fmt"
	"slices"
)

// Risk disposal (风险预警处置): customs' handling of a risk alert, recorded
// on chain. An alert is raised off chain by the gateway's engine from what
// the ledger holds; the ledger holds what customs decided about it, keyed
// by the alert's identity (kind, subject, period — the engine's UNIQUE
// key), so the record survives any rebuild of the gateway's database.
//
//	open ──assess──▶ assessed ──dispose──▶ disposed ──close──▶ closed
//	                 ▲   │ (assess again)      │                 │
//	                 └───┴──────── revoke ─────┴─────────────────┘
//
// "open" is an alert without a record. Revoking a disposal (撤销) keeps it
// in the record's revocations with the reason and returns the alert to
// assessed, to be disposed again.

// DisposalState is the state of a disposal record.
type DisposalState string

const (
	DisposalOpen     DisposalState = "open" // no record yet
	DisposalAssessed DisposalState = "assessed"
	DisposalDisposed DisposalState = "disposed"
	DisposalClosed   DisposalState = "closed"
)

// DisposalStates lists the states in workflow order.
var DisposalStates = []DisposalState{DisposalOpen, DisposalAssessed, DisposalDisposed, DisposalClosed}

// DisposalStateZh is the Chinese name of each state.
var DisposalStateZh = map[DisposalState]string{
	DisposalOpen: "待研判", DisposalAssessed: "已定级", DisposalDisposed: "已处置", DisposalClosed: "已办结",
}

// DisposalAction names a step of the workflow.
type DisposalAction string

const (
	ActionAssess  DisposalAction = "assess"
	ActionDispose DisposalAction = "dispose"
	ActionClose   DisposalAction = "close"
	ActionRevoke  DisposalAction = "revoke"
)

// DisposalActionZh is the Chinese name of each action.
var DisposalActionZh = map[DisposalAction]string{
	ActionAssess: "评估定级", ActionDispose: "处置", ActionClose: "办结", ActionRevoke: "撤销处置",
}

// disposalFrom lists the states each action may start from.
var disposalFrom = map[DisposalAction][]DisposalState{
	ActionAssess:  {DisposalOpen, DisposalAssessed},
	ActionDispose: {DisposalAssessed},
	ActionClose:   {DisposalDisposed},
	ActionRevoke:  {DisposalDisposed, DisposalClosed},
}

// DisposalAllowed reports whether action may be taken in state.
func DisposalAllowed(action DisposalAction, state DisposalState) bool {
	return slices.Contains(disposalFrom[action], state)
}

// RiskLevel is the level an assessment gives an alert.
type RiskLevel string

const (
	RiskLow    RiskLevel = "low"
	RiskMedium RiskLevel = "medium"
	RiskHigh   RiskLevel = "high"
)

// RiskLevels lists the levels from low to high.
var RiskLevels = []RiskLevel{RiskLow, RiskMedium, RiskHigh}

// RiskLevelZh is the Chinese name of each level.
var RiskLevelZh = map[RiskLevel]string{RiskLow: "低风险", RiskMedium: "中风险", RiskHigh: "高风险"}

// Grades of the three factors of an assessment: probability (概率), impact
// (影响程度) and urgency (紧急程度), each 1 (低) to MaxGrade (高).
const MaxGrade = 3

// GradeZh is the Chinese name of each grade, index grade-1.
var GradeZh = [MaxGrade]string{"低", "中", "高"}

// RiskMatrix gives the level of every assessment:
// matrix[urgency-1][probability-1][impact-1].
type RiskMatrix [MaxGrade][MaxGrade][MaxGrade]RiskLevel

// Level is the level of an assessment with grades in 1..MaxGrade.
func (m RiskMatrix) Level(probability, impact, urgency int) RiskLevel {
	return m[urgency-1][probability-1][impact-1]
}

// DefaultRiskMatrix levels by the sum of the grades: 3–4 low, 5–6 medium,
// 7–9 high.
func DefaultRiskMatrix() RiskMatrix {
	var m RiskMatrix
	for u := range MaxGrade {
		for p := range MaxGrade {
			for i := range MaxGrade {
				switch sum := u + p + i + 3; {
				case sum <= 4:
					m[u][p][i] = RiskLow
				case sum <= 6:
					m[u][p][i] = RiskMedium
				default:
					m[u][p][i] = RiskHigh
				}
			}
		}
	}
	return m
}

// DisposalType is what customs did about an alert (处置类型).
type DisposalType string

const (
	DisposalRelease  DisposalType = "release"  // 排除风险，放行
	DisposalInspect  DisposalType = "inspect"  // 布控查验
	DisposalHold     DisposalType = "hold"     // 暂停业务（扣留）
	DisposalReturn   DisposalType = "return"   // 责令退运
	DisposalDestroy  DisposalType = "destroy"  // 监督销毁
	DisposalTransfer DisposalType = "transfer" // 移交缉私或稽查
	DisposalOther    DisposalType = "other"    // 其他
)

// DisposalTypes lists the types.
var DisposalTypes = []DisposalType{DisposalRelease, DisposalInspect, DisposalHold, DisposalReturn, DisposalDestroy,
	DisposalTransfer, DisposalOther}

// DisposalTypeZh is the Chinese name of each type.
var DisposalTypeZh = map[DisposalType]string{
	DisposalRelease: "排除风险放行", DisposalInspect: "布控查验", DisposalHold: "暂停业务", DisposalReturn: "责令退运",
	DisposalDestroy: "监督销毁", DisposalTransfer: "移交缉私/稽查", DisposalOther: "其他",
}

// OpinionTemplate is a ready disposal opinion (处置意见模板) customs
// configures, offered for the alert kinds it lists (all when none).
type OpinionTemplate struct {
	ID    string      `json:"id"`
	Title string      `json:"title"`
	Text  string      `json:"text"`
	Kinds []AlertKind `json:"kinds"`
	// Type is the disposal type the template suggests.
	Type DisposalType `json:"type,omitempty" metadata:",optional"`
}

// DisposalParams are the configurable parts of disposal: the level matrix
// and the opinion templates. They are the risk section's `disposal`, so
// every assessment and disposition names the configuration version it used.
type DisposalParams struct {
	Matrix    RiskMatrix        `json:"matrix"`
	Templates []OpinionTemplate `json:"templates"`
}

// DefaultDisposalParams apply while the risk section has none.
func DefaultDisposalParams() DisposalParams {
	return DisposalParams{Matrix: DefaultRiskMatrix(), Templates: []OpinionTemplate{}}
}

// DisposalParams returns the section's disposal parameters or the defaults.
func (r RiskParams) DisposalParams() DisposalParams {
	if r.Disposal == nil {
		return DefaultDisposalParams()
	}
	return *r.Disposal
}

// Template returns the template with id.
func (p DisposalParams) Template(id string) (OpinionTemplate, bool) {
	for _, t := range p.Templates {
		if t.ID == id {
			return t, true
		}
	}
	return OpinionTemplate{}, false
}

// Limits of disposal.
const (
	MaxOpinionTemplates = 200
)

// CheckDisposalParams checks the disposal parameters: every cell a level,
// and no cell lower than a cell with lower or equal grades in every factor
// (a graver assessment never yields a milder level).
func CheckDisposalParams(f string, p DisposalParams) Problems {
	var ps Problems
	rank := func(l RiskLevel) int { return slices.Index(RiskLevels, l) }
	for u := range MaxGrade {
		for pr := range MaxGrade {
			for i := range MaxGrade {
				cell := fmt.Sprintf("%s.matrix[%d][%d][%d]", f, u, pr, i)
				l := p.Matrix[u][pr][i]
				if rank(l) < 0 {
					ps.Add(cell, RuleUnknownValue, nil)
					continue
				}
				for _, lower := range [][3]int{{u - 1, pr, i}, {u, pr - 1, i}, {u, pr, i - 1}} {
					if lower[0] < 0 || lower[1] < 0 || lower[2] < 0 {
						continue
					}
					if rank(l) < rank(p.Matrix[lower[0]][lower[1]][lower[2]]) {
						ps.Add(cell, RuleOutOfRange, Params{"min": string(p.Matrix[lower[0]][lower[1]][lower[2]]), "max": string(RiskHigh)})
						break
					}
				}
			}
		}
	}
	if len(p.Templates) > MaxOpinionTemplates {
		ps.Add(f+".templates", RuleTooMany, Params{"max": MaxOpinionTemplates})
		return ps
	}
	ids := map[string]bool{}
	for i, t := range p.Templates {
		tf := fmt.Sprintf("%s.templates[%d]", f, i)
		checkPattern(&ps, tf+".id", t.ID, FormatRuleID, RuleIDPattern.MatchString)
		if ids[t.ID] {
			ps.Add(tf+".id", RuleDuplicate, Params{"value": t.ID})
		}
		ids[t.ID] = true
		ps = append(ps, CheckText(tf+".title", t.Title, RequiredSingleLine)...)
		ps = append(ps, CheckText(tf+".text", t.Text, RequiredNote)...)
		for j, k := range t.Kinds {
			if !slices.Contains(AlertKinds, k) {
				ps.Add(fmt.Sprintf("%s.kinds[%d]", tf, j), RuleUnknownValue, nil)
			}
		}
		if t.Type != "" && !slices.Contains(DisposalTypes, t.Type) {
			ps.Add(tf+".type", RuleUnknownValue, nil)
		}
	}
	return ps
}

// AlertRef names the alert a disposal is about, as the gateway's engine
// raised it.
type AlertRef struct {
	Kind          AlertKind `json:"kind"`
	SubjectType   string    `json:"subjectType"`
	Subject       string    `json:"subject"`
	Period        string    `json:"period"`
	EnterpriseID  string    `json:"enterpriseId"`
	ConfigVersion int       `json:"configVersion"`
	// AlertID is the gateway's number of the alert, for display.
	AlertID int64 `json:"alertId"`
}

// Alert subject types.
var AlertSubjectTypes = []string{"trace_code", "document", "enterprise"}

// CheckAlertRef checks an alert reference.
func CheckAlertRef(a AlertRef) Problems {
	var ps Problems
	if !slices.Contains(AlertKinds, a.Kind) {
		ps.Add("alert.kind", RuleUnknownValue, nil)
	}
	if !slices.Contains(AlertSubjectTypes, a.SubjectType) {
		ps.Add("alert.subjectType", RuleUnknownValue, nil)
	}
	ps = append(ps, CheckText("alert.subject", a.Subject, RequiredSingleLine)...)
	ps = append(ps, CheckText("alert.period", a.Period, RequiredSingleLine)...)
	ps = append(ps, CheckText("alert.enterpriseId", a.EnterpriseID, SingleLine)...)
	if a.ConfigVersion < 0 {
		ps.Add("alert.configVersion", RuleOutOfRange, Params{"min": 0, "max": "∞"})
	}
	if a.AlertID <= 0 {
		ps.Add("alert.alertId", RuleOutOfRange, Params{"min": 1, "max": "∞"})
	}
	return ps
}

// Assessment is customs' assessment of an alert (风险评估与定级).
type Assessment struct {
	Probability int       `json:"probability"`
	Impact      int       `json:"impact"`
	Urgency     int       `json:"urgency"`
	Note        string    `json:"note,omitempty" metadata:",optional"`
	Level       RiskLevel `json:"level"` // by the matrix of ConfigVersion
	// ConfigVersion is the rule configuration whose matrix gave the level.
	ConfigVersion int    `json:"configVersion"`
	At            string `json:"at"`
	By            Actor  `json:"by"`
	TxID          string `json:"txId"`
}

// AssessmentInput is what customs sends to assess.
type AssessmentInput struct {
	Probability int    `json:"probability"`
	Impact      int    `json:"impact"`
	Urgency     int    `json:"urgency"`
	Note        string `json:"note"`
}

// CheckAssessment checks an assessment's input.
func CheckAssessment(a AssessmentInput) Problems {
	var ps Problems
	grade := func(name string, g int) {
		if g < 1 || g > MaxGrade {
			ps.Add(name, RuleOutOfRange, Params{"min": 1, "max": MaxGrade})
		}
	}
	grade("probability", a.Probability)
	grade("impact", a.Impact)
	grade("urgency", a.Urgency)
	return append(ps, CheckText("note", a.Note, Note)...)
}

// DispositionInput is what customs sends to dispose of an alert (处置结果).
type DispositionInput struct {
	Type DisposalType `json:"type"`
	// Handler is the officer who handled the goods (处置人).
	Handler string `json:"handler"`
	Reason  string `json:"reason"`
	Opinion string `json:"opinion"`
	// TemplateID names the opinion template the opinion started from.
	TemplateID  string       `json:"templateId,omitempty" metadata:",optional"`
	Attachments []Attachment `json:"attachments"`
}

// CheckDisposition checks a disposition's input; the template is checked
// against the configuration by the chaincode.
func CheckDisposition(d DispositionInput) Problems {
	var ps Problems
	if !slices.Contains(DisposalTypes, d.Type) {
		ps.Add("type", RuleUnknownValue, nil)
	}
	ps = append(ps, CheckText("handler", d.Handler, RequiredSingleLine)...)
	ps = append(ps, CheckText("reason", d.Reason, RequiredNote)...)
	ps = append(ps, CheckText("opinion", d.Opinion, RequiredNote)...)
	ps = append(ps, CheckText("templateId", d.TemplateID, SingleLine)...)
	ps = append(ps, CheckAttachments("attachments", d.Attachments)...)
	return ps
}

// Disposition is a recorded disposal.
type Disposition struct {
	DispositionInput
	// ConfigVersion is the configuration in force (its templates).
	ConfigVersion int    `json:"configVersion"`
	At            string `json:"at"`
	By            Actor  `json:"by"`
	TxID          string `json:"txId"`
	// Closing is set once the disposal is closed (办结).
	Closing *DisposalClosing `json:"closing,omitempty" metadata:",optional"`
	// Revocation is set once the disposal was revoked (撤销).
	Revocation *DisposalRevocation `json:"revocation,omitempty" metadata:",optional"`
}

// DisposalClosing closes a disposal.
type DisposalClosing struct {
	Note string `json:"note,omitempty" metadata:",optional"`
	At   string `json:"at"`
	By   Actor  `json:"by"`
	TxID string `json:"txId"`
}

// DisposalRevocation revokes a disposal with a reason.
type DisposalRevocation struct {
	Reason string `json:"reason"`
	At     string `json:"at"`
	By     Actor  `json:"by"`
	TxID   string `json:"txId"`
}

// RiskDisposal is the ledger's record of an alert's handling, under
// KeyRiskDisposal.
type RiskDisposal struct {
	Alert      AlertRef      `json:"alert"`
	State      DisposalState `json:"state"`
	Assessment *Assessment   `json:"assessment,omitempty" metadata:",optional"`
	// Disposition is the disposal in force: set when disposed or closed.
	Disposition *Disposition `json:"disposition,omitempty" metadata:",optional"`
	// Revoked are the earlier dispositions, revoked, oldest first.
	Revoked []Disposition `json:"revoked"`
	// Assessments are the earlier assessments an assessment replaced.
	Reassessed []Assessment `json:"reassessed"`
	UpdatedAt  string       `json:"updatedAt"`
}

// DisposalKey is the state key attributes of an alert's record.
func DisposalKey(kind AlertKind, subject, period string) []string {
	return []string{string(kind), subject, period}
}
