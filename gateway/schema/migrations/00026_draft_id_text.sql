-- +goose Up
-- Drafts are found by the id a URL carries, compared as text
-- (`id::text = $1`) so that a malformed id is simply not found instead of
-- a uuid cast error. Without an index on that expression every lookup,
-- update and declaration of a draft scanned the enterprise's drafts
-- (0.4–0.7 ms each with a few hundred drafts, growing with them).
CREATE INDEX prefiling_drafts_id_text ON prefiling_drafts ((id::text));
CREATE INDEX document_drafts_id_text ON document_drafts ((id::text));

-- +goose Down
DROP INDEX document_drafts_id_text;
DROP INDEX prefiling_drafts_id_text;
