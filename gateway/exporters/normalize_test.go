package exporters

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Café Nicaragüense, S.A.":          "CAFE NICARAGUENSE",
		"CAFE NICARAGUENSE SA":             "CAFE NICARAGUENSE",
		"ＡＬＭＡＣＡＦＥ　Ｓ．Ａ．":                    "ALMACAFE",
		"  Cooxupé   Exportadora  Ltda. ":  "COOXUPE EXPORTADORA",
		"Simexco Daklak Co., Ltd.":         "SIMEXCO DAKLAK",
		"Simexco Daklak Company Limited":   "SIMEXCO DAKLAK",
		"Kaffee Import GmbH & Co. KG":      "KAFFEE IMPORT",
		"Exportadora del Sur S.A. de C.V.": "EXPORTADORA DEL SUR",
		"PT. Kopi Nusantara Tbk":           "PT KOPI NUSANTARA",
		// A name that is only a legal form keeps it: something must remain.
		"Limited": "LIMITED",
		"埃塞俄比亚咖啡出口有限公司": "埃塞俄比亚咖啡出口有限公司",
		"": "",
	} {
		require.Equal(t, want, Normalize(in), "Normalize(%q)", in)
	}
	require.Equal(t, "CBRA02001202300017", NormalizeRegNo(" ｃｂｒａ 0200 1202300017 "))
}

// Declarations normalise exporter names concurrently; a transformer shared
// between them once panicked with "slice bounds out of range" (and -race
// flags it).
func TestNormalizeConcurrently(t *testing.T) {
	t.Parallel()
	names := map[string]string{
		"Café Nicaragüense, S.A.":   "CAFE NICARAGUENSE",
		"Cooxupé Exportadora Ltda.": "COOXUPE EXPORTADORA",
		"Ｓｉｍｅｘｃｏ Ｄａｋｌａｋ Ｃｏ．":        "SIMEXCO DAKLAK",
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				for in, want := range names {
					if got := Normalize(in); got != want {
						t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestSimilarityRanksTheSameExporterFirst(t *testing.T) {
	t.Parallel()
	require.InDelta(t, 1.0, Similarity("ALMACAFE", "ALMACAFE"), 1e-12)
	require.Zero(t, Similarity("", ""))
	require.Zero(t, Similarity("ALMACAFE", ""))
	claim := Normalize("Yirga Chefe Cofee Farmers Union") // a typo and a word more
	registry := map[string]string{
		"right":   Normalize("YIRGA CHEFFE COFFEE FARMERS COOPERATIVE UNION"),
		"sibling": Normalize("SIDAMA COFFEE FARMERS COOPERATIVE UNION"),
		"other":   Normalize("COOXUPE EXPORTADORA LTDA"),
	}
	right, sibling, other := Similarity(claim, registry["right"]), Similarity(claim, registry["sibling"]), Similarity(claim, registry["other"])
	require.Greater(t, right, sibling)
	require.Greater(t, sibling, other)
	require.GreaterOrEqual(t, right, minScore, "the right one is offered")
	require.Less(t, other, minScore, "an unrelated one is not")
	// Words in another order are nearly the same name.
	require.Greater(t, Similarity("DAKLAK SIMEXCO", "SIMEXCO DAKLAK"), 0.8)
	// Symmetric.
	require.InDelta(t, Similarity("ABC DEF", "ABD"), Similarity("ABD", "ABC DEF"), 1e-12)
}
