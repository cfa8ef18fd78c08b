package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of an argon2id hash.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// owaspArgon2id is OWASP's table of equally strong argon2id settings
// (Password Storage Cheat Sheet): less memory is paid for with more passes.
var owaspArgon2id = []Argon2Params{
	{Memory: 46 * 1024, Time: 1, Threads: 1},
	{Memory: 19 * 1024, Time: 2, Threads: 1},
	{Memory: 12 * 1024, Time: 3, Threads: 1},
	{Memory: 9 * 1024, Time: 4, Threads: 1},
	{Memory: 7 * 1024, Time: 5, Threads: 1},
}

const (
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Params are the parameters new hashes get (docs/benchmarks.md, "Login
// burst", has the measurements behind the choice). Of OWASP's equally strong
// rows, the one with the least memory hashes fastest here, with libsodium as
// with x/crypto.
// Stored hashes carry their parameters: a hash made with other parameters
// still verifies and is replaced at the user's next login.
var Params = owaspArgon2id[4]

// hashSlots bounds how many argon2id hashes run at once to the cores: a
// burst of logins then queues for CPU instead of each claiming its memory
// at once (200 logins × 19 MiB faulted in together took 11-12 s and 4 GiB).
// The queue is first come, first served: a channel hands a freed slot to
// the sender that has waited longest, so no login of a burst is overtaken
// by later ones and the tail waits only for the hashes queued before it.
var hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// argon2id hashes with the fastest implementation this build has
// (fastIDKey) where it takes the parameters, and with x/crypto otherwise.
func argon2id(password, salt []byte, p Argon2Params, keyLen uint32) ([]byte, error) {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	if fastIDKeyFits(p, salt, keyLen) {
		return fastIDKey(password, salt, p, keyLen)
	}
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, keyLen), nil
}

var errBadHash = errors.New("accounts: malformed password hash")

// HashPassword returns a PHC-style argon2id string with Params:
// $argon2id$v=19$m=7168,t=5,p=1$<salt>$<key>.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("draw password salt: %w", err)
	}
	p := Params
	key, err := argon2id([]byte(password), salt, p, argonKeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches encoded, using the
// parameters stored in encoded, and whether encoded should be replaced by
// a hash with today's Params.
func VerifyPassword(encoded, password string) (ok, outdated bool, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, errBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 {
		return false, false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, false, errBadHash
	}
	got, err := argon2id([]byte(password), salt, p, uint32(len(want)))
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && (p != Params || len(want) != argonKeyLen), nil
}

// dummyHash is verified against when the user does not exist, so that an
// unknown username costs as much time as a wrong password.
var dummyHash = func() string {
	h, err := HashPassword("zonetrace-dummy-password")
	if err != nil {
		panic(err)
	}
	return h
}()
