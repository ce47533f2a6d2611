-- Who this database is (one row). Pull cursors carry its id and are signed with its key
-- (docs/PROTOCOL.md, "Pull cursors"): a cursor the server did not make is refused, and one made by
-- another database (another server, a database made anew) is answered cursor_reset, so the device
-- starts again from the beginning instead of skipping what this database holds below its position.
-- Kept in the database, not in a gateway's files, so that every gateway of a deployment shares it.
-- After restoring this database from a backup, give it a new id (docs/OPERATING.md, Troubleshooting, 409 cursor_reset):
--   UPDATE server_identity SET database_id = gen_random_uuid();
CREATE TABLE server_identity (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    database_id uuid        NOT NULL,
    -- 244 random bits (two version 4 UUIDs from PostgreSQL's strong random source), for HMAC-SHA256.
    cursor_key  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO server_identity (database_id, cursor_key)
VALUES (gen_random_uuid(), decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
