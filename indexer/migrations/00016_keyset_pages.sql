-- Keyset pages over ten million rows (issue 14, item 6; docs/architecture.md
-- "Deep pages"). A list walks its order by the key of the row it stopped at,
-- (abnormal, updated_at, id) for documents and (updated_at, id) for
-- prefilings, compared as one row value: `(a, u, id) < (…)`. PostgreSQL uses
-- such a comparison as an index bound only when the index orders every key
-- column the same way, so the tie-breaker id now descends with the rest and
-- the listing indexes are rebuilt ascending throughout (a backward scan
-- serves "next", a forward one "prev").

-- +goose Up
DROP INDEX documents_listing;
CREATE INDEX documents_listing ON documents (abnormal, updated_at, id);
DROP INDEX documents_enterprise;
CREATE INDEX documents_enterprise ON documents (enterprise_id, abnormal, updated_at, id);
-- An enterprise lists the documents it declared or is counterparty of: two
-- ordered index scans merged, instead of every matching row sorted.
DROP INDEX documents_counterparty;
CREATE INDEX documents_counterparty ON documents (counterparty_id, abnormal, updated_at, id) WHERE counterparty_id <> '';

DROP INDEX prefilings_updated;
CREATE INDEX prefilings_updated ON prefilings (updated_at, id);
DROP INDEX prefilings_enterprise_updated;
CREATE INDEX prefilings_enterprise_updated ON prefilings (enterprise_id, updated_at, id);
DROP INDEX prefilings_needs_review;
CREATE INDEX prefilings_needs_review ON prefilings (updated_at, id)
    WHERE status = 'declared' OR supplement_status = 'declared';

-- Exact lookups of a prefiling by its batch number (批次号).
CREATE INDEX prefilings_batch_no ON prefilings (batch_no) WHERE batch_no <> '';

-- +goose Down
DROP INDEX prefilings_batch_no;
DROP INDEX prefilings_needs_review;
CREATE INDEX prefilings_needs_review ON prefilings (updated_at DESC, id)
    WHERE status = 'declared' OR supplement_status = 'declared';
DROP INDEX prefilings_enterprise_updated;
CREATE INDEX prefilings_enterprise_updated ON prefilings (enterprise_id, updated_at DESC, id);
DROP INDEX prefilings_updated;
CREATE INDEX prefilings_updated ON prefilings (updated_at DESC, id);
DROP INDEX documents_counterparty;
CREATE INDEX documents_counterparty ON documents (counterparty_id);
DROP INDEX documents_enterprise;
CREATE INDEX documents_enterprise ON documents (enterprise_id, abnormal DESC, updated_at DESC, id);
DROP INDEX documents_listing;
CREATE INDEX documents_listing ON documents (abnormal DESC, updated_at DESC, id);
