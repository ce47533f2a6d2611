-- sync_log's copy of a record's data was compressed with pglz: measured in the applier's transaction of a 50-change
-- push (29 notes and drawings of ~5 KB), writing their sync_log rows took 6.5-7.8 ms with pglz and 2.7-3.3 ms
-- without, on the path a device waits on. lz4 compresses at a fraction of pglz's cost where the server is built with
-- it (the official images are); elsewhere (the embedded PostgreSQL) the copy is kept uncompressed, out of line: about
-- twice the disk for strokes in the history. Rows written before this migration stay as they are.
DO $$
BEGIN
    ALTER TABLE sync_log ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    ALTER TABLE sync_log ALTER COLUMN data SET STORAGE EXTERNAL;
END $$;
