-- Accounting (核算, docs/architecture.md "Accounting"). Like every projection
-- these rows derive from blocks only, so a replay rebuilds them identically.
--
-- account_legs: each movement seen from each holding it touches, classified
-- once (indexer/project_account.go) into the flow the accounts list it
-- under: entry, exit, transfer_in, transfer_out, conversion_in,
-- conversion_out. A reversal counts negative in the flow it undoes. Every
-- figure of the accounts is a sum over these legs, and its drill-down lists
-- them.
--
-- account_stock: the running sums of the legs per trace code × enterprise ×
-- status, kept per block so stock reports read one row per batch.
--
-- account_periods: enterprises' accounting periods as recorded on chain.

-- +goose Up
CREATE TABLE account_legs (
    block_number  bigint NOT NULL,
    grams         bigint NOT NULL,
    at            timestamptz NOT NULL,
    tx_index      integer NOT NULL,
    event_index   integer NOT NULL,
    incoming      boolean NOT NULL,
    bonded        boolean NOT NULL,
    flow          text NOT NULL,
    enterprise_id text NOT NULL,
    trace_code    text NOT NULL,
    document_id   text NOT NULL,
    PRIMARY KEY (block_number, tx_index, event_index, incoming)
);
-- Period figures read an enterprise's legs by time, index only.
CREATE INDEX account_legs_enterprise_at ON account_legs (enterprise_id, at)
    INCLUDE (trace_code, bonded, flow, grams);
CREATE INDEX account_legs_trace ON account_legs (trace_code, enterprise_id);
CREATE INDEX account_legs_document ON account_legs (document_id);
CREATE INDEX account_legs_flow_at ON account_legs (flow, at);

CREATE TABLE account_stock (
    trace_code           text NOT NULL,
    enterprise_id        text NOT NULL,
    bonded               boolean NOT NULL,
    entry_grams          bigint NOT NULL,
    exit_grams           bigint NOT NULL,
    transfer_in_grams    bigint NOT NULL,
    transfer_out_grams   bigint NOT NULL,
    conversion_in_grams  bigint NOT NULL,
    conversion_out_grams bigint NOT NULL,
    stock_grams          bigint NOT NULL,
    -- first_in_at is when goods first came into this holding (storage age).
    first_in_at          timestamptz,
    last_at              timestamptz NOT NULL,
    block_number         bigint NOT NULL,
    PRIMARY KEY (trace_code, enterprise_id, bonded)
);
CREATE INDEX account_stock_enterprise ON account_stock (enterprise_id, trace_code, bonded);

CREATE TABLE account_periods (
    enterprise_id text NOT NULL,
    period_id     text NOT NULL,
    from_day      date NOT NULL,
    to_day        date NOT NULL,
    status        text NOT NULL,
    totals_hash   text NOT NULL,
    closed_at     timestamptz,
    block_number  bigint NOT NULL,
    doc           jsonb NOT NULL,
    PRIMARY KEY (enterprise_id, period_id)
);

-- account_period_figures: the figures of a period as the mirror held them
-- in the block that closed it (indexer.PeriodFiguresSQL), kept so a later
-- recomputation can be compared line by line.
CREATE TABLE account_period_figures (
    enterprise_id        text NOT NULL,
    period_id            text NOT NULL,
    trace_code           text NOT NULL,
    bonded               boolean NOT NULL,
    opening_grams        bigint NOT NULL,
    entry_grams          bigint NOT NULL,
    transfer_in_grams    bigint NOT NULL,
    conversion_in_grams  bigint NOT NULL,
    exit_grams           bigint NOT NULL,
    transfer_out_grams   bigint NOT NULL,
    conversion_out_grams bigint NOT NULL,
    closing_grams        bigint NOT NULL,
    PRIMARY KEY (enterprise_id, period_id, trace_code, bonded)
);

-- Accounts filter documents by vehicle plate and checklist (customs) number.
CREATE INDEX documents_vehicle_plate ON documents ((doc -> 'head' ->> 'vehiclePlate'))
    WHERE doc -> 'head' ->> 'vehiclePlate' <> '';
CREATE INDEX documents_customs_no ON documents (customs_no) WHERE customs_no <> '';
-- Material numbers are indexed by 00013 (material_no, enterprise_id).

-- +goose Down
DROP INDEX documents_customs_no;
DROP INDEX documents_vehicle_plate;
DROP TABLE account_period_figures;
DROP TABLE account_periods;
DROP TABLE account_stock;
DROP TABLE account_legs;
