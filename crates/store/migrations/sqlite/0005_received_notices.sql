-- The notices a system received through the gateway, as its people see them: the portal's
-- cabinet and the CSC's IS show their own copy, written with the message's id in the inbox in
-- one transaction, and never read the provider's database. `addressee` is the recipient's
-- IIN/BIN (`portal.notice`) or the CSC's code (`csc.notice`).
CREATE TABLE received_notices (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT    NOT NULL UNIQUE,
    service     TEXT    NOT NULL,
    addressee   TEXT    NOT NULL,
    request_id  TEXT,
    number      TEXT,
    status      TEXT,
    text_kk     TEXT    NOT NULL,
    text_ru     TEXT    NOT NULL,
    text_en     TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    is_read     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX received_notices_addressee ON received_notices (service, addressee, id);

-- The notices delivered before this migration, as the cabinets showed them.
INSERT INTO received_notices (message_id, service, addressee, request_id, number, status,
                              text_kk, text_ru, text_en, received_at, is_read)
SELECT n.message_id,
       CASE WHEN n.recipient IS NOT NULL THEN 'portal.notice' ELSE 'csc.notice' END,
       COALESCE(n.recipient, o.code), n.request_id, r.number, n.status,
       n.text_kk, n.text_ru, n.text_en, n.created_at, n.is_read
FROM notifications n
LEFT JOIN organisations o ON o.id = n.organisation_id
LEFT JOIN requests r ON r.id = n.request_id
WHERE n.delivery = 'delivered' AND (n.recipient IS NOT NULL OR o.kind = 'csc');
