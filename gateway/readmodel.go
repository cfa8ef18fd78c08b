package gateway

import (
	"context"

	"zonetrace/chaincode/model"
	"zonetrace/indexer/query"
)

// ReadModel is what the gateway reads from the indexer's PostgreSQL mirror of
// the ledger; *query.Reader implements it.
type ReadModel interface {
	SearchPrefilings(ctx context.Context, f query.PrefilingFilter) (query.PrefilingPage, error)
	SearchPrefilingsJSON(ctx context.Context, f query.PrefilingFilter) (query.JSONPage, error)
	Prefiling(ctx context.Context, id string) (query.PrefilingView, error)
	TraceCode(ctx context.Context, code string) (model.TraceCode, error)
	// TraceCodeDetail is a trace code with its prefiling and history.
	TraceCodeDetail(ctx context.Context, code string) (model.TraceCode, query.PrefilingView, error)
	Enterprises(ctx context.Context) ([]model.Enterprise, error)
	Enterprise(ctx context.Context, id string) (model.Enterprise, error)
	Identities(ctx context.Context, enterpriseID string) ([]model.IdentityBinding, error)
	SearchDocuments(ctx context.Context, f query.DocumentFilter) (query.DocumentPage, error)
	SearchDocumentsJSON(ctx context.Context, f query.DocumentFilter) (query.JSONPage, error)
	// Document returns a document with its steps.
	Document(ctx context.Context, id string) (query.DocumentView, error)
	DocumentMovements(ctx context.Context, documentID string) ([]model.Movement, error)
	// DocumentWithMovements is both in one round trip.
	DocumentWithMovements(ctx context.Context, id string) (query.DocumentView, []model.Movement, error)
	Balances(ctx context.Context, f query.BalanceFilter) ([]query.BalanceView, error)
	// IncomingTransfers lists the approved out legs naming enterpriseID as
	// transferee whose in leg is not declared yet.
	IncomingTransfers(ctx context.Context, enterpriseID string) ([]model.Document, error)
	// PickableBatches lists an enterprise's holdings, once each, for the
	// pick dialog.
	PickableBatches(ctx context.Context, f query.PickFilter) ([]query.PickableBatch, error)
	// Receipts returns a page of receipts, newest first.
	Receipts(ctx context.Context, f query.ReceiptFilter) (query.ReceiptPage, error)
	// ReceiptsAfter lists receipts strictly after a position, in the order
	// the chain issued them.
	ReceiptsAfter(ctx context.Context, after query.ReceiptPosition, limit int) ([]query.PositionedReceipt, error)
	// IndexerHealth is the indexed height and the block the indexer is
	// parked on, if any (/readyz).
	IndexerHealth(ctx context.Context) (query.IndexerHealth, error)
	// RecentDeclarations lists the newest declarations of a review rule's
	// kind, for a dry run.
	RecentDeclarations(ctx context.Context, kind model.DeclarationKind, n int) ([]string, error)
	// CurrentTags is the tag catalogue in force and its version.
	CurrentTags(ctx context.Context) (int, []model.TagDef, error)
	// WorkQueue pages what waits for customs, oldest first;
	// WorkQueueCounts counts it per kind and EnterpriseCounts an
	// enterprise's receipts and incoming transfers (menu badges).
	WorkQueue(ctx context.Context, f query.QueueFilter) (query.QueuePage, error)
	WorkQueueCounts(ctx context.Context) (query.QueueCounts, error)
	EnterpriseCounts(ctx context.Context, enterpriseID string) (query.EnterpriseCounts, error)
	// TraceJourney, TxProof and MaterialBatches serve the public trace
	// page, the EPCIS export and the material number queries.
	TraceJourney(ctx context.Context, code string) ([]query.JourneyMovement, error)
	TxProof(ctx context.Context, txID string) (query.LedgerProof, error)
	MaterialBatches(ctx context.Context, f query.MaterialFilter) ([]query.MaterialBatch, error)
	// TraceHistory is a batch's whole history and SearchTraces the trace
	// views over batches (gateway/service/traces).
	TraceHistory(ctx context.Context, code string) (query.TraceHistory, error)
	SearchTraces(ctx context.Context, f query.TraceFilter) (query.TracePage, error)
	// WaitForBlock returns once the indexer has mirrored block.
	WaitForBlock(ctx context.Context, block uint64) error
	// BalancesPage is Balances keyset paged.
	BalancesPage(ctx context.Context, f query.BalanceFilter, after string, limit int) (query.BalancePage, error)
	// The accounts (gateway/service/accounting).
	AccountMovements(ctx context.Context, f query.AccountMovementFilter) (query.AccountMovementPage, error)
	Stock(ctx context.Context, f query.StockFilter) (query.StockPage, error)
	AccountPeriods(ctx context.Context, enterpriseID string) ([]model.AccountPeriod, error)
	AccountPeriod(ctx context.Context, enterpriseID, periodID string) (model.AccountPeriod, error)
	PeriodFigures(ctx context.Context, p model.AccountPeriod) ([]model.PeriodFigure, error)
	VerifyPeriod(ctx context.Context, p model.AccountPeriod) (query.PeriodCheck, error)
	// The supervision cockpit's sums (gateway/service/cockpit).
	CockpitTrade(ctx context.Context, year int) (query.CockpitTrade, error)
	CockpitRanking(ctx context.Context, figure string, year, limit int) (query.Ranking, error)
	CockpitTickets(ctx context.Context, year int) (query.CockpitTickets, error)
	CockpitStock(ctx context.Context, limit int) (query.CockpitStock, error)
	CockpitPrices(ctx context.Context, from, to string) ([]query.PricePoint, error)
}

var _ ReadModel = (*query.Reader)(nil)
