// Package bundletest makes a real evidence bundle for tests: a prefiling
// approved on an embedded ledger running the real chaincode, mirrored into
// a fresh PostgreSQL database.
package bundletest

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
	"zonetrace/internal/bundle"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/platform"
	"zonetrace/network/pki"
)

const prefilingJSON = `{"commodity":"coffee","productName":"埃塞俄比亚耶加雪菲生咖啡豆","hsCode":"0901110000",` +
	`"origin":"ET","exporterName":"Yirgacheffe Coffee Farmers Union","exporterRegNo":"CETH0001",` +
	`"quarantineBatchNo":"Q2026-0001","quarantineResult":"qualified","avgPriceFen":6850,"currency":"CNY",` +
	`"weightGrams":19200000,"grade":"G1","plantingRegion":"Gedeo","productionDate":"2026-09-01",` +
	`"shelfLifeDays":540,"attachments":[]}`

// Evidence commits a prefiling that customs approves on a real embedded
// ledger, mirrors it, and returns the bundle of its trace code.
func Evidence(t testing.TB) *bundle.Bundle {
	t.Helper()
	ctx := context.Background()
	l, ca, err := platform.OpenLedger(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	issue := func(msp, name, ou string) *pki.Identity {
		id, err := ca.Issue(msp, name, ou)
		require.NoError(t, err)
		return id
	}
	admin := issue(pki.ZoneAdminMSP, "bundle-admin", pki.OUAdmin)
	customs := issue(pki.CustomsMSP, "bundle-officer", pki.OUClient)
	clerk := issue(pki.WarehouseMSP, "bundle-clerk", pki.OUClient)
	const ent = "91320583MA00000001"
	submit := func(who *pki.Identity, fn string, args ...string) []byte {
		res, err := l.Submit(ctx, who, fn, args...)
		require.NoError(t, err, fn)
		return res.Payload
	}
	submit(admin, "RegisterEnterprise", "r1", `{"id":"`+ent+`","name":"昆山咖啡进口有限公司","kind":"importer"}`)
	submit(admin, "BindIdentity", "r2", ent, clerk.MspID(), string(clerk.Credentials()))
	submit(clerk, "DeclarePrefiling", "r3", "PF2026112800000001", prefilingJSON)
	var p model.Prefiling
	require.NoError(t, json.Unmarshal(submit(customs, "ReviewPrefiling", "r4", "PF2026112800000001", "approve", ""), &p))
	require.NotEmpty(t, p.TraceCode)

	pool := pgtest.NewPool(t)
	require.NoError(t, indexer.Migrate(ctx, pool))
	height, err := l.Height(ctx)
	require.NoError(t, err)
	require.NoError(t, indexer.New(pool, l, indexer.WithLogger(slog.New(slog.DiscardHandler))).CatchUp(ctx, height))

	roots := map[string]string{}
	for _, msp := range pki.MSPs {
		pem, err := ca.CACertPEM(msp)
		require.NoError(t, err)
		roots[msp] = string(pem)
	}
	now := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	b, err := bundle.Build(ctx, bundle.Source{Mirror: pool, Ledger: bundle.LedgerEmbedded, CARoots: roots, Now: func() time.Time { return now }}, p.TraceCode)
	require.NoError(t, err)
	_, err = bundle.Build(ctx, bundle.Source{Mirror: pool, Ledger: bundle.LedgerEmbedded, CARoots: roots, Now: time.Now}, "NO-SUCH-CODE")
	require.ErrorIs(t, err, bundle.ErrNoEvidence)
	return b
}
