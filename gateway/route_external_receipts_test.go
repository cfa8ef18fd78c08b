package gateway

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/network/ledger"
)

func receiptSample(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("customsmsg", "testdata", name))
	require.NoError(t, err)
	return raw
}

// fakeChaincodeReceipts makes the fake ledger apply receipts to the known
// documents, and records what it applied.
type fakeChaincodeReceipts struct {
	mu      sync.Mutex
	known   []string
	applied []string // documentID + " " + receipt id
	last    model.ExternalReceipt
}

func (e *env) applyReceipts(known ...string) *fakeChaincodeReceipts {
	f := &fakeChaincodeReceipts{known: known}
	e.ledger.on["ApplyExternalReceipt"] = func(args []string) ([]byte, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if !slices.Contains(f.known, args[1]) {
			return nil, &ledger.ChaincodeError{Message: "NOT_FOUND: document " + args[1]}
		}
		var r model.ExternalReceipt
		if err := json.Unmarshal([]byte(args[2]), &r); err != nil {
			return nil, err
		}
		f.applied = append(f.applied, args[1]+" "+r.ID)
		f.last = r
		return json.Marshal(model.Document{ID: args[1]})
	}
	return f
}

func (f *fakeChaincodeReceipts) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.applied)
}

func TestExternalReceipts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	officer := e.login("officer")
	cc := e.applyReceipts("HZ20240730AB12CD34", "JB20240802QW12ER34")
	post := func(body []byte) resp {
		return e.do(officer, "POST", "/api/v1/external-receipts", body, map[string]string{"Content-Type": "application/xml"})
	}

	t.Run("a receipt for an unknown pre-entry number is 404 and kept", func(t *testing.T) {
		r := post(receiptSample(t, "INV201_stored.xml"))
		require.Equal(t, 404, r.Code, r.Body.String())
		require.Contains(t, r.json(t)["error"].(map[string]any)["message"], "kept")
		require.Empty(t, cc.calls())
	})
	t.Run("the import result ties the number to our document and applies the waiting receipt", func(t *testing.T) {
		r := post(receiptSample(t, "Successed_import.xml"))
		require.Equal(t, 202, r.Code, r.Body.String())
		m := r.json(t)
		require.Equal(t, "HZ20240730AB12CD34", m["correlated"])
		require.Equal(t, []any{"HZ20240730AB12CD34"}, m["applied"])
		require.Equal(t, []string{"HZ20240730AB12CD34 INV201:202400000122717119:Y:2024-07-30 11:46:00"}, cc.calls())
	})
	t.Run("the approval is matched by the learnt number and applied once however often it is resent", func(t *testing.T) {
		r := post(receiptSample(t, "INV201.xml"))
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, false, r.json(t)["duplicate"])
		require.Equal(t, []any{"HZ20240730AB12CD34"}, r.json(t)["applied"])
		require.Equal(t, "QD311124E000098849", cc.last.CustomsNo)
		require.Equal(t, "1", cc.last.ManageResult)

		r = post(receiptSample(t, "INV201.xml"))
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, true, r.json(t)["duplicate"])
		require.Len(t, cc.calls(), 2)
	})
	t.Run("a GBK warehouse receipt return is matched by the declarant's own number", func(t *testing.T) {
		r := post(receiptSample(t, "SAS211_gbk.xml"))
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, []any{"JB20240802QW12ER34"}, r.json(t)["applied"])
		require.Equal(t, "3", cc.last.ManageResult)
		require.Equal(t, "退单：申报表编号与实际业务不符；请核对毛重", cc.last.Note)
	})
	t.Run("a split gate receipt waits for its second pocket, then reaches the checklist it names", func(t *testing.T) {
		r := post(receiptSample(t, "SAS223_pocket2.xml"))
		require.Equal(t, 202, r.Code, r.Body.String())
		require.EqualValues(t, 1, r.json(t)["pocketsMissing"])
		require.Len(t, cc.calls(), 3)

		r = post(receiptSample(t, "SAS223_pocket1.xml"))
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, []any{"HZ20240730AB12CD34"}, r.json(t)["applied"])
		require.Equal(t, "SAS223", cc.last.MessageType)
		require.Len(t, cc.calls(), 4)
	})
	t.Run("a JSON receipt names its document", func(t *testing.T) {
		body := map[string]string{"documentId": "JB20240802QW12ER34", "messageType": "SAS211", "customsNo": "CK311124I000000123",
			"manageResult": "1", "manageDate": "2024-08-03 10:00:00"}
		r := e.do(officer, "POST", "/api/v1/external-receipts", body, nil)
		require.Equal(t, 202, r.Code, r.Body.String())
		require.Equal(t, "SAS211:CK311124I000000123:1:2024-08-03 10:00:00", r.json(t)["receiptId"])
		require.Equal(t, []any{"JB20240802QW12ER34"}, r.json(t)["applied"])
	})
	bad := []struct {
		name   string
		body   any
		status int
	}{
		{"XML that is not a customs message", "<Invoice/>", 400},
		{"a truncated XML file", "<Package><EnvelopInfo>", 400},
		{"a JSON receipt of an unknown type", map[string]string{"documentId": "HZ20240730AB12CD34", "messageType": "INV999", "manageResult": "1", "manageDate": "x"}, 422},
		{"a JSON receipt without document", map[string]string{"messageType": "INV201", "manageResult": "1", "manageDate": "x"}, 422},
		{"a receipt type the ledger does not apply", `<Package><EnvelopInfo><message_type>SAS231</message_type></EnvelopInfo><DataInfo><BussinessData><SAS231><HdeApprResult><businessId>Z1</businessId><manageResult>1</manageResult><manageDate>2024-08-05 10:00:00</manageDate></HdeApprResult></SAS231></BussinessData></DataInfo></Package>`, 422},
	}
	for _, tc := range bad {
		t.Run("it refuses "+tc.name+" and applies nothing", func(t *testing.T) {
			before := len(cc.calls())
			r := e.do(officer, "POST", "/api/v1/external-receipts", tc.body, nil)
			require.Equal(t, tc.status, r.Code, r.Body.String())
			require.Len(t, cc.calls(), before)
		})
	}
	t.Run("enterprises cannot post customs receipts", func(t *testing.T) {
		r := e.do(e.login("ent-a"), "POST", "/api/v1/external-receipts", receiptSample(t, "INV201.xml"), nil)
		require.Equal(t, 403, r.Code)
	})
	t.Run("every message received is kept as received", func(t *testing.T) {
		var n int
		require.NoError(t, e.cfg.Pool.QueryRow(t.Context(), `SELECT count(*) FROM customs_messages`).Scan(&n))
		require.Equal(t, 13, n)
	})
}

func TestExternalReceiptAboveTheBodyLimitIs413(t *testing.T) {
	t.Parallel()
	e := setup(t)
	small := e.cfg
	small.MaxBody = 1024
	g, err := New(small)
	require.NoError(t, err)
	officer := e.login("officer")
	body := append([]byte("<?xml version=\"1.0\"?><x>"), make([]byte, 2048)...)
	r := doOn(t, g, officer, "POST", "/api/v1/external-receipts", body, map[string]string{"Content-Type": "application/xml"})
	require.Equal(t, 413, r.Code, r.Body.String())
	require.Equal(t, "PAYLOAD_TOO_LARGE", r.code(t))
	require.Empty(t, e.ledger.submitted())
}
