-- A block the indexer could not project: it parks there (never skips it) and
-- raises an alarm until a retry succeeds, which sets resolved_at in the same
-- transaction as the block. Not a projection table: rebuild keeps the history.

-- +goose Up
CREATE TABLE indexer_alarms (
    block_number bigint PRIMARY KEY,
    reason       text NOT NULL,
    attempts     integer NOT NULL DEFAULT 1,
    first_at     timestamptz NOT NULL DEFAULT now(),
    last_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz
);

-- +goose Down
DROP TABLE indexer_alarms;
