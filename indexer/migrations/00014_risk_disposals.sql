-- Customs' handling of risk alerts (风险预警处置, chaincode/model/disposal.go):
-- the ledger's record of each alert, by the alert's identity, with the
-- columns the alert listing filters and counts by.

-- +goose Up
CREATE TABLE risk_disposals (
    alert_kind     text NOT NULL,
    subject        text NOT NULL,
    period         text NOT NULL,
    alert_id       bigint NOT NULL,
    enterprise_id  text NOT NULL,
    state          text NOT NULL,
    level          text NOT NULL,
    disposal_type  text NOT NULL,
    updated_at     timestamptz NOT NULL,
    block_number   bigint NOT NULL,
    doc            jsonb NOT NULL,
    PRIMARY KEY (alert_kind, subject, period)
);
CREATE INDEX risk_disposals_state ON risk_disposals (state, level);

-- +goose Down
DROP TABLE risk_disposals;
