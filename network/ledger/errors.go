package ledger

import (
	"errors"
	"fmt"
)

// ErrConflict reports that a transaction was invalidated by a concurrent
// transaction (MVCC read conflict or phantom read) more often than the
// implementation retries.
var ErrConflict = errors.New("ledger: transaction conflicted with a concurrent transaction")

// ErrEndorsement reports that the endorsement policy was not satisfied or an
// endorsing peer could not be reached.
var ErrEndorsement = errors.New("ledger: endorsement failed")

// ChaincodeError is a rejection raised by the chaincode itself. Message keeps
// the chaincode's stable code prefix (see chaincode/model/errors.go).
type ChaincodeError struct {
	TxID    string
	Message string
}

func (e *ChaincodeError) Error() string {
	return fmt.Sprintf("chaincode rejected transaction %s: %s", e.TxID, e.Message)
}
