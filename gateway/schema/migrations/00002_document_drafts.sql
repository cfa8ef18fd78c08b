-- +goose Up
-- Working drafts of customs documents (six families, head + lines), kept
-- off chain until declared. Lines are one JSON array: a draft is read and
-- written whole, and an import of thousands of lines is one row written in
-- one statement (all or nothing).

CREATE TABLE document_drafts (
    id                   uuid PRIMARY KEY,
    enterprise_id        text NOT NULL,
    family               text NOT NULL,
    business_type        text NOT NULL,
    head                 jsonb NOT NULL,
    lines                jsonb NOT NULL,
    -- kept with every write so list filters need not open the lines.
    line_count           integer NOT NULL,
    missing_trace_codes  integer NOT NULL,
    -- the out leg an in-draft was created from for its transferee.
    source_document_id   text UNIQUE,
    created_at           timestamptz NOT NULL,
    created_by           text NOT NULL,
    updated_at           timestamptz NOT NULL,
    updated_by           text NOT NULL,
    -- declared_document_id is reserved before DeclareDocument is submitted
    -- (so a crash cannot declare twice); declared_at is set once the ledger
    -- has committed it.
    declared_document_id text UNIQUE,
    declared_at          timestamptz,
    deleted_at           timestamptz,
    deleted_by           text
);
CREATE INDEX document_drafts_enterprise ON document_drafts(enterprise_id, updated_at DESC) WHERE deleted_at IS NULL;

-- +goose Down
DROP TABLE document_drafts;
