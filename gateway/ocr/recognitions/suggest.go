package recognitions

import (
	"zonetrace/chaincode/model"
	"zonetrace/gateway/ocr"
)

// Suggestion is a recognised field set against what the draft holds.
type Suggestion struct {
	ocr.Field
	// Typed is the draft's value of the field, "" when empty or when the
	// draft has no such field (the quarantine date is declared with a
	// supplement).
	Typed string `json:"typed"`
	// Differs warns that the certificate says otherwise than the draft:
	// the draft keeps its value until a person takes the suggestion.
	Differs bool `json:"differs"`
}

// Suggest sets the fields of a recognition against the draft's data.
func Suggest(fields []ocr.Field, d model.PrefilingData) []Suggestion {
	out := make([]Suggestion, 0, len(fields))
	for _, f := range fields {
		s := Suggestion{Field: f, Typed: typed(f.Name, d)}
		s.Differs = s.Typed != "" && s.Typed != f.Value
		out = append(out, s)
	}
	return out
}

func typed(field string, d model.PrefilingData) string {
	switch field {
	case ocr.FieldOrigin:
		return d.Origin
	case ocr.FieldQuarantineBatchNo:
		return d.QuarantineBatchNo
	case ocr.FieldQuarantineResult:
		// Pending is the form's default, not a value typed against the
		// certificate.
		if d.QuarantineResult == model.QuarantinePending {
			return ""
		}
		return string(d.QuarantineResult)
	}
	return ""
}
