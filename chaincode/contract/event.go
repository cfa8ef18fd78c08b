package contract

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// emit sets the transaction's single chaincode event.
func emit(ctx contractapi.TransactionContextInterface, function, requestID string, c caller, at string, events ...model.DomainEvent) error {
	envelope := model.EventEnvelope{
		Schema:    model.EventSchemaVersion,
		TxID:      ctx.GetStub().GetTxID(),
		Function:  function,
		RequestID: requestID,
		Actor:     c.Actor,
		At:        at,
		Events:    events,
	}
	payload, err := json.Marshal(envelope)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	if err := ctx.GetStub().SetEvent(model.EventName, payload); err != nil {
		return fmt.Errorf("set event: %w", err)
	}
	return nil
}
