-- Material numbers (料号) are a query key (GET /materials/{materialNo}): the
-- batches declared under one, and the document lines that carry it.

-- +goose Up
CREATE INDEX prefilings_material_no ON prefilings (material_no, enterprise_id) WHERE material_no <> '';
CREATE INDEX document_lines_material_no ON document_lines (material_no) WHERE material_no <> '';

-- +goose Down
DROP INDEX document_lines_material_no;
DROP INDEX prefilings_material_no;
