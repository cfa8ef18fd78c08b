-- A tag names the model and configuration version that set it, the fields
-- it found wrong, and for a manual tag (手工打标) the officer who set it.

-- +goose Up
ALTER TABLE document_tags
    ADD COLUMN config_version integer NOT NULL DEFAULT 0,
    ADD COLUMN model text NOT NULL DEFAULT '',
    ADD COLUMN fields text[] NOT NULL DEFAULT '{}',
    ADD COLUMN added_by text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE document_tags DROP COLUMN config_version, DROP COLUMN model, DROP COLUMN fields, DROP COLUMN added_by;
