package platform

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// TestEachOfficerSignsAsThemselves shows that the chain, the timeline API
// and the indexer name the individual who acted, and that the ledger admits
// only certificates its organisations' CAs issued and did not revoke.
func TestEachOfficerSignsAsThemselves(t *testing.T) {
	ctx := context.Background()
	n := startNode(t)
	admin := n.staffEnterpriseA([]map[string]string{
		{"username": "li.wei", "displayName": "李伟", "role": "customs_officer"},
		{"username": "wang.fang", "displayName": "王芳", "role": "customs_admin"},
		{"username": "zhao.qiang", "displayName": "赵强", "role": "auditor"},
	})
	a, li, wang, auditor := n.client("ent-a"), n.client("li.wei"), n.client("wang.fang"), n.client("zhao.qiang")

	declare := func(product string) model.Prefiling {
		var d draftJSON
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts", map[string]any{"data": coffee(product)}, &d))
		var p model.Prefiling
		require.NoError(t, a.Post(ctx, "/api/v1/prefiling-drafts/"+d.ID+"/declare", nil, &p))
		return p
	}
	first, second := declare("耶加雪菲 G1"), declare("西达摩 G2")
	require.NoError(t, li.Post(ctx, "/api/v1/prefilings/"+first.ID+"/review", map[string]string{"decision": "approve"}, nil))
	require.NoError(t, wang.Post(ctx, "/api/v1/prefilings/"+second.ID+"/review", map[string]string{"decision": "approve"}, nil))

	officers := map[string][2]string{first.ID: {"li.wei", model.UserCustomsOfficer}, second.ID: {"wang.fang", model.UserCustomsAdmin}}
	for id, who := range officers {
		var seen model.Prefiling
		require.NoError(t, a.Get(ctx, "/api/v1/prefilings/"+id+"?wait=indexed", &seen))
		require.Len(t, seen.Steps, 2)
		require.Equal(t, "ent-a", seen.Steps[0].Actor.UserID, "the clerk who declared")
		require.Equal(t, model.UserEnterprise, seen.Steps[0].Actor.UserRole)
		review := seen.Steps[1].Actor
		require.Equal(t, who[0], review.UserID, "the timeline names the officer who reviewed %s", id)
		require.Equal(t, who[1], review.UserRole)
		require.Equal(t, model.CustomsMSP, review.MspID, "and the organisation")
		require.Equal(t, model.RoleCustoms, review.Role)

		var indexed [2]string // user id and role
		require.NoError(t, n.Pool.QueryRow(ctx, `SELECT actor_user_id, actor_user_role FROM prefiling_steps
			WHERE prefiling_id = $1 AND seq = 2`, id).Scan(&indexed[0], &indexed[1]))
		require.Equal(t, who, indexed, "the indexer names the officer of %s", id)

		onChain := n.evaluatePrefiling(t, id)
		require.Equal(t, review, onChain.Steps[1].Actor, "the ledger's history names the officer of %s", id)

		var tx query.TxDetail
		require.NoError(t, auditor.Get(ctx, "/api/v1/explorer/transactions/"+seen.Steps[1].TxID, &tx))
		require.Equal(t, "ReviewPrefiling", tx.Function)
		require.Equal(t, model.CustomsMSP, tx.CreatorMspID, "the explorer names the organisation")
		require.Equal(t, indexer.Individual{Name: who[0], UserID: who[0], Role: who[1]}, tx.Individual,
			"the explorer names the officer who reviewed %s", id)
	}

	// Submissions straight to the ledger, past the gateway.
	third := declare("花魁")
	review := func(signer ledger.Signer, requestID string) error {
		_, err := n.Ledger.Submit(ctx, signer, "ReviewPrefiling", requestID, third.ID, "approve", "")
		return err
	}
	// Fabric's peers give no reason beyond "access denied"; the embedded
	// ledger names it.
	refusedByLedger := func(t *testing.T, err error, because string) {
		t.Helper()
		require.Error(t, err)
		var cc *ledger.ChaincodeError
		require.NotErrorAs(t, err, &cc, "refused before the chaincode ran")
		if n.fabricConnection != "" {
			because = "access denied"
		}
		require.Contains(t, strings.ToLower(err.Error()), because)
	}

	t.Run("a certificate of a foreign CA with the right attributes is refused", func(t *testing.T) {
		before := n.state()
		refusedByLedger(t, review(foreignOfficer(t), "foreign-1"), "unknown authority")
		require.Equal(t, before, n.state())
	})

	t.Run("a certificate naming a role its MSP may not issue is refused", func(t *testing.T) {
		forged, err := n.PKI.Enrol(pki.Member{MspID: pki.CustomsMSP, Name: "mixed.up", OU: pki.OUClient,
			Attrs: map[string]string{model.AttrUserID: "mixed.up", model.AttrUserRole: model.UserZoneAdmin}})
		require.NoError(t, err)
		before := n.state()
		err = review(forged, "mixed-1")
		var cc *ledger.ChaincodeError
		require.ErrorAs(t, err, &cc)
		parsed, ok := model.ParseError(cc.Message)
		require.True(t, ok, cc.Message)
		require.Equal(t, model.ReasonIdentityRoleMismatch, parsed.Reason)
		require.Equal(t, before, n.state())
	})

	t.Run("a revoked user's submission is refused", func(t *testing.T) {
		revoked, err := n.PKI.LoadMember(pki.CustomsMSP, "wang.fang")
		require.NoError(t, err)
		_, err = n.Ledger.Evaluate(ctx, revoked, "GetPrefiling", third.ID)
		require.NoError(t, err, "admitted until revoked")
		require.NoError(t, admin.Post(ctx, "/api/v1/users/wang.fang/disable", nil, nil))
		_, err = n.Ledger.Evaluate(ctx, revoked, "GetPrefiling", third.ID)
		refusedByLedger(t, err, "revoked")
		before := n.state()
		refusedByLedger(t, review(revoked, "revoked-1"), "revoked")
		require.Equal(t, before, n.state())

		// The other officer is unaffected.
		require.NoError(t, li.Post(ctx, "/api/v1/prefilings/"+third.ID+"/review", map[string]string{"decision": "approve"}, nil))
	})
}

// evaluatePrefiling reads a prefiling from the ledger itself, as the node's
// zone administration identity.
func (n *node) evaluatePrefiling(t *testing.T, id string) model.Prefiling {
	t.Helper()
	admin, err := n.PKI.Issue(pki.ZoneAdminMSP, "zone-admin", pki.OUAdmin)
	require.NoError(t, err)
	raw, err := n.Ledger.Evaluate(context.Background(), admin, "GetPrefiling", id)
	require.NoError(t, err)
	var p model.Prefiling
	require.NoError(t, json.Unmarshal(raw, &p))
	return p
}

// foreignOfficer is a customs officer's certificate, attributes and all,
// from a CA that is not customs'.
func foreignOfficer(t *testing.T) ledger.Signer {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca.customs.zonetrace.local", Organization: []string{"customs.zonetrace.local"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	attrs, err := json.Marshal(attrmgr.Attributes{Attrs: map[string]string{model.AttrUserID: "li.wei", model.AttrUserRole: model.UserCustomsOfficer}})
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "li.wei", Organization: []string{"customs.zonetrace.local"}, OrganizationalUnit: []string{"client"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: attrmgr.AttrOID, Value: attrs}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	id, err := pki.IdentityFromPEM(pki.CustomsMSP, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	require.NoError(t, err)
	return id
}
