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

// TestPooledArgon2idAgrees: the pooled hasher that today's Params use gives
// the same key as x/crypto's argon2id for every password, salt and length,
// also when its blocks come back from the pool dirty from an earlier hash,
// so hashes stay verifiable by any argon2id implementation.
func TestPooledArgon2idAgrees(t *testing.T) {
	for i, tc := range []struct {
		password, salt string
		keyLen         uint32
	}{
		{"correct horse battery", "0123456789abcdef", 32},
		{"", "saltsaltsaltsalt", 32},
		{"密码很长很长很长", "another salt....", 16},
		{"correct horse battery", "0123456789abcdef", 64},
	} {
		want := argon2.IDKey([]byte(tc.password), []byte(tc.salt), Params.Time, Params.Memory, Params.Threads, tc.keyLen)
		for range 2 {
			require.Equal(t, want, argon2id([]byte(tc.password), []byte(tc.salt), Params, tc.keyLen), "case %d", i)
		}
	}
}
