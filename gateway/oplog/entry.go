// Package oplog is the operation log of sensitive actions (tender §security):
// who did what to which object, from where, how much data, and with what
// result. The log is append-only (a trigger refuses UPDATE and DELETE) and
// hash-chained (each row's hash covers its fields and the previous row's
// hash); its head is anchored on the ledger periodically, so a row changed,
// removed or reordered, a truncated tail or a rewritten chain is found by
// Check. Alert rules, a versioned rule set, are evaluated as each row is
// appended and notify the zone admins and auditors in the app.
package oplog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Entry is one action as the gateway saw it.
type Entry struct {
	// At is set by Append from the log's clock.
	At time.Time `json:"at"`
	// Username is the operator (users are keyed by username); empty for
	// an anonymous request such as a failed login.
	Username     string `json:"username"`
	Role         string `json:"role"`
	EnterpriseID string `json:"enterpriseId"`
	// Command is the stable name of the action (Actions), e.g.
	// "prefiling.review".
	Command    string `json:"command"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
	IP         string `json:"ip"`
	UserAgent  string `json:"userAgent"`
	// Rows and Bytes are the data volume: rows exported or read, bytes
	// sent in the answer.
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
	// Status is the HTTP status answered, ErrorCode the API error code of
	// a refusal (empty on success).
	Status    int    `json:"status"`
	ErrorCode string `json:"errorCode"`
	RequestID string `json:"requestId"`
}

// Record is an appended entry with its place in the chain.
type Record struct {
	Seq int64 `json:"seq"`
	Entry
	PrevHash []byte `json:"-"`
	Hash     []byte `json:"-"`
}

// maxText bounds each text field: user agents and unmatched paths come
// from clients.
const maxText = 512

// clean makes client-supplied text storable: valid UTF-8, no NUL (which
// PostgreSQL text refuses), at most maxText bytes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func (e Entry) cleaned() Entry {
	for _, f := range []*string{&e.Username, &e.Role, &e.EnterpriseID, &e.Command, &e.ObjectType, &e.ObjectID,
		&e.IP, &e.UserAgent, &e.ErrorCode, &e.RequestID} {
		*f = clean(*f)
	}
	// PostgreSQL keeps microseconds; hashing what is stored keeps Check
	// able to recompute it.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	return e
}

// timeLayout is the canonical form of At in the hash.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// computeHash is SHA-256 over the canonical encoding of the record: a JSON
// array of its fields in a fixed order, ending with the previous hash in
// hex. Changing the order or the set of fields is a new chain format.
func computeHash(r Record) []byte {
	canonical, err := json.Marshal([]any{
		r.Seq, r.At.UTC().Format(timeLayout), r.Username, r.Role, r.EnterpriseID, r.Command, r.ObjectType,
		r.ObjectID, r.IP, r.UserAgent, r.Rows, r.Bytes, r.Status, r.ErrorCode, r.RequestID, hex.EncodeToString(r.PrevHash),
	})
	if err != nil {
		panic("oplog: encode record: " + err.Error()) // strings and integers always encode
	}
	sum := sha256.Sum256(canonical)
	return sum[:]
}
