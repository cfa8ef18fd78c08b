package customsmsg

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func sample(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return raw
}

func parsePocket(t *testing.T, raw []byte) Pocket {
	t.Helper()
	m, err := Parse(raw)
	require.NoError(t, err)
	require.Equal(t, KindReceipt, m.Kind)
	return m.Pocket
}

func whole(t *testing.T, name string) Receipt {
	t.Helper()
	r, err := Assemble([]Pocket{parsePocket(t, sample(t, name))})
	require.NoError(t, err)
	return r
}

func TestParseReceipts(t *testing.T) {
	t.Parallel()
	t.Run("an INV201 approval in UTF-8 with the xmldsig namespace and unknown head fields", func(t *testing.T) {
		t.Parallel()
		r := whole(t, "INV201.xml")
		require.Equal(t, "INV201", r.MessageType)
		require.Equal(t, "CUS0000E0100002024073011480300878902307", r.MessageID)
		require.Equal(t, "202400000122717119", r.SeqNo, "etpsPreentNo carries the pre-entry number")
		require.Equal(t, "QD311124E000098849", r.BusinessID)
		require.Equal(t, "1", r.ManageResult)
		require.Equal(t, "2024-07-30 11:48:01", r.ManageDate)
		require.Equal(t, []string{"清单审核通过"}, r.Notes)
		require.Equal(t, []string{"HZ20240730AB12CD34"}, r.InnerNos)
		require.Equal(t, []string{"QD311124E000098849"}, r.CustomsNos)
		require.Len(t, r.Raw, 1)
		require.Equal(t, model.ExternalReceipt{
			ID: "INV201:QD311124E000098849:1:2024-07-30 11:48:01", MessageType: "INV201", CustomsNo: "QD311124E000098849",
			ManageResult: "1", ManageDate: "2024-07-30 11:48:01", Note: "清单审核通过",
		}, r.External())
	})
	t.Run("a stored-only receipt without a customs number is keyed by the pre-entry number", func(t *testing.T) {
		t.Parallel()
		r := whole(t, "INV201_stored.xml")
		require.Equal(t, "Y", r.ManageResult)
		require.Empty(t, r.BusinessID)
		require.Equal(t, "INV201:202400000122717119:Y:2024-07-30 11:46:00", r.Key())
	})
	t.Run("a GBK-encoded SAS211 with capitalised element names", func(t *testing.T) {
		t.Parallel()
		raw := sample(t, "SAS211_gbk.xml")
		require.False(t, utf8.Valid(raw), "the sample must really be GBK")
		r := whole(t, "SAS211_gbk.xml")
		require.Equal(t, "SAS211", r.MessageType)
		require.Equal(t, "CK311124I000000123", r.BusinessID)
		require.Equal(t, "3", r.ManageResult)
		require.Equal(t, []string{"退单：申报表编号与实际业务不符", "请核对毛重"}, r.Notes)
		require.Equal(t, []string{"JB20240802QW12ER34"}, r.InnerNos)
		require.Equal(t, "退单：申报表编号与实际业务不符；请核对毛重", r.External().Note)
	})
}

func TestAssembleSplitReceipt(t *testing.T) {
	t.Parallel()
	p1 := parsePocket(t, sample(t, "SAS223_pocket1.xml"))
	p2 := parsePocket(t, sample(t, "SAS223_pocket2.xml"))
	require.True(t, p1.Split())
	require.Equal(t, p1.ID, p2.ID)
	require.Equal(t, 2, p2.No)

	t.Run("pockets in any order make one receipt with the related checklists", func(t *testing.T) {
		t.Parallel()
		r, err := Assemble([]Pocket{p2, p1})
		require.NoError(t, err)
		require.Equal(t, "SAS223", r.MessageType)
		require.Equal(t, "Z3111I240805000000000007", r.BusinessID)
		require.Equal(t, "1", r.ManageResult)
		require.Equal(t, []string{"已过卡"}, r.Notes)
		require.Equal(t, []string{"Z3111I240805000000000007", "QD311124E000098849", "QD311124E000098850"}, r.CustomsNos)
		require.Equal(t, [][]byte{p1.Raw, p2.Raw}, r.Raw)
		ext := r.External()
		require.Empty(t, ext.CustomsNo, "the gate pass number is not the document's number")
		require.Equal(t, "已过卡；核放单 Z3111I240805000000000007", ext.Note)
		require.Equal(t, "SAS223:Z3111I240805000000000007:1:2024-08-05 14:30:10", ext.ID)
	})
	t.Run("a missing pocket is refused", func(t *testing.T) {
		t.Parallel()
		_, err := Assemble([]Pocket{p2})
		require.ErrorIs(t, err, ErrMalformed)
	})
	t.Run("a pocket of another receipt is refused", func(t *testing.T) {
		t.Parallel()
		other := p2
		other.ID = "Z3111I240805000000000008-x"
		_, err := Assemble([]Pocket{p1, other})
		require.ErrorIs(t, err, ErrMalformed)
	})
}

func TestRepeatedReceiptHasTheSameKey(t *testing.T) {
	t.Parallel()
	a := whole(t, "INV201.xml")
	// A resend (回执补发送) has a new message id but the same result.
	resent := bytes.ReplaceAll(sample(t, "INV201.xml"), []byte("CUS0000E0100002024073011480300878902307"), []byte("CUS0000E0100002024073112000000878909999"))
	b, err := Assemble([]Pocket{parsePocket(t, resent)})
	require.NoError(t, err)
	require.NotEqual(t, a.MessageID, b.MessageID)
	require.Equal(t, a.Key(), b.Key())
}

func TestParseImportResults(t *testing.T) {
	t.Parallel()
	m, err := Parse(sample(t, "Successed_import.xml"))
	require.NoError(t, err)
	require.Equal(t, KindImportResult, m.Kind)
	require.True(t, m.ImportResult.OK())
	require.Equal(t, "202400000122717119", m.ImportResult.SeqNo)
	require.Equal(t, "HZ20240730AB12CD34", m.ImportResult.EtpsPreentNo)

	m, err = Parse(sample(t, "Failed_import.xml"))
	require.NoError(t, err)
	require.False(t, m.ImportResult.OK())
	require.Equal(t, "企业内部编号+区内企业编码已存在", m.ImportResult.CheckInfo)
}

func TestParseRefusesBadMessages(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, xml string }{
		{"not XML", "hello"},
		{"an unknown root", `<Invoice><a>1</a></Invoice>`},
		{"no message type", `<Package><EnvelopInfo/></Package>`},
		{"a pocket number beyond the total", `<Package><EnvelopInfo><message_type>INV201</message_type></EnvelopInfo><DataInfo><PocketInfo><pocket_id>x</pocket_id><total_pocket_qty>2</total_pocket_qty><cur_pocket_no>3</cur_pocket_no></PocketInfo></DataInfo></Package>`},
		{"a split receipt without pocket id", `<Package><EnvelopInfo><message_type>INV201</message_type></EnvelopInfo><DataInfo><PocketInfo><total_pocket_qty>2</total_pocket_qty><cur_pocket_no>1</cur_pocket_no></PocketInfo></DataInfo></Package>`},
		{"an unknown character set", `<?xml version="1.0" encoding="x-klingon"?><Package/>`},
		{"a successful import result without SeqNo", `<CommonResponeMessage><EtpsPreentNo>HZ1</EtpsPreentNo><DealFlag>0</DealFlag></CommonResponeMessage>`},
	}
	for _, tc := range cases {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.xml))
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
	t.Run("it refuses a receipt without a result", func(t *testing.T) {
		t.Parallel()
		p := parsePocket(t, []byte(`<Package><EnvelopInfo><message_type>INV201</message_type></EnvelopInfo><DataInfo><BussinessData><INV201><HdeApprResult><businessId>QD1</businessId><manageDate>2024-01-01 00:00:00</manageDate></HdeApprResult></INV201></BussinessData></DataInfo></Package>`))
		_, err := Assemble([]Pocket{p})
		require.ErrorIs(t, err, ErrMalformed)
	})
}

func TestRelatedNumbersAreSplit(t *testing.T) {
	t.Parallel()
	p := parsePocket(t, []byte(`<Package><EnvelopInfo><message_type>SAS223</message_type></EnvelopInfo><DataInfo><BussinessData><SAS223>`+
		`<HdeApprResult><businessId>Z1</businessId><manageResult>1</manageResult><manageDate>2024-01-01 00:00:00</manageDate></HdeApprResult>`+
		`<SasPassportRlt><rltNo>QD1\QD2,QD3; QD4\\QD1;</rltNo></SasPassportRlt><SasPassportRlt><rltNo>QD5</rltNo></SasPassportRlt>`+
		`</SAS223></BussinessData></DataInfo></Package>`))
	r, err := Assemble([]Pocket{p})
	require.NoError(t, err)
	require.Equal(t, []string{"Z1", "QD1", "QD2", "QD3", "QD4", "QD5"}, r.CustomsNos)
}
