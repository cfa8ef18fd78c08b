package model

import (
	"fmt"
	"strings"
)

// ReceiptFamilyPrefiling is the Family of a prefiling's receipt: its
// DocumentID is then the prefiling's id. The tender's 审核结果反馈 sends the
// enterprise the outcome of every prefiling and supplement review as a
// receipt (回执), like a document's.
const ReceiptFamilyPrefiling Family = "prefiling"

// prefilingDecisions are the prefiling steps that issue a receipt, with
// the Chinese text of their outcome.
var prefilingDecisions = map[string]string{
	ActionApprove:           "审核通过",
	ActionReturn:            "退单",
	ActionSupplementApprove: "补录入审核通过",
	ActionSupplementReturn:  "退单（补录入）",
}

// IssuesPrefilingReceipt reports whether a prefiling step is a decision
// the enterprise gets a receipt of.
func IssuesPrefilingReceipt(action string) bool {
	_, ok := prefilingDecisions[action]
	return ok
}

// PrefilingReceipt is the receipt of decision step s of p, to p's
// declarant. Its id is the step's transaction, the prefiling, the step's
// sequence number and the enterprise, so a replay of the block issues the
// same receipt and a webhook keyed on it is delivered once. The message
// says, in Chinese, the outcome, the opinion, the rule and version that
// decided automatically and, on approval, the trace code.
func PrefilingReceipt(p *Prefiling, s PrefilingStep) Receipt {
	status := string(p.Status)
	if s.Action == ActionSupplementApprove || s.Action == ActionSupplementReturn {
		status = "supplement_" + string(p.SupplementStatus)
	}
	var m strings.Builder
	fmt.Fprintf(&m, "预核申报 %s：%s", p.ID, prefilingDecisions[s.Action])
	if s.Action == ActionApprove && p.TraceCode != "" {
		fmt.Fprintf(&m, "，溯源码 %s", p.TraceCode)
	}
	if s.Reason != "" {
		fmt.Fprintf(&m, "（意见：%s）", s.Reason)
	}
	source := "platform"
	if s.DecidedBy != nil {
		source = "rule"
		fmt.Fprintf(&m, "；由审核规则 %s（第%d版）自动审核", s.DecidedBy.RuleID, s.DecidedBy.ConfigVersion)
	}
	return Receipt{
		ID:           fmt.Sprintf("%s:%s:%d:%s", s.TxID, p.ID, s.Seq, p.EnterpriseID),
		DocumentID:   p.ID,
		Family:       ReceiptFamilyPrefiling,
		EnterpriseID: p.EnterpriseID,
		Status:       DocumentStatus(status),
		Action:       s.Action,
		Message:      m.String(),
		Source:       source,
		TxID:         s.TxID,
		At:           s.At,
	}
}
