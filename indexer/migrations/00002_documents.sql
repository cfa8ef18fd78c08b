-- Documents, their lines, tags and history, the weight movements they caused,
-- the stock balances and the receipts sent to declarants. Like 00001, every
-- row is derived from blocks only, so a replay rebuilds identical tables.

-- +goose Up
CREATE TABLE documents (
    id                  text PRIMARY KEY,
    family              text NOT NULL,
    business_type       text NOT NULL,
    enterprise_id       text NOT NULL,
    counterparty_id     text NOT NULL,
    status              text NOT NULL,
    linked_document_id  text NOT NULL,
    in_leg_id           text NOT NULL,
    customs_no          text NOT NULL,
    abnormal            boolean NOT NULL,
    deleted_or_modified boolean NOT NULL,
    declared_at         timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    updated_tx          text NOT NULL,
    block_number        bigint NOT NULL,
    doc                 jsonb NOT NULL
);
-- Lists are ordered abnormal first, then newest update, then id; enterprises
-- see what they declared or are the counterparty of.
CREATE INDEX documents_listing ON documents (abnormal DESC, updated_at DESC, id);
CREATE INDEX documents_enterprise ON documents (enterprise_id, abnormal DESC, updated_at DESC, id);
CREATE INDEX documents_counterparty ON documents (counterparty_id);
CREATE INDEX documents_id_prefix ON documents (id text_pattern_ops);
CREATE INDEX documents_family ON documents (family, business_type);
CREATE INDEX documents_status ON documents (status);
CREATE INDEX documents_deleted_or_modified ON documents (updated_at DESC) WHERE deleted_or_modified;

CREATE TABLE document_lines (
    document_id    text NOT NULL REFERENCES documents (id),
    seq            integer NOT NULL,
    trace_code     text NOT NULL,
    material_no    text NOT NULL,
    product_name   text NOT NULL,
    hs_code        text NOT NULL,
    origin         text NOT NULL,
    weight_grams   bigint NOT NULL,
    unit_price_fen bigint NOT NULL,
    value_fen      bigint NOT NULL,
    currency       text NOT NULL,
    PRIMARY KEY (document_id, seq)
);
CREATE INDEX document_lines_trace_code ON document_lines (trace_code);
CREATE INDEX document_lines_product_name_trgm ON document_lines USING gin (product_name gin_trgm_ops);

CREATE TABLE document_tags (
    document_id text NOT NULL REFERENCES documents (id),
    seq         integer NOT NULL,
    code        text NOT NULL,
    reason      text NOT NULL,
    tx_id       text NOT NULL,
    PRIMARY KEY (document_id, seq)
);
CREATE INDEX document_tags_code ON document_tags (code);

CREATE TABLE document_steps (
    document_id         text NOT NULL REFERENCES documents (id),
    seq                 integer NOT NULL,
    action              text NOT NULL,
    status              text NOT NULL,
    actor_msp           text NOT NULL,
    actor_client_id     text NOT NULL,
    actor_role          text NOT NULL,
    actor_enterprise_id text NOT NULL,
    actor_name          text NOT NULL,
    tx_id               text NOT NULL,
    at                  timestamptz NOT NULL,
    at_text             text NOT NULL,
    reason              text NOT NULL,
    source              text NOT NULL,
    block_number        bigint NOT NULL,
    PRIMARY KEY (document_id, seq)
);

-- The largest table (tens of millions of rows), so it is kept lean: keyed by
-- its position in the chain, which is also the order movements are read in;
-- the movement id (txID:documentID:lineSeq) is not stored but rebuilt from
-- its parts, which the projection checks. at_text holds the chain's time
-- string only when formatting `at` (microseconds, UTC) would not reproduce it.
-- Columns are ordered widest fixed-size first to avoid alignment padding.
CREATE TABLE movements (
    block_number    bigint NOT NULL,
    weight_grams    bigint NOT NULL,
    at              timestamptz NOT NULL,
    tx_index        integer NOT NULL,
    event_index     integer NOT NULL,
    line_seq        integer NOT NULL,
    from_bonded     boolean,
    to_bonded       boolean,
    kind            text NOT NULL,
    document_id     text NOT NULL,
    trace_code      text NOT NULL,
    from_enterprise text,
    to_enterprise   text,
    tx_id           text NOT NULL,
    at_text         text,
    PRIMARY KEY (block_number, tx_index, event_index)
);
CREATE INDEX movements_trace_code ON movements (trace_code, block_number, tx_index, event_index);
CREATE INDEX movements_document ON movements (document_id);
CREATE INDEX movements_from_enterprise ON movements (from_enterprise, at) WHERE from_enterprise IS NOT NULL;
CREATE INDEX movements_to_enterprise ON movements (to_enterprise, at) WHERE to_enterprise IS NOT NULL;

CREATE TABLE balances (
    trace_code      text NOT NULL,
    enterprise_id   text NOT NULL,
    bonded          boolean NOT NULL,
    weight_grams    bigint NOT NULL,
    reserved_grams  bigint NOT NULL,
    inbound_grams   bigint NOT NULL,
    outbound_grams  bigint NOT NULL,
    updated_tx      text NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_at_text text NOT NULL,
    block_number    bigint NOT NULL,
    PRIMARY KEY (trace_code, enterprise_id, bonded)
);
CREATE INDEX balances_enterprise ON balances (enterprise_id, trace_code);

-- position_index orders the receipts of one block: tx index * 1000 + the
-- receipt's ordinal among its transaction's receipts.
CREATE TABLE receipts (
    id             text PRIMARY KEY,
    document_id    text NOT NULL,
    family         text NOT NULL,
    enterprise_id  text NOT NULL,
    status         text NOT NULL,
    action         text NOT NULL,
    message        text NOT NULL,
    source         text NOT NULL,
    tx_id          text NOT NULL,
    at             timestamptz NOT NULL,
    at_text        text NOT NULL,
    block_number   bigint NOT NULL,
    position_index integer NOT NULL,
    UNIQUE (block_number, position_index)
);
CREATE INDEX receipts_enterprise ON receipts (enterprise_id, block_number DESC, position_index DESC);
CREATE INDEX receipts_document ON receipts (document_id);

-- +goose Down
DROP TABLE receipts;
DROP TABLE balances;
DROP TABLE movements;
DROP TABLE document_steps;
DROP TABLE document_tags;
DROP TABLE document_lines;
DROP TABLE documents;
