-- +goose Up
-- National messages sent to customs' own systems (gateway/customsmsg/send):
-- each INV101 / SAS111 / SAS121 built from a document, as sent, with every
-- attempt at handing it to the transport (the Single Window client's import
-- folder, or an HTTP endpoint). The receipts that came back are the
-- external_receipts applied to the same document.
CREATE TABLE customs_outbox (
    id            bigserial PRIMARY KEY,
    document_id   text NOT NULL,
    enterprise_id text NOT NULL,
    message_type  text NOT NULL,
    file_name     text NOT NULL,
    body          bytea NOT NULL,
    -- auto: sent on declaration; otherwise the user who asked.
    requested_by  text NOT NULL,
    -- The business application (SAS101) a warehouse receipt was declared
    -- under, offered again to the next one of the enterprise.
    sas_dcl_no    text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    transport     text NOT NULL DEFAULT '',
    reference     text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    -- The Single Window client's import result (Successed_/Failed_) of the
    -- message: imported (with the pre-entry number) or refused, and its
    -- CheckInfo.
    import_result text NOT NULL DEFAULT '' CHECK (import_result IN ('', 'imported', 'refused')),
    import_note   text NOT NULL DEFAULT ''
);
CREATE INDEX customs_outbox_document ON customs_outbox (document_id, id DESC);
CREATE INDEX customs_outbox_enterprise ON customs_outbox (enterprise_id, id DESC);

CREATE TABLE customs_outbox_attempts (
    outbox_id bigint NOT NULL REFERENCES customs_outbox (id),
    attempt   integer NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    error     text NOT NULL DEFAULT '',
    PRIMARY KEY (outbox_id, attempt)
);

-- When automatic sending began on this node: documents declared before are
-- not sent on their own (they were declared to customs by other means).
CREATE TABLE customs_outbox_auto (
    single boolean PRIMARY KEY DEFAULT true CHECK (single),
    since  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE customs_outbox_auto;
DROP TABLE customs_outbox_attempts;
DROP TABLE customs_outbox;
