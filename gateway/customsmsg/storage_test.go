package customsmsg

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Storage receipts (INV200/SAS200 …) answer whether customs stored the
// message we sent; they are read apart from approval receipts.
func TestStorageReceipts(t *testing.T) {
	t.Parallel()
	t.Run("an INV200 says the checklist was stored", func(t *testing.T) {
		t.Parallel()
		m, err := Parse(sample(t, "INV200.xml"))
		require.NoError(t, err)
		require.Equal(t, KindStorageReceipt, m.Kind)
		r := m.Storage
		require.True(t, r.Stored())
		require.Equal(t, "INV200", r.MessageType)
		require.Equal(t, []string{"202400000122717119"}, r.Numbers())
		require.Equal(t, "2024-07-30 11:58:01", r.ManageDate)
		require.Equal(t, "入库成功", r.Remark)
		require.NotEmpty(t, r.Raw)
	})
	t.Run("an SAS200 that failed keeps customs' reason", func(t *testing.T) {
		t.Parallel()
		m, err := Parse(sample(t, "SAS200_failed.xml"))
		require.NoError(t, err)
		require.Equal(t, KindStorageReceipt, m.Kind)
		require.False(t, m.Storage.Stored())
		require.Equal(t, "表体第1项商品编码[0901210000]与账册备案不一致", m.Storage.Remark)
	})
	t.Run("a storage receipt without its result, with an unknown result or without any number is malformed", func(t *testing.T) {
		t.Parallel()
		for name, result := range map[string]string{
			"no result":      ``,
			"unknown result": `<MsgReceResult><etpsPreentNo>202400000122717119</etpsPreentNo><manageResult>3</manageResult></MsgReceResult>`,
			"no number":      `<MsgReceResult><manageResult>1</manageResult></MsgReceResult>`,
		} {
			raw := []byte(`<Package><EnvelopInfo><message_type>INV200</message_type></EnvelopInfo><DataInfo><BussinessData><INV200>` +
				result + `</INV200></BussinessData></DataInfo></Package>`)
			_, err := Parse(raw)
			require.ErrorIs(t, err, ErrMalformed, name)
		}
	})
}
