// Package validation carries field-level problems of bad input from the
// stores and checks that find them to the one place (gateway/apierror) that
// turns them into HTTP answers.
package validation

import "strings"

// Problem is one thing wrong with one field, in English and Chinese.
type Problem struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageZh string `json:"messageZh"`
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

// Add appends a problem.
func (p *Problems) Add(field, message, messageZh string) {
	*p = append(*p, Problem{Field: field, Message: message, MessageZh: messageZh})
}

// Err returns p as an error, or nil when there is no problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}
