package tracecode

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCompose(t *testing.T) {
	approvedAt := time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC) // 01:30 on the 26th in China

	t.Run("a code has the documented layout and a valid check character", func(t *testing.T) {
		code, err := Compose("CF", approvedAt, 42)
		require.NoError(t, err)
		require.Len(t, code, Length)
		require.Equal(t, "KSCF26112600042", code[:15])
		require.True(t, Valid(code))
	})

	t.Run("the day follows China Standard Time, not UTC", func(t *testing.T) {
		require.Equal(t, "261126", DayKey(approvedAt))
	})

	t.Run("sequences outside the daily range are refused", func(t *testing.T) {
		_, err := Compose("CF", approvedAt, 0)
		require.Error(t, err)
		_, err = Compose("CF", approvedAt, MaxSequence+1)
		require.Error(t, err)
	})

	t.Run("a malformed commodity code is refused", func(t *testing.T) {
		_, err := Compose("cf", approvedAt, 1)
		require.Error(t, err)
		_, err = Compose("CFX", approvedAt, 1)
		require.Error(t, err)
	})
}

func TestValidCatchesTypingErrors(t *testing.T) {
	code, err := Compose("CF", time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), 12345)
	require.NoError(t, err)

	t.Run("every single-character substitution is detected", func(t *testing.T) {
		for i := 0; i < len(code); i++ {
			for j := 0; j < len(alphabet); j++ {
				if alphabet[j] == code[i] {
					continue
				}
				changed := code[:i] + string(alphabet[j]) + code[i+1:]
				require.False(t, Valid(changed), "substitution at %d to %c not detected", i, alphabet[j])
			}
		}
	})

	t.Run("every adjacent transposition is detected", func(t *testing.T) {
		for i := 0; i+1 < len(code); i++ {
			if code[i] == code[i+1] {
				continue
			}
			swapped := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
			require.False(t, Valid(swapped), "transposition at %d not detected", i)
		}
	})

	t.Run("wrong length, prefix or characters are invalid", func(t *testing.T) {
		require.False(t, Valid(code[:15]))
		require.False(t, Valid("XX"+code[2:]))
		require.False(t, Valid(code[:5]+"a"+code[6:]))
	})
}

func TestCommodityCode(t *testing.T) {
	require.Equal(t, "CF", CommodityCode(" Coffee "))
	require.Equal(t, GeneralGoods, CommodityCode("durian"))
}

func TestSequence(t *testing.T) {
	t.Run("the same batch gets the same sequence on every call", func(t *testing.T) {
		// Pinned: every peer, and every release, must compute the same.
		require.Equal(t, 89838, Sequence("PF20261126AAAAAAAA", 0))
		require.Equal(t, 89845, Sequence("PF20261126AAAAAAAA", 7))
	})

	t.Run("sequences stay in range and compose valid codes", func(t *testing.T) {
		for i := range 2000 {
			seq := Sequence(fmt.Sprintf("PF20261126%08d", i), i%3)
			require.GreaterOrEqual(t, seq, 1)
			require.LessOrEqual(t, seq, MaxSequence)
			code, err := Compose("CF", time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), seq)
			require.NoError(t, err)
			require.True(t, Valid(code), code)
		}
	})

	t.Run("the probes of one batch visit every sequence once before repeating", func(t *testing.T) {
		seen := make(map[int]bool, MaxSequence)
		for probe := range MaxSequence {
			seq := Sequence("PF20261126AAAAAAAA", probe)
			require.False(t, seen[seq], "probe %d repeats sequence %d", probe, seq)
			seen[seq] = true
		}
		require.Equal(t, Sequence("PF20261126AAAAAAAA", 0), Sequence("PF20261126AAAAAAAA", MaxSequence))
		require.Equal(t, Sequence("PF20261126AAAAAAAA", MaxSequence-1), Sequence("PF20261126AAAAAAAA", -1))
	})

	t.Run("different batches start at spread-out sequences", func(t *testing.T) {
		// 1000 batches over 99999 numbers: a uniform start gives about five
		// shared starts (n²/2m); a start from a weak or constant hash would
		// share far more.
		starts := map[int]int{}
		for i := range 1000 {
			starts[Sequence(fmt.Sprintf("PF20261126%08d", i), 0)]++
		}
		require.Greater(t, len(starts), 980)
	})
}
