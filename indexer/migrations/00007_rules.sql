-- Customs' rule configuration, every version as it was written, and the
-- review rule that made a prefiling or document step automatically
-- (chaincode/model/rules.go). Versions never change: a version is inserted
-- once and a replay inserts the same row.

-- +goose Up
CREATE TABLE rule_configs (
    version      integer PRIMARY KEY,
    changed_at   timestamptz NOT NULL,
    changed_tx   text NOT NULL,
    changed_by   text NOT NULL,
    note         text NOT NULL,
    rule_count   integer NOT NULL,
    block_number bigint NOT NULL,
    doc          jsonb NOT NULL
);

ALTER TABLE prefiling_steps ADD COLUMN rule_id text, ADD COLUMN rule_version integer;
ALTER TABLE document_steps ADD COLUMN rule_id text, ADD COLUMN rule_version integer;

-- +goose Down
ALTER TABLE document_steps DROP COLUMN rule_id, DROP COLUMN rule_version;
ALTER TABLE prefiling_steps DROP COLUMN rule_id, DROP COLUMN rule_version;
DROP TABLE rule_configs;
