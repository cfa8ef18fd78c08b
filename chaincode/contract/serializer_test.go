package contract

import (
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/serializer"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// TestUncheckedSerializerAnswersAsTheChecked: without the contract API's
// schema checks, every answer, refusal, write and event of a goods journey
// is byte for byte what the checking serializer gives, so peers running
// either version endorse the same results.
func TestUncheckedSerializerAnswersAsTheChecked(t *testing.T) {
	tr := newTrade(t)
	require.IsType(t, &uncheckedSerializer{}, tr.cc.TransactionSerializer)
	checked, err := NewChaincode()
	require.NoError(t, err)
	checked.TransactionSerializer = new(serializer.JSONSerializer)
	tr.shadow = checked

	tr.declare(tr.entA, "PF20261126BBBBBBBB")
	tr.mustInvoke(tr.customs, "ReviewPrefiling", tr.req(), "PF20261126BBBBBBBB", "approve", "")
	tr.refused(model.CodeInvalid, tr.entA, "DeclarePrefiling", tr.req(), "PF20261126CCCCCCCC", `{"lines":"x"}`)
	entry := tr.enter(5_000_000)
	require.Equal(t, model.DocEffective, entry.Status)
	tr.stock(tr.entA, enterpriseA, true)
	tr.refused(model.CodeForbidden, tr.stranger, "RecordGatePass", tr.req(), entry.ID)
}
