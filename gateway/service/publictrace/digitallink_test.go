package publictrace_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/tracecode"
	"zonetrace/gateway/service/publictrace"
)

func TestDigitalLink(t *testing.T) {
	t.Parallel()
	code, err := tracecode.Compose("CF", time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), 42)
	require.NoError(t, err)

	// CF read in base 36 is 12*36+15 = 447; check digit of 0200000000447:
	// weights 3,1,... from the right give 7*3+4+4*3+0+...+2*1 = 21+4+12+2 = 39 → 1.
	require.Equal(t, "02000000004471", publictrace.GTIN(code))
	require.Equal(t, "https://trace.example/01/02000000004471/10/"+code, publictrace.URI("https://trace.example", code))

	// A published GTIN-13 (4006381333931) checks out the same way.
	require.Equal(t, "04006381333931", publictrace.GTIN14ForTest("400638133393"))

	got, ok := publictrace.Resolve("02000000004471", code)
	require.True(t, ok)
	require.Equal(t, code, got)

	tea, err := tracecode.Compose("TE", time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), 1)
	require.NoError(t, err)
	require.NotEqual(t, publictrace.GTIN(code), publictrace.GTIN(tea), "each commodity has its own GTIN")

	for name, pair := range map[string][2]string{
		"another commodity's GTIN": {publictrace.GTIN(tea), code},
		"a wrong check character":  {"02000000004471", code[:15] + "0"},
		"not a trace code":         {"02000000004471", "<script>"},
		"empty":                    {"", ""},
	} {
		_, ok := publictrace.Resolve(pair[0], pair[1])
		require.False(t, ok, name)
	}
}
