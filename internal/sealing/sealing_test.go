package sealing

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeyFileIsPrivateAndReopened(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "kek.json")
	ring, err := OpenKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, uint32(1), ring.Current())
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	v, err := ring.AddVersion()
	require.NoError(t, err)
	require.Equal(t, uint32(2), v)
	again, err := OpenKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, ring.keys, again.keys)
	require.Equal(t, uint32(2), again.Current())

	_, err = ParseKeyRing("1:" + base64.StdEncoding.EncodeToString([]byte("short")))
	require.ErrorContains(t, err, "256-bit")
	env, err := ParseKeyRing("1:" + base64.StdEncoding.EncodeToString(make([]byte, 32)))
	require.NoError(t, err)
	_, err = env.AddVersion()
	require.ErrorContains(t, err, "environment")
}

func TestSealIsDeterministicPerPlaceAndRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	ring, err := OpenKeyFile(filepath.Join(dir, "kek.json"))
	require.NoError(t, err)
	s, err := Open(ctx, dir, ring)
	require.NoError(t, err)

	a := s.Seal("prefilings.avg_price_fen", "P1", []byte("4500"))
	require.True(t, IsSealed(a))
	require.NotContains(t, a, "4500")
	require.Equal(t, a, s.Seal("prefilings.avg_price_fen", "P1", []byte("4500")), "same value, same place: same text")
	require.NotEqual(t, a, s.Seal("prefilings.avg_price_fen", "P2", []byte("4500")), "another row")
	require.NotEqual(t, a, s.Seal("document_lines.value_fen", "P1", []byte("4500")), "another field")

	plain, err := s.Open("prefilings.avg_price_fen", a)
	require.NoError(t, err)
	require.Equal(t, "4500", string(plain))
	_, err = s.Open("document_lines.value_fen", a)
	require.Error(t, err, "a value moved to another field does not open")
	tampered := a[:len(a)-2] + "AA"
	if tampered == a {
		tampered = a[:len(a)-2] + "BB"
	}
	_, err = s.Open("prefilings.avg_price_fen", tampered)
	require.Error(t, err)

	other, err := Open(ctx, dir, ring)
	require.NoError(t, err)
	require.Equal(t, a, other.Seal("prefilings.avg_price_fen", "P1", []byte("4500")), "a second process shares the data key")

	file, err := s.SealFile("attachments/abc", []byte("%PDF-1.4 secret"))
	require.NoError(t, err)
	require.True(t, IsSealedFile(file))
	require.NotContains(t, string(file), "secret")
	opened, err := s.OpenFile("attachments/abc", file)
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.4 secret", string(opened))
	_, err = s.OpenFile("attachments/other", file)
	require.Error(t, err)
}

func TestFieldsSealAndOpenJSON(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ring, err := OpenKeyFile(filepath.Join(t.TempDir(), "kek.json"))
	require.NoError(t, err)
	s, err := Open(ctx, t.TempDir(), ring)
	require.NoError(t, err)
	f := Fields{Place: "documents", Paths: []string{"lines.*.unitPriceFen", "lines.*.valueFen", "head.total"}}
	doc := []byte(`{"id":"D1","lines":[{"seq":1,"unitPriceFen":1234567890123456789,"valueFen":7},{"seq":2,"unitPriceFen":7,"valueFen":7}],"name":"zt1:looks sealed"}`)
	sealed, err := f.Seal(s, "D1", doc)
	require.NoError(t, err)
	require.NotContains(t, string(sealed), "1234567890123456789")
	require.Contains(t, string(sealed), `"name":"zt1:looks sealed"`, "only the named members are touched")
	require.Equal(t, 4+1, strings.Count(string(sealed), `"`+Prefix), "every line's two prices, and the name as it was")
	again, err := f.Seal(s, "D1", sealed)
	require.NoError(t, err)
	require.JSONEq(t, string(sealed), string(again), "sealing twice changes nothing")

	opened, err := f.Open(s, sealed)
	require.NoError(t, err)
	require.JSONEq(t, string(doc), string(opened))
	require.Contains(t, string(opened), "1234567890123456789", "numbers keep their exact text")

	plain, err := f.Open(nil, []byte(`{"lines":[{"unitPriceFen":1234567890123456789}]}`))
	require.NoError(t, err, "an unsealed document needs no keys")
	require.Contains(t, string(plain), "1234567890123456789")
}

// Open rewrites only the sealed members, in a root array too, and checks
// each against the place it was sealed for.
func TestOpenRootArraysAndPlaces(t *testing.T) {
	t.Parallel()
	ring, err := OpenKeyFile(filepath.Join(t.TempDir(), "kek.json"))
	require.NoError(t, err)
	s, err := Open(context.Background(), t.TempDir(), ring)
	require.NoError(t, err)
	lines := Fields{Place: "drafts.lines", Paths: []string{"*.unitPriceFen"}}
	doc := []byte(`[{"seq":1,"unitPriceFen":12,"note":"a"},{"seq":2},{"seq":3,"unitPriceFen":{"x":1}}]`)
	sealed, err := lines.Seal(s, "R1", doc)
	require.NoError(t, err)
	require.Equal(t, 2, strings.Count(string(sealed), `"`+Prefix))
	opened, err := lines.Open(s, sealed)
	require.NoError(t, err)
	require.JSONEq(t, string(doc), string(opened))

	elsewhere := Fields{Place: "other.lines", Paths: lines.Paths}
	_, err = elsewhere.Open(s, sealed)
	require.Error(t, err, "a value opens only for the place it was sealed for")

	notArray := []byte(`{"lines":{"unitPriceFen":"zt1:not under an array"}}`)
	kept, err := Fields{Place: "p", Paths: []string{"lines.*.unitPriceFen"}}.Open(s, notArray)
	require.NoError(t, err)
	require.Equal(t, string(notArray), string(kept))

	_, err = lines.Open(s, []byte(`{"zt1:`))
	require.Error(t, err, "broken JSON is refused")
}

func TestRotateKeepsEverythingReadable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	ring, err := OpenKeyFile(filepath.Join(dir, "kek.json"))
	require.NoError(t, err)
	s, err := Open(ctx, dir, ring)
	require.NoError(t, err)
	sealed := s.Seal("p", "r", []byte("secret"))

	_, err = ring.AddVersion()
	require.NoError(t, err)
	n, err := Rotate(ctx, dir, ring)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	stored, err := readKeys(dir)
	require.NoError(t, err)
	require.Equal(t, uint32(2), stored.Keys[0].KEKVersion)
	info, err := os.Stat(filepath.Join(dir, dataKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// The old KEK version can now be retired: a ring holding only the new
	// one opens the data key and every sealed value.
	newOnly := &KeyRing{keys: map[uint32][]byte{2: ring.keys[2]}, current: 2}
	after, err := Open(ctx, dir, newOnly)
	require.NoError(t, err)
	plain, err := after.Open("p", sealed)
	require.NoError(t, err)
	require.Equal(t, "secret", string(plain))
	require.Equal(t, sealed, after.Seal("p", "r", []byte("secret")))

	oldOnly := &KeyRing{keys: map[uint32][]byte{1: ring.keys[1]}, current: 1}
	_, err = Open(ctx, dir, oldOnly)
	require.ErrorContains(t, err, "KEK version 2 is not in the key ring")
}

// TestProcessesStartingTogetherShareOneDataKey: node, verify and rebuild may
// open a fresh data folder at once; they all end up with the same data key.
func TestProcessesStartingTogetherShareOneDataKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	ring, err := OpenKeyFile(filepath.Join(dir, "kek.json"))
	require.NoError(t, err)
	sealed := make([]string, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range sealed {
		wg.Go(func() {
			s, err := Open(ctx, dir, ring)
			if errs[i] = err; err == nil {
				sealed[i] = s.Seal("p", "r", []byte("v"))
			}
		})
	}
	wg.Wait()
	for i := range sealed {
		require.NoError(t, errs[i])
		require.Equal(t, sealed[0], sealed[i])
	}
}

// BenchmarkFieldsOpen: opening a stored document of 20 lines with two
// sealed prices each, as every row of a document list is opened.
func BenchmarkFieldsOpen(b *testing.B) {
	ring, err := OpenKeyFile(filepath.Join(b.TempDir(), "kek.json"))
	require.NoError(b, err)
	s, err := Open(context.Background(), b.TempDir(), ring)
	require.NoError(b, err)
	f := Fields{Place: "documents.doc", Paths: []string{"lines.*.unitPriceFen", "lines.*.valueFen"}}
	var lines []string
	for i := range 20 {
		lines = append(lines, fmt.Sprintf(`{"seq":%d,"hsCode":"0901110000","goodsName":"生咖啡豆","qtyGrams":60000,"unitPriceFen":%d,"valueFen":%d}`, i+1, 3000+i, 180000+i))
	}
	doc := []byte(`{"id":"D1","family":"entry_checklist","status":"declared","lines":[` + strings.Join(lines, ",") + `]}`)
	sealed, err := f.Seal(s, "D1", doc)
	require.NoError(b, err)
	for b.Loop() {
		if _, err := f.Open(s, sealed); err != nil {
			b.Fatal(err)
		}
	}
}
