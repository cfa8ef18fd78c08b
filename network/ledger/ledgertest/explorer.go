package ledgertest

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testExplorerFields checks what a block explorer and an evidence bundle
// read from a delivered block: the header hashes, the creator's certificate,
// the transaction's committed bytes, the keys it wrote and its endorsements.
func (z *zone) testExplorerFields(t *testing.T) {
	ctx := testContext(t)
	id, res := z.register(ctx, t)
	from := res.BlockNumber
	if from > 0 {
		from--
	}
	blocks := z.blocks(ctx, t, from, res.BlockNumber)
	requireChain(t, blocks, from)
	tx, number, ok := txByID(blocks, res.TxID)
	require.True(t, ok, "transaction %s delivered", res.TxID)
	block := blocks[len(blocks)-1]
	require.Equal(t, res.BlockNumber, number)
	require.Len(t, block.DataHash, 32, "the header's data hash")
	if number > 0 {
		require.Len(t, block.PreviousHash, 32, "the header's previous hash")
	}

	require.Equal(t, z.admin.MspID(), tx.Creator.MspID)
	require.Equal(t, z.admin.Credentials(), tx.Creator.CertPEM, "the creator's certificate as submitted")
	require.NotEmpty(t, tx.Raw, "the transaction's committed bytes")
	require.Equal(t, "RegisterEnterprise", tx.Function)

	wrote := false
	for _, w := range tx.Writes {
		require.NotEmpty(t, w.Namespace, "key %q has a namespace", w.Key)
		wrote = wrote || strings.Contains(w.Key, id)
	}
	require.True(t, wrote, "the enterprise's key %s is among the keys written: %+v", id, tx.Writes)

	if z.f.Endorser != "" {
		require.NotEmpty(t, tx.Endorsements, "an endorsed transaction lists its endorsers")
	}
	endorsed := false
	for _, e := range tx.Endorsements {
		require.True(t, e.SignatureValid, "endorsement by %s verifies", e.MspID)
		requireCertificate(t, e.CertPEM)
		endorsed = endorsed || e.MspID == z.f.Endorser
	}
	if z.f.Endorser != "" {
		require.True(t, endorsed, "endorsed by %s", z.f.Endorser)
	}
}

func requireCertificate(t *testing.T, certPEM []byte) {
	t.Helper()
	block, _ := pem.Decode(certPEM)
	require.NotNil(t, block, "a PEM certificate")
	_, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
}
