package contract

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/tracecode"
)

// conflicts lists the keys through which committing a would invalidate b
// under Fabric's MVCC: keys b read (or iterated) that a wrote, and keys
// both wrote (which would also make the outcome depend on block order).
func conflicts(a, b *memStub) []string {
	var keys []string
	for k := range a.writes {
		_, bothWrote := b.writes[k]
		inRange := slices.ContainsFunc(b.ranges, func(prefix string) bool { return strings.HasPrefix(k, prefix) })
		if bothWrote || b.reads[k] || inRange {
			keys = append(keys, strings.ReplaceAll(strings.Trim(k, "\x00"), "\x00", "/"))
		}
	}
	slices.Sort(keys)
	return keys
}

// endorseAll simulates every call against the same committed state, as
// concurrent proposals are, and returns the endorsed transactions.
func (z *zone) endorseAll(id testIdentity, calls [][]string) []*memStub {
	z.t.Helper()
	stubs := make([]*memStub, len(calls))
	for i, args := range calls {
		stub, resp := z.endorse(id, args[0], args[1:]...)
		require.Less(z.t, resp.Status, int32(400), "%s: %s", args[0], resp.Message)
		stubs[i] = stub
	}
	return stubs
}

// requireNoConflicts asserts no pair of the transactions conflicts.
func requireNoConflicts(t *testing.T, stubs []*memStub) {
	t.Helper()
	for i, a := range stubs {
		for j, b := range stubs {
			if i != j {
				require.Empty(t, conflicts(a, b), "%s (%s) conflicts with %s (%s)", a.txID, a.args[0], b.txID, b.args[0])
			}
		}
	}
}

func TestConcurrentApprovalsShareNoKey(t *testing.T) {
	const n = 100
	z := newZone(t)
	data := dataJSON(t, validData()) // coffee: one commodity
	ids := make([]string, n)
	var declarations [][]string
	for i := range ids {
		ids[i] = fmt.Sprintf("PF20261126%08d", i)
		declarations = append(declarations, []string{"DeclarePrefiling", z.req(), ids[i], data})
	}

	t.Run("declarations of different prefilings share no key", func(t *testing.T) {
		stubs := z.endorseAll(z.entA, declarations)
		requireNoConflicts(t, stubs)
		for _, s := range stubs {
			z.commit(s)
		}
	})

	// The prefilings' first candidate codes differ (n²/2m ≈ 0.05 expected
	// shared starts for these ids): the case the test is about. Shared
	// starts are covered below, where they do conflict.
	starts := map[int]bool{}
	for _, id := range ids {
		starts[tracecode.Sequence(id, 0)] = true
	}
	require.Len(t, starts, n)

	t.Run("approvals of one commodity on one day share no key", func(t *testing.T) {
		var approvals [][]string
		for _, id := range ids {
			approvals = append(approvals, []string{"ReviewPrefiling", z.req(), id, "approve", ""})
		}
		stubs := z.endorseAll(z.customs, approvals)
		requireNoConflicts(t, stubs)

		// Being conflict-free, they all commit, in any order, each with its
		// own valid code of that commodity and day.
		for _, s := range stubs {
			z.commit(s)
		}
		codes := map[string]string{}
		for _, id := range ids {
			p := decodePrefiling(t, z.mustInvoke(z.customs, "GetPrefiling", id))
			require.Equal(t, model.PrefilingApproved, p.Status)
			require.True(t, tracecode.Valid(p.TraceCode), p.TraceCode)
			require.Equal(t, "KSCF261126", p.TraceCode[:10])
			require.NotContains(t, codes, p.TraceCode)
			codes[p.TraceCode] = id
		}
		require.Len(t, codes, n)
	})

	t.Run("the check sees a real conflict: two reviews of one prefiling", func(t *testing.T) {
		z.declare(z.entA, "PF20261126AAAAAAAA")
		stubs := z.endorseAll(z.customs, [][]string{
			{"ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "approve", ""},
			{"ReviewPrefiling", z.req(), "PF20261126AAAAAAAA", "return", "原产地证与申报不符"},
		})
		require.Contains(t, conflicts(stubs[0], stubs[1]), "prefiling/PF20261126AAAAAAAA")
	})
}

func TestApprovalsWithOneCandidateConflictOnlyOnTheCode(t *testing.T) {
	z := newZone(t)
	// Two prefilings whose first candidates coincide, found by search over
	// ids: the unlikely case the uniqueness guard is for.
	first := map[int]string{}
	var a, b string
	for i := 0; b == ""; i++ {
		id := fmt.Sprintf("PF20261126%08d", i)
		seq := tracecode.Sequence(id, 0)
		if other, ok := first[seq]; ok {
			a, b = other, id
		}
		first[seq] = id
	}
	z.declare(z.entA, a)
	z.declare(z.entA, b)
	stubs := z.endorseAll(z.customs, [][]string{
		{"ReviewPrefiling", z.req(), a, "approve", ""},
		{"ReviewPrefiling", z.req(), b, "approve", ""},
	})
	code, err := tracecode.Compose("CF", z.clock, tracecode.Sequence(a, 0))
	require.NoError(t, err)
	// Both would issue the same code: MVCC invalidates whichever commits
	// second (it read the code's key as absent), and nothing else is shared.
	require.Equal(t, []string{model.KeyTraceCode + "/" + code}, conflicts(stubs[0], stubs[1]))

	// The loser, endorsed again after the winner committed, probes past it.
	z.commit(stubs[0])
	z.mustInvoke(z.customs, "ReviewPrefiling", z.req(), b, "approve", "")
	pa := decodePrefiling(t, z.mustInvoke(z.customs, "GetPrefiling", a))
	pb := decodePrefiling(t, z.mustInvoke(z.customs, "GetPrefiling", b))
	require.Equal(t, code, pa.TraceCode)
	want, err := tracecode.Compose("CF", z.clock, tracecode.Sequence(b, 1))
	require.NoError(t, err)
	require.Equal(t, want, pb.TraceCode)
}

func TestEntriesOfOneBatchIntoOneHoldingShareNoKey(t *testing.T) {
	tr := newTrade(t)
	tr.putRules(only(model.ModelWeight)) // declared basis: exits read the inbound range
	tr.enter(10_000)
	var entryIDs []string
	entry := func() []string {
		id := tr.docID(model.FamilyChecklist)
		entryIDs = append(entryIDs, id)
		return []string{"DeclareDocument", tr.req(), tr.docJSON(id, model.FamilyChecklist, model.BusinessEntry, model.DocumentHead{}, tr.exact(1_000))}
	}
	exit := []string{"DeclareDocument", tr.req(), tr.docJSON(tr.docID(model.FamilyChecklist), model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.exact(12_000))}
	stubs := tr.endorseAll(tr.entA, [][]string{entry(), entry(), entry(), exit})

	t.Run("in-declarations into one holding conflict with none of each other", func(t *testing.T) {
		requireNoConflicts(t, stubs[:3])
	})

	t.Run("an exit computing the declared basis sees them as phantom reads", func(t *testing.T) {
		// Committing an entry first changes the exit's basis, so Fabric
		// must invalidate the exit: it iterated the holding's inbound range.
		require.NotEmpty(t, conflicts(stubs[0], stubs[3]))
	})

	t.Run("the exit counts committed entries, also those listed the old way", func(t *testing.T) {
		for _, s := range stubs[:2] {
			tr.commit(s)
		}
		// Rewrite the second entry's key as a ledger from before per-document
		// keys held it: in a list under the holding's own key.
		holding := []string{tr.code, enterpriseA, "bonded"}
		perDoc, err := (&memStub{}).CreateCompositeKey(model.KeyInbound, append(slices.Clone(holding), entryIDs[1]))
		require.NoError(t, err)
		require.Contains(t, tr.state, perDoc)
		delete(tr.state, perDoc)
		list, err := (&memStub{}).CreateCompositeKey(model.KeyInbound, holding)
		require.NoError(t, err)
		tr.state[list] = []byte(`{"documentIds":["` + entryIDs[1] + `"]}`)

		// 10 kg effective + the two pending entries of 1 kg.
		d := tr.declareDoc(tr.entA, model.FamilyChecklist, model.BusinessExit, model.DocumentHead{}, tr.exact(12_001))
		require.Equal(t, []string{model.TagWeightAnomaly}, tagCodes(d))
		require.Contains(t, d.Tags[0].Reason, "可用 12000 克")
	})
}
