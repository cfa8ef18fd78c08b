-- +goose Up
-- Customs' sub-message storage receipt (INV200 / SAS200, 子报文入库回执) of a
-- message sent: stored, or not stored with customs' reason. Not stored
-- means customs never received the declaration: the declarant must correct
-- and send again, so the send log shows it beside the import result.
ALTER TABLE customs_outbox
    ADD COLUMN storage_result text NOT NULL DEFAULT '' CHECK (storage_result IN ('', 'stored', 'not_stored')),
    ADD COLUMN storage_note   text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE customs_outbox DROP COLUMN storage_note, DROP COLUMN storage_result;
