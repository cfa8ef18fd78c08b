package model

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable machine-readable error class. Chaincode errors reach
// clients as plain strings, so every error the contract returns starts with
// "<Code>: " and the gateway maps the code to an HTTP status in one place.
type Code string

const (
	CodeInvalid   Code = "INVALID_ARGUMENT"
	CodeNotFound  Code = "NOT_FOUND"
	CodeForbidden Code = "FORBIDDEN"
	CodeConflict  Code = "CONFLICT"
	// CodeDuplicate means the request id was already used: the request was
	// carried out before and must not be applied twice.
	CodeDuplicate Code = "DUPLICATE_REQUEST"
)

var knownCodes = []Code{CodeInvalid, CodeNotFound, CodeForbidden, CodeConflict, CodeDuplicate}

// Error is a chaincode rejection with a stable code.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ParseError recovers the code of an error string produced by the chaincode,
// wherever it appears in a wrapped message (Fabric prefixes its own text).
// It returns false when the text carries no known code.
func ParseError(text string) (*Error, bool) {
	for _, c := range knownCodes {
		prefix := string(c) + ": "
		if i := strings.Index(text, prefix); i >= 0 {
			return &Error{Code: c, Message: text[i+len(prefix):]}, true
		}
	}
	return nil, false
}

// CodeOf returns the code of err if it is (or wraps) an *Error.
func CodeOf(err error) (Code, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return "", false
}
