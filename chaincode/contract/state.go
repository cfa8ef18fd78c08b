package contract

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

func key(ctx contractapi.TransactionContextInterface, objectType string, attrs []string) (string, error) {
	k, err := ctx.GetStub().CreateCompositeKey(objectType, attrs)
	if err != nil {
		return "", model.Refuse(model.ReasonKeyInvalid, model.Params{"objectType": objectType}, "build %s key: %v", objectType, err)
	}
	return k, nil
}

// getRecord loads the JSON record under a composite key into v and reports
// whether it exists.
func getRecord(ctx contractapi.TransactionContextInterface, objectType string, attrs []string, v any) (bool, error) {
	k, err := key(ctx, objectType, attrs)
	if err != nil {
		return false, err
	}
	raw, err := ctx.GetStub().GetState(k)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", objectType, err)
	}
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", objectType, err)
	}
	return true, nil
}

func putRecord(ctx contractapi.TransactionContextInterface, objectType string, attrs []string, v any) error {
	k, err := key(ctx, objectType, attrs)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", objectType, err)
	}
	if err := ctx.GetStub().PutState(k, raw); err != nil {
		return fmt.Errorf("write %s: %w", objectType, err)
	}
	return nil
}

// txTime is the transaction timestamp, the only clock chaincode may read.
func txTime(ctx contractapi.TransactionContextInterface) (time.Time, error) {
	ts, err := ctx.GetStub().GetTxTimestamp()
	if err != nil {
		return time.Time{}, fmt.Errorf("read transaction timestamp: %w", err)
	}
	return ts.AsTime().UTC(), nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
