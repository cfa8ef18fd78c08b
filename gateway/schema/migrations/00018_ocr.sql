-- Certificate recognitions (gateway/ocr/recognitions): an enterprise asks for
-- the fields of an uploaded certificate to be read for one of its prefiling
-- drafts; a job (internal/jobs) reads it and records its progress and the
-- fields with their confidence here. The fields are suggestions: the draft
-- itself changes only when a person takes them.

-- +goose Up
CREATE TABLE certificate_recognitions (
    id                bigserial PRIMARY KEY,
    draft_id          uuid NOT NULL REFERENCES prefiling_drafts (id) ON DELETE CASCADE,
    enterprise_id     text NOT NULL,
    attachment_sha256 text NOT NULL,
    -- origin_certificate | quarantine_certificate (model.Attachment* kinds)
    kind              text NOT NULL CHECK (kind IN ('origin_certificate', 'quarantine_certificate')),
    state             text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress          integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    -- [{name, value, text, valueZh, confidence, needsReview}] (ocr.Field)
    fields            jsonb NOT NULL DEFAULT '[]',
    -- text_layer | ocr: how the fields were read
    source            text NOT NULL DEFAULT '',
    -- Why a recognition failed, as a code the web app words (recognitions.Failure*).
    failure           text NOT NULL DEFAULT '',
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    FOREIGN KEY (attachment_sha256, enterprise_id) REFERENCES attachments (sha256, enterprise_id),
    -- One recognition of a file for a draft: asking again returns it.
    UNIQUE (draft_id, attachment_sha256, kind)
);

-- +goose Down
DROP TABLE certificate_recognitions;
