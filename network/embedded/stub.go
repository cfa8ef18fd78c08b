package embedded

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/syndtr/goleveldb/leveldb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// errUnsupported marks the shim features the embedded ledger does not have.
var errUnsupported = errors.New("not supported by the embedded ledger")

// stub is the shim.ChaincodeStubInterface of one simulation: reads come from
// a snapshot of committed state (never from the transaction's own writes,
// exactly like Fabric), writes go to the read-write set.
type stub struct {
	channelID string
	op        *openedProposal
	snap      *leveldb.Snapshot
	rw        *rwRecorder
	event     *chaincodeEvent
	// paginated is set once a paginated query ran; Fabric only allows them
	// in read-only transactions.
	paginated bool
	// fault is the first storage error, reported instead of the chaincode's
	// response so that a broken disk is not mistaken for a business error.
	fault error
}

var _ shim.ChaincodeStubInterface = (*stub)(nil)

func newStub(channelID string, op *openedProposal, snap *leveldb.Snapshot) *stub {
	return &stub{channelID: channelID, op: op, snap: snap, rw: newRWRecorder()}
}

func (s *stub) noteFault(err error) error {
	if s.fault == nil {
		s.fault = err
	}
	return err
}

// GetArgs returns the function name followed by its arguments.
func (s *stub) GetArgs() [][]byte {
	args := make([][]byte, len(s.op.prop.Args))
	for i, a := range s.op.prop.Args {
		args[i] = []byte(a)
	}
	return args
}

// GetStringArgs returns the function name followed by its arguments.
func (s *stub) GetStringArgs() []string { return append([]string(nil), s.op.prop.Args...) }

// GetFunctionAndParameters splits the arguments into function and parameters.
func (s *stub) GetFunctionAndParameters() (string, []string) {
	args := s.GetStringArgs()
	return args[0], args[1:]
}

// GetArgsSlice returns all arguments concatenated, as the Fabric shim does.
func (s *stub) GetArgsSlice() ([]byte, error) {
	var out []byte
	for _, a := range s.op.prop.Args {
		out = append(out, a...)
	}
	return out, nil
}

// GetTxID returns the transaction ID.
func (s *stub) GetTxID() string { return s.op.prop.TxID }

// GetChannelID returns the channel name.
func (s *stub) GetChannelID() string { return s.channelID }

// GetCreator returns the serialised msp.SerializedIdentity of the submitter.
func (s *stub) GetCreator() ([]byte, error) { return append([]byte(nil), s.op.prop.Creator...), nil }

// GetTransient returns an empty map: clients of the ledger interface cannot
// send transient data.
func (s *stub) GetTransient() (map[string][]byte, error) { return map[string][]byte{}, nil }

// GetBinding returns SHA-256(nonce || creator || epoch), Fabric's proposal
// binding with epoch 0.
func (s *stub) GetBinding() ([]byte, error) {
	h := sha256.New()
	h.Write(s.op.prop.Nonce)
	h.Write(s.op.prop.Creator)
	h.Write(binary.LittleEndian.AppendUint64(nil, 0))
	return h.Sum(nil), nil
}

// GetDecorations returns an empty map: there is no peer to decorate.
func (s *stub) GetDecorations() map[string][]byte { return map[string][]byte{} }

// GetSignedProposal returns an error: the embedded proposal is not a Fabric
// protobuf proposal, and a fake one would mislead.
func (s *stub) GetSignedProposal() (*peer.SignedProposal, error) {
	return nil, fmt.Errorf("get signed proposal: %w", errUnsupported)
}

// GetTxTimestamp returns the client's timestamp from the proposal.
func (s *stub) GetTxTimestamp() (*timestamppb.Timestamp, error) {
	return timestamppb.New(s.op.prop.Timestamp), nil
}

// SetEvent sets the transaction's single event; the last call wins.
func (s *stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	s.event = &chaincodeEvent{Name: name, Payload: append([]byte(nil), payload...)}
	return nil
}

// InvokeChaincode is not supported: ZoneTrace has one chaincode.
func (s *stub) InvokeChaincode(chaincodeName string, _ [][]byte, _ string) *peer.Response {
	return shim.Error(fmt.Sprintf("invoke chaincode %s: %v", chaincodeName, errUnsupported))
}

// StartWriteBatch has nothing to batch: writes are already local.
func (s *stub) StartWriteBatch() {}

// FinishWriteBatch has nothing to flush.
func (s *stub) FinishWriteBatch() error { return nil }
