-- The operation log (gateway/oplog): every sensitive action, append-only and
-- hash-chained; its heads anchored on the ledger; alert rules (a versioned
-- rule set), the alerts they raised and the in-app notifications of them.
-- +goose Up
CREATE TABLE operation_log (
    seq           bigint PRIMARY KEY,
    at            timestamptz NOT NULL,
    username      text NOT NULL,
    role          text NOT NULL,
    enterprise_id text NOT NULL,
    command       text NOT NULL,
    object_type   text NOT NULL,
    object_id     text NOT NULL,
    ip            text NOT NULL,
    user_agent    text NOT NULL,
    rows_count    bigint NOT NULL,
    bytes_count   bigint NOT NULL,
    status        integer NOT NULL,
    error_code    text NOT NULL,
    request_id    text NOT NULL,
    prev_hash     bytea NOT NULL,
    hash          bytea NOT NULL
);
CREATE INDEX operation_log_at ON operation_log (at);
CREATE INDEX operation_log_username ON operation_log (username, at);
CREATE INDEX operation_log_ip ON operation_log (ip, at);

-- The head of the chain: one row, locked FOR UPDATE by every append so that
-- concurrent requests make one linear chain.
CREATE TABLE operation_log_head (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq  bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO operation_log_head (seq, hash) VALUES (0, '\x');

-- +goose StatementBegin
CREATE FUNCTION operation_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'operation_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER operation_log_append_only BEFORE UPDATE OR DELETE ON operation_log
    FOR EACH ROW EXECUTE FUNCTION operation_log_refuse_change();
CREATE TRIGGER operation_log_no_truncate BEFORE TRUNCATE ON operation_log
    FOR EACH STATEMENT EXECUTE FUNCTION operation_log_refuse_change();

-- Heads written to the ledger (AnchorOperationLog); the ledger's copy is
-- the one that counts, this one says what was sent and when.
CREATE TABLE operation_log_anchors (
    seq         bigint PRIMARY KEY,
    hash        bytea NOT NULL,
    tx_id       text NOT NULL,
    anchored_at timestamptz NOT NULL
);

-- Alert rules: each edit is a new version; the highest version is in force.
CREATE TABLE operation_log_rule_sets (
    version    integer PRIMARY KEY,
    rules      jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);

CREATE TABLE operation_log_alerts (
    id               bigserial PRIMARY KEY,
    seq              bigint NOT NULL REFERENCES operation_log (seq),
    rule             text NOT NULL,
    rule_set_version integer NOT NULL,
    -- subject is whom the alert is about (an operator or an address);
    -- dedupe_key makes a rule fire at most once for the same cause.
    subject          text NOT NULL,
    dedupe_key       text NOT NULL,
    params           jsonb NOT NULL,
    at               timestamptz NOT NULL,
    UNIQUE (rule, dedupe_key)
);
CREATE INDEX operation_log_alerts_subject ON operation_log_alerts (rule, subject, at);

-- Addresses each user logged in from, for the new-address rule.
CREATE TABLE operation_log_known_addresses (
    username   text NOT NULL,
    ip         text NOT NULL,
    first_seq  bigint NOT NULL,
    PRIMARY KEY (username, ip)
);

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    username   text NOT NULL,
    alert_id   bigint NOT NULL REFERENCES operation_log_alerts (id),
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);
CREATE INDEX notifications_username ON notifications (username, id DESC);

-- +goose Down
DROP TABLE notifications;
DROP TABLE operation_log_known_addresses;
DROP TABLE operation_log_alerts;
DROP TABLE operation_log_rule_sets;
DROP TABLE operation_log_anchors;
DROP TABLE operation_log;
DROP FUNCTION operation_log_refuse_change();
DROP TABLE operation_log_head;
