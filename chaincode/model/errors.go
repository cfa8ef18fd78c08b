package model

import (
	"encoding/json"
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

// Params are the structured details of a refusal or a problem: ids,
// statuses and quantities a message is built from. Values are strings,
// booleans and integers; after ParseError integers are json.Number.
type Params map[string]any

// Error is a chaincode rejection: a stable class (Code), a stable reason
// within it (Reason, reasons.go), an English message for logs and
// structured details (Params, Problems) that clients build their own
// messages from (chaincode/model/zh for Chinese).
type Error struct {
	Code     Code
	Reason   Reason
	Message  string
	Params   Params
	Problems []Problem
}

// DetailsMarker separates the English message of an error's wire form from
// its JSON details (docs/architecture.md "Errors"). Messages never contain
// its token (Error defuses it), so no marker starts inside a message and
// the first one after the code is the real one.
const DetailsMarker = " " + markerToken + " "

const markerToken = "|zt-details|"

// wireDetails is the JSON after DetailsMarker.
type wireDetails struct {
	Reason   Reason    `json:"reason"`
	Params   Params    `json:"params,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
}

// Error renders the wire form: "<CODE>: <english message>", followed, when
// the error has a reason or details, by DetailsMarker and one line of JSON
// {"reason":…,"params":{…},"problems":[…]}. It is deterministic (map keys
// are sorted) so endorsers agree on it.
func (e *Error) Error() string {
	text := string(e.Code) + ": " + strings.ReplaceAll(e.Message, markerToken, "|zt details|")
	if e.Reason == "" && len(e.Params) == 0 && len(e.Problems) == 0 {
		return text
	}
	raw, err := json.Marshal(wireDetails{Reason: e.Reason, Params: e.Params, Problems: e.Problems})
	if err != nil { // only unsupported param values; keep the message
		return text
	}
	return text + DetailsMarker + string(raw)
}

// Refuse builds a refusal of a stable reason with its details; its code is
// the reason's (reasons.go).
func Refuse(reason Reason, params Params, format string, args ...any) *Error {
	return &Error{Code: reason.Code(), Reason: reason, Params: params, Message: fmt.Sprintf(format, args...)}
}

// ParseError recovers a chaincode error from its wire form, wherever it
// appears in a wrapped message (Fabric prefixes its own text): the earliest
// known "<CODE>: " starts it, the message runs to DetailsMarker, and the
// JSON after the marker gives reason, params and problems (text after the
// JSON value is ignored). It returns false when the text carries no known
// code. Errors without details parse with an empty Reason.
func ParseError(text string) (*Error, bool) {
	start, code := -1, Code("")
	for _, c := range knownCodes {
		if i := strings.Index(text, string(c)+": "); i >= 0 && (start < 0 || i < start) {
			start, code = i, c
		}
	}
	if start < 0 {
		return nil, false
	}
	rest := text[start+len(code)+2:]
	e := &Error{Code: code, Message: rest}
	i := strings.Index(rest, DetailsMarker)
	if i < 0 {
		return e, true
	}
	e.Message = rest[:i]
	dec := json.NewDecoder(strings.NewReader(rest[i+len(DetailsMarker):]))
	dec.UseNumber()
	var d wireDetails
	if err := dec.Decode(&d); err == nil {
		e.Reason, e.Params, e.Problems = d.Reason, d.Params, d.Problems
	}
	return e, true
}

// CodeOf returns the code of err if it is (or wraps) an *Error.
func CodeOf(err error) (Code, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return "", false
}
