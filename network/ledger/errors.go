package ledger

import (
	"errors"
	"fmt"
)

// ErrConflict reports that a transaction was invalidated by a concurrent
// transaction (MVCC read conflict or phantom read) more often than the
// implementation retries. The error is an *InvalidatedError naming the last
// invalidated attempt.
var ErrConflict = errors.New("ledger: transaction conflicted with a concurrent transaction")

// ErrEndorsement reports that the endorsement policy was not satisfied or an
// endorsing peer could not be reached.
var ErrEndorsement = errors.New("ledger: endorsement failed")

// ErrInvalidated reports a transaction that was ordered into a block but
// marked invalid there, so it changed nothing. See InvalidatedError.
var ErrInvalidated = errors.New("ledger: transaction was ordered but invalidated")

// Validation codes of invalidated transactions that a retry under a new
// transaction ID may cure (Fabric's peer.TxValidationCode names).
const (
	CodeMVCCReadConflict    = "MVCC_READ_CONFLICT"
	CodePhantomReadConflict = "PHANTOM_READ_CONFLICT"
)

// InvalidatedError is a transaction that was ordered into block Block but
// invalidated with validation code Code (e.g. MVCC_READ_CONFLICT,
// ENDORSEMENT_POLICY_FAILURE). It matches ErrInvalidated, and ErrConflict
// too when Code is a read conflict.
type InvalidatedError struct {
	TxID  string
	Block uint64
	Code  string
}

func (e *InvalidatedError) Error() string {
	return fmt.Sprintf("transaction %s in block %d was invalidated: %s", e.TxID, e.Block, e.Code)
}

// Is makes errors.Is(err, ErrInvalidated) hold for every invalidation and
// errors.Is(err, ErrConflict) for read conflicts.
func (e *InvalidatedError) Is(target error) bool {
	return target == ErrInvalidated || (target == ErrConflict && e.Conflict())
}

// Conflict reports whether a concurrent transaction caused the invalidation,
// so that proposing the transaction again may succeed.
func (e *InvalidatedError) Conflict() bool {
	return e.Code == CodeMVCCReadConflict || e.Code == CodePhantomReadConflict
}

// ChaincodeError is a rejection raised by the chaincode itself. Message keeps
// the chaincode's stable code prefix (see chaincode/model/errors.go).
type ChaincodeError struct {
	TxID    string
	Message string
}

func (e *ChaincodeError) Error() string {
	return fmt.Sprintf("chaincode rejected transaction %s: %s", e.TxID, e.Message)
}
