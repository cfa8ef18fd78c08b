package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// TestDeclarationRefusesForeignAttachment: a declaration or supplement may
// anchor only files its own enterprise uploaded. Another enterprise's file,
// or a hash nobody uploaded, is 422 with a problem per such attachment, and
// nothing reaches the ledger. (Documents carry no attachments.)
func TestDeclarationRefusesForeignAttachment(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.echoPrefiling()
	a, b := e.login("ent-a"), e.login("ent-b")
	attach := func(token, name, content string) model.Attachment {
		t.Helper()
		r := upload(t, e, token, name, []byte("%PDF-1.7\n"+content+"\n%%EOF"))
		require.Equal(t, 201, r.Code, r.Body.String())
		m := r.json(t)
		return model.Attachment{Kind: model.AttachmentOriginCertificate, Name: name, SHA256: m["sha256"].(string), Size: int64(m["size"].(float64))}
	}
	own := attach(a, "own.pdf", "A's certificate")
	foreign := attach(b, "foreign.pdf", "B's certificate")
	nobodys := model.Attachment{Kind: model.AttachmentOther, Name: "ghost.pdf", SHA256: strings.Repeat("ab", 32), Size: 10}

	problemFields := func(t *testing.T, r resp) []string {
		t.Helper()
		require.Equal(t, 422, r.Code, r.Body.String())
		require.Equal(t, "VALIDATION_FAILED", r.code(t))
		var fields []string
		for _, d := range r.json(t)["error"].(map[string]any)["details"].([]any) {
			fields = append(fields, d.(map[string]any)["field"].(string))
		}
		return fields
	}

	t.Run("prefiling declaration", func(t *testing.T) {
		data := completeData()
		data.Attachments = []model.Attachment{own, foreign, nobodys}
		r := e.do(a, "POST", "/api/v1/prefiling-drafts", map[string]any{"data": data}, nil)
		require.Equal(t, 201, r.Code, r.Body.String())
		id := r.json(t)["id"].(string)

		r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, []string{"data.attachments[1].sha256", "data.attachments[2].sha256"}, problemFields(t, r))
		require.Empty(t, e.ledger.submitted(), "nothing was submitted")
		require.NotContains(t, e.do(a, "GET", "/api/v1/prefiling-drafts/"+id, nil, nil).json(t), "declaredPrefilingId")

		data.Attachments = []model.Attachment{own}
		require.Equal(t, 200, e.do(a, "PUT", "/api/v1/prefiling-drafts/"+id, map[string]any{"data": data}, nil).Code)
		r = e.do(a, "POST", "/api/v1/prefiling-drafts/"+id+"/declare", nil, nil)
		require.Equal(t, 201, r.Code, "with only its own file the draft declares: %s", r.Body.String())
		require.Equal(t, []string{"DeclarePrefiling"}, e.ledger.submitted())
	})

	t.Run("supplement", func(t *testing.T) {
		pf := model.Prefiling{ID: "PF20250101AAAAAAAA", EnterpriseID: entA, Status: model.PrefilingApproved, Data: completeData(), Version: 2}
		e.reads.mu.Lock()
		e.reads.prefilings[pf.ID] = query.PrefilingView{Prefiling: pf}
		e.reads.mu.Unlock()
		e.ledger.on["DeclareSupplement"] = func([]string) ([]byte, error) { return json.Marshal(pf) }
		before := e.ledger.submitted()
		supplement := model.SupplementData{QuarantineBatchNo: "Q-1", QuarantineResult: model.QuarantineQualified,
			Attachments: []model.Attachment{foreign, own, nobodys}}
		r := e.do(a, "POST", "/api/v1/prefilings/"+pf.ID+"/supplement", supplement, nil)
		require.Equal(t, []string{"attachments[0].sha256", "attachments[2].sha256"}, problemFields(t, r))
		require.Equal(t, before, e.ledger.submitted(), "nothing was submitted")
		require.Contains(t, r.Body.String(), "不是本企业上传的附件")

		supplement.Attachments = []model.Attachment{own}
		r = e.do(a, "POST", "/api/v1/prefilings/"+pf.ID+"/supplement", supplement, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		require.Equal(t, append(before, "DeclareSupplement"), e.ledger.submitted())
	})
}
