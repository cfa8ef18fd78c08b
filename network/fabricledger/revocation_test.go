package fabricledger

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/pki"
)

// TestConfigUpdateIsSignedByTheAdmin checks the two signatures Fabric
// verifies: the admin's over signature header and update (the org's Admins
// policy) and the creator's over the envelope payload (channel Writers).
func TestConfigUpdateIsSignedByTheAdmin(t *testing.T) {
	t.Parallel()
	p, err := pki.Open(t.TempDir())
	require.NoError(t, err)
	admin, err := p.Issue(pki.CustomsMSP, "msp-admin", pki.OUAdmin)
	require.NoError(t, err)
	update, err := proto.Marshal(&common.ConfigUpdate{ChannelId: "zonetrace"})
	require.NoError(t, err)

	env, err := signedConfigUpdate(admin, update)
	require.NoError(t, err)
	pub := admin.Certificate().PublicKey.(*ecdsa.PublicKey)
	requireSignedBy := func(header, msg, sig []byte) {
		t.Helper()
		var sh common.SignatureHeader
		require.NoError(t, proto.Unmarshal(header, &sh))
		var creator msp.SerializedIdentity
		require.NoError(t, proto.Unmarshal(sh.GetCreator(), &creator))
		require.Equal(t, pki.CustomsMSP, creator.GetMspid())
		require.Equal(t, admin.Credentials(), creator.GetIdBytes())
		require.Len(t, sh.GetNonce(), 24)
		digest := sha256.Sum256(msg)
		require.True(t, ecdsa.VerifyASN1(pub, digest[:], sig))
	}

	var payload common.Payload
	require.NoError(t, proto.Unmarshal(env.GetPayload(), &payload))
	requireSignedBy(payload.GetHeader().GetSignatureHeader(), env.GetPayload(), env.GetSignature())
	var ch common.ChannelHeader
	require.NoError(t, proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch))
	require.Equal(t, common.HeaderType_CONFIG_UPDATE, common.HeaderType(ch.GetType()))
	require.Equal(t, "zonetrace", ch.GetChannelId())

	var cue common.ConfigUpdateEnvelope
	require.NoError(t, proto.Unmarshal(payload.GetData(), &cue))
	require.Equal(t, update, cue.GetConfigUpdate())
	require.Len(t, cue.GetSignatures(), 1)
	s := cue.GetSignatures()[0]
	requireSignedBy(s.GetSignatureHeader(), append(append([]byte(nil), s.GetSignatureHeader()...), update...), s.GetSignature())
}

func TestLastConfigIndexReadsTheOrdererMetadata(t *testing.T) {
	t.Parallel()
	obm, err := proto.Marshal(&common.OrdererBlockMetadata{LastConfig: &common.LastConfig{Index: 7}})
	require.NoError(t, err)
	md, err := proto.Marshal(&common.Metadata{Value: obm})
	require.NoError(t, err)
	b := &common.Block{Metadata: &common.BlockMetadata{Metadata: [][]byte{md, nil, nil, nil, nil}}}
	n, err := lastConfigIndex(b)
	require.NoError(t, err)
	require.Equal(t, uint64(7), n)

	_, err = lastConfigIndex(&common.Block{})
	require.ErrorContains(t, err, "without signatures metadata")
}
