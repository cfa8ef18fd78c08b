package gateway

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

func TestTraceCodes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const code = "CF2501010001X"
	e.reads.traceCodes[code] = model.TraceCode{Code: code, PrefilingID: "PF20250101AAAAAAAA", EnterpriseID: entA}
	e.reads.prefilings["PF20250101AAAAAAAA"] = query.PrefilingView{Prefiling: model.Prefiling{ID: "PF20250101AAAAAAAA", EnterpriseID: entA}}
	a, b := e.login("ent-a"), e.login("ent-b")

	t.Run("the owner gets the code, its prefiling and its public URI", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/trace-codes/"+code, nil, nil)
		require.Equal(t, 200, r.Code)
		m := r.json(t)
		require.Equal(t, "https://trace.example/t/"+code, m["uri"])
		require.Equal(t, "PF20250101AAAAAAAA", m["prefiling"].(map[string]any)["id"])
	})
	t.Run("another enterprise is forbidden", func(t *testing.T) {
		require.Equal(t, 403, e.do(b, "GET", "/api/v1/trace-codes/"+code, nil, nil).Code)
		require.Equal(t, 403, e.do(b, "GET", "/api/v1/trace-codes/"+code+"/qr.png", nil, nil).Code)
	})
	t.Run("the QR decodes to the public URI at the asked size", func(t *testing.T) {
		r := e.do(a, "GET", "/api/v1/trace-codes/"+code+"/qr.png?size=300", nil, nil)
		require.Equal(t, 200, r.Code)
		require.Equal(t, "image/png", r.Header().Get("Content-Type"))
		img, err := png.Decode(bytes.NewReader(r.Body.Bytes()))
		require.NoError(t, err)
		require.Equal(t, 300, img.Bounds().Dx())
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		require.NoError(t, err)
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		require.NoError(t, err)
		require.Equal(t, "https://trace.example/t/"+code, res.GetText())
	})
	t.Run("a size out of range is 422, not a number 400", func(t *testing.T) {
		require.Equal(t, 422, e.do(a, "GET", "/api/v1/trace-codes/"+code+"/qr.png?size=64", nil, nil).Code)
		require.Equal(t, 422, e.do(a, "GET", "/api/v1/trace-codes/"+code+"/qr.png?size=4096", nil, nil).Code)
		require.Equal(t, 400, e.do(a, "GET", "/api/v1/trace-codes/"+code+"/qr.png?size=big", nil, nil).Code)
	})
}
