package corpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeterministic: the same seed gives the same files, another seed
// other ones.
func TestDeterministic(t *testing.T) {
	if _, err := os.Stat(DefaultFont); err != nil {
		t.Skip("font not installed (Debian fonts-droid-fallback): ", err)
	}
	g := &Generator{}
	a, err := g.One(Tuning, 7, 1)
	require.NoError(t, err)
	b, err := g.One(Tuning, 7, 1)
	require.NoError(t, err)
	require.Equal(t, a, b)
	c, err := g.One(Tuning, 8, 1)
	require.NoError(t, err)
	require.NotEqual(t, a.Content, c.Content)
	require.NotEqual(t, a.Truth, c.Truth)
	if dir := os.Getenv("ZT_CORPUS_DIR"); dir != "" {
		samples, err := g.Generate(Tuning, 1, 8)
		require.NoError(t, err)
		for _, s := range samples {
			require.NoError(t, os.WriteFile(filepath.Join(dir, s.Name+map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "application/pdf": ".pdf"}[s.ContentType]), s.Content, 0o644))
		}
	}
}
