-- Commercial values are stored sealed (internal/sealing): the columns hold
-- text ("zt1:…") instead of numbers. The existing numbers become their
-- decimal text here and are sealed by indexer.SealExisting at the next start,
-- which needs the keys and so cannot run in SQL.

-- +goose Up
ALTER TABLE prefilings ALTER COLUMN avg_price_fen TYPE text USING avg_price_fen::text;
ALTER TABLE document_lines ALTER COLUMN unit_price_fen TYPE text USING unit_price_fen::text;
ALTER TABLE document_lines ALTER COLUMN value_fen TYPE text USING value_fen::text;
-- A row once SealExisting sealed every value: later starts skip the scan.
-- Not a projection table; rebuild keeps it (the indexer seals what it writes).
CREATE TABLE indexer_sealing (sealed_at timestamptz NOT NULL);

-- +goose Down
-- Only before the values were sealed.
DROP TABLE indexer_sealing;
ALTER TABLE prefilings ALTER COLUMN avg_price_fen TYPE bigint USING avg_price_fen::bigint;
ALTER TABLE document_lines ALTER COLUMN unit_price_fen TYPE bigint USING unit_price_fen::bigint;
ALTER TABLE document_lines ALTER COLUMN value_fen TYPE bigint USING value_fen::bigint;
