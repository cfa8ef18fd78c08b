-- A re-driven submission must carry the content type it arrived with: an
-- Excel import is multipart, everything else JSON.
-- +goose Up
ALTER TABLE submissions ADD COLUMN content_type text NOT NULL DEFAULT 'application/json';

-- +goose Down
ALTER TABLE submissions DROP COLUMN content_type;
