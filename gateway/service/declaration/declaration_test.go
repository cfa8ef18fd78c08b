package declaration_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/service/declaration"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/servicetest"
	"zonetrace/network/ledger"
)

const entA, entB = "91320583MA1XXXXX1A", "91320583MA2YYYYY2B"

func completeData() model.PrefilingData {
	return model.PrefilingData{
		Commodity: "coffee", ProductName: "Yirgacheffe G1", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Addis Export", QuarantineResult: model.QuarantinePending,
		AvgPriceFen: 4500, Currency: "USD", WeightGrams: 19_200_000, Attachments: []model.Attachment{},
	}
}

type fixture struct {
	node    *servicetest.Node
	tx      ledgertx.Submitter
	store   *drafts.Store
	signers map[string]ledger.Signer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{node: servicetest.New(t), signers: map[string]ledger.Signer{}}
	f.tx = ledgertx.Submitter{Ledger: f.node.Ledger}
	f.store = drafts.New(f.node.Pool)
	reg := &enterprises.Service{Identities: f.node.Identities, Ledger: f.tx}
	for _, id := range []string{entA, entB} {
		_, err := reg.Register(ctx, "reg-"+id, enterprises.Registration{ID: id, Name: id, Kind: model.KindImporter})
		require.NoError(t, err)
		s, err := f.node.Identities.For(accounts.User{Username: "clerk-" + id, Role: accounts.RoleEnterprise, EnterpriseID: id})
		require.NoError(t, err)
		f.signers[id] = s
	}
	return f
}

func (f *fixture) draft(t *testing.T, enterpriseID string) drafts.Draft {
	t.Helper()
	id, err := drafts.NewID("")
	require.NoError(t, err)
	d, err := f.store.Create(context.Background(), id, enterpriseID, "clerk", completeData())
	require.NoError(t, err)
	return d
}

// declaration is the declaration of a prefiling draft, with data as
// the chaincode's argument (nil: the draft's own).
func (f *fixture) declaration(d drafts.Draft, requestID, candidate string, data []byte) declaration.Declaration[drafts.Draft] {
	signer := f.signers[d.EnterpriseID]
	return declaration.Declaration[drafts.Draft]{
		Store: f.store, EnterpriseID: d.EnterpriseID, DraftID: d.ID, User: "clerk", Candidate: candidate,
		Number: func(d drafts.Draft) string { return d.PrefilingID },
		Call: func(d drafts.Draft) (ledgertx.Call, error) {
			arg := data
			if arg == nil {
				var err error
				if arg, err = json.Marshal(d.Data); err != nil {
					return ledgertx.Call{}, err
				}
			}
			return ledgertx.Call{Signer: signer, Function: "DeclarePrefiling", Args: []string{requestID, d.PrefilingID, string(arg)},
				ReadBack: f.tx.Evaluator(signer, "GetPrefiling", d.PrefilingID)}, nil
		},
		Owner: func(payload []byte) (string, error) {
			var p model.Prefiling
			err := json.Unmarshal(payload, &p)
			return p.EnterpriseID, err
		},
	}
}

func newNumber(t *testing.T) string {
	t.Helper()
	n, err := drafts.NewPrefilingID(time.Now())
	require.NoError(t, err)
	return n
}

func TestRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)

	t.Run("a declaration reserves, submits and marks the draft declared", func(t *testing.T) {
		d := f.draft(t, entA)
		number := newNumber(t)
		got, res, err := declaration.Run(ctx, f.tx, f.declaration(d, "r-ok", number, nil))
		require.NoError(t, err)
		require.Equal(t, number, got.PrefilingID)
		require.NotNil(t, res.Tx)
		d, err = f.store.Get(ctx, entA, d.ID)
		require.NoError(t, err)
		require.True(t, d.Declared())
	})
	t.Run("a chaincode refusal frees the number so the draft can be corrected", func(t *testing.T) {
		d := f.draft(t, entA)
		_, _, err := declaration.Run(ctx, f.tx, f.declaration(d, "r-bad", newNumber(t), []byte(`{"weightGrams":-1}`)))
		require.Equal(t, apierror.ValidationFailed, apierror.From(err).Code)
		d, err = f.store.Get(ctx, entA, d.ID)
		require.NoError(t, err)
		require.Empty(t, d.PrefilingID)
		require.False(t, d.Declared())
	})
	t.Run("an unreachable ledger keeps the number, and the next attempt resumes with it", func(t *testing.T) {
		d := f.draft(t, entA)
		number := newNumber(t)
		down := servicetest.New(t)
		require.NoError(t, down.Ledger.Close())
		_, _, err := declaration.Run(ctx, ledgertx.Submitter{Ledger: down.Ledger}, f.declaration(d, "r-down", number, nil))
		require.Equal(t, apierror.LedgerUnavailable, apierror.From(err).Code)
		kept, err := f.store.Get(ctx, entA, d.ID)
		require.NoError(t, err)
		require.Equal(t, number, kept.PrefilingID)
		require.False(t, kept.Declared())

		got, _, err := declaration.Run(ctx, f.tx, f.declaration(d, "r-down-2", newNumber(t), nil))
		require.NoError(t, err)
		require.Equal(t, number, got.PrefilingID, "the reserved number, not the new candidate")
	})
	// submitDirectly declares number on the ledger as enterpriseID, as an
	// earlier attempt whose draft was never marked (the process died).
	submitDirectly := func(t *testing.T, enterpriseID, requestID, number string) {
		t.Helper()
		raw, err := json.Marshal(completeData())
		require.NoError(t, err)
		_, err = f.tx.Submit(ctx, ledgertx.Call{Signer: f.signers[enterpriseID], Function: "DeclarePrefiling", Args: []string{requestID, number, string(raw)}})
		require.NoError(t, err)
	}
	t.Run("a number an earlier attempt declared is taken as this declaration", func(t *testing.T) {
		d := f.draft(t, entA)
		number := newNumber(t)
		_, err := f.store.Reserve(ctx, entA, d.ID, number)
		require.NoError(t, err)
		submitDirectly(t, entA, "r-first", number)

		got, res, err := declaration.Run(ctx, f.tx, f.declaration(d, "r-second", newNumber(t), nil))
		require.NoError(t, err)
		require.Equal(t, number, got.PrefilingID)
		require.Nil(t, res.Tx, "nothing new committed")
		var p model.Prefiling
		require.NoError(t, json.Unmarshal(res.Payload, &p))
		require.Equal(t, number, p.ID)
		d, err = f.store.Get(ctx, entA, d.ID)
		require.NoError(t, err)
		require.True(t, d.Declared())
	})
	t.Run("another enterprise's record under the number is a conflict and frees the number", func(t *testing.T) {
		number := newNumber(t)
		submitDirectly(t, entB, "r-b", number)
		d := f.draft(t, entA)
		_, _, err := declaration.Run(ctx, f.tx, f.declaration(d, "r-a", number, nil))
		require.Equal(t, apierror.Conflict, apierror.From(err).Code)
		d, err = f.store.Get(ctx, entA, d.ID)
		require.NoError(t, err)
		require.Empty(t, d.PrefilingID)
	})
}

func TestIncomplete(t *testing.T) {
	t.Parallel()
	require.NoError(t, declaration.Incomplete(nil))
	e := apierror.From(declaration.Incomplete(drafts.Warnings(model.PrefilingData{})))
	require.Equal(t, apierror.ValidationFailed, e.Code)
	require.Equal(t, "信息不完整，不能申报", e.MessageZh)
	require.NotEmpty(t, e.Details)
}
