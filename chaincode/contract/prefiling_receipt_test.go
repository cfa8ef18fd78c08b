package contract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// lastReceipts are the receipts the last transaction issued.
func (z *zone) lastReceipts() []model.Receipt {
	var out []model.Receipt
	for _, e := range z.lastEvent.Events {
		if e.Type == model.EventReceiptIssued {
			out = append(out, *e.Receipt)
		}
	}
	return out
}

// Supplement decisions issue receipts too; the declaration of a supplement
// and a rule's manual review (no decision yet) issue none.
func TestSupplementReceipts(t *testing.T) {
	supplement := `{"quarantineBatchNo":"Q2026-0099","quarantineResult":"qualified","attachments":[{"kind":"quarantine_certificate","name":"q.pdf","sha256":"` +
		strings.Repeat("cd", 32) + `","size":2048}]}`
	z := newZone(t)
	z.putRules(ruleConfig(model.ReviewRule{ID: "br-manual", Kind: model.KindPrefiling, Name: "巴西批次人工审核",
		Condition: `prefiling.origin == "BR"`, Outcome: model.OutcomeManual, Enabled: true}))
	z.declare(z.entA, "PF20261126AAAAAAAA")
	require.Empty(t, z.lastReceipts(), "no rule decided")
	z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", "")
	z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
	require.Empty(t, z.lastReceipts())

	p := decodePrefiling(t, z.mustInvoke(z.customs, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "return", "证书模糊"))
	rs := z.lastReceipts()
	require.Len(t, rs, 1)
	require.Equal(t, "预核申报 PF20261126AAAAAAAA：退单（补录入）（意见：证书模糊）", rs[0].Message)
	require.Equal(t, model.DocumentStatus("supplement_returned"), rs[0].Status)
	require.Equal(t, model.ActionSupplementReturn, rs[0].Action)
	require.Equal(t, p.Steps[len(p.Steps)-1].TxID+":PF20261126AAAAAAAA:4:"+enterpriseA, rs[0].ID)

	z.mustInvoke(z.entA, "DeclareSupplement", z.req(), "PF20261126AAAAAAAA", supplement)
	z.mustInvoke(z.customs, "ReviewSupplement", z.req(), "PF20261126AAAAAAAA", "approve", "")
	rs = z.lastReceipts()
	require.Len(t, rs, 1)
	require.Equal(t, "预核申报 PF20261126AAAAAAAA：补录入审核通过", rs[0].Message)
	require.Equal(t, model.DocumentStatus("supplement_approved"), rs[0].Status)
}
