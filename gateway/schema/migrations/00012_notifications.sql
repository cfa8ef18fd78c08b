-- Notifications from any source (gateway/notify): a durable outbox of
-- messages, one delivery per message × user × channel worked by River
-- jobs, per-user subscriptions and contact settings. The in-app inbox
-- (notifications) now holds either an operation-log alert or a message.
-- +goose Up
CREATE TABLE notify_messages (
    id         bigserial PRIMARY KEY,
    source     text NOT NULL,
    kind       text NOT NULL,
    subject    text NOT NULL,
    params     jsonb NOT NULL,
    severity   text NOT NULL,
    link       text NOT NULL,
    created_at timestamptz NOT NULL
);

-- One row per message × user × channel: the unique key is what makes a
-- message reach each user on each channel at most once.
CREATE TABLE notify_deliveries (
    id           bigserial PRIMARY KEY,
    message_id   bigint NOT NULL REFERENCES notify_messages (id),
    username     text NOT NULL,
    channel      text NOT NULL,
    -- status: pending, sent, failed (gave up), not_configured.
    status       text NOT NULL DEFAULT 'pending',
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT '',
    delivered_at timestamptz,
    UNIQUE (message_id, username, channel)
);
CREATE INDEX notify_deliveries_username ON notify_deliveries (username, id DESC);

-- Which kinds a user receives on which channel; a kind/channel with no
-- row takes the role's default (gateway/notify.DefaultSubscriptions).
CREATE TABLE notification_subscriptions (
    username text NOT NULL,
    kind     text NOT NULL,
    channel  text NOT NULL,
    enabled  boolean NOT NULL,
    PRIMARY KEY (username, kind, channel)
);

-- Where a user is reached outside the web app; the webhook secret is
-- sealed (internal/sealing).
CREATE TABLE notification_contacts (
    username              text PRIMARY KEY,
    email                 text NOT NULL DEFAULT '',
    webhook_url           text NOT NULL DEFAULT '',
    webhook_secret_sealed text NOT NULL DEFAULT '',
    updated_at            timestamptz NOT NULL
);

ALTER TABLE notifications ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN message_id bigint REFERENCES notify_messages (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_one_source CHECK ((alert_id IS NULL) <> (message_id IS NULL));
CREATE UNIQUE INDEX notifications_message_user ON notifications (message_id, username) WHERE message_id IS NOT NULL;

-- Every new inbox row wakes the user's open streams (GET
-- /api/v1/notifications/stream) in whichever gateway process holds them.
-- +goose StatementBegin
CREATE FUNCTION notifications_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zt_notifications', json_build_object('username', NEW.username, 'id', NEW.id)::text);
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER notifications_announce AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_announce();

-- +goose Down
DROP TRIGGER notifications_announce ON notifications;
DROP FUNCTION notifications_announce();
DROP INDEX notifications_message_user;
ALTER TABLE notifications DROP CONSTRAINT notifications_one_source;
ALTER TABLE notifications DROP COLUMN message_id;
DELETE FROM notifications WHERE alert_id IS NULL;
ALTER TABLE notifications ALTER COLUMN alert_id SET NOT NULL;
DROP TABLE notification_contacts;
DROP TABLE notification_subscriptions;
DROP TABLE notify_deliveries;
DROP TABLE notify_messages;
