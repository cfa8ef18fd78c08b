package accounts

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	zxcvbn "github.com/ccojocar/zxcvbn-go"
)

// Password policy (docs/api.md, "Passwords"). Length and variety are
// checked by hand; whether a password is common or guessable is judged by
// zxcvbn (github.com/ccojocar/zxcvbn-go, the maintained fork of Dropbox's
// estimator that gosec also uses): it knows the leaked-password, English
// word and name lists and keyboard, date, repeat and sequence patterns, and
// rates a password 0-4 by estimated guesses. Score 2 means about 10^8
// guesses or more; with login throttling (at most about 50 online guesses
// an hour per account) and argon2id-hashed storage that is out of reach,
// while a memorable passphrase such as "demo-pass-123" still passes.
const (
	MinPasswordLength = 10
	// MaxPasswordLength bounds what is hashed and compared.
	MaxPasswordLength = 128
	// MinPasswordScore is the lowest zxcvbn score accepted.
	MinPasswordScore = 2
)

// passwordClass sorts a character into one of: lower-case letter,
// upper-case letter, digit, other letter (such as Chinese), anything else.
func passwordClass(r rune) int {
	switch {
	case unicode.IsLower(r):
		return 0
	case unicode.IsUpper(r):
		return 1
	case unicode.IsDigit(r):
		return 2
	case unicode.IsLetter(r):
		return 3
	}
	return 4
}

// CheckPassword returns what is wrong with password as a new password of a
// user (an English and a Chinese sentence), or two empty strings. context
// are words an attacker would try first: the username, the display name.
func CheckPassword(password string, context ...string) (message, messageZh string) {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return fmt.Sprintf("must be at least %d characters", MinPasswordLength), fmt.Sprintf("密码至少%d位", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Sprintf("must be at most %d characters", MaxPasswordLength), fmt.Sprintf("密码不得超过%d位", MaxPasswordLength)
	case strings.TrimSpace(password) == "":
		return "must not be only spaces", "密码不能全为空格"
	}
	classes := map[int]bool{}
	for _, r := range password {
		if unicode.IsControl(r) {
			return "must not contain control characters", "密码不得含控制字符"
		}
		classes[passwordClass(r)] = true
	}
	if len(classes) < 2 {
		return "must mix at least two kinds of characters (letters, digits, symbols)", "密码须包含至少两类字符（字母、数字、符号等）"
	}
	inputs := append([]string{"zonetrace", "zone", "trace", "customs", "bonded"}, context...)
	if zxcvbn.PasswordStrength(password, inputs).Score < MinPasswordScore {
		return "is too common or easy to guess", "密码过于常见或容易被猜到"
	}
	return "", ""
}
