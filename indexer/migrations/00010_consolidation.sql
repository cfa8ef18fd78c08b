-- A bonded transfer leg names the consolidated checklist that reported it
-- (已集报, model.Document.ConsolidatedIn), so lists can show and find the
-- transfers that are deleted only offline.

-- +goose Up
ALTER TABLE documents ADD COLUMN consolidated_in text NOT NULL DEFAULT '';
CREATE INDEX documents_consolidated_in ON documents (consolidated_in) WHERE consolidated_in <> '';

-- +goose Down
DROP INDEX documents_consolidated_in;
ALTER TABLE documents DROP COLUMN consolidated_in;
