package prefilings_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/attachments"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/service/prefilings"
	"zonetrace/gateway/service/servicetest"
	"zonetrace/gateway/validation"
)

const entA, entB = "91320583MA1XXXXX1A", "91320583MA2YYYYY2B"

func completeData(files ...model.Attachment) model.PrefilingData {
	return model.PrefilingData{
		Commodity: "coffee", ProductName: "Yirgacheffe G1", HSCode: "0901110000", Origin: "ET",
		ExporterName: "Addis Export", QuarantineResult: model.QuarantinePending,
		AvgPriceFen: 4500, Currency: "USD", WeightGrams: 19_200_000, Attachments: append([]model.Attachment{}, files...),
	}
}

func problemFields(t *testing.T, err error) []string {
	t.Helper()
	var p validation.Problems
	require.ErrorAs(t, err, &p)
	fields := make([]string, len(p))
	for i, q := range p {
		fields[i] = q.Field
	}
	return fields
}

// TestDeclarationRefusesForeignAttachment runs the prefiling operations on
// the real chaincode: a declaration or supplement listing a file its
// enterprise did not upload is refused before the ledger sees it.
func TestDeclarationRefusesForeignAttachment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	node := servicetest.New(t)
	tx := ledgertx.Submitter{Ledger: node.Ledger}
	reg := &enterprises.Service{Identities: node.Identities, Ledger: tx}
	for i, id := range []string{entA, entB} {
		_, err := reg.Register(ctx, "reg-"+id, enterprises.Registration{ID: id, Name: "E" + string(rune('A'+i)), Kind: model.KindImporter})
		require.NoError(t, err)
	}
	files := attachments.New(node.Pool, node.DataDir, node.Sealer)
	svc := &prefilings.Service{Drafts: drafts.New(node.Pool), Uploads: files, Signers: node.Identities, Ledger: tx}
	a := service.Write{Caller: accounts.User{Username: "ent-a", Role: accounts.RoleEnterprise, EnterpriseID: entA}}
	attach := func(enterpriseID, content string) model.Attachment {
		t.Helper()
		m, err := files.Save(ctx, strings.NewReader("%PDF-1.7\n"+content+"\n%%EOF"), "c.pdf", "someone", enterpriseID, 1<<20)
		require.NoError(t, err)
		return model.Attachment{Kind: model.AttachmentOriginCertificate, Name: m.Name, SHA256: m.SHA256, Size: m.Size}
	}
	own, foreign := attach(entA, "A's certificate"), attach(entB, "B's certificate")
	nobodys := model.Attachment{Kind: model.AttachmentOther, Name: "ghost.pdf", SHA256: strings.Repeat("cd", 32), Size: 1}

	a.RequestID = "draft-1"
	d, err := svc.NewDraft(ctx, a, completeData(own, foreign, nobodys))
	require.NoError(t, err)
	height := node.Height(t)
	a.RequestID = "declare-1"
	_, err = svc.Declare(ctx, a, d.ID)
	require.Equal(t, []string{"data.attachments[1].sha256", "data.attachments[2].sha256"}, problemFields(t, err))
	require.Equal(t, height, node.Height(t), "nothing reached the ledger")
	d, err = svc.Drafts.Get(ctx, entA, d.ID)
	require.NoError(t, err)
	require.Empty(t, d.PrefilingID, "no number was reserved")

	d, err = svc.Drafts.Update(ctx, entA, d.ID, "ent-a", completeData(own))
	require.NoError(t, err)
	written, err := svc.Declare(ctx, a, d.ID)
	require.NoError(t, err)
	require.NotNil(t, written.Tx)
	require.Equal(t, node.Height(t)-1, written.Tx.Block)
	var pf model.Prefiling
	require.NoError(t, json.Unmarshal(written.Payload, &pf))
	require.Equal(t, entA, pf.EnterpriseID)
	require.Equal(t, []model.Attachment{own}, pf.Data.Attachments)

	officer := service.Write{Caller: accounts.User{Username: "officer", Role: accounts.RoleCustomsOfficer}, RequestID: "review-1"}
	_, err = svc.Review(ctx, officer, written.ID, prefilings.Review{Decision: "approve"})
	require.NoError(t, err)

	height = node.Height(t)
	a.RequestID = "supplement-1"
	supplement := model.SupplementData{QuarantineBatchNo: "Q-1", QuarantineResult: model.QuarantineQualified,
		Attachments: []model.Attachment{foreign, own, nobodys}}
	_, err = svc.Supplement(ctx, a, written.ID, supplement)
	require.Equal(t, []string{"attachments[0].sha256", "attachments[2].sha256"}, problemFields(t, err))
	require.Equal(t, height, node.Height(t), "nothing reached the ledger")

	supplement.Attachments = []model.Attachment{own}
	_, err = svc.Supplement(ctx, a, written.ID, supplement)
	require.NoError(t, err)
	require.Equal(t, height+1, node.Height(t))
}
