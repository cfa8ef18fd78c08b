package model

// KeyOperationLogAnchor holds a head of the gateway's operation log
// anchored on the ledger: [seq as 20 decimal digits], and the newest one
// again under ["head"].
const KeyOperationLogAnchor = "oplog-anchor"

// OperationLogAnchor is a head of the operation log (gateway/oplog): the
// hash of row Seq, which covers every row before it, recorded by the zone
// administration at the transaction's time.
type OperationLogAnchor struct {
	Seq      int64  `json:"seq"`
	HeadHash string `json:"headHash"` // SHA-256, 64 lowercase hex digits
	At       string `json:"at"`
	TxID     string `json:"txId"`
	Actor    Actor  `json:"actor"`
	// PrevSeq is the seq of the anchor before, 0 for the first.
	PrevSeq int64 `json:"prevSeq"`
}

// CheckOperationLogAnchor checks an anchor's seq and head hash.
func CheckOperationLogAnchor(seq int64, headHash string) Problems {
	var ps Problems
	if seq < 1 {
		ps.Add("seq", RuleOutOfRange, Params{"min": 1, "max": int64(1<<63 - 1)})
	}
	checkPattern(&ps, "headHash", headHash, FormatSHA256, SHA256Pattern.MatchString)
	return ps
}
