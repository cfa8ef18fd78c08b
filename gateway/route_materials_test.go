package gateway

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/require"

	"zonetrace/indexer/query"
)

func TestMaterials(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.reads.trace.materials = map[string][]query.MaterialBatch{"M-100 A": {
		{PrefilingID: "PF1", EnterpriseID: entA, TraceCode: "KSCF261126000071", WeightGrams: 19_200_000, StockGrams: 14_000_000},
		{PrefilingID: "PF2", EnterpriseID: entA, WeightGrams: 1_000_000},
		{PrefilingID: "PF3", EnterpriseID: entB, WeightGrams: 5_000_000, StockGrams: 5_000_000},
	}}
	a, b, officer := e.login("ent-a"), e.login("ent-b"), e.login("officer")
	const plain = "/api/v1/materials/M-100%20A"

	t.Run("a material number without a visible batch is 404", func(t *testing.T) {
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/materials/M-404", nil, nil).Code)
	})

	t.Run("an enterprise gets only its own batches, whatever it asks", func(t *testing.T) {
		r := e.do(a, "GET", plain+"?enterpriseId="+entB, nil, nil)
		require.Equal(t, 200, r.Code, r.Body.String())
		m := r.json(t)
		require.Equal(t, "M-100 A", m["materialNo"])
		require.Len(t, m["batches"], 2)
		require.EqualValues(t, 20_200_000, m["weightGrams"])
		require.EqualValues(t, 14_000_000, m["stockGrams"])
		require.Equal(t, "https://trace.example/materials/M-100%20A?enterpriseId="+entA, m["uri"])
		require.Len(t, e.do(b, "GET", plain, nil, nil).json(t)["batches"], 1)
	})
	t.Run("customs sees every enterprise's, or one's", func(t *testing.T) {
		require.Len(t, e.do(officer, "GET", plain, nil, nil).json(t)["batches"], 3)
		one := e.do(officer, "GET", plain+"?enterpriseId="+entB, nil, nil).json(t)
		require.Len(t, one["batches"], 1)
		require.Equal(t, "https://trace.example/materials/M-100%20A?enterpriseId="+entB, one["uri"])
	})
	t.Run("the QR opens the material's page", func(t *testing.T) {
		r := e.do(a, "GET", plain+"/qr.png?size=256", nil, nil)
		require.Equal(t, 200, r.Code)
		img, err := png.Decode(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		require.NoError(t, err)
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		require.NoError(t, err)
		require.Equal(t, "https://trace.example/materials/M-100%20A?enterpriseId="+entA, res.GetText())
		require.Equal(t, 422, e.do(a, "GET", plain+"/qr.png?size=64", nil, nil).Code)
		require.Equal(t, 404, e.do(a, "GET", "/api/v1/materials/M-404/qr.png", nil, nil).Code)
	})
	t.Run("anonymous is refused", func(t *testing.T) {
		require.Equal(t, 401, e.do("", "GET", plain, nil, nil).Code)
	})
}

func TestTraceEPCIS(t *testing.T) {
	t.Parallel()
	e := setup(t)
	code := e.issuedCode(t)
	a, b, officer := e.login("ent-a"), e.login("ent-b"), e.login("officer")

	r := e.do(officer, "GET", "/api/v1/trace-codes/"+code+"/epcis", nil, nil)
	require.Equal(t, 200, r.Code, r.Body.String())
	require.Equal(t, "application/ld+json; charset=utf-8", r.Header().Get("Content-Type"))
	doc := r.json(t)
	require.Equal(t, "EPCISDocument", doc["type"])
	events := doc["epcisBody"].(map[string]any)["eventList"].([]any)
	require.NotEmpty(t, events)

	require.Equal(t, 200, e.do(a, "GET", "/api/v1/trace-codes/"+code+"/epcis", nil, nil).Code, "the owner")
	require.Equal(t, 200, e.do(b, "GET", "/api/v1/trace-codes/"+code+"/epcis", nil, nil).Code, "an enterprise that held the goods")
	e.reads.mu.Lock()
	e.reads.trace.journeys[code] = nil
	e.reads.mu.Unlock()
	require.Equal(t, 403, e.do(b, "GET", "/api/v1/trace-codes/"+code+"/epcis", nil, nil).Code, "one that never held them")
	require.Equal(t, 404, e.do(officer, "GET", "/api/v1/trace-codes/KSCF261126000990/epcis", nil, nil).Code)
	require.Equal(t, 401, e.do("", "GET", "/api/v1/trace-codes/"+code+"/epcis", nil, nil).Code)
}
