package documents_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/prefilings"
	"zonetrace/gateway/service/servicetest"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

const entA, entB = "91320583MA1XXXXX1A", "91320583MA2YYYYY2B"

// names is the read model as far as answers straight from the ledger need
// it: enterprise names.
type names struct {
	documents.Reads
}

func (names) Enterprise(_ context.Context, id string) (model.Enterprise, error) {
	if id == entA {
		return model.Enterprise{ID: id, Name: "甲"}, nil
	}
	return model.Enterprise{}, query.ErrNotFound
}

// TestDocumentLifecycle runs the document operations on the real
// chaincode: declare a checklist and a non-bonded application of an
// approved batch, review the application and void it on request.
func TestDocumentLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	node := servicetest.New(t)
	tx := ledgertx.Submitter{Ledger: node.Ledger}
	reg := &enterprises.Service{Identities: node.Identities, Ledger: tx}
	for _, id := range []string{entA, entB} {
		_, err := reg.Register(ctx, "reg-"+id, enterprises.Registration{ID: id, Name: id, Kind: model.KindImporter})
		require.NoError(t, err)
	}
	a := service.Write{Caller: accounts.User{Username: "ent-a", Role: accounts.RoleEnterprise, EnterpriseID: entA}}
	officer := service.Write{Caller: accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}}

	// An approved batch gives the trace code the checklist's line carries.
	batch := model.PrefilingData{Commodity: "coffee", ProductName: "耶加雪菲", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Union", QuarantineBatchNo: "Q1", QuarantineResult: model.QuarantineQualified, AvgPriceFen: 7200,
		Currency: "CNY", WeightGrams: 19_200_000, Attachments: []model.Attachment{}}
	pfs := &prefilings.Service{Drafts: drafts.New(node.Pool), Signers: node.Identities, Ledger: tx}
	a.RequestID = "pf-draft"
	pd, err := pfs.NewDraft(ctx, a, batch)
	require.NoError(t, err)
	a.RequestID = "pf-declare"
	declared, err := pfs.Declare(ctx, a, pd.ID)
	require.NoError(t, err)
	officer.RequestID = "pf-review"
	approved, err := pfs.Review(ctx, officer, declared.ID, prefilings.Review{Decision: "approve"})
	require.NoError(t, err)
	var pf model.Prefiling
	require.NoError(t, json.Unmarshal(approved.Payload, &pf))
	require.NotEmpty(t, pf.TraceCode)

	svc := &documents.Service{Reads: names{}, Drafts: docdrafts.New(node.Pool), Signers: node.Identities, Ledger: tx}
	line := model.DocumentLine{TraceCode: pf.TraceCode, ProductName: batch.ProductName, HSCode: batch.HSCode, Origin: batch.Origin,
		WeightGrams: 10_000, UnitPriceFen: batch.AvgPriceFen, ValueFen: 10 * batch.AvgPriceFen, Currency: "CNY"}
	head := model.DocumentHead{AccountBookNo: "T3223W000001", SupervisionMode: "5034", TransportMode: "2", PortCode: "2249", TradeCountry: "ET"}
	a.RequestID = "doc-draft"
	d, err := svc.NewDraft(ctx, a, docdrafts.Content{Family: model.FamilyChecklist, BusinessType: model.BusinessEntry, Head: head,
		Lines: []model.DocumentLine{line}})
	require.NoError(t, err)

	a.RequestID = "doc-declare"
	written, err := svc.Declare(ctx, a, d.ID)
	require.NoError(t, err)
	require.NotNil(t, written.Tx)
	view, err := svc.View(ctx, written, false)
	require.NoError(t, err)
	require.Equal(t, model.DocDeclared, view.Status)
	require.Equal(t, "甲", view.EnterpriseName, "named from the read model")
	again, err := svc.Declare(ctx, a, d.ID)
	require.NoError(t, err, "a retry of the declaring request answers its success")
	require.Equal(t, written.ID, again.ID)
	a.RequestID = "doc-declare-again"
	_, err = svc.Declare(ctx, a, d.ID)
	require.ErrorIs(t, err, docdrafts.ErrDeclared, "another request is refused")

	// A non-bonded application is reviewed by customs here (a checklist's
	// outcome arrives as a receipt).
	a.RequestID = "app-draft"
	d, err = svc.NewDraft(ctx, a, docdrafts.Content{Family: model.FamilyNonBondedApplication, BusinessType: model.BusinessEntry,
		Head: model.DocumentHead{VehiclePlate: "苏E12345", PlannedDate: "2026-12-01"}, Lines: []model.DocumentLine{line}})
	require.NoError(t, err)
	a.RequestID = "app-declare"
	written, err = svc.Declare(ctx, a, d.ID)
	require.NoError(t, err)

	t.Run("customs' decision is checked before the ledger sees it", func(t *testing.T) {
		height := node.Height(t)
		officer.RequestID = "doc-review-bad"
		_, err := svc.Review(ctx, officer, written.ID, documents.Decision{Decision: "return"})
		var p validation.Problems
		require.ErrorAs(t, err, &p)
		require.Equal(t, "reason", p[0].Field)
		require.Equal(t, height, node.Height(t))
	})
	t.Run("an enterprise cannot review; the chaincode says so", func(t *testing.T) {
		a.RequestID = "doc-review-by-a"
		_, err := svc.Review(ctx, a, written.ID, documents.Decision{Decision: "approve"})
		require.Equal(t, apierror.Forbidden, apierror.From(err).Code)
	})
	officer.RequestID = "doc-review"
	reviewed, err := svc.Review(ctx, officer, written.ID, documents.Decision{Decision: "approve"})
	require.NoError(t, err)
	view, err = svc.View(ctx, reviewed, false)
	require.NoError(t, err)
	require.Equal(t, model.DocApproved, view.Status)

	t.Run("the same review again answers the first one's document", func(t *testing.T) {
		again, err := svc.Review(ctx, officer, written.ID, documents.Decision{Decision: "approve"})
		require.NoError(t, err)
		require.Equal(t, reviewed.Tx.ID, again.Tx.ID)
		require.JSONEq(t, string(reviewed.Payload), string(again.Payload))
	})
	t.Run("a deletion needs a reason", func(t *testing.T) {
		a.RequestID = "doc-delete-bad"
		_, err := svc.RequestDeletion(ctx, a, written.ID, "")
		require.Equal(t, apierror.ValidationFailed, apierror.From(err).Code)
	})
	t.Run("a deletion customs approves voids the document", func(t *testing.T) {
		a.RequestID = "doc-delete"
		asked, err := svc.RequestDeletion(ctx, a, written.ID, "不进区了")
		require.NoError(t, err)
		v, err := svc.View(ctx, asked, false)
		require.NoError(t, err)
		require.Equal(t, model.DocDeletionAsked, v.Status)
		officer.RequestID = "doc-delete-review"
		voided, err := svc.ReviewDeletion(ctx, officer, written.ID, documents.Decision{Decision: "approve", Reason: "同意"})
		require.NoError(t, err)
		v, err = svc.View(ctx, voided, false)
		require.NoError(t, err)
		require.Equal(t, model.DocVoided, v.Status)
		require.True(t, v.DeletedOrModified)
	})
	t.Run("another enterprise cannot see it", func(t *testing.T) {
		b := accounts.User{Username: "ent-b", Role: accounts.RoleEnterprise, EnterpriseID: entB}
		_, err := (&documents.Service{Reads: stored{view}}).Visible(ctx, b, written.ID)
		require.Equal(t, apierror.Forbidden, apierror.From(err).Code)
		got, err := (&documents.Service{Reads: stored{view}}).Visible(ctx, a.Caller, written.ID)
		require.NoError(t, err)
		require.Equal(t, written.ID, got.ID)
	})
}

// stored is a read model holding one document.
type stored struct{ doc query.DocumentView }

func (s stored) Enterprise(context.Context, string) (model.Enterprise, error) {
	return model.Enterprise{}, query.ErrNotFound
}
func (s stored) SearchDocuments(context.Context, query.DocumentFilter) (query.DocumentPage, error) {
	return query.DocumentPage{}, nil
}
func (s stored) SearchDocumentsJSON(context.Context, query.DocumentFilter) (query.JSONPage, error) {
	return query.JSONPage{}, nil
}
func (s stored) Document(_ context.Context, id string) (query.DocumentView, error) {
	if id != s.doc.ID {
		return query.DocumentView{}, query.ErrNotFound
	}
	return s.doc, nil
}
func (s stored) DocumentMovements(context.Context, string) ([]model.Movement, error) { return nil, nil }
func (s stored) DocumentWithMovements(ctx context.Context, id string) (query.DocumentView, []model.Movement, error) {
	d, err := s.Document(ctx, id)
	return d, nil, err
}
func (s stored) Balances(context.Context, query.BalanceFilter) ([]query.BalanceView, error) {
	return nil, nil
}
func (s stored) IncomingTransfers(context.Context, string) ([]model.Document, error) { return nil, nil }
func (s stored) PickableBatches(context.Context, query.PickFilter) ([]query.PickableBatch, error) {
	return nil, nil
}
