package indexer_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// certificate issues a self-signed certificate for cn carrying attrs the
// way a Fabric CA does.
func certificate(t *testing.T, cn string, attrs map[string]string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	if attrs != nil {
		require.NoError(t, attrmgr.New().AddAttributesToCert(&attrmgr.Attributes{Attrs: attrs}, tmpl))
		// x509 writes a template's ExtraExtensions, as Fabric CA uses them.
		tmpl.ExtraExtensions, tmpl.Extensions = tmpl.Extensions, nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestCertIndividual(t *testing.T) {
	t.Parallel()
	withAttrs := certificate(t, "ent-a", map[string]string{
		model.AttrUserID: "u-42", model.AttrUserRole: "enterprise", model.AttrEnterpriseID: "91320583MA1XYZ0001",
	})
	require.Equal(t, indexer.Individual{Name: "ent-a", UserID: "u-42", Role: "enterprise", EnterpriseID: "91320583MA1XYZ0001"},
		indexer.CertIndividual(withAttrs))
	require.Equal(t, indexer.Individual{Name: "gateway-customs"}, indexer.CertIndividual(certificate(t, "gateway-customs", nil)),
		"an organisation certificate names no individual beyond its common name")
	require.Equal(t, indexer.Individual{}, indexer.CertIndividual([]byte("not a certificate")))
}
