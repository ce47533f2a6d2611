-- A use_server resolution writes nothing (the device keeps the server's record): the statistics count it as a
-- resolution of its own, no longer as an applied change (docs/PROTOCOL.md, "Statistics").

-- The cursor row first, as a fold takes it before stats_decisions: a fold running meanwhile either commits before
-- (and is corrected below) or waits and counts the new way; taken the other way round, the two could deadlock.
SELECT position FROM stats_cursors WHERE source = 'sync_log' AND part = 0 FOR UPDATE;

ALTER TABLE stats_decisions ADD COLUMN use_server bigint NOT NULL DEFAULT 0;

-- The decisions folded so far counted each use_server as applied: move them.
UPDATE stats_decisions s
SET applied = s.applied - r.resolutions, use_server = r.resolutions
FROM (SELECT account_id, device_id, table_name, count(*) AS resolutions
      FROM sync_log
      WHERE op = 'use_server' AND status = 'applied'
        AND seq <= (SELECT position FROM stats_cursors WHERE source = 'sync_log' AND part = 0)
      GROUP BY account_id, device_id, table_name) r
WHERE s.account_id = r.account_id AND s.device_id = r.device_id AND s.table_name = r.table_name;
