-- Schema version 3. The record changes only as dissent changes it, whoever connects.
--
-- Every insert and update of the record calls `written_by_dissent_only()`, a function that
-- only dissent's own connections define (an import writes its new items and judgments with its
-- connection's triggers off, since these only make that check): from any other client (the
-- sqlite3 shell, a script) the statement fails with "no such function: written_by_dissent_only"
-- and nothing is written.
-- That closes what the append-only triggers alone leave open: REPLACE (which deletes the old
-- row without firing delete triggers), new judgments on an imported item, a status set by
-- hand, and edits of the batches and the queue counts. What a client that drops these
-- triggers does is caught by the hash chain (`dissent verify`).

CREATE TRIGGER rubrics_by_dissent BEFORE INSERT ON rubrics
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'rubrics are written by dissent only'); END;

CREATE TRIGGER batches_by_dissent BEFORE INSERT ON batches
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'batches are written by dissent only'); END;
CREATE TRIGGER batches_status_by_dissent BEFORE UPDATE ON batches
WHEN written_by_dissent_only() IS NOT 1
  OR NEW.id != OLD.id OR NEW.name != OLD.name OR NEW.rubric_id != OLD.rubric_id
  OR NEW.created_at != OLD.created_at
BEGIN SELECT RAISE(ABORT, 'only a batch''s status changes, by finalize and reopen'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'batches are never deleted'); END;

CREATE TRIGGER items_by_dissent BEFORE INSERT ON items
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'items are written by dissent only'); END;
CREATE TRIGGER items_status_by_decisions BEFORE UPDATE OF status ON items
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'an item''s status follows its decisions'); END;

CREATE TRIGGER judgments_by_dissent BEFORE INSERT ON judgments
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the panel record is written by dissent only'); END;

CREATE TRIGGER decisions_by_dissent BEFORE INSERT ON decisions
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'decisions are written by dissent only'); END;

CREATE TRIGGER events_by_dissent BEFORE INSERT ON events
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the event log is written by dissent only'); END;

CREATE TRIGGER queue_counts_insert_by_dissent BEFORE INSERT ON queue_counts
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the queue counts follow the items'); END;
CREATE TRIGGER queue_counts_update_by_dissent BEFORE UPDATE ON queue_counts
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the queue counts follow the items'); END;
CREATE TRIGGER queue_counts_no_delete BEFORE DELETE ON queue_counts
BEGIN SELECT RAISE(ABORT, 'the queue counts follow the items'); END;
