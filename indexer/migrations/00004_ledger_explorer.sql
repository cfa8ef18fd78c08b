-- The block explorer's mirror: every block's header, and for every
-- transaction what an auditor reads of it (creator certificate and the
-- individual it names, endorsements, keys written, the committed bytes) and
-- the trace codes, documents and prefilings it touched. Projection tables:
-- written with the block, emptied and replayed by rebuild, compared by verify.

-- +goose Up
CREATE TABLE ledger_blocks (
    block_number  bigint PRIMARY KEY,
    header_hash   bytea NOT NULL,
    previous_hash bytea NOT NULL,
    data_hash     bytea NOT NULL,
    -- The embedded ledger's hash over the validation codes; empty on Fabric.
    metadata_hash bytea NOT NULL,
    tx_count      integer NOT NULL,
    -- The latest transaction time in the block, NULL for a block without any.
    at            timestamptz
);

ALTER TABLE ledger_transactions
    ADD COLUMN creator_cert      text NOT NULL DEFAULT '',
    -- The certificate's common name and the zt.* attributes naming the
    -- individual (chaincode/model identity.go); empty when absent.
    ADD COLUMN creator_name      text NOT NULL DEFAULT '',
    ADD COLUMN user_id           text NOT NULL DEFAULT '',
    ADD COLUMN user_role         text NOT NULL DEFAULT '',
    ADD COLUMN user_enterprise   text NOT NULL DEFAULT '',
    -- [{"mspId","certPem","signatureValid"}] in block order.
    ADD COLUMN endorsements      jsonb NOT NULL DEFAULT '[]',
    -- [{"namespace","key","delete"}] in read-write set order.
    ADD COLUMN writes            jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN raw               bytea NOT NULL DEFAULT '';

-- What a valid transaction touched, for search and evidence bundles.
CREATE TABLE ledger_tx_subjects (
    kind         text NOT NULL CHECK (kind IN ('trace_code', 'document', 'prefiling')),
    subject      text NOT NULL,
    block_number bigint NOT NULL,
    tx_index     integer NOT NULL,
    PRIMARY KEY (kind, subject, block_number, tx_index)
);
CREATE INDEX ledger_tx_subjects_tx ON ledger_tx_subjects (block_number, tx_index);

-- +goose Down
DROP TABLE ledger_tx_subjects;
ALTER TABLE ledger_transactions
    DROP COLUMN creator_cert, DROP COLUMN creator_name, DROP COLUMN user_id, DROP COLUMN user_role,
    DROP COLUMN user_enterprise, DROP COLUMN endorsements, DROP COLUMN writes, DROP COLUMN raw;
DROP TABLE ledger_blocks;
