-- sync_log is written once per decided change, in the applier's hot transaction: every index costs there.
-- No query reads sync_log by (account_id, position); replay scans by seq, which only grows: BRIN serves its range
-- scans at a fraction of a B-tree's upkeep. seq stays unique by construction (bigserial).
DROP INDEX sync_log_position_idx;
ALTER TABLE sync_log DROP CONSTRAINT sync_log_seq_key;
CREATE INDEX sync_log_seq_brin ON sync_log USING brin (seq);
