// Package validation carries field-level problems of bad input from the
// stores and checks that find them to the one place (gateway/apierror) that
// turns them into HTTP answers.
package validation

import (
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
)

// Problem is one thing wrong with one field: a stable rule code with its
// params (chaincode/model/problem.go) for clients that build their own
// text, and messages in English and Chinese.
type Problem struct {
	Field     string       `json:"field"`
	Rule      model.Rule   `json:"rule"`
	Params    model.Params `json:"params,omitempty"`
	Message   string       `json:"message"`
	MessageZh string       `json:"messageZh"`
}

// Problems is a non-empty list of problems; as an error it means the input
// was rejected and nothing changed.
type Problems []Problem

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, q := range p {
		parts[i] = q.Field + ": " + q.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add appends a problem the gateway found itself, of rule INVALID.
func (p *Problems) Add(field, message, messageZh string) {
	*p = append(*p, Problem{Field: field, Rule: model.RuleInvalid, Message: message, MessageZh: messageZh})
}

// AddModel appends problems of the checks of chaincode/model, with their
// rule codes and params, English text and Chinese text from the catalogue.
func (p *Problems) AddModel(ps ...model.Problem) {
	for _, q := range ps {
		*p = append(*p, From(q))
	}
}

// From is the problem of a check of chaincode/model.
func From(q model.Problem) Problem {
	english := strings.TrimPrefix(q.English(), q.Field+": ")
	return Problem{Field: q.Field, Rule: q.Rule, Params: q.Params, Message: english, MessageZh: zh.Problem(q)}
}

// Err returns p as an error, or nil when there is no problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}
