-- Audits started from the web app: each run of the same check as
-- `zonetrace verify`, carried out by a job, with its progress and outcome.

-- +goose Up
CREATE TABLE verify_runs (
    id             bigserial PRIMARY KEY,
    started_by     text NOT NULL,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    -- running | passed | failed (the audit found a fault) | error (it could not complete)
    status         text NOT NULL CHECK (status IN ('running', 'passed', 'failed', 'error')),
    blocks_checked bigint NOT NULL DEFAULT 0,
    height         bigint NOT NULL DEFAULT 0,
    tables         integer NOT NULL DEFAULT 0,
    lag            bigint NOT NULL DEFAULT 0,
    -- The finding or the error, in the audit's words.
    message        text NOT NULL DEFAULT ''
);
-- At most one run at a time: a second start finds the running one.
CREATE UNIQUE INDEX verify_runs_one_running ON verify_runs ((true)) WHERE status = 'running';

-- +goose Down
DROP TABLE verify_runs;
