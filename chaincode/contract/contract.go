// Package contract is the ZoneTrace chaincode: the state machines of
// enterprises, identity bindings, prefilings and trace codes. Every write
// checks the caller's role from the client identity, refuses a request id
// already carried out, keeps history with actor and transaction time, and sets
// exactly one chaincode event carrying the full new state of what changed.
package contract

import (
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// ChaincodeName is the name the chaincode is deployed under.
const ChaincodeName = "zonetrace"

// Contract is the ZoneTrace smart contract.
type Contract struct {
	contractapi.Contract
}

// NewChaincode returns the chaincode ready to be served by a Fabric peer
// (chaincode as a service) or executed by the embedded ledger.
func NewChaincode() (*contractapi.ContractChaincode, error) {
	c := &Contract{}
	c.Name = ChaincodeName
	c.Info.Title = "ZoneTrace"
	c.Info.Version = "1.0.0"
	cc, err := contractapi.NewChaincode(c)
	if err != nil {
		return nil, fmt.Errorf("create chaincode: %w", err)
	}
	cc.DefaultContract = ChaincodeName
	cc.TransactionSerializer = &uncheckedSerializer{}
	return cc, nil
}
