package embedded

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// forgedSigner presents one identity's certificate under any MSP ID and
// signs with any key.
type forgedSigner struct {
	mspID string
	cert  []byte
	sign  func(digest []byte) ([]byte, error)
}

func (s forgedSigner) MspID() string                      { return s.mspID }
func (s forgedSigner) Credentials() []byte                { return s.cert }
func (s forgedSigner) Sign(digest []byte) ([]byte, error) { return s.sign(digest) }

func TestBadTransactionsAreRefusedBeforeExecution(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	warehouse, err := f.pki.Issue(pki.WarehouseMSP, "clerk", pki.OUClient)
	require.NoError(t, err)
	strangerKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	officer := pki.Member{MspID: pki.CustomsMSP, Name: "li.wei", OU: pki.OUClient,
		Attrs: map[string]string{"zt.user": "li.wei", "zt.role": "customs_officer"}}
	revoked, err := f.pki.Enrol(officer)
	require.NoError(t, err)
	_, err = f.pki.RevokeMember(pki.CustomsMSP, "li.wei")
	require.NoError(t, err)
	foreign := foreignIdentity(t, pki.CustomsMSP, officer)

	for _, tc := range []struct {
		name   string
		signer ledger.Signer
		reason string
	}{
		{
			name:   "a certificate claimed under another MSP is refused",
			signer: forgedSigner{mspID: pki.CustomsMSP, cert: warehouse.Credentials(), sign: warehouse.Sign},
			reason: "not a member of CustomsMSP",
		},
		{
			name: "a signature by another key is refused",
			signer: forgedSigner{mspID: pki.CustomsMSP, cert: f.customs.Credentials(), sign: func(d []byte) ([]byte, error) {
				return ecdsa.SignASN1(rand.Reader, strangerKey, d)
			}},
			reason: "proposal signature",
		},
		{
			name:   "a revoked certificate is refused",
			signer: revoked,
			reason: "certificate revoked",
		},
		{
			name:   "a certificate of a foreign CA with the right names and attributes is refused",
			signer: foreign,
			reason: "unknown authority",
		},
		{
			name:   "an MSP the verifier does not know is refused",
			signer: forgedSigner{mspID: "Org1MSP", cert: f.customs.Credentials(), sign: f.customs.Sign},
			reason: "not a member of Org1MSP",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.contract.pause = func(string) { t.Error("chaincode ran for a refused transaction") }
			defer func() { f.contract.pause = nil }()

			_, err := f.ledger.Submit(ctx, tc.signer, "Incr", "k")
			var refused *RefusedError
			require.ErrorAs(t, err, &refused)
			require.Contains(t, refused.Reason, tc.reason)
			require.ErrorIs(t, err, ledger.ErrEndorsement)

			_, err = f.ledger.Evaluate(ctx, tc.signer, "Incr", "k")
			require.ErrorAs(t, err, &refused)

			height, err := f.ledger.Height(ctx)
			require.NoError(t, err)
			require.Zero(t, height)
		})
	}

	t.Run("a replayed proposal is refused", func(t *testing.T) {
		sp, err := newSignedProposal(testChannel, f.customs, time.Now(), "Put", []string{"k", "v"})
		require.NoError(t, err)
		p, err := f.ledger.endorseAndOrder(ctx, f.customs, sp)
		require.NoError(t, err)
		out := <-p.done
		require.Equal(t, codeValid, out.code)

		_, err = f.ledger.endorseAndOrder(ctx, f.customs, sp)
		var refused *RefusedError
		require.ErrorAs(t, err, &refused)
		require.Contains(t, refused.Reason, "replay")
	})

	t.Run("a proposal for another channel is refused", func(t *testing.T) {
		sp, err := newSignedProposal("other", f.customs, time.Now(), "Put", []string{"k", "v"})
		require.NoError(t, err)
		_, err = f.ledger.endorseAndOrder(ctx, f.customs, sp)
		var refused *RefusedError
		require.ErrorAs(t, err, &refused)
		require.Contains(t, refused.Reason, "channel")
	})
}

// foreignIdentity is m's certificate, names and attributes alike, issued by
// a CA of its own rather than mspID's.
func foreignIdentity(t *testing.T, mspID string, m pki.Member) *pki.Identity {
	t.Helper()
	other, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	id, err := other.Enrol(m)
	require.NoError(t, err)
	require.Equal(t, mspID, id.MspID())
	return id
}

func mustCreator(t *testing.T, s ledger.Signer) []byte {
	t.Helper()
	b, err := proto.Marshal(&msp.SerializedIdentity{Mspid: s.MspID(), IdBytes: s.Credentials()})
	require.NoError(t, err)
	return b
}
