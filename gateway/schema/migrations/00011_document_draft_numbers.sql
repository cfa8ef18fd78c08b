-- +goose Up
-- Readable draft numbers: a draft keeps its uuid id (URLs, idempotent
-- creates, the in-draft derived from its out leg) and gets a display number
-- per enterprise and year, "2026-000123", which the screens show as
-- "草稿 2026-000123". The number is drawn in the insert itself (a trigger),
-- so every way a draft is made — create, import, copy, the transferee's
-- in-draft — numbers it, and concurrent creates of one enterprise queue on
-- its counter row instead of drawing the same number. A create retried on
-- an existing id draws a number and then inserts nothing: numbers may skip,
-- never repeat.

CREATE TABLE document_draft_numbers (
    enterprise_id text NOT NULL,
    year          integer NOT NULL,
    last          bigint NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);

ALTER TABLE document_drafts ADD COLUMN display_no text;

-- Existing drafts are numbered in the order they were created.
UPDATE document_drafts d SET display_no = n.year || '-' || lpad(n.seq::text, 6, '0')
FROM (SELECT id, extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai')::integer AS year,
        row_number() OVER (PARTITION BY enterprise_id, extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai')
                           ORDER BY created_at, id) AS seq
      FROM document_drafts) n
WHERE n.id = d.id;
INSERT INTO document_draft_numbers (enterprise_id, year, last)
SELECT enterprise_id, split_part(display_no, '-', 1)::integer, max(split_part(display_no, '-', 2)::bigint)
FROM document_drafts GROUP BY 1, 2;

ALTER TABLE document_drafts ALTER COLUMN display_no SET NOT NULL;
ALTER TABLE document_drafts ADD CONSTRAINT document_drafts_display_no UNIQUE (enterprise_id, display_no);

-- +goose StatementBegin
CREATE FUNCTION document_draft_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    y integer := extract(year FROM NEW.created_at AT TIME ZONE 'Asia/Shanghai')::integer;
    n bigint;
BEGIN
    INSERT INTO document_draft_numbers AS c (enterprise_id, year, last) VALUES (NEW.enterprise_id, y, 1)
    ON CONFLICT (enterprise_id, year) DO UPDATE SET last = c.last + 1
    RETURNING last INTO n;
    NEW.display_no := y || '-' || lpad(n::text, 6, '0');
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER document_drafts_number BEFORE INSERT ON document_drafts
    FOR EACH ROW WHEN (NEW.display_no IS NULL) EXECUTE FUNCTION document_draft_number();

-- +goose Down
DROP TRIGGER document_drafts_number ON document_drafts;
DROP FUNCTION document_draft_number();
ALTER TABLE document_drafts DROP COLUMN display_no;
DROP TABLE document_draft_numbers;
