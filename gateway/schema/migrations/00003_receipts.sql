-- +goose Up
-- Receipts: what customs' national systems send back (kept whole, split
-- pockets until complete, the numbers that tie them to our documents), the
-- enterprises' read marks, webhooks and webhook deliveries.

-- Every message POSTed to /external-receipts, as received: nothing submitted
-- is lost, whatever becomes of it.
CREATE TABLE customs_messages (
    id          bigserial PRIMARY KEY,
    raw         bytea NOT NULL,
    received_by text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Pockets of split receipts (total_pocket_qty > 1) until all have arrived.
CREATE TABLE customs_pockets (
    pocket_id    text NOT NULL,
    pocket_no    integer NOT NULL,
    total        integer NOT NULL,
    message_type text NOT NULL,
    raw          bytea NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pocket_id, pocket_no)
);

-- Customs' numbers of our documents: the 18-digit pre-entry number (SeqNo,
-- learnt from the import result) and customs document numbers (QD…, Z…,
-- learnt from applied receipts).
CREATE TABLE customs_numbers (
    number      text PRIMARY KEY,
    document_id text NOT NULL,
    learnt_from text NOT NULL,
    learnt_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customs_numbers_document ON customs_numbers(document_id);

-- Whole receipts, keyed for idempotency (message type, number, result,
-- date). numbers are what the receipt can be matched by; an unmatched
-- receipt waits for its document to become known.
CREATE TABLE external_receipts (
    id           text PRIMARY KEY,
    message_type text NOT NULL,
    receipt      jsonb NOT NULL,
    numbers      text[] NOT NULL,
    candidates   text[] NOT NULL,
    raw          bytea[] NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'applied', 'unmatched', 'unsupported')),
    document_ids text[] NOT NULL DEFAULT '{}',
    last_error   text NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX external_receipts_numbers ON external_receipts USING gin (numbers) WHERE status = 'unmatched';

-- Receipts an enterprise has read in the app.
CREATE TABLE receipt_reads (
    enterprise_id text NOT NULL,
    receipt_id    text NOT NULL,
    read_by       text NOT NULL,
    read_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enterprise_id, receipt_id)
);

-- One webhook per enterprise; the HMAC secret is sealed (AES-256-GCM) with
-- a key kept outside the database.
CREATE TABLE webhooks (
    enterprise_id text PRIMARY KEY,
    url           text NOT NULL,
    secret_sealed bytea NOT NULL,
    updated_by    text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Where the deliverer has got to in the ledger's receipts.
CREATE TABLE receipt_cursor (
    name        text PRIMARY KEY,
    block       bigint NOT NULL,
    event_index integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One delivery per receipt to its enterprise's webhook; body is the exact
-- JSON signed and sent on every attempt.
CREATE TABLE webhook_deliveries (
    receipt_id      text NOT NULL,
    enterprise_id   text NOT NULL,
    body            bytea NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text NOT NULL DEFAULT '',
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (receipt_id, enterprise_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_enterprise ON webhook_deliveries(enterprise_id, created_at DESC);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE receipt_cursor;
DROP TABLE webhooks;
DROP TABLE receipt_reads;
DROP TABLE external_receipts;
DROP TABLE customs_numbers;
DROP TABLE customs_pockets;
DROP TABLE customs_messages;
