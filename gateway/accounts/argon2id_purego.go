//go:build !cgo

package accounts

import minioargon2 "github.com/minio/argon2"

// Without cgo (a static build), hashes with today's Params come from
// MinIO's fork of x/crypto/argon2, which takes its blocks from a pool:
// allocating 7 MiB afresh for every hash made the runtime collect after
// every few logins, and reusing them keeps a burst's garbage, collector
// time and page faults near zero.
const fastIDKeyName = "pooled x/crypto"

var pooledIDKey = minioargon2.NewIDKey(Params.Time, Params.Memory, Params.Threads)

func fastIDKeyFits(p Argon2Params, _ []byte, _ uint32) bool {
	return p == Params
}

func fastIDKey(password, salt []byte, _ Argon2Params, keyLen uint32) ([]byte, error) {
	return pooledIDKey(password, salt, nil, nil, keyLen), nil
}
