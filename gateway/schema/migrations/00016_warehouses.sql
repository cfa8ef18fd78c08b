-- Warehouse operators' WMS/ERP feeds, storage locations and the
-- reconciliation of their stock with the ledger's balances
-- (gateway/warehouse, docs/architecture.md "Warehouses").

-- +goose Up
-- The records each operator fed: idempotent by the operator's own id, never
-- changed once kept. trace_code is the batch the record is about (resolved
-- from the SKU when the operator sent one); sent_trace_code is what was
-- sent, so a resend compares as sent even if the SKU is mapped anew.
CREATE TABLE warehouse_records (
    enterprise_id   text NOT NULL,
    record_id       text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('in', 'out', 'stocktake')),
    trace_code      text NOT NULL,
    sent_trace_code text NOT NULL,
    sku             text NOT NULL,
    location        text NOT NULL,
    packages        bigint NOT NULL CHECK (packages >= 0),
    weight_grams    bigint NOT NULL CHECK (weight_grams >= 0),
    at              timestamptz NOT NULL,
    source          text NOT NULL CHECK (source IN ('api', 'xlsx', 'csv')),
    fed_by          text NOT NULL,
    fed_at          timestamptz NOT NULL,
    PRIMARY KEY (enterprise_id, record_id)
);
-- The WMS stock: the latest stocktake per trace code and location, and the
-- moves after it.
CREATE INDEX warehouse_records_stock ON warehouse_records (enterprise_id, trace_code, location, at);

CREATE TABLE warehouse_skus (
    enterprise_id text NOT NULL,
    sku           text NOT NULL,
    trace_code    text NOT NULL,
    updated_by    text NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (enterprise_id, sku)
);

-- Storage locations (库区 → 仓库 → 货架 → 库位) as they are now; every
-- version, the first included, is in warehouse_location_versions.
CREATE TABLE warehouse_locations (
    id                     bigserial PRIMARY KEY,
    enterprise_id          text NOT NULL,
    code                   text NOT NULL,
    name                   text NOT NULL,
    level                  text NOT NULL CHECK (level IN ('area', 'warehouse', 'shelf', 'bin')),
    parent_id              bigint REFERENCES warehouse_locations (id),
    disabled               boolean NOT NULL DEFAULT false,
    temperature_controlled boolean NOT NULL,
    capacity_grams         bigint NOT NULL CHECK (capacity_grams >= 0),
    version                integer NOT NULL,
    updated_by             text NOT NULL,
    updated_at             timestamptz NOT NULL,
    UNIQUE (enterprise_id, code),
    CHECK ((level = 'area') = (parent_id IS NULL))
);
CREATE INDEX warehouse_locations_parent ON warehouse_locations (parent_id);

CREATE TABLE warehouse_location_versions (
    location_id            bigint NOT NULL REFERENCES warehouse_locations (id),
    version                integer NOT NULL,
    action                 text NOT NULL CHECK (action IN ('create', 'rename', 'move', 'disable', 'enable', 'attributes')),
    name                   text NOT NULL,
    parent_code            text NOT NULL,
    disabled               boolean NOT NULL,
    temperature_controlled boolean NOT NULL,
    capacity_grams         bigint NOT NULL,
    changed_by             text NOT NULL,
    changed_at             timestamptz NOT NULL,
    PRIMARY KEY (location_id, version)
);

-- A reconciliation run and the differences it found (only trace codes
-- whose figures differ are rows; equal ones are counted in matched).
CREATE TABLE warehouse_recon_runs (
    id                bigserial PRIMARY KEY,
    enterprise_id     text NOT NULL,
    started_by        text NOT NULL,
    started_at        timestamptz NOT NULL,
    -- How many blocks the indexer had mirrored when the run read the balances.
    ledger_height     bigint NOT NULL,
    matched           integer NOT NULL,
    missing_in_wms    integer NOT NULL,
    missing_on_ledger integer NOT NULL,
    weight_differs    integer NOT NULL
);
CREATE INDEX warehouse_recon_runs_listing ON warehouse_recon_runs (enterprise_id, id DESC);

CREATE TABLE warehouse_recon_rows (
    run_id       bigint NOT NULL REFERENCES warehouse_recon_runs (id) ON DELETE CASCADE,
    trace_code   text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('missing_in_wms', 'missing_on_ledger', 'weight_differs')),
    -- NULL: that side has no figure at all for the trace code.
    wms_grams    bigint,
    ledger_grams bigint,
    PRIMARY KEY (run_id, trace_code)
);

-- +goose Down
DROP TABLE warehouse_recon_rows;
DROP TABLE warehouse_recon_runs;
DROP TABLE warehouse_location_versions;
DROP TABLE warehouse_locations;
DROP TABLE warehouse_skus;
DROP TABLE warehouse_records;
