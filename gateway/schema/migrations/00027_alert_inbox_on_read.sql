-- +goose Up
-- An operation-log alert goes to every zone admin and auditor. It used to
-- be copied into each one's inbox in the transaction that raised it: a
-- burst of 200 logins outside working hours raised 200 alerts and, with
-- 200 auditors, wrote 40,200 inbox rows (1.5 s of database time) while the
-- logins waited. Now an alert is stored once and copied into a recipient's
-- inbox when that recipient next reads it (gateway/oplog, deliverAlerts);
-- the cursor is the last alert id each user has been given. Alert ids
-- grow in commit order because every alert is inserted under the log's
-- head lock (operation_log_head FOR UPDATE), so a cursor never skips one.
CREATE TABLE notification_alert_cursors (
    username text PRIMARY KEY,
    through  bigint NOT NULL
);

-- Users that exist now have been given every alert so far; a new user
-- starts at the alerts raised after their account.
INSERT INTO notification_alert_cursors (username, through)
SELECT u.username, a.through FROM users u, (SELECT coalesce(max(id), 0) AS through FROM operation_log_alerts) a;
-- +goose StatementBegin
CREATE FUNCTION notification_alert_cursor_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification_alert_cursors (username, through)
    SELECT NEW.username, coalesce(max(id), 0) FROM operation_log_alerts
    ON CONFLICT (username) DO NOTHING;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER notification_alert_cursor_start AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION notification_alert_cursor_start();

-- Two reads at once copy an alert once.
CREATE UNIQUE INDEX notifications_alert_user ON notifications (alert_id, username) WHERE alert_id IS NOT NULL;

-- The inbox is in the order notifications were raised: an alert copied
-- late keeps its place before a later message.
CREATE INDEX notifications_username_created ON notifications (username, created_at DESC, id DESC);
DROP INDEX notifications_username;

-- Alert rows are announced when raised, to the recipients' roles
-- (gateway/oplog, notifyRaised); copying them into an inbox is no news.
DROP TRIGGER notifications_announce ON notifications;
CREATE TRIGGER notifications_announce AFTER INSERT ON notifications
    FOR EACH ROW WHEN (NEW.message_id IS NOT NULL) EXECUTE FUNCTION notifications_announce();

-- +goose Down
DROP TRIGGER notification_alert_cursor_start ON users;
DROP FUNCTION notification_alert_cursor_start();
DROP TRIGGER notifications_announce ON notifications;
CREATE TRIGGER notifications_announce AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_announce();
CREATE INDEX notifications_username ON notifications (username, id DESC);
DROP INDEX notifications_username_created;
DROP INDEX notifications_alert_user;
-- Alerts not yet copied into an inbox are copied now, as before.
INSERT INTO notifications (username, alert_id, created_at)
SELECT u.username, a.id, a.at
FROM users u
JOIN notification_alert_cursors c ON c.username = u.username
JOIN operation_log_alerts a ON a.id > c.through
WHERE u.role IN ('zone_admin', 'auditor') AND u.disabled_at IS NULL;
DROP TABLE notification_alert_cursors;
