package contract

import (
	"regexp"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// claimRequest records that the caller carried out requestID in this
// transaction, or refuses it when it was carried out before. Request ids are
// scoped by the submitting identity so one client cannot block another's.
func claimRequest(ctx contractapi.TransactionContextInterface, c caller, requestID, function string, at string) error {
	if !requestIDPattern.MatchString(requestID) {
		return model.Errorf(model.CodeInvalid, "request id must be 1-64 characters of [A-Za-z0-9._:-]")
	}
	attrs := []string{c.MspID, c.ClientID, requestID}
	var previous model.RequestRecord
	found, err := getRecord(ctx, model.KeyRequest, attrs, &previous)
	if err != nil {
		return err
	}
	if found {
		return model.Errorf(model.CodeDuplicate, "%s", previous.TxID)
	}
	return putRecord(ctx, model.KeyRequest, attrs, model.RequestRecord{
		RequestID: requestID,
		TxID:      ctx.GetStub().GetTxID(),
		Function:  function,
		At:        at,
	})
}
