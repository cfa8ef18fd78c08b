-- The outbox never blocks the node: a pending submission carries its own
-- retry schedule (attempts, next_attempt_at, the last failure), and one that
-- keeps failing for a cause a retry cannot fix ends 'failed' with its answer.
-- Retention replaces old bodies by their SHA-256 (body_purged_at).
-- +goose Up
ALTER TABLE submissions DROP CONSTRAINT submissions_status_check;
ALTER TABLE submissions ADD CONSTRAINT submissions_status_check CHECK (status IN ('pending', 'done', 'failed'));
ALTER TABLE submissions
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_status     integer,
    ADD COLUMN last_error      text NOT NULL DEFAULT '',
    ADD COLUMN body_purged_at  timestamptz;
DROP INDEX submissions_pending;
CREATE INDEX submissions_pending ON submissions(next_attempt_at) WHERE status = 'pending';
CREATE INDEX submissions_finished ON submissions(updated_at) WHERE status <> 'pending' AND body_purged_at IS NULL;

-- What the retention jobs look rows up by.
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX customs_messages_received ON customs_messages(received_at);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);

-- +goose Down
DROP INDEX webhook_deliveries_created;
DROP INDEX customs_messages_received;
DROP INDEX sessions_expires;
DROP INDEX submissions_finished;
DROP INDEX submissions_pending;
CREATE INDEX submissions_pending ON submissions(created_at) WHERE status = 'pending';
ALTER TABLE submissions
    DROP COLUMN body_purged_at,
    DROP COLUMN last_error,
    DROP COLUMN last_status,
    DROP COLUMN next_attempt_at;
DELETE FROM submissions WHERE status = 'failed';
ALTER TABLE submissions DROP CONSTRAINT submissions_status_check;
ALTER TABLE submissions ADD CONSTRAINT submissions_status_check CHECK (status IN ('pending', 'done'));
