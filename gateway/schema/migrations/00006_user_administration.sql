-- User administration: the zone admin disables accounts (a disabled user
-- cannot log in and its sessions end) and resets passwords to a temporary
-- one the user must replace before doing anything else.
-- +goose Up
ALTER TABLE users
    ADD COLUMN disabled_at          timestamptz,
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE users
    DROP COLUMN disabled_at,
    DROP COLUMN must_change_password;
