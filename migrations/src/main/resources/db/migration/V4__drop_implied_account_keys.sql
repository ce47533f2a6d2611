-- Every row of events, notes and schedule_drawings references its parent by (account_id, parent id), and the
-- parent's row references its own parent the same way up to books, whose account_id references accounts: their
-- own account_id -> accounts keys are implied by those, and each cost a lookup of the accounts row per written row
-- in the applier's hot transaction. sync_log rows are written only by apply transactions that hold the account's
-- row locked (the applier dead-letters changes of accounts that do not exist), and accounts are never deleted.
ALTER TABLE events DROP CONSTRAINT events_account_id_fkey;
ALTER TABLE notes DROP CONSTRAINT notes_account_id_fkey;
ALTER TABLE schedule_drawings DROP CONSTRAINT schedule_drawings_account_id_fkey;
ALTER TABLE sync_log DROP CONSTRAINT sync_log_account_id_fkey;
