-- Every notice is also a message through the gateway to the portal or the CSC: written in the
-- transaction of the change it announces (so the two commit together or not at all), then
-- delivered at least once by the outbox relay, in order per request, with retries, and kept
-- when delivery stops. The receiving system takes each message id once (`inbox`).
ALTER TABLE notifications ADD COLUMN message_id text;
ALTER TABLE notifications ADD COLUMN delivery text NOT NULL DEFAULT 'on_delivery';
ALTER TABLE notifications ADD COLUMN attempts bigint NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE notifications ADD COLUMN delivered_at timestamptz;
ALTER TABLE notifications ADD COLUMN last_error text;
CREATE UNIQUE INDEX notifications_message ON notifications (message_id);
CREATE INDEX notifications_undelivered ON notifications (id)
    WHERE delivery IN ('on_delivery', 'not_delivered');
UPDATE notifications SET delivery = 'delivered', message_id = 'before-0004-' || id;

CREATE TABLE inbox (
    message_id  text PRIMARY KEY,
    sender      text NOT NULL,
    received_at timestamptz NOT NULL
);
