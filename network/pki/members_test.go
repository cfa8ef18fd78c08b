package pki_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io/fs"
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/pki"
)

// creator presents an identity as a transaction creator to cid.
type creator struct{ serialized []byte }

func (c creator) GetCreator() ([]byte, error) { return c.serialized, nil }

func asCreator(t *testing.T, mspID string, certPEM []byte) creator {
	t.Helper()
	b, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: certPEM})
	require.NoError(t, err)
	return creator{b}
}

func officer(name string) pki.Member {
	return pki.Member{MspID: pki.CustomsMSP, Name: name, OU: pki.OUClient,
		Attrs: map[string]string{"zt.user": name, "zt.role": "customs_officer"}}
}

func TestEnrolIssuesCertificatesTheChaincodeReads(t *testing.T) {
	t.Parallel()
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	id, err := p.Enrol(officer("li.wei"))
	require.NoError(t, err)

	stub := asCreator(t, pki.CustomsMSP, id.Credentials())
	role, found, err := cid.GetAttributeValue(stub, "zt.role")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "customs_officer", role)
	user, _, err := cid.GetAttributeValue(stub, "zt.user")
	require.NoError(t, err)
	require.Equal(t, "li.wei", user)
	require.Equal(t, "li.wei", id.Certificate().Subject.CommonName)
	_, err = p.Verify(pki.CustomsMSP, id.Credentials())
	require.NoError(t, err)

	again, err := p.Enrol(officer("li.wei"))
	require.NoError(t, err)
	require.Equal(t, id.Fingerprint(), again.Fingerprint(), "an unchanged member keeps its certificate")

	t.Run("a named identity of the same name is a different identity", func(t *testing.T) {
		named, err := p.Issue(pki.CustomsMSP, "li.wei", pki.OUClient)
		require.NoError(t, err)
		require.NotEqual(t, id.Fingerprint(), named.Fingerprint())
		require.Empty(t, named.Attributes())
	})
}

func TestMemberRotationAndRevocation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := pki.Open(dir)
	require.NoError(t, err)
	first, err := p.Enrol(officer("wang.fang"))
	require.NoError(t, err)

	t.Run("another role rotates the certificate and revokes the old one", func(t *testing.T) {
		_, err := p.Verify(pki.CustomsMSP, first.Credentials())
		require.NoError(t, err, "valid, and remembered as verified")
		m := officer("wang.fang")
		m.Attrs["zt.role"] = "customs_admin"
		second, err := p.Enrol(m)
		require.NoError(t, err)
		require.NotEqual(t, first.Fingerprint(), second.Fingerprint())
		require.Equal(t, "customs_admin", second.Attributes()["zt.role"])
		_, err = p.Verify(pki.CustomsMSP, first.Credentials())
		require.ErrorIs(t, err, pki.ErrRevoked)
		_, err = p.Verify(pki.CustomsMSP, second.Credentials())
		require.NoError(t, err)
	})

	t.Run("a revoked member has no identity until enrolled again", func(t *testing.T) {
		current, err := p.LoadMember(pki.CustomsMSP, "wang.fang")
		require.NoError(t, err)
		revoked, err := p.RevokeMember(pki.CustomsMSP, "wang.fang")
		require.NoError(t, err)
		require.True(t, revoked)
		_, err = p.LoadMember(pki.CustomsMSP, "wang.fang")
		require.ErrorIs(t, err, fs.ErrNotExist)
		_, err = p.Verify(pki.CustomsMSP, current.Credentials())
		require.ErrorIs(t, err, pki.ErrRevoked)

		again, err := p.RevokeMember(pki.CustomsMSP, "wang.fang")
		require.NoError(t, err)
		require.False(t, again, "nothing left to revoke")

		t.Run("the revocation survives a restart", func(t *testing.T) {
			reopened, err := pki.Open(dir)
			require.NoError(t, err)
			_, err = reopened.Verify(pki.CustomsMSP, current.Credentials())
			require.ErrorIs(t, err, pki.ErrRevoked)
		})
		t.Run("the CA publishes a CRL it signed listing the serial", func(t *testing.T) {
			crlPEM, err := p.CRL(pki.CustomsMSP)
			require.NoError(t, err)
			block, _ := pem.Decode(crlPEM)
			require.NotNil(t, block)
			require.Equal(t, "X509 CRL", block.Type)
			crl, err := x509.ParseRevocationList(block.Bytes)
			require.NoError(t, err)
			caPEM, err := p.CACertPEM(pki.CustomsMSP)
			require.NoError(t, err)
			caBlock, _ := pem.Decode(caPEM)
			ca, err := x509.ParseCertificate(caBlock.Bytes)
			require.NoError(t, err)
			require.NoError(t, crl.CheckSignatureFrom(ca))
			var serials []string
			for _, e := range crl.RevokedCertificateEntries {
				serials = append(serials, e.SerialNumber.String())
			}
			require.Contains(t, serials, first.Certificate().SerialNumber.String())
			require.Contains(t, serials, current.Certificate().SerialNumber.String())
		})
	})

	t.Run("other CAs' lists are untouched", func(t *testing.T) {
		crl, err := p.CRL(pki.ZoneAdminMSP)
		require.NoError(t, err)
		require.Nil(t, crl)
	})
}

func TestVerifyRefusesAForeignCertificateWithTheRightAttributes(t *testing.T) {
	t.Parallel()
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	attrs, err := json.Marshal(attrmgr.Attributes{Attrs: map[string]string{"zt.user": "mallory", "zt.role": "customs_admin"}})
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:    big.NewInt(99),
		Subject:         pkix.Name{CommonName: "mallory", Organization: []string{"customs.zonetrace.local"}, OrganizationalUnit: []string{"client"}},
		NotBefore:       time.Now().Add(-time.Hour),
		NotAfter:        time.Now().Add(time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: attrmgr.AttrOID, Value: attrs}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	_, err = p.Verify(pki.CustomsMSP, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	require.ErrorContains(t, err, "unknown authority")
}

func TestEnrolRefusesBadMembers(t *testing.T) {
	t.Parallel()
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		m    pki.Member
		want string
	}{
		{"an unknown MSP", pki.Member{MspID: "Org1MSP", Name: "a", OU: pki.OUClient}, "unknown MSP"},
		{"a path as name", pki.Member{MspID: pki.CustomsMSP, Name: "../a", OU: pki.OUClient}, "must not start"},
		{"a peer OU", pki.Member{MspID: pki.CustomsMSP, Name: "a", OU: "peer"}, "neither"},
	} {
		_, err := p.Enrol(tc.m)
		require.ErrorContains(t, err, tc.want, tc.name)
	}
}
