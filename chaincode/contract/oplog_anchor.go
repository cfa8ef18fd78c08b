package contract

import (
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// anchorHeadKey holds the newest anchor; each anchor names the one before
// (PrevSeq), so reading them back needs no range query.
var anchorHeadKey = []string{"head"}

// AnchorOperationLog records the head of the gateway's operation log (row
// seq and its hash, which covers every row before it) at the transaction's
// time. Heads only move forward: a seq at or below the newest anchor is
// refused, so a rewritten log cannot be anchored over the old one. Zone
// admin only.
func (c *Contract) AnchorOperationLog(ctx contractapi.TransactionContextInterface, requestID, seq, headHash string) (*model.OperationLogAnchor, error) {
	w, err := beginWrite(ctx, "AnchorOperationLog", requestID, model.RoleZoneAdmin)
	if err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil {
		var ps model.Problems
		ps.Add("seq", model.RuleInvalid, nil)
		return nil, ps.Err()
	}
	if err := model.CheckOperationLogAnchor(n, headHash).Err(); err != nil {
		return nil, err
	}
	var head model.OperationLogAnchor
	found, err := getRecord(ctx, model.KeyOperationLogAnchor, anchorHeadKey, &head)
	if err != nil {
		return nil, err
	}
	if found && n <= head.Seq {
		var ps model.Problems
		ps.Add("seq", model.RuleOutOfRange, model.Params{"min": head.Seq + 1, "max": int64(1<<63 - 1)})
		return nil, ps.Err()
	}
	a := &model.OperationLogAnchor{Seq: n, HeadHash: headHash, At: w.at, TxID: ctx.GetStub().GetTxID(),
		Actor: w.caller.Actor, PrevSeq: head.Seq}
	if err := putRecord(ctx, model.KeyOperationLogAnchor, []string{anchorSeqKey(n)}, a); err != nil {
		return nil, err
	}
	if err := putRecord(ctx, model.KeyOperationLogAnchor, anchorHeadKey, a); err != nil {
		return nil, err
	}
	// The event carries no domain event: nothing the indexer projects
	// changed, but the transaction stays visible with its time and actor.
	return a, w.finish()
}

// GetOperationLogAnchors returns every anchored head of the operation log,
// oldest first. Zone admin only.
func (c *Contract) GetOperationLogAnchors(ctx contractapi.TransactionContextInterface) ([]*model.OperationLogAnchor, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.require("GetOperationLogAnchors", model.RoleZoneAdmin); err != nil {
		return nil, err
	}
	var newestFirst []*model.OperationLogAnchor
	attrs := anchorHeadKey
	for {
		var a model.OperationLogAnchor
		found, err := getRecord(ctx, model.KeyOperationLogAnchor, attrs, &a)
		if err != nil {
			return nil, err
		}
		if !found {
			break
		}
		newestFirst = append(newestFirst, &a)
		if a.PrevSeq == 0 {
			break
		}
		attrs = []string{anchorSeqKey(a.PrevSeq)}
	}
	out := make([]*model.OperationLogAnchor, 0, len(newestFirst))
	for i := len(newestFirst) - 1; i >= 0; i-- {
		out = append(out, newestFirst[i])
	}
	return out, nil
}

func anchorSeqKey(seq int64) string { return fmt.Sprintf("%020d", seq) }
