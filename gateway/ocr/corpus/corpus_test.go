package corpus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

// TestDeterministic: the same seed gives the same files, another seed
// other ones.
func TestDeterministic(t *testing.T) {
	g := &Generator{}
	if err := g.Check(); err != nil {
		t.Skip("fonts not installed (Debian fonts-droid-fallback, fonts-dejavu-core): ", err)
	}
	pdf, err := g.One(Tuning, 7, 7)
	require.NoError(t, err)
	require.Equal(t, FormatTextPDF, pdf.Format)
	require.Contains(t, string(pdf.Content), "/CreationDate (D:20260101", "stamped with a fixed date, not the clock")
	a, err := g.One(Tuning, 7, 1)
	require.NoError(t, err)
	b, err := g.One(Tuning, 7, 1)
	require.NoError(t, err)
	require.Equal(t, a, b)
	c, err := g.One(Tuning, 8, 1)
	require.NoError(t, err)
	require.NotEqual(t, a.Content, c.Content)
	require.NotEqual(t, a.Truth, c.Truth)
}

// TestLabels: samples alternate the two kinds and cycle the formats, and
// their labels are values a prefiling takes; the held-out set's origins are
// none of the tuning set's.
func TestLabels(t *testing.T) {
	g := &Generator{}
	if err := g.Check(); err != nil {
		t.Skip("fonts not installed (Debian fonts-droid-fallback, fonts-dejavu-core): ", err)
	}
	for _, set := range []Set{Tuning, HeldOut} {
		samples, err := g.Generate(set, 3, 8)
		require.NoError(t, err)
		for i, s := range samples {
			require.Equal(t, Formats[(i/2)%len(Formats)], s.Format)
			switch s.Truth.Kind {
			case model.AttachmentOriginCertificate:
				require.Zero(t, i%2)
				require.True(t, model.IsCountry(s.Truth.Origin), s.Truth.Origin)
			case model.AttachmentQuarantineCertificate:
				require.Equal(t, 1, i%2)
				require.Regexp(t, `^\d{15}$`, s.Truth.BatchNo)
				require.Contains(t, []string{"qualified", "unqualified"}, s.Truth.Result)
				_, err := time.Parse(time.DateOnly, s.Truth.Date)
				require.NoError(t, err)
			}
		}
	}
	for _, c := range heldOutPools.Countries {
		require.NotContains(t, tuningPools.Countries, c)
	}
}
