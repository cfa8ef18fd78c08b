package loadtest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"

	"zonetrace/internal/apiclient"
)

// Enterprise is what the simulated users of one enterprise work on: ids
// that exist in the read model (seeded before the run).
type Enterprise struct {
	ID         string
	Usernames  []string
	Prefilings []string
	TraceCodes []string
	Documents  []string
	// SearchWords are product-name substrings of the enterprise's
	// prefilings.
	SearchWords []string
	// PrefilingDraft is the body of POST /prefiling-drafts ({"data": …})
	// that the draft saves and declarations send.
	PrefilingDraft json.RawMessage
}

// User is one simulated user: a logged-in session of an enterprise's
// account.
type User struct {
	Client     *apiclient.Client
	Enterprise *Enterprise
}

// Op is one kind of user action and its share of the mix.
type Op struct {
	Name   string
	Weight int
	do     func(ctx context.Context, u *User, rnd *rand.Rand, rec *Recorder)
}

// Mix is the working day's mix, in per cent of actions: reads of the
// enterprise's lists, searches, details, traces, balances and
// notifications (93 %), draft saves (6 %) and declarations (1 %: a draft
// save, then the declaration waiting until indexed).
var Mix = []Op{
	{"list prefilings", 16, get(func(*rand.Rand, *Enterprise) string { return "/api/v1/prefilings?page=1&pageSize=20" })},
	{"search prefilings", 8, get(func(rnd *rand.Rand, e *Enterprise) string {
		return "/api/v1/prefilings?productName=" + url.QueryEscape(pick(rnd, e.SearchWords))
	})},
	{"prefiling detail", 14, get(func(rnd *rand.Rand, e *Enterprise) string { return "/api/v1/prefilings/" + pick(rnd, e.Prefilings) })},
	{"list documents", 12, get(func(*rand.Rand, *Enterprise) string { return "/api/v1/documents?page=1&pageSize=20" })},
	{"document detail", 10, get(func(rnd *rand.Rand, e *Enterprise) string { return "/api/v1/documents/" + pick(rnd, e.Documents) })},
	{"trace history", 8, get(func(rnd *rand.Rand, e *Enterprise) string {
		return "/api/v1/trace-codes/" + url.PathEscape(pick(rnd, e.TraceCodes)) + "/history"
	})},
	{"trace code", 6, get(func(rnd *rand.Rand, e *Enterprise) string {
		return "/api/v1/trace-codes/" + url.PathEscape(pick(rnd, e.TraceCodes))
	})},
	{"balances", 8, get(func(*rand.Rand, *Enterprise) string { return "/api/v1/balances" })},
	{"notifications", 8, get(func(*rand.Rand, *Enterprise) string { return "/api/v1/notifications" })},
	{"list drafts", 3, get(func(*rand.Rand, *Enterprise) string { return "/api/v1/prefiling-drafts" })},
	{"save draft", 6, func(ctx context.Context, u *User, _ *rand.Rand, rec *Recorder) {
		saveDraft(ctx, u, rec)
	}},
	{"declare", 1, func(ctx context.Context, u *User, _ *rand.Rand, rec *Recorder) {
		id := saveDraft(ctx, u, rec)
		if id == "" {
			return
		}
		// apiclient adds ?wait=indexed to writes: the answer comes once
		// the prefiling is in the read model.
		send(ctx, u, rec, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/prefiling-drafts/" + id + "/declare"}, nil)
	}},
}

// MixTotal is the sum of Mix's weights.
func MixTotal(mix []Op) int {
	total := 0
	for _, op := range mix {
		total += op.Weight
	}
	return total
}

// Pick returns the op that x (0 ≤ x < MixTotal) falls on, each op owning
// as many consecutive values as its weight.
func Pick(mix []Op, x int) Op {
	for _, op := range mix {
		if x < op.Weight {
			return op
		}
		x -= op.Weight
	}
	panic("loadtest: Pick beyond the mix's total weight")
}

func pick(rnd *rand.Rand, from []string) string { return from[rnd.IntN(len(from))] }

func get(path func(*rand.Rand, *Enterprise) string) func(context.Context, *User, *rand.Rand, *Recorder) {
	return func(ctx context.Context, u *User, rnd *rand.Rand, rec *Recorder) {
		send(ctx, u, rec, apiclient.Request{Method: http.MethodGet, Path: path(rnd, u.Enterprise)}, nil)
	}
}

// saveDraft saves a prefiling draft (without waiting for the indexer: a
// draft is not on the ledger) and returns its id, "" if it failed.
func saveDraft(ctx context.Context, u *User, rec *Recorder) string {
	var d struct {
		ID string `json:"id"`
	}
	send(ctx, u, rec, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/prefiling-drafts",
		Body: []byte(u.Enterprise.PrefilingDraft), ContentType: "application/json", NoWait: true}, &d)
	return d.ID
}
