-- Basic data from the external trade platform (gateway/basicdata): supplier
-- relations, enterprise information, HS codes, account books (账册) and
-- declaration forms (报关单). It is a cache of reference data kept by its
-- owner elsewhere, so it lives off chain. One table holds every data set:
-- each record is its JSON as validated by the data set's Go type, with the
-- columns the queries and the draft checks look up by pulled out of it.

-- +goose Up
CREATE TABLE basic_data_records (
    -- suppliers | enterprises | hs_codes | account_books | declarations
    dataset       text NOT NULL,
    -- the record's identity within its data set (HS code, account book
    -- number, credit code, enterprise|supplier, declaration number)
    key           text NOT NULL,
    -- the enterprise the record belongs to ('' for HS codes): enterprises
    -- see only their own
    enterprise_id text NOT NULL DEFAULT '',
    data          jsonb NOT NULL,
    -- SHA-256 of the record's canonical JSON: unchanged records are not
    -- rewritten
    hash          text NOT NULL,
    -- the file or URL the latest version came from
    source        text NOT NULL,
    -- 1 for the first version, +1 each time the content changed
    version       integer NOT NULL DEFAULT 1,
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    -- set when a full delivery of the data set no longer holds the record;
    -- cleared when it comes back
    removed_at    timestamptz,
    PRIMARY KEY (dataset, key)
);
CREATE INDEX basic_data_records_enterprise ON basic_data_records (dataset, enterprise_id, key);

-- One sync: queued by "sync now" or the schedule, run by a job.
CREATE TABLE basic_data_syncs (
    id          bigserial PRIMARY KEY,
    -- manual | schedule
    trigger     text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
    state       text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    requested_by text NOT NULL DEFAULT '',
    -- {dataset: {added, changed, unchanged, removed, deliveries, refused}}
    counts      jsonb NOT NULL DEFAULT '{}',
    -- [{dataset, source, accepted, reason}]: every delivery and what became of it
    deliveries  jsonb NOT NULL DEFAULT '[]',
    -- [{dataset, detail}]: the data sets that could not be pulled and the
    -- connector's error (platform unreachable …)
    failures    jsonb NOT NULL DEFAULT '[]',
    created_at  timestamptz NOT NULL,
    started_at  timestamptz,
    finished_at timestamptz
);

-- The last successful pull of each data set: the next pull asks the
-- platform for what changed since, and the draft checks run only for data
-- sets synced at least once.
CREATE TABLE basic_data_sets (
    dataset     text PRIMARY KEY,
    synced_at   timestamptz NOT NULL,
    sync_id     bigint NOT NULL REFERENCES basic_data_syncs (id)
);

-- +goose Down
DROP TABLE basic_data_sets;
DROP TABLE basic_data_syncs;
DROP TABLE basic_data_records;
