package accounts

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
