-- An alert's status is customs' handling of it, which the ledger records
-- (model.RiskDisposal) and the indexer mirrors into risk_disposals; a copy
-- here could only drift from it.

-- +goose Up
ALTER TABLE risk_alerts DROP COLUMN status;

-- +goose Down
ALTER TABLE risk_alerts ADD COLUMN status text NOT NULL DEFAULT 'open';
