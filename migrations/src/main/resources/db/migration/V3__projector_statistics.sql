-- Statistics: a read model the projector keeps (docs/ARCHITECTURE.md, "Statistics"). Counters only grow: each fold
-- adds to them and moves its cursor in stats_cursors in the same transaction, so a restart neither loses nor
-- repeats a count, and two projectors folding at once serialize on the cursor row.

-- Decisions per account, device and table, folded from sync_log in seq order.
CREATE TABLE stats_decisions (
    account_id      uuid        NOT NULL,
    device_id       uuid        NOT NULL,
    table_name      text        NOT NULL,
    -- Changes the device pushed (resolutions included) that were applied.
    applied         bigint      NOT NULL DEFAULT 0,
    -- Tombstones the device's deletes of parents cascaded to (applied changes of their own, not pushed).
    cascaded        bigint      NOT NULL DEFAULT 0,
    conflicts       bigint      NOT NULL DEFAULT 0,
    rejected        bigint      NOT NULL DEFAULT 0,
    last_decided_at timestamptz,
    PRIMARY KEY (account_id, device_id, table_name)
);

-- Requests and their bytes per account and device, from the gateways' events on the sync.traffic topic.
CREATE TABLE stats_traffic (
    account_id   uuid        NOT NULL,
    device_id    uuid        NOT NULL,
    pushes       bigint      NOT NULL DEFAULT 0,
    pulls        bigint      NOT NULL DEFAULT 0,
    bytes_in     bigint      NOT NULL DEFAULT 0,
    bytes_out    bigint      NOT NULL DEFAULT 0,
    last_sync_at timestamptz,
    PRIMARY KEY (account_id, device_id)
);

-- How far each fold has come. source 'sync_log' (part 0): every seq up to position is folded. source
-- 'sync.traffic': position is the next offset of Kafka partition part to fold.
CREATE TABLE stats_cursors (
    source   text    NOT NULL,
    part     integer NOT NULL,
    position bigint  NOT NULL,
    PRIMARY KEY (source, part)
);
INSERT INTO stats_cursors (source, part, position) VALUES ('sync_log', 0, 0);
