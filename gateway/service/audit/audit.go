// Package audit is the auditor's console: the block explorer over the
// mirror, audits run as background jobs, and evidence bundles of trace
// codes.
package audit

import (
	"context"
	"errors"

	"zonetrace/gateway/apierror"
	"zonetrace/gateway/verifyruns"
	"zonetrace/indexer/query"
	"zonetrace/internal/bundle"
)

// HistorySize is how many runs the history lists.
const HistorySize = 50

// Service answers the console's requests.
type Service struct {
	explorer *query.Explorer
	runs     *verifyruns.Store
	bundles  bundle.Source
}

// New returns a Service.
func New(explorer *query.Explorer, runs *verifyruns.Store, bundles bundle.Source) *Service {
	return &Service{explorer: explorer, runs: runs, bundles: bundles}
}

// Blocks lists blocks, newest first.
func (s *Service) Blocks(ctx context.Context, page, size int) (query.BlockPage, error) {
	return s.explorer.Blocks(ctx, page, size)
}

// Block is one block with its transactions.
func (s *Service) Block(ctx context.Context, n int64) (query.BlockDetail, error) {
	return s.explorer.Block(ctx, n)
}

// Transaction is one transaction.
func (s *Service) Transaction(ctx context.Context, txID string) (query.TxDetail, error) {
	return s.explorer.Transaction(ctx, txID)
}

// Search finds transactions by transaction id, trace code, document or
// prefiling id.
func (s *Service) Search(ctx context.Context, term string) (query.SearchResult, error) {
	return s.explorer.Search(ctx, term)
}

// StartVerify starts an audit by username, or returns the one running;
// started says which.
func (s *Service) StartVerify(ctx context.Context, username string) (run verifyruns.Run, started bool, err error) {
	return s.runs.Start(ctx, username)
}

// VerifyRuns lists the latest audits, newest first.
func (s *Service) VerifyRuns(ctx context.Context) ([]verifyruns.Run, error) {
	return s.runs.List(ctx, HistorySize)
}

// VerifyRun is one audit.
func (s *Service) VerifyRun(ctx context.Context, id int64) (verifyruns.Run, error) {
	run, err := s.runs.Get(ctx, id)
	if errors.Is(err, verifyruns.ErrNotFound) {
		return run, apierror.New(apierror.NotFound).WithCause(err)
	}
	return run, err
}

// Bundle is the evidence bundle of a trace code.
func (s *Service) Bundle(ctx context.Context, traceCode string) (*bundle.Bundle, error) {
	b, err := bundle.Build(ctx, s.bundles, traceCode)
	if errors.Is(err, bundle.ErrNoEvidence) {
		return nil, apierror.Newf(apierror.NotFound, "no transaction touched this trace code", "没有涉及该溯源码的交易").WithCause(err)
	}
	return b, err
}
