package embedded

import (
	"encoding/json"
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"zonetrace/network/ledger"
)

// endorsement is a checked proposal and what its simulation produced.
type endorsement struct {
	op        *openedProposal
	sim       simulation
	simBytes  []byte
	paginated bool
}

// endorse is the ledger side of a proposal: it admits the creator, refuses
// replays, and simulates. The caller holds acquire.
func (l *Ledger) endorse(sp *signedProposal) (*endorsement, error) {
	op, err := openProposal(sp)
	if err != nil {
		return nil, err
	}
	if op.prop.ChannelID != l.cfg.ChannelID {
		return nil, refuse(op.prop.TxID, "channel %q is not %q", op.prop.ChannelID, l.cfg.ChannelID)
	}
	if _, err := l.cfg.Verifier.Verify(op.mspID, op.certPEM); err != nil {
		return nil, refuse(op.prop.TxID, "creator is not a member of %s: %v", op.mspID, err)
	}
	seen, err := l.db.Has(txIDKey(op.prop.TxID), nil)
	if err != nil {
		return nil, fmt.Errorf("check transaction ID %s: %w", op.prop.TxID, err)
	}
	if seen {
		return nil, refuse(op.prop.TxID, "transaction ID already committed (replay)")
	}
	return l.simulate(op)
}

// simulate executes the chaincode over a snapshot of committed state.
func (l *Ledger) simulate(op *openedProposal) (*endorsement, error) {
	snap, err := l.db.GetSnapshot()
	if err != nil {
		return nil, fmt.Errorf("simulate %s: take snapshot: %w", op.prop.TxID, err)
	}
	defer snap.Release()
	st := newStub(l.cfg.ChannelID, op, snap)
	resp := invoke(l.cfg.Chaincode, st)
	if st.fault != nil {
		return nil, fmt.Errorf("simulate %s: %w", op.prop.TxID, st.fault)
	}
	if resp.GetStatus() >= shim.ERRORTHRESHOLD {
		return nil, &ledger.ChaincodeError{TxID: op.prop.TxID, Message: resp.GetMessage()}
	}
	e := &endorsement{
		op: op,
		sim: simulation{
			Status:  resp.GetStatus(),
			Message: resp.GetMessage(),
			Payload: resp.GetPayload(),
			Event:   st.event,
			RWSet:   st.rw.set(),
		},
		paginated: st.paginated && st.rw.hasWrites(),
	}
	if e.simBytes, err = json.Marshal(e.sim); err != nil {
		return nil, fmt.Errorf("simulate %s: encode result: %w", op.prop.TxID, err)
	}
	return e, nil
}

// invoke runs the chaincode, turning a panic into an error response as the
// chaincode shim's process boundary would.
func invoke(cc shim.Chaincode, st *stub) (resp *peer.Response) {
	defer func() {
		if r := recover(); r != nil {
			resp = shim.Error(fmt.Sprintf("chaincode panicked: %v", r))
		}
	}()
	resp = cc.Invoke(st)
	if resp == nil {
		resp = shim.Error("chaincode returned no response")
	}
	return resp
}
