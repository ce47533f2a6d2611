-- The operator console (GET /api/admin/write-path, /api/admin/conflicts) reads the decisions of the last minutes or
-- hours by decided_at. Without an index that is a scan of all of sync_log. decided_at grows with the appliers'
-- commits (as seq does), so a BRIN index serves those ranges at a fraction of a B-tree's upkeep in the applier's hot
-- transaction (V2 chose BRIN for seq for the same reason).
CREATE INDEX sync_log_decided_at_brin ON sync_log USING brin (decided_at);
