-- Material numbers (料号) are a query key: GET /materials/{materialNo} lists
-- the batches an enterprise declared under one.

-- +goose Up
CREATE INDEX prefilings_material_no ON prefilings (material_no, enterprise_id) WHERE material_no <> '';

-- +goose Down
DROP INDEX prefilings_material_no;
