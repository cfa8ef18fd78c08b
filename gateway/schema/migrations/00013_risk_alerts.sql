-- Risk alerts (风险预警) raised by the alert engine (gateway/alerts): at
-- most one per kind, subject and period, whatever restarts or gateway
-- processes evaluate the same blocks, and the engine's position in the
-- indexed blocks.

-- +goose Up
CREATE TABLE risk_alerts (
    id             bigserial PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('long_storage', 'high_risk', 'high_value', 'price_difference', 'quarantine')),
    subject_type   text NOT NULL CHECK (subject_type IN ('trace_code', 'document', 'enterprise')),
    subject        text NOT NULL,
    -- What makes a repeat a new alert: the batch's stay for long storage,
    -- its prefiling for the batch kinds, the line for a price difference.
    period         text NOT NULL,
    enterprise_id  text NOT NULL,
    config_version integer NOT NULL,
    -- The figures that fired it, in integers (days, fen, permille).
    facts          jsonb NOT NULL,
    -- The indexed block it was raised at.
    block_number   bigint NOT NULL,
    fired_at       timestamptz NOT NULL,
    status         text NOT NULL DEFAULT 'open',
    UNIQUE (kind, subject, period)
);
CREATE INDEX risk_alerts_listing ON risk_alerts (fired_at DESC, id DESC);
CREATE INDEX risk_alerts_enterprise ON risk_alerts (enterprise_id, fired_at DESC);

CREATE TABLE risk_alert_cursor (
    name       text PRIMARY KEY,
    block      bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE risk_alert_cursor;
DROP TABLE risk_alerts;
