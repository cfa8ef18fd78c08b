package bundle_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
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

// evidence commits a prefiling that customs approves on a real embedded
// ledger, mirrors it, and returns the bundle of its trace code.
func evidence(t *testing.T) *bundle.Bundle {
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

// roundTrip writes and reads b, as a downloaded file would be.
func roundTrip(t *testing.T, b *bundle.Bundle) *bundle.Bundle {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, b.Write(&buf))
	read, err := bundle.Read(&buf)
	require.NoError(t, err)
	return read
}

func TestBundleVerifiesOffline(t *testing.T) {
	b := roundTrip(t, evidence(t))
	require.Len(t, b.Evidence, 1, "the review issued the trace code; the declaration came before it")
	report, err := bundle.Verify(b)
	require.NoError(t, err)
	text := strings.Join(report, "\n")
	require.Contains(t, text, "tx "+b.Evidence[0].TxID)
	require.Contains(t, text, "CustomsMSP (bundle-officer)")
	require.Contains(t, text, "data hash matches")
}

// TestFlippedByteIsNamed flips one byte of each kind of content and expects
// the place to be named.
func TestFlippedByteIsNamed(t *testing.T) {
	base := evidence(t)
	ref := base.Evidence[0]
	cases := []struct {
		name  string
		flip  func(b *bundle.Bundle)
		where string
	}{
		{"header data hash", func(b *bundle.Bundle) { b.Headers[0].DataHash[3] ^= 1 }, fmt.Sprintf("block %d / header hash", ref.Block)},
		{"header hash", func(b *bundle.Bundle) { b.Headers[0].Hash[0] ^= 0x80 }, fmt.Sprintf("block %d / header hash", ref.Block)},
		{"validation code", func(b *bundle.Bundle) { b.Blocks[0].ValidationCodes[ref.Index] = "VALIE" }, fmt.Sprintf("block %d / validation codes", ref.Block)},
		{"transaction bytes", func(b *bundle.Bundle) { flipIn(t, b.Blocks[0].Transactions[ref.Index], `"args":["`, 2) }, fmt.Sprintf("block %d / tx %s / signature", ref.Block, ref.TxID)},
		{"creator signature", func(b *bundle.Bundle) { flipBase64(t, b.Blocks[0].Transactions[ref.Index], `"signature":"`) }, fmt.Sprintf("block %d / tx %s / signature", ref.Block, ref.TxID)},
		{"creator certificate", func(b *bundle.Bundle) { flipBase64(t, b.Blocks[0].Transactions[ref.Index], `"creator":"`) }, fmt.Sprintf("block %d / tx %s / transaction bytes", ref.Block, ref.TxID)},
		{"CA root", func(b *bundle.Bundle) { b.CARoots[pki.CustomsMSP] = flipPEM(b.CARoots[pki.CustomsMSP]) }, "caRoots.CustomsMSP"},
		{"tx id", func(b *bundle.Bundle) { b.Evidence[0].TxID = strings.Repeat("0", 64) }, fmt.Sprintf("block %d / tx %s / tx id", ref.Block, strings.Repeat("0", 64))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := roundTrip(t, base)
			c.flip(b)
			_, err := bundle.Verify(roundTrip(t, b))
			var fault *bundle.Fault
			require.ErrorAs(t, err, &fault)
			require.True(t, strings.HasPrefix(err.Error(), c.where), "got %q, want it to start with %q", err, c.where)
		})
	}
}

// TestEveryFlippedByteFails flips each byte of the written file in turn
// (every 7th, to keep it quick) and expects each flip to fail: the file
// holds nothing that is not checked, except generatedAt.
func TestEveryFlippedByteFails(t *testing.T) {
	b := evidence(t)
	b.GeneratedAt = time.Time{}
	var buf bytes.Buffer
	require.NoError(t, b.Write(&buf))
	file := buf.Bytes()
	skip := bytes.Index(file, []byte(`"generatedAt"`))
	end := skip + bytes.IndexByte(file[skip:], '\n')
	for i := 0; i < len(file); i += 7 {
		if i >= skip && i < end || file[i] == ' ' || file[i] == '\n' {
			continue
		}
		flipped := bytes.Clone(file)
		flipped[i] ^= 0x01
		read, err := bundle.Read(bytes.NewReader(flipped))
		if err == nil {
			_, err = bundle.Verify(read)
		}
		require.Error(t, err, "byte %d (%q in %q) flipped yet the bundle verifies", i, file[i], around(file, i))
	}
}

func around(file []byte, i int) string {
	return string(file[max(0, i-30):min(len(file), i+30)])
}

// flipIn flips one byte at offset after marker in raw.
func flipIn(t *testing.T, raw []byte, marker string, offset int) {
	t.Helper()
	at := bytes.Index(raw, []byte(marker))
	require.GreaterOrEqual(t, at, 0, "marker %s", marker)
	raw[at+len(marker)+offset] ^= 0x01
}

// flipBase64 changes one character of the base64 field after marker (the
// last occurrence) to another base64 character.
func flipBase64(t *testing.T, raw []byte, marker string) {
	t.Helper()
	at := bytes.LastIndex(raw, []byte(marker))
	require.GreaterOrEqual(t, at, 0, "marker %s", marker)
	pos := at + len(marker) + 40
	if raw[pos] == 'A' {
		raw[pos] = 'B'
	} else {
		raw[pos] = 'A'
	}
}

// flipPEM flips one bit of the certificate's signature.
func flipPEM(text string) string {
	lines := strings.Split(text, "\n")
	body := strings.Join(lines[1:len(lines)-2], "")
	der, _ := base64.StdEncoding.DecodeString(body)
	der[len(der)-5] ^= 0x01
	return "-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(der) + "\n-----END CERTIFICATE-----\n"
}
