package gateway

import (
	"errors"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// classify adds the read model's errors to apierror.From, which cannot
// import the indexer.
func classify(err error) *apierror.Error {
	switch {
	case errors.Is(err, query.ErrNotFound):
		return apierror.New(apierror.NotFound).WithCause(err)
	case errors.Is(err, query.ErrInvalidFilter):
		return apierror.Invalid(validation.Problem{Field: "query", Message: err.Error(), MessageZh: "查询条件无效"}).WithCause(err)
	}
	return apierror.From(err)
}
