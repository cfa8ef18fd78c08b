-- +goose Up
-- Off-chain state of the gateway: accounts, sessions, working drafts,
-- attachment metadata and the submissions outbox. The ledger mirror lives in
-- the indexer's own tables of the same database.

CREATE TABLE users (
    username      text PRIMARY KEY,
    password_hash text NOT NULL,
    display_name  text NOT NULL,
    role          text NOT NULL,
    enterprise_id text,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    username   text NOT NULL REFERENCES users(username),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_username ON sessions(username);

CREATE TABLE prefiling_drafts (
    id                    uuid PRIMARY KEY,
    enterprise_id         text NOT NULL,
    data                  jsonb NOT NULL,
    created_at            timestamptz NOT NULL,
    created_by            text NOT NULL,
    updated_at            timestamptz NOT NULL,
    updated_by            text NOT NULL,
    -- declared_prefiling_id is reserved before DeclarePrefiling is submitted
    -- (so a crash cannot declare twice); declared_at is set once the ledger
    -- has committed it.
    declared_prefiling_id text UNIQUE,
    declared_at           timestamptz,
    deleted_at            timestamptz,
    deleted_by            text
);
CREATE INDEX prefiling_drafts_enterprise ON prefiling_drafts(enterprise_id, updated_at DESC);

CREATE TABLE attachments (
    sha256        text NOT NULL,
    -- '' for files uploaded by users of no enterprise (customs, zone admin).
    enterprise_id text NOT NULL,
    name          text NOT NULL,
    size          bigint NOT NULL,
    content_type  text NOT NULL,
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sha256, enterprise_id)
);

CREATE TABLE submissions (
    username        text NOT NULL,
    idempotency_key text NOT NULL,
    method          text NOT NULL,
    path            text NOT NULL,
    -- body is empty when it held a secret (a new user's password); such a
    -- submission is not replayable by recovery, only by the client.
    body            bytea NOT NULL,
    replayable      boolean NOT NULL,
    body_sha256     text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'done')),
    lease_until     timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 1,
    response_status integer,
    response_body   bytea,
    tx_id           text,
    block_number    bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, idempotency_key)
);
CREATE INDEX submissions_pending ON submissions(created_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE submissions;
DROP TABLE attachments;
DROP TABLE prefiling_drafts;
DROP TABLE sessions;
DROP TABLE users;
