package pki_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/network/pki"
)

// cryptogenLayout copies a dev PKI's CAs into the file layout Fabric's
// cryptogen writes, so the test needs no Fabric binary.
func cryptogenLayout(t *testing.T, src *pki.PKI, srcDir string) string {
	t.Helper()
	root := t.TempDir()
	for _, msp := range pki.MSPs {
		certPEM, err := src.CACertPEM(msp)
		require.NoError(t, err)
		keyPEM, err := os.ReadFile(filepath.Join(srcDir, msp, "ca", "key.pem"))
		require.NoError(t, err)
		domain := map[string]string{pki.CustomsMSP: "customs", pki.ZoneAdminMSP: "zoneadmin", pki.WarehouseMSP: "warehouse"}[msp] + ".zonetrace.local"
		dir := filepath.Join(root, "peerOrganizations", domain, "ca")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ca."+domain+"-cert.pem"), certPEM, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "priv_sk"), keyPEM, 0o600))
	}
	return root
}

func TestOpenCryptogen(t *testing.T) {
	t.Parallel()
	srcDir := t.TempDir()
	src, err := pki.Open(srcDir)
	require.NoError(t, err)
	crypto := cryptogenLayout(t, src, srcDir)

	t.Run("identities it issues chain to the cryptogen CAs", func(t *testing.T) {
		store := t.TempDir()
		p, err := pki.OpenCryptogen(crypto, store)
		require.NoError(t, err)
		id, err := p.Issue(pki.ZoneAdminMSP, "ent-1", pki.OUClient)
		require.NoError(t, err)
		_, err = src.Verify(pki.ZoneAdminMSP, id.Credentials())
		require.NoError(t, err, "the original CA vouches for the issued identity")
		requireMode(t, filepath.Join(store, pki.ZoneAdminMSP, "users", "ent-1", "key.pem"), 0o600)
		_, err = os.Stat(filepath.Join(store, pki.ZoneAdminMSP, "ca"))
		require.ErrorIs(t, err, os.ErrNotExist, "the CA key is not copied into the store")
	})
	t.Run("a missing CA key is an error naming the MSP", func(t *testing.T) {
		broken := cryptogenLayout(t, src, srcDir)
		require.NoError(t, os.Remove(filepath.Join(broken, "peerOrganizations", "warehouse.zonetrace.local", "ca", "priv_sk")))
		_, err := pki.OpenCryptogen(broken, t.TempDir())
		require.ErrorContains(t, err, pki.WarehouseMSP)
	})
}
