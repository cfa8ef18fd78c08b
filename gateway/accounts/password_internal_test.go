package accounts

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/argon2"
)

// TestHashingIsBoundedToTheCores: with every hashing slot taken, a login's
// hash waits instead of claiming its memory next to the others, and runs
// once a slot is free (200 logins at once used to fault in 200 × 19 MiB).
func TestHashingIsBoundedToTheCores(t *testing.T) {
	require.Equal(t, runtime.GOMAXPROCS(0), cap(hashSlots))
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _, _ = VerifyPassword(dummyHash, "a guess")
	}()
	select {
	case <-done:
		t.Fatal("a hash ran while every slot was taken")
	case <-time.After(100 * time.Millisecond):
	}
	<-hashSlots
	<-done
	for range cap(hashSlots) - 1 {
		<-hashSlots
	}
}

// TestArgon2idAgreesWithXCrypto: whichever implementation hashes (this
// build's fast one, or x/crypto for parameters it does not take), the key
// is x/crypto's for every row of OWASP's table, password, salt and length,
// also for a pooled hasher's blocks coming back dirty from an earlier hash,
// so hashes stay verifiable by any argon2id implementation.
func TestArgon2idAgreesWithXCrypto(t *testing.T) {
	require.True(t, fastIDKeyFits(Params, make([]byte, argonSaltLen), argonKeyLen),
		"today's hashes must take the fast path (%s)", fastIDKeyName)
	params := append([]Argon2Params{{Memory: 64, Time: 1, Threads: 2}}, owaspArgon2id...)
	for _, p := range params {
		for i, tc := range []struct {
			password, salt string
			keyLen         uint32
		}{
			{"correct horse battery", "0123456789abcdef", 32},
			{"", "saltsaltsaltsalt", 32},
			{"密码很长很长很长", "another salt....", 16},
			{"correct horse battery", "0123456789abcdef", 64},
			{"a short salt", "eight...", 32},
			{"a short key", "0123456789abcdef", 8},
		} {
			want := argon2.IDKey([]byte(tc.password), []byte(tc.salt), p.Time, p.Memory, p.Threads, tc.keyLen)
			for range 2 {
				got, err := argon2id([]byte(tc.password), []byte(tc.salt), p, tc.keyLen)
				require.NoError(t, err)
				require.Equal(t, want, got, "%+v case %d", p, i)
			}
		}
	}
}
