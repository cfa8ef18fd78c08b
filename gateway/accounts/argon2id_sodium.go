//go:build cgo

package accounts

/*
#cgo LDFLAGS: -lsodium
#include <sodium.h>
*/
import "C"

import (
	"errors"
	"unsafe"
)

// With cgo, hashes come from libsodium. Its argon2id chooses at run time
// the block function for the CPU it finds (AVX-512F, AVX2, SSSE3), where
// every Go implementation stops at SSE4.1; on these machines that hashes
// 2.3 times as fast as x/crypto (docs/benchmarks.md, "Round 6"), and a
// login burst is nearly all hashing. libsodium hashes one lane with a
// 16-byte salt; x/crypto takes the stored hashes it cannot.
const fastIDKeyName = "libsodium"

// sodiumReady runs sodium_init, which picks the block function for this
// CPU (before it, libsodium hashes with its portable one). It is a
// variable that fastIDKeyFits reads rather than an init function because
// Go runs init functions only after every package variable, and dummyHash
// hashes; should libsodium fail to start, x/crypto hashes.
var sodiumReady = C.sodium_init() >= 0

func fastIDKeyFits(p Argon2Params, salt []byte, keyLen uint32) bool {
	return sodiumReady && p.Threads == 1 &&
		len(salt) == C.crypto_pwhash_argon2id_SALTBYTES &&
		keyLen >= C.crypto_pwhash_argon2id_BYTES_MIN &&
		p.Time >= C.crypto_pwhash_argon2id_OPSLIMIT_MIN &&
		uint64(p.Memory)*1024 >= C.crypto_pwhash_argon2id_MEMLIMIT_MIN
}

func fastIDKey(password, salt []byte, p Argon2Params, keyLen uint32) ([]byte, error) {
	key := make([]byte, keyLen)
	var pw *C.char
	if len(password) > 0 {
		pw = (*C.char)(unsafe.Pointer(&password[0]))
	}
	if C.crypto_pwhash_argon2id(
		(*C.uchar)(&key[0]), C.ulonglong(keyLen),
		pw, C.ulonglong(len(password)),
		(*C.uchar)(&salt[0]),
		C.ulonglong(p.Time), C.size_t(p.Memory)*1024,
		C.crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0 {
		// The parameters were checked above, so only the allocation of
		// the hash's memory can have failed.
		return nil, errors.New("accounts: libsodium could not allocate argon2id's memory")
	}
	return key, nil
}
