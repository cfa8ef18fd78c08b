package apierror

import (
	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
)

// Error is an HTTP API error. Details are field problems, each with its
// rule code and params; Reason and Params say why a request was refused as
// a whole (a chaincode reason such as STOCK_INSUFFICIENT with holder,
// heldGrams and askedGrams), so clients can build their own text.
type Error struct {
	Status    int
	Code      Code
	Message   string
	MessageZh string
	Reason    string
	Params    model.Params
	Details   []validation.Problem
	// cause is logged, never sent.
	cause error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return string(e.Code) + ": " + e.Message + ": " + e.cause.Error()
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.cause }

// New returns an error of code with the code's default messages.
func New(code Code) *Error {
	info, ok := codes[code]
	if !ok {
		info = codes[Internal]
		code = Internal
	}
	return &Error{Status: info.status, Code: code, Message: info.message, MessageZh: info.messageZh}
}

// Newf returns an error of code with specific messages.
func Newf(code Code, message, messageZh string) *Error {
	e := New(code)
	e.Message, e.MessageZh = message, messageZh
	return e
}

// Invalid is a VALIDATION_FAILED error with field details.
func Invalid(problems ...validation.Problem) *Error {
	e := New(ValidationFailed)
	e.Details = problems
	return e
}

// WithCause keeps err as the (logged, unsent) cause of e.
func (e *Error) WithCause(err error) *Error {
	e.cause = err
	return e
}

// Body is the JSON body of an error answer.
type Body struct {
	Error BodyError `json:"error"`
}

// BodyError is the "error" member of Body.
type BodyError struct {
	Code      Code                 `json:"code"`
	Message   string               `json:"message"`
	MessageZh string               `json:"messageZh"`
	Reason    string               `json:"reason,omitempty"`
	Params    model.Params         `json:"params,omitempty"`
	Details   []validation.Problem `json:"details,omitempty"`
}

// Body returns the JSON body of e. Every detail has a rule: problems built
// without one are of rule INVALID.
func (e *Error) Body() Body {
	details := make([]validation.Problem, len(e.Details))
	for i, p := range e.Details {
		if p.Rule == "" {
			p.Rule = model.RuleInvalid
		}
		details[i] = p
	}
	if len(details) == 0 {
		details = nil
	}
	return Body{Error: BodyError{Code: e.Code, Message: e.Message, MessageZh: e.MessageZh, Reason: e.Reason,
		Params: e.Params, Details: details}}
}
