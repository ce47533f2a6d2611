-- Parents are fixed at creation (docs/PROTOCOL.md, "Push": immutable_field): an event's book_id, a drawing's book_id
-- and a note's event_id never change once the record exists. So a note's book (its event's) never changes either,
-- and the note can keep it: a pull filtered by books then reads notes by their own book, one index range per book,
-- instead of joining every note of the account to its event. book_id is a server-side column only: it is not in a
-- note's data on the wire. The applier fills it from the event it reads for the parent check; a rebuild from the
-- event it rebuilt. No foreign key to books: the note's event references its book already, and a key would cost a
-- lookup of the book per written note.
ALTER TABLE notes ADD COLUMN book_id uuid;

UPDATE notes n SET book_id = e.book_id
FROM events e
WHERE e.account_id = n.account_id AND e.id = n.event_id;

-- Every note references its event (foreign key), so every note has a book now.
ALTER TABLE notes ALTER COLUMN book_id SET NOT NULL;

-- What a pull filtered by books reads: one book's changes past a position, in position order. The (account_id,
-- book_id) prefix also serves a book's delete, which locks the book's live events and drawings: the old two-column
-- indexes are covered and go. notes_event_idx stays: an event's delete locks its notes by event.
CREATE INDEX events_book_pull_idx ON events (account_id, book_id, position);
DROP INDEX events_book_idx;
CREATE INDEX notes_book_pull_idx ON notes (account_id, book_id, position);
CREATE INDEX schedule_drawings_book_pull_idx ON schedule_drawings (account_id, book_id, position);
DROP INDEX schedule_drawings_book_idx;
