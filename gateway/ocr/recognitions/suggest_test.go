package recognitions_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/ocr"
	"zonetrace/gateway/ocr/recognitions"
)

// TestSuggestWarnsOnDifferences: a field differing from a typed value
// warns; an empty or pending draft value takes the suggestion without one;
// fields the draft has no place for are suggestions only.
func TestSuggestWarnsOnDifferences(t *testing.T) {
	fields := []ocr.Field{
		{Name: ocr.FieldOrigin, Value: "BR", ValueZh: "巴西", Confidence: 96},
		{Name: ocr.FieldQuarantineBatchNo, Value: "320100124012345", Confidence: 50, NeedsReview: true},
		{Name: ocr.FieldQuarantineResult, Value: "unqualified", Confidence: 90},
		{Name: ocr.FieldQuarantineDate, Value: "2026-03-01", Confidence: 90},
	}
	got := recognitions.Suggest(fields, model.PrefilingData{Origin: "CO", QuarantineBatchNo: "320100124012345",
		QuarantineResult: model.QuarantineQualified})
	require.Equal(t, []recognitions.Suggestion{
		{Field: fields[0], Typed: "CO", Differs: true},
		{Field: fields[1], Typed: "320100124012345"},
		{Field: fields[2], Typed: "qualified", Differs: true},
		{Field: fields[3]},
	}, got)

	got = recognitions.Suggest(fields, model.PrefilingData{QuarantineResult: model.QuarantinePending})
	for _, s := range got {
		require.False(t, s.Differs, s.Name)
		require.Empty(t, s.Typed, s.Name)
	}
	require.True(t, got[1].NeedsReview, "a low-confidence field stays flagged for a person")
}
