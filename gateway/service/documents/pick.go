package documents

import (
	"context"
	"strings"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/docdrafts"
	"zonetrace/indexer/query"
)

// PickableLine is a batch the enterprise holds, once per holding (bonded
// or not), that it can copy into a draft (query.PickableBatch).
type PickableLine = query.PickableBatch

// Pick narrows the pickable lines.
type Pick struct {
	// Target is the template the lines are picked for: its customs status
	// (bonded or not) selects the holding; nil lists both.
	Target *docdrafts.Template
	// TraceCode matches exactly; Q is part of a product name, trace code or
	// material number, any case.
	TraceCode, Q string
}

// PickableLines lists the batches the enterprise holds with stock, each
// once per holding with its available weight (weight − reserved) and the
// product facts of its newest document line. Earlier it listed every line
// of every draft and document naming a batch, so a batch entered,
// transferred and converted showed three times with the same figure.
func (s *Service) PickableLines(ctx context.Context, u accounts.User, pick Pick) ([]PickableLine, error) {
	f := query.PickFilter{EnterpriseID: u.EnterpriseID, TraceCode: strings.TrimSpace(pick.TraceCode), Q: strings.TrimSpace(pick.Q)}
	if pick.Target != nil {
		f.Bonded = &pick.Target.Bonded
	}
	return s.Reads.PickableBatches(ctx, f)
}
