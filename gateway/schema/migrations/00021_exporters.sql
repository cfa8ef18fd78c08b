-- The foreign exporter registry (gateway/exporters): a copy of the official
-- registration website's listing (进口食品境外生产企业注册), kept by a
-- scheduled crawl, Excel imports and customs' manual edits, and the
-- exporter claims of declared prefilings checked against it. Reference data
-- from outside: it lives off chain (docs/architecture.md).

-- +goose Up
CREATE TABLE exporters (
    id            bigserial PRIMARY KEY,
    -- Upper case, half-width, no spaces (exporters.NormalizeRegNo).
    reg_no        text NOT NULL UNIQUE,
    name          text NOT NULL,
    -- exporters.Normalize(name): what claims are matched and ranked on.
    name_norm     text NOT NULL,
    -- ISO 3166-1 alpha-2, as prefiling origins.
    country       text NOT NULL,
    products      text NOT NULL DEFAULT '',
    registered_on date,
    expires_on    date,
    status        text NOT NULL CHECK (status IN ('valid', 'expired', 'suspended', 'cancelled')),
    -- Where the current values came from.
    source        text NOT NULL CHECK (source IN ('crawl', 'import', 'manual')),
    -- A person's values (manual edit or import) the crawl must not
    -- overwrite: the crawl then only records what it saw in the history.
    held          boolean NOT NULL DEFAULT false,
    -- When a crawl last listed the registration (NULL: never).
    last_seen_at  timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text NOT NULL
);
CREATE INDEX exporters_name_norm ON exporters (name_norm);
CREATE INDEX exporters_expires_on ON exporters (expires_on) WHERE status = 'valid';

-- Every change of an entry: who, when, from where, and the fields with
-- their old and new values; applied = false is a crawl's value kept out by
-- a person's edit.
CREATE TABLE exporter_edits (
    id          bigserial PRIMARY KEY,
    exporter_id bigint NOT NULL REFERENCES exporters (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    by_user     text NOT NULL,
    -- expiry: the scheduled check marked the registration expired.
    source      text NOT NULL CHECK (source IN ('crawl', 'import', 'manual', 'expiry')),
    applied     boolean NOT NULL,
    -- {field: {"old": …, "new": …}}
    changes     jsonb NOT NULL,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX exporter_edits_exporter ON exporter_edits (exporter_id, id DESC);

-- One claim per declared prefiling: the exporter it names, what the
-- comparison with the registry found on the declaration date, and
-- customs' decision.
CREATE TABLE exporter_claims (
    id              bigserial PRIMARY KEY,
    prefiling_id    text NOT NULL UNIQUE,
    enterprise_id   text NOT NULL,
    exporter_name   text NOT NULL,
    exporter_reg_no text NOT NULL DEFAULT '',
    name_norm       text NOT NULL,
    origin          text NOT NULL DEFAULT '',
    declared_on     date NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    finding         text NOT NULL CHECK (finding IN ('matched', 'no_reg_no', 'not_found', 'name_mismatch', 'expired', 'not_valid')),
    exporter_id     bigint REFERENCES exporters (id),
    -- '' for the automatic confirmation.
    decided_by      text NOT NULL DEFAULT '',
    decided_at      timestamptz,
    reason          text NOT NULL DEFAULT '',
    -- The expiry date of the matched entry the last warning was sent for.
    warned_expiry   date,
    created_at      timestamptz NOT NULL
);
CREATE INDEX exporter_claims_status ON exporter_claims (status, id DESC);
CREATE INDEX exporter_claims_enterprise ON exporter_claims (enterprise_id, id DESC);

-- Every crawl of the registry website, for the "crawl now" page.
CREATE TABLE exporter_crawls (
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    pages       integer NOT NULL DEFAULT 0,
    seen        integer NOT NULL DEFAULT 0,
    added       integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    -- Entries whose crawled values differ from a person's held values.
    held        integer NOT NULL DEFAULT 0,
    -- Rows of the listing that could not be read (logged with their rule).
    skipped     integer NOT NULL DEFAULT 0,
    failure     text NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE exporter_crawls;
DROP TABLE exporter_claims;
DROP TABLE exporter_edits;
DROP TABLE exporters;
