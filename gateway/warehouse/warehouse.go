// Package warehouse keeps the warehouse operators' own records off chain:
// their WMS/ERP feeds (in/out records and stocktakes, by JSON batch or
// imported file), their storage locations with every version, and the
// reconciliation of the stock their records add up to with the ledger's
// balances the indexer mirrors in the same database. The domain — kinds,
// levels, limits and checks — is chaincode/model/warehouse.go.
package warehouse

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
)

// Enterprises finds an enterprise as the ledger has registered it.
type Enterprises interface {
	Enterprise(ctx context.Context, id string) (model.Enterprise, error)
}

// Service is the warehouse operations.
type Service struct {
	pool        *pgxpool.Pool
	enterprises Enterprises
	now         func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock records' times are checked against.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New serves the warehouse operations on pool; enterprises tells warehouse
// operators from other enterprises.
func New(pool *pgxpool.Pool, enterprises Enterprises, opts ...Option) *Service {
	s := &Service{pool: pool, enterprises: enterprises, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// operator is the caller's enterprise when it is a warehouse operator:
// only their users feed records and keep locations.
func (s *Service) operator(ctx context.Context, u accounts.User) (string, error) {
	if u.Role != accounts.RoleEnterprise || u.EnterpriseID == "" {
		return "", apierror.New(apierror.Forbidden)
	}
	return u.EnterpriseID, s.mustBeOperator(ctx, u.EnterpriseID)
}

func (s *Service) mustBeOperator(ctx context.Context, enterpriseID string) error {
	e, err := s.enterprises.Enterprise(ctx, enterpriseID)
	if err != nil {
		return fmt.Errorf("warehouse: enterprise %s: %w", enterpriseID, err)
	}
	if e.Kind != model.KindWarehouse {
		return model.Refuse(model.ReasonNotWarehouseOperator, model.Params{"enterpriseId": enterpriseID},
			"enterprise %s is not a warehouse operator", enterpriseID)
	}
	return nil
}

// scope is the enterprise whose records u reads: an enterprise's own,
// whatever it asked for; customs and the zone administration name one
// (required says whether they must; "" then means every enterprise).
func scope(u accounts.User, asked string, required bool) (string, error) {
	if u.Role == accounts.RoleEnterprise {
		return u.EnterpriseID, nil
	}
	if asked == "" && required {
		return "", invalid(model.Problem{Field: "enterpriseId", Rule: model.RuleRequired})
	}
	return asked, nil
}

// invalid is bad input refused as a whole, problems of the model's checks.
func invalid(ps ...model.Problem) error {
	var out validation.Problems
	out.AddModel(ps...)
	return out.Err()
}
