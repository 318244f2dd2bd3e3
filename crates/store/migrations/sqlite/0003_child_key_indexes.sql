-- The child keys that point at requests, indexed. A registration claims its idempotency key
-- before it inserts its request, so for a moment the deferred foreign key of `idempotency` is
-- unmet; while any deferred constraint is unmet, SQLite checks every insert into `requests`
-- against each child table that references it, by the child key, and without an index that is
-- a scan of the whole table: registrations grew slower with every request stored.
CREATE INDEX idempotency_request ON idempotency (request_id);
CREATE INDEX notifications_request ON notifications (request_id);
