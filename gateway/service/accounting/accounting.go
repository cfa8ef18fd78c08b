// Package accounting answers the zone's accounts (核算): entry and exit
// records, zone and warehouse stock, transfers, conversions, pass-through,
// stock by material number, trace code, enterprise, checklist and vehicle
// plate with the movements behind each figure, and enterprises' accounting
// periods, whose close records the hash of their totals on the ledger.
// Enterprises see their own accounts; customs, the zone admin and auditors
// see every enterprise's.
package accounting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/gateway/service/ledgertx"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Reads is what the accounts read from the mirror (*query.Reader).
type Reads interface {
	AccountMovements(ctx context.Context, f query.AccountMovementFilter) (query.AccountMovementPage, error)
	Stock(ctx context.Context, f query.StockFilter) (query.StockPage, error)
	AccountPeriods(ctx context.Context, enterpriseID string) ([]model.AccountPeriod, error)
	AccountPeriod(ctx context.Context, enterpriseID, periodID string) (model.AccountPeriod, error)
	PeriodFigures(ctx context.Context, p model.AccountPeriod) ([]model.PeriodFigure, error)
	VerifyPeriod(ctx context.Context, p model.AccountPeriod) (query.PeriodCheck, error)
	WaitForBlock(ctx context.Context, block uint64) error
	BalancesPage(ctx context.Context, f query.BalanceFilter, after string, limit int) (query.BalancePage, error)
}

// Service answers the accounts.
type Service struct {
	Reads   Reads
	Signers service.Signers
	Ledger  ledgertx.Submitter
	// CatchUp bounds the wait for the mirror to reach the ledger's height
	// before a period's figures are computed for closing.
	CatchUp time.Duration
}

// scope limits an enterprise user to its own accounts.
func scope(u accounts.User, k *query.AccountKeys) {
	if !service.SeesAll(u) {
		k.EnterpriseID = u.EnterpriseID
	}
}

// Movements lists the movement legs behind a figure (entries, exits,
// transfers, conversions), newest first.
func (s *Service) Movements(ctx context.Context, u accounts.User, f query.AccountMovementFilter) (query.AccountMovementPage, error) {
	scope(u, &f.AccountKeys)
	return s.Reads.AccountMovements(ctx, f)
}

// Stock answers a stock report.
func (s *Service) Stock(ctx context.Context, u accounts.User, f query.StockFilter) (query.StockPage, error) {
	scope(u, &f.AccountKeys)
	return s.Reads.Stock(ctx, f)
}

// Balances pages the theoretical stock per trace code, enterprise and
// customs status as the chain's balances hold it.
func (s *Service) Balances(ctx context.Context, u accounts.User, f query.BalanceFilter, after string, limit int) (query.BalancePage, error) {
	if !service.SeesAll(u) {
		f.EnterpriseID = u.EnterpriseID
	}
	return s.Reads.BalancesPage(ctx, f, after, limit)
}

// Periods lists accounting periods: an enterprise's own; for the others
// the periods of enterpriseID, or all when it is empty.
func (s *Service) Periods(ctx context.Context, u accounts.User, enterpriseID string) ([]model.AccountPeriod, error) {
	if !service.SeesAll(u) {
		enterpriseID = u.EnterpriseID
	}
	return s.Reads.AccountPeriods(ctx, enterpriseID)
}

// PeriodDefinition is a period to define.
type PeriodDefinition struct {
	PeriodID string `json:"periodId"`
	// From and To are days (YYYY-MM-DD, China Standard Time), both included.
	From string `json:"from"`
	To   string `json:"to"`
}

// Changed is a period after a write, with the transaction that wrote it.
type Changed struct {
	Period model.AccountPeriod
	Tx     *ledgertx.Tx
}

// DefinePeriod records a period of the caller's enterprise on the ledger.
func (s *Service) DefinePeriod(ctx context.Context, w service.Write, d PeriodDefinition) (Changed, error) {
	if ps := model.CheckPeriod(d.PeriodID, d.From, d.To); len(ps) > 0 {
		var p validation.Problems
		p.AddModel(ps...)
		return Changed{}, p
	}
	return s.submit(ctx, w, d.PeriodID, "DefinePeriod", d.PeriodID, d.From, d.To)
}

// Closing is a closed period and the figures whose hash it recorded.
type Closing struct {
	Period  model.AccountPeriod  `json:"period"`
	Figures []model.PeriodFigure `json:"figures"`
}

// ClosePeriod computes the figures of one of the caller's periods from the
// mirror, once the mirror has caught up with the ledger, and records
// their hash on the ledger. The ledger refuses a period not yet ended or
// already closed.
func (s *Service) ClosePeriod(ctx context.Context, w service.Write, enterpriseID, periodID string) (Closing, *ledgertx.Tx, error) {
	if enterpriseID != w.Caller.EnterpriseID {
		return Closing{}, nil, apierror.Newf(apierror.Forbidden, "an enterprise closes its own periods only", "企业只能结算本企业的核算周期")
	}
	p, err := s.Reads.AccountPeriod(ctx, w.Caller.EnterpriseID, periodID)
	if err != nil {
		return Closing{}, nil, err
	}
	if err := s.catchUp(ctx); err != nil {
		return Closing{}, nil, err
	}
	figures, err := s.Reads.PeriodFigures(ctx, p)
	if err != nil {
		return Closing{}, nil, err
	}
	changed, err := s.submit(ctx, w, periodID, "ClosePeriod", periodID, model.PeriodTotalsHash(p, figures))
	if err != nil {
		return Closing{}, changed.Tx, err
	}
	return Closing{Period: changed.Period, Figures: figures}, changed.Tx, nil
}

// catchUp waits until the mirror holds every block the ledger has now, so
// a close computes its figures from all movements committed before it.
func (s *Service) catchUp(ctx context.Context) error {
	height, err := s.Ledger.Ledger.Height(ctx)
	if err != nil {
		return apierror.Ledger(err)
	}
	if height == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.CatchUp)
	defer cancel()
	if err := s.Reads.WaitForBlock(ctx, height-1); err != nil {
		return apierror.Newf(apierror.LedgerUnavailable, "the read model is behind the ledger; retry later",
			"查询库尚未同步到最新区块，请稍后重试").WithCause(err)
	}
	return nil
}

func (s *Service) submit(ctx context.Context, w service.Write, periodID, function string, args ...string) (Changed, error) {
	signer, err := s.Signers.For(w.Caller)
	if err != nil {
		return Changed{}, err
	}
	enterpriseID := w.Caller.EnterpriseID
	res, err := s.Ledger.Submit(ctx, ledgertx.Call{Signer: signer, Function: function, Args: append([]string{w.RequestID}, args...),
		ReadBack: func(ctx context.Context) ([]byte, error) {
			// A repeated request: the mirror has the period once indexed.
			p, err := s.Reads.AccountPeriod(ctx, enterpriseID, periodID)
			if err != nil {
				return nil, err
			}
			return json.Marshal(p)
		}})
	if err != nil {
		return Changed{Tx: res.Tx}, err
	}
	var p model.AccountPeriod
	if err := json.Unmarshal(res.Payload, &p); err != nil {
		return Changed{Tx: res.Tx}, fmt.Errorf("decode account period: %w", err)
	}
	return Changed{Period: p, Tx: res.Tx}, nil
}

// PeriodFigures are a period's figures computed from the mirror now, and
// their hash.
type PeriodFigures struct {
	Period     model.AccountPeriod  `json:"period"`
	Figures    []model.PeriodFigure `json:"figures"`
	TotalsHash string               `json:"totalsHash"`
}

// Figures computes a period's figures: per batch and status, opening + in
// − out = closing.
func (s *Service) Figures(ctx context.Context, u accounts.User, enterpriseID, periodID string) (PeriodFigures, error) {
	p, err := s.period(ctx, u, enterpriseID, periodID)
	if err != nil {
		return PeriodFigures{}, err
	}
	figures, err := s.Reads.PeriodFigures(ctx, p)
	if err != nil {
		return PeriodFigures{}, err
	}
	return PeriodFigures{Period: p, Figures: figures, TotalsHash: model.PeriodTotalsHash(p, figures)}, nil
}

// Verify recomputes a period's figures and compares them with the hash its
// close recorded on the ledger and with the figures kept at closing.
func (s *Service) Verify(ctx context.Context, u accounts.User, enterpriseID, periodID string) (query.PeriodCheck, error) {
	p, err := s.period(ctx, u, enterpriseID, periodID)
	if err != nil {
		return query.PeriodCheck{}, err
	}
	return s.Reads.VerifyPeriod(ctx, p)
}

// period reads a period u may see: an enterprise's own only.
func (s *Service) period(ctx context.Context, u accounts.User, enterpriseID, periodID string) (model.AccountPeriod, error) {
	if !service.SeesAll(u) && enterpriseID != u.EnterpriseID {
		return model.AccountPeriod{}, apierror.Newf(apierror.Forbidden, "another enterprise's period", "无权查看其他企业的核算周期")
	}
	p, err := s.Reads.AccountPeriod(ctx, enterpriseID, periodID)
	if errors.Is(err, query.ErrNotFound) {
		return p, apierror.Newf(apierror.NotFound, "no such period", "核算周期不存在").WithCause(err)
	}
	return p, err
}
