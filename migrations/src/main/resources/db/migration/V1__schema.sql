-- syncd schema v1. The one definition of the database; see docs/ARCHITECTURE.md.
--
-- Synced tables are keyed by (account_id, id) and their foreign keys include the account, so a
-- record can never reference another account's record. Every synced table carries the sync columns:
--   version     server-assigned, 1 on creation, +1 on every applied change
--   is_deleted  tombstone flag (deletes keep the row so other devices pull the delete)
--   device_id   the device whose change was applied last
--   updated_at  when the gateway accepted that change
--   synced_at   when the applier committed it
--   position    the account's change sequence at that commit: pull cursors follow it (see accounts.change_seq)

CREATE TABLE accounts (
    id                  uuid        PRIMARY KEY,
    name                text        NOT NULL,
    enrollment_key_hash bytea       NOT NULL UNIQUE,
    -- Bumped inside every apply transaction that changes the account's records. The row lock this
    -- takes serializes an account's apply transactions, so positions are handed out in commit order
    -- and a pull cursor can never skip a change that commits later with a smaller position.
    change_seq          bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES accounts (id),
    device_name   text        NOT NULL,
    platform      text,
    token_hash    bytea       NOT NULL UNIQUE,
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_sync_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX devices_account_idx ON devices (account_id);

CREATE TABLE books (
    account_id uuid        NOT NULL REFERENCES accounts (id),
    id         uuid        NOT NULL,
    name       text        NOT NULL,
    archived   boolean     NOT NULL DEFAULT false,
    version    bigint      NOT NULL CHECK (version > 0),
    is_deleted boolean     NOT NULL DEFAULT false,
    device_id  uuid        NOT NULL,
    updated_at timestamptz NOT NULL,
    synced_at  timestamptz NOT NULL,
    position   bigint      NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX books_pull_idx ON books (account_id, position);

CREATE TABLE events (
    account_id     uuid        NOT NULL REFERENCES accounts (id),
    id             uuid        NOT NULL,
    book_id        uuid        NOT NULL,
    name           text        NOT NULL,
    record_number  text,
    event_type     text,
    start_time     timestamptz NOT NULL,
    end_time       timestamptz,
    is_removed     boolean     NOT NULL DEFAULT false,
    removal_reason text,
    version        bigint      NOT NULL CHECK (version > 0),
    is_deleted     boolean     NOT NULL DEFAULT false,
    device_id      uuid        NOT NULL,
    updated_at     timestamptz NOT NULL,
    synced_at      timestamptz NOT NULL,
    position       bigint      NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, book_id) REFERENCES books (account_id, id)
);
CREATE UNIQUE INDEX events_pull_idx ON events (account_id, position);
CREATE INDEX events_book_idx ON events (account_id, book_id);

CREATE TABLE notes (
    account_id uuid        NOT NULL REFERENCES accounts (id),
    id         uuid        NOT NULL,
    event_id   uuid        NOT NULL,
    -- Strokes are passed through, never queried: text, not jsonb (jsonb parsing costs 4x on pulls).
    strokes    text        NOT NULL,
    version    bigint      NOT NULL CHECK (version > 0),
    is_deleted boolean     NOT NULL DEFAULT false,
    device_id  uuid        NOT NULL,
    updated_at timestamptz NOT NULL,
    synced_at  timestamptz NOT NULL,
    position   bigint      NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, event_id) REFERENCES events (account_id, id)
);
CREATE UNIQUE INDEX notes_pull_idx ON notes (account_id, position);
CREATE INDEX notes_event_idx ON notes (account_id, event_id);

CREATE TABLE schedule_drawings (
    account_id uuid        NOT NULL REFERENCES accounts (id),
    id         uuid        NOT NULL,
    book_id    uuid        NOT NULL,
    date       date        NOT NULL,
    view_mode  integer     NOT NULL CHECK (view_mode BETWEEN 0 AND 2),
    strokes    text        NOT NULL,
    version    bigint      NOT NULL CHECK (version > 0),
    is_deleted boolean     NOT NULL DEFAULT false,
    device_id  uuid        NOT NULL,
    updated_at timestamptz NOT NULL,
    synced_at  timestamptz NOT NULL,
    position   bigint      NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, book_id) REFERENCES books (account_id, id)
);
CREATE UNIQUE INDEX schedule_drawings_pull_idx ON schedule_drawings (account_id, position);
CREATE INDEX schedule_drawings_book_idx ON schedule_drawings (account_id, book_id);

-- The audit trail: one row per decided change, written in the same transaction as the tables.
-- (account_id, change_id) is the idempotence key: a change id is decided once per account.
CREATE TABLE sync_log (
    seq             bigserial   NOT NULL UNIQUE,
    account_id      uuid        NOT NULL REFERENCES accounts (id),
    change_id       uuid        NOT NULL,
    device_id       uuid        NOT NULL,
    table_name      text        NOT NULL,
    record_id       uuid        NOT NULL,
    op              text        NOT NULL CHECK (op IN ('upsert', 'delete', 'use_server')),
    base_version    bigint      NOT NULL,
    result_version  bigint,
    status          text        NOT NULL CHECK (status IN ('applied', 'conflict', 'rejected')),
    error_code      text,
    error_message   text,
    -- The record's data after an applied upsert (normalized JSON): what replay writes back.
    data            text,
    -- The server's record when the change was decided as a conflict or use_server (a record envelope).
    server_record   text,
    -- The account position the applied change got; null when nothing was written.
    position        bigint,
    -- Set on the tombstones a parent's delete cascades to: the change that caused them.
    cause_change_id uuid,
    kafka_topic     text,
    kafka_partition integer,
    kafka_offset    bigint,
    received_at     timestamptz NOT NULL,
    decided_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, change_id)
);
CREATE INDEX sync_log_position_idx ON sync_log (account_id, position) WHERE position IS NOT NULL;
