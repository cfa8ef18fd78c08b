-- The read model mirrored from the ledger. Every row is derived from blocks
-- only (no ingestion-time columns), so replaying the chain rebuilds identical
-- tables; original RFC 3339 strings are kept in doc/at_text so they round-trip.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE indexer_checkpoint (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    next_block bigint NOT NULL CHECK (next_block >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO indexer_checkpoint (next_block) VALUES (0);

-- Keyed by position: Fabric records a replayed transaction id again as an
-- invalid DUPLICATE_TXID transaction, so tx_id is unique among valid ones only.
CREATE TABLE ledger_transactions (
    block_number    bigint NOT NULL,
    tx_index        integer NOT NULL,
    tx_id           text NOT NULL,
    function        text NOT NULL,
    creator_msp     text NOT NULL,
    creator_id      text NOT NULL,
    valid           boolean NOT NULL,
    validation_code text NOT NULL,
    at              timestamptz NOT NULL,
    PRIMARY KEY (block_number, tx_index)
);
CREATE UNIQUE INDEX ledger_transactions_valid_tx_id ON ledger_transactions (tx_id) WHERE valid;
CREATE INDEX ledger_transactions_tx_id ON ledger_transactions (tx_id);

CREATE TABLE enterprises (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL,
    customs_code  text NOT NULL,
    status        text NOT NULL,
    registered_at timestamptz NOT NULL,
    registered_by text NOT NULL,
    updated_tx    text NOT NULL,
    block_number  bigint NOT NULL,
    doc           jsonb NOT NULL
);

CREATE TABLE identity_bindings (
    msp_id           text NOT NULL,
    client_id        text NOT NULL,
    enterprise_id    text NOT NULL,
    cert_fingerprint text NOT NULL,
    bound_at         timestamptz NOT NULL,
    bound_by         text NOT NULL,
    updated_tx       text NOT NULL,
    block_number     bigint NOT NULL,
    doc              jsonb NOT NULL,
    PRIMARY KEY (msp_id, client_id)
);
CREATE INDEX identity_bindings_enterprise ON identity_bindings (enterprise_id);

CREATE TABLE prefilings (
    id                text PRIMARY KEY,
    enterprise_id     text NOT NULL,
    status            text NOT NULL,
    supplement_status text NOT NULL,
    trace_code        text NOT NULL,
    commodity         text NOT NULL,
    product_name      text NOT NULL,
    hs_code           text NOT NULL,
    origin            text NOT NULL,
    exporter_name     text NOT NULL,
    material_no       text NOT NULL,
    batch_no          text NOT NULL,
    quarantine_result text NOT NULL,
    weight_grams      bigint NOT NULL,
    avg_price_fen     bigint NOT NULL,
    declared_at       timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    updated_tx        text NOT NULL,
    block_number      bigint NOT NULL,
    doc               jsonb NOT NULL
);
-- The list is always ordered newest update first; enterprises only ever list
-- their own, hence the composite leading with enterprise_id.
CREATE INDEX prefilings_updated ON prefilings (updated_at DESC, id);
CREATE INDEX prefilings_enterprise_updated ON prefilings (enterprise_id, updated_at DESC, id);
CREATE INDEX prefilings_status ON prefilings (status);
CREATE INDEX prefilings_needs_review ON prefilings (updated_at DESC, id)
    WHERE status = 'declared' OR supplement_status = 'declared';
CREATE INDEX prefilings_trace_code ON prefilings (trace_code);
CREATE INDEX prefilings_origin ON prefilings (origin);
CREATE INDEX prefilings_product_name_trgm ON prefilings USING gin (product_name gin_trgm_ops);
CREATE INDEX prefilings_exporter_name_trgm ON prefilings USING gin (exporter_name gin_trgm_ops);

CREATE TABLE prefiling_steps (
    prefiling_id        text NOT NULL REFERENCES prefilings (id),
    seq                 integer NOT NULL,
    action              text NOT NULL,
    actor_msp           text NOT NULL,
    actor_client_id     text NOT NULL,
    actor_role          text NOT NULL,
    actor_enterprise_id text NOT NULL,
    actor_name          text NOT NULL,
    tx_id               text NOT NULL,
    at                  timestamptz NOT NULL,
    at_text             text NOT NULL,
    reason              text NOT NULL,
    supplement          jsonb,
    block_number        bigint NOT NULL,
    PRIMARY KEY (prefiling_id, seq)
);

CREATE TABLE trace_codes (
    code          text PRIMARY KEY,
    prefiling_id  text NOT NULL UNIQUE,
    enterprise_id text NOT NULL,
    commodity     text NOT NULL,
    product_name  text NOT NULL,
    origin        text NOT NULL,
    weight_grams  bigint NOT NULL,
    status        text NOT NULL,
    issued_at     timestamptz NOT NULL,
    issued_tx     text NOT NULL,
    block_number  bigint NOT NULL,
    doc           jsonb NOT NULL
);
CREATE INDEX trace_codes_enterprise ON trace_codes (enterprise_id);

-- +goose Down
DROP TABLE trace_codes;
DROP TABLE prefiling_steps;
DROP TABLE prefilings;
DROP TABLE identity_bindings;
DROP TABLE enterprises;
DROP TABLE ledger_transactions;
DROP TABLE indexer_checkpoint;
