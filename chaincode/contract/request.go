package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// claimRequest records that the caller carried out requestID in this
// transaction, or refuses it when it was carried out before. Request ids are
// scoped by the submitting identity so one client cannot block another's.
func claimRequest(ctx contractapi.TransactionContextInterface, c caller, requestID, function string, at string) error {
	if !model.RequestIDPattern.MatchString(requestID) {
		var ps model.Problems
		ps.Add("requestId", model.RulePattern, model.Params{"format": model.FormatRequestID})
		return ps.Err()
	}
	attrs := []string{c.MspID, c.ClientID, requestID}
	var previous model.RequestRecord
	found, err := getRecord(ctx, model.KeyRequest, attrs, &previous)
	if err != nil {
		return err
	}
	if found {
		// The message is the first transaction's id alone: the gateway reads it
		// (gateway/ledgertx.go duplicateOf).
		return model.Refuse(model.ReasonRequestDone, model.Params{"txId": previous.TxID}, "%s", previous.TxID)
	}
	return putRecord(ctx, model.KeyRequest, attrs, model.RequestRecord{
		RequestID: requestID,
		TxID:      ctx.GetStub().GetTxID(),
		Function:  function,
		At:        at,
	})
}
