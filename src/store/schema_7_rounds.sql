-- Schema version 7. Rounds of judgments and rubric versions.
--
-- An item sent for re-review takes a new round of judgments (or counts): round 2, 3, … Earlier
-- rounds stay as they were written: the items row keeps round 1's record (`counts`, what its
-- link hashes), `rounds` holds each later round's counts, and `judgments.round` says which
-- round a judgment belongs to. The item's summary columns (distribution figures, class, flags,
-- queue keys) follow its latest round (`items.round`); they change only inside dissent's
-- guarded path, which defines `summaries_by_dissent()` on its connection for that one
-- transaction (a round applied, a rubric's thresholds recomputed). Decisions belong to the
-- round they were made on; a new round answers the re-review, and the item is pending again.
--
-- A batch's rubric can be replaced by a later version of the same task (`batch_rubrics`); the
-- old text stays in `rubrics`. An item's first round was judged under the version in force
-- when it was imported (`first_item`: the first item rowid a version applies to) unless its
-- source named an older one (`item_rubric_versions`), a later round under the version named on
-- its row.

ALTER TABLE items ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE judgments ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE decisions ADD COLUMN round INTEGER NOT NULL DEFAULT 1;

CREATE TABLE rounds (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items(id),
    round      INTEGER NOT NULL CHECK (round >= 2),
    panel_kind TEXT NOT NULL CHECK (panel_kind IN ('judgments', 'counts')),
    counts     TEXT NOT NULL,
    -- the seq of the round's first judgment: an item's judgments are numbered across rounds,
    -- so its latest round is a range of its judgments' key
    first_seq  INTEGER NOT NULL,
    rubric_id  INTEGER NOT NULL REFERENCES rubrics(id),
    -- the re-review decision this round answers
    answers    INTEGER NOT NULL REFERENCES decisions(id),
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    chain      BLOB NOT NULL,
    UNIQUE (item_id, round)
);

-- The rubric version a round's source names (an export line read back, its earlier rounds
-- included) where older than the rubric it was imported under; a round without a row was
-- judged under that rubric. Part of the round's record: its link hashes it.
CREATE TABLE item_rubric_versions (
    item_id INTEGER NOT NULL REFERENCES items(id),
    round   INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (item_id, round)
) WITHOUT ROWID;

CREATE TABLE batch_rubrics (
    id         INTEGER PRIMARY KEY,
    batch_id   INTEGER NOT NULL REFERENCES batches(id),
    rubric_id  INTEGER NOT NULL REFERENCES rubrics(id),
    first_item INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX batch_rubrics_batch ON batch_rubrics (batch_id, id);

CREATE TRIGGER rounds_by_dissent BEFORE INSERT ON rounds
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'rounds are written by dissent only'); END;
CREATE TRIGGER rounds_follow_rereview BEFORE INSERT ON rounds
WHEN NEW.round != (SELECT round FROM items WHERE id = NEW.item_id) + 1
  OR (SELECT status FROM items WHERE id = NEW.item_id) != 'rereview'
BEGIN SELECT RAISE(ABORT, 'a new round is taken only by an item sent for re-review'); END;
CREATE TRIGGER rounds_no_update BEFORE UPDATE ON rounds
BEGIN SELECT RAISE(ABORT, 'rounds are append-only: the panel record is never changed'); END;
CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
BEGIN SELECT RAISE(ABORT, 'rounds are append-only: the panel record is never deleted'); END;

CREATE TRIGGER item_rubric_versions_by_dissent BEFORE INSERT ON item_rubric_versions
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the panel record is written by dissent only'); END;
CREATE TRIGGER item_rubric_versions_no_update BEFORE UPDATE ON item_rubric_versions
BEGIN SELECT RAISE(ABORT, 'the panel record is never changed'); END;
CREATE TRIGGER item_rubric_versions_no_delete BEFORE DELETE ON item_rubric_versions
BEGIN SELECT RAISE(ABORT, 'the panel record is never deleted'); END;

CREATE TRIGGER batch_rubrics_by_dissent BEFORE INSERT ON batch_rubrics
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'rubric versions are loaded by dissent only'); END;
CREATE TRIGGER batch_rubrics_later_version BEFORE INSERT ON batch_rubrics
WHEN (SELECT task FROM rubrics WHERE id = NEW.rubric_id) IS NOT
     (SELECT r.task FROM batches b JOIN rubrics r ON r.id = b.rubric_id WHERE b.id = NEW.batch_id)
  OR (SELECT version FROM rubrics WHERE id = NEW.rubric_id) <= (
     SELECT r.version FROM rubrics r WHERE r.id = coalesce(
         (SELECT rubric_id FROM batch_rubrics WHERE batch_id = NEW.batch_id ORDER BY id DESC LIMIT 1),
         (SELECT rubric_id FROM batches WHERE id = NEW.batch_id)))
BEGIN SELECT RAISE(ABORT, 'a rubric version replaces one of the same task and a lower version'); END;
CREATE TRIGGER batch_rubrics_no_update BEFORE UPDATE ON batch_rubrics
BEGIN SELECT RAISE(ABORT, 'rubric versions are kept as loaded'); END;
CREATE TRIGGER batch_rubrics_no_delete BEFORE DELETE ON batch_rubrics
BEGIN SELECT RAISE(ABORT, 'rubric versions are kept as loaded'); END;

-- The record of an item never changes; its summary follows its latest round, as dissent
-- computes it, one round at a time.
DROP TRIGGER items_record_fixed;
CREATE TRIGGER items_record_fixed BEFORE UPDATE OF
    id, batch_id, item_key, task, payload, gold_label, panel_kind, counts, chain ON items
BEGIN SELECT RAISE(ABORT, 'an item''s panel record is never changed'); END;
CREATE TRIGGER items_summary_by_dissent BEFORE UPDATE OF
    reviewer_count, top_label, top_share, entropy, norm_entropy, mean_confidence, class, flags,
    unflagged, neg_entropy, conf_key, class_rank, round ON items
WHEN summaries_by_dissent() IS NOT 1
  OR NEW.round NOT IN (OLD.round, OLD.round + 1)
  OR (NEW.round != OLD.round
      AND NOT EXISTS (SELECT 1 FROM rounds WHERE item_id = NEW.id AND round = NEW.round))
BEGIN SELECT RAISE(ABORT, 'an item''s summary follows its latest round, as dissent computes it'); END;

-- The queue counts follow a class or flags change (a status change moves them already).
CREATE TRIGGER items_count_summary AFTER UPDATE OF class, flags ON items
WHEN (OLD.class != NEW.class OR OLD.flags != NEW.flags) AND OLD.status = NEW.status
BEGIN
    UPDATE queue_counts SET n = n - 1
    WHERE batch_id = OLD.batch_id AND task = OLD.task AND class = OLD.class
      AND flags = OLD.flags AND status = OLD.status;
    INSERT INTO queue_counts (batch_id, task, class, flags, status, n)
    VALUES (NEW.batch_id, NEW.task, NEW.class, NEW.flags, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A decision is made on the item's latest round; the status follows the decision in force in
-- that round.
CREATE TRIGGER decisions_latest_round BEFORE INSERT ON decisions
WHEN NEW.round != (SELECT round FROM items WHERE id = NEW.item_id)
  OR (NEW.reverts IS NOT NULL
      AND (SELECT round FROM decisions WHERE id = NEW.reverts) != NEW.round)
BEGIN SELECT RAISE(ABORT, 'a decision is made on its item''s latest round'); END;
DROP TRIGGER decisions_set_status;
CREATE TRIGGER decisions_set_status AFTER INSERT ON decisions
BEGIN
    UPDATE items SET status = COALESCE(
        (SELECT d.kind FROM decisions d
         WHERE d.item_id = NEW.item_id AND d.round = NEW.round AND d.kind != 'revert'
           AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.reverts = d.id)
         ORDER BY d.id DESC LIMIT 1),
        'pending')
    WHERE id = NEW.item_id;
END;
