package bundle_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/internal/bundle"
	"zonetrace/internal/bundle/bundletest"
	"zonetrace/network/pki"
)

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
	b := roundTrip(t, bundletest.Evidence(t))
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
	base := bundletest.Evidence(t)
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
	b := bundletest.Evidence(t)
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
