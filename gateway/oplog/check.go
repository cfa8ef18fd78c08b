package oplog

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Fault kinds Check reports.
const (
	// ProblemChanged: the row's fields no longer give its hash.
	ProblemChanged = "changed"
	// ProblemMissing: the row with this seq is gone (a gap).
	ProblemMissing = "missing"
	// ProblemReordered: the row does not follow the row before it (its
	// prev_hash is not that row's hash): rows were moved or replaced.
	ProblemReordered = "reordered"
	// ProblemTruncated: rows up to the head (or to an anchor) are gone
	// from the end of the log.
	ProblemTruncated = "truncated"
	// ProblemAnchorMismatch: the row's hash is not the one anchored on
	// the ledger: the chain was rewritten.
	ProblemAnchorMismatch = "anchorMismatch"
)

// Fault is the first fault Check found.
type Fault struct {
	Kind string `json:"kind"`
	// Seq names the row.
	Seq    int64  `json:"seq"`
	Detail string `json:"detail"`
}

// CheckReport is the outcome of Check.
type CheckReport struct {
	OK bool `json:"ok"`
	// Rows is how many rows were verified, HeadSeq the last seq.
	Rows    int64 `json:"rows"`
	HeadSeq int64 `json:"headSeq"`
	// Anchors is how many ledger anchors were compared; LastAnchor the
	// newest of them.
	Anchors    int     `json:"anchors"`
	LastAnchor *Anchor `json:"lastAnchor,omitempty"`
	Problem    *Fault  `json:"problem,omitempty"`
	// AnchorsUnavailable: the ledger could not be read, so only the chain
	// itself was checked.
	AnchorsUnavailable string    `json:"anchorsUnavailable,omitempty"`
	CheckedAt          time.Time `json:"checkedAt"`
}

// Check walks the chain from the first row and reports the first row that
// was changed, removed or reordered, then compares the head row and every
// head anchored on the ledger with the log, which finds a truncated tail
// and a chain rewritten after an anchor.
func (l *Log) Check(ctx context.Context) (CheckReport, error) {
	res := CheckReport{CheckedAt: l.now().UTC()}
	var anchors []Anchor
	if l.chain != nil {
		var err error
		if anchors, err = l.chain.Anchors(ctx); err != nil {
			res.AnchorsUnavailable = err.Error()
			anchors = nil
		}
	}
	err := pgx.BeginTxFunc(ctx, l.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		p, err := walk(ctx, tx, 0, nil, &res)
		if err != nil || p != nil {
			res.Problem = p
			return err
		}
		var headSeq int64
		var headHash []byte
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM operation_log_head`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("read the log head: %w", err)
		}
		if headSeq != res.HeadSeq {
			res.Problem = &Fault{Kind: ProblemTruncated, Seq: res.HeadSeq + 1,
				Detail: fmt.Sprintf("the head is row %d but the log ends at row %d", headSeq, res.HeadSeq)}
			return nil
		}
		res.Problem, err = compareAnchors(ctx, tx, anchors, res.HeadSeq)
		return err
	})
	if err != nil {
		return CheckReport{}, fmt.Errorf("check the operation log: %w", err)
	}
	res.Anchors = len(anchors)
	if len(anchors) > 0 {
		last := anchors[len(anchors)-1]
		res.LastAnchor = &last
	}
	res.OK = res.Problem == nil
	return res, nil
}

// walk verifies each row after row fromSeq (whose hash is fromHash) by its
// hash and its link to the row before; res.HeadSeq ends at the last good
// row.
func walk(ctx context.Context, tx querier, fromSeq int64, fromHash []byte, res *CheckReport) (*Fault, error) {
	rows, err := tx.Query(ctx, `SELECT `+recordColumns+` FROM operation_log WHERE seq > $1 ORDER BY seq`, fromSeq)
	if err != nil {
		return nil, fmt.Errorf("read log rows: %w", err)
	}
	defer rows.Close()
	prev := fromHash
	res.HeadSeq = fromSeq
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("read log row: %w", err)
		}
		want := res.HeadSeq + 1
		switch {
		case r.Seq != want:
			return &Fault{Kind: ProblemMissing, Seq: want, Detail: fmt.Sprintf("row %d is followed by row %d", res.HeadSeq, r.Seq)}, nil
		case !bytes.Equal(computeHash(r), r.Hash):
			return &Fault{Kind: ProblemChanged, Seq: r.Seq, Detail: "the row's fields do not give its hash"}, nil
		case !bytes.Equal(r.PrevHash, prev):
			return &Fault{Kind: ProblemReordered, Seq: r.Seq, Detail: "the row does not follow the row before it"}, nil
		}
		prev = r.Hash
		res.HeadSeq = r.Seq
		res.Rows++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log rows: %w", err)
	}
	return nil, nil
}

func compareAnchors(ctx context.Context, tx pgx.Tx, anchors []Anchor, headSeq int64) (*Fault, error) {
	for _, a := range anchors {
		if a.Seq > headSeq {
			return &Fault{Kind: ProblemTruncated, Seq: headSeq + 1,
				Detail: fmt.Sprintf("row %d was anchored on the ledger but the log ends at row %d", a.Seq, headSeq)}, nil
		}
		var hash []byte
		if err := tx.QueryRow(ctx, `SELECT hash FROM operation_log WHERE seq = $1`, a.Seq).Scan(&hash); err != nil {
			return nil, fmt.Errorf("read row %d: %w", a.Seq, err)
		}
		if hex.EncodeToString(hash) != a.Hash {
			return &Fault{Kind: ProblemAnchorMismatch, Seq: a.Seq, Detail: fmt.Sprintf(
				"the ledger anchored hash %s in transaction %s", a.Hash, a.TxID)}, nil
		}
	}
	return nil, nil
}

// AnchorHead writes the head to the ledger when rows were appended since
// the last anchor, and reports the anchor written (nil when there was
// nothing new).
func (l *Log) AnchorHead(ctx context.Context) (*Anchor, error) {
	if l.chain == nil {
		return nil, fmt.Errorf("oplog: no ledger to anchor on")
	}
	var seq, last int64
	var hash, lastHash []byte
	if err := l.pool.QueryRow(ctx, `SELECT h.seq, h.hash, coalesce(a.seq, 0), coalesce(a.hash, '\x')
		FROM operation_log_head h LEFT JOIN (SELECT seq, hash FROM operation_log_anchors ORDER BY seq DESC LIMIT 1) a ON true`).
		Scan(&seq, &hash, &last, &lastHash); err != nil {
		return nil, fmt.Errorf("read the log head: %w", err)
	}
	if seq == 0 || seq <= last {
		return nil, nil
	}
	// Anchoring a chain that was tampered with since the last anchor
	// would vouch for it: the rows since are verified first.
	var walked CheckReport
	fault, err := walk(ctx, l.pool, last, lastHash, &walked)
	if err != nil {
		return nil, err
	}
	if fault == nil && walked.HeadSeq < seq {
		fault = &Fault{Kind: ProblemTruncated, Seq: walked.HeadSeq + 1, Detail: fmt.Sprintf("the head is row %d but the log ends at row %d", seq, walked.HeadSeq)}
	}
	if fault == nil {
		var rowHash []byte
		if err := l.pool.QueryRow(ctx, `SELECT hash FROM operation_log WHERE seq = $1`, seq).Scan(&rowHash); err != nil {
			return nil, fmt.Errorf("read row %d: %w", seq, err)
		}
		if !bytes.Equal(rowHash, hash) {
			fault = &Fault{Kind: ProblemChanged, Seq: seq, Detail: "the head's hash is not the row's"}
		}
	}
	if fault != nil {
		return nil, fmt.Errorf("oplog: not anchoring row %d: row %d %s: %s", seq, fault.Seq, fault.Kind, fault.Detail)
	}
	txID, err := l.chain.Anchor(ctx, seq, hash)
	if err != nil {
		return nil, fmt.Errorf("anchor row %d: %w", seq, err)
	}
	a := Anchor{Seq: seq, Hash: hex.EncodeToString(hash), TxID: txID, At: l.now().UTC()}
	if _, err := l.pool.Exec(ctx, `INSERT INTO operation_log_anchors (seq, hash, tx_id, anchored_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (seq) DO NOTHING`, a.Seq, hash, a.TxID, a.At); err != nil {
		return nil, fmt.Errorf("record anchor of row %d: %w", seq, err)
	}
	return &a, nil
}
