-- Schema version 1. Judgments, decisions and events are append-only: the triggers below make
-- the database itself refuse UPDATE and DELETE, whoever connects.

CREATE TABLE rubrics (
    id        INTEGER PRIMARY KEY,
    task      TEXT NOT NULL,
    version   INTEGER NOT NULL,
    yaml      TEXT NOT NULL,
    sha256    TEXT NOT NULL UNIQUE,
    loaded_at TEXT NOT NULL
);

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    rubric_id  INTEGER NOT NULL REFERENCES rubrics(id),
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finalized')),
    created_at TEXT NOT NULL
);

-- One row per item: its payload and panel counts as imported, plus the derived summary
-- columns the queue filters and sorts on. Sort keys are stored ascending (neg_entropy,
-- conf_key, class_rank, unflagged) so that every order is one keyset over one index.
CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    batch_id        INTEGER NOT NULL REFERENCES batches(id),
    item_key        TEXT NOT NULL,
    task            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    gold_label      TEXT,
    panel_kind      TEXT NOT NULL CHECK (panel_kind IN ('judgments', 'counts')),
    counts          TEXT NOT NULL,
    reviewer_count  INTEGER NOT NULL,
    top_label       TEXT,
    top_share       REAL NOT NULL,
    entropy         REAL NOT NULL,
    norm_entropy    REAL NOT NULL,
    mean_confidence REAL,
    class           TEXT NOT NULL CHECK (class IN ('agreement', 'minor', 'major', 'unresolved')),
    flags           INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'hard_label', 'keep_soft', 'rereview')),
    unflagged       INTEGER NOT NULL,
    neg_entropy     REAL NOT NULL,
    conf_key        REAL NOT NULL,
    class_rank      INTEGER NOT NULL,
    UNIQUE (batch_id, item_key)
);
CREATE INDEX items_queue_default ON items (batch_id, unflagged, neg_entropy, item_key);
CREATE INDEX items_queue_entropy ON items (batch_id, neg_entropy, item_key);
CREATE INDEX items_queue_confidence ON items (batch_id, conf_key, item_key);
CREATE INDEX items_queue_class ON items (batch_id, class_rank, neg_entropy, item_key);
-- The triage order within one class or one decision status: the console's usual filters.
CREATE INDEX items_triage_by_class ON items (batch_id, class, unflagged, neg_entropy, item_key);
CREATE INDEX items_triage_by_status ON items (batch_id, status, unflagged, neg_entropy, item_key);

-- Clustered by item: an item's judgments sit together, in panel order, with no second index.
CREATE TABLE judgments (
    item_id        INTEGER NOT NULL REFERENCES items(id),
    seq            INTEGER NOT NULL,
    reviewer       TEXT NOT NULL,
    label          TEXT NOT NULL,
    raw_confidence REAL,
    confidence     REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
    evidence       TEXT,
    attributes     TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (item_id, seq)
) WITHOUT ROWID;

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    kind        TEXT NOT NULL CHECK (kind IN ('hard_label', 'keep_soft', 'rereview', 'revert')),
    label       TEXT,
    reason_code TEXT,
    erring      TEXT NOT NULL DEFAULT '[]',
    text        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    reverts     INTEGER REFERENCES decisions(id),
    CHECK ((kind = 'revert') = (reverts IS NOT NULL))
);
CREATE INDEX decisions_item ON decisions (item_id);
CREATE INDEX decisions_reverts ON decisions (reverts);

CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER REFERENCES batches(id),
    item_id  INTEGER REFERENCES items(id),
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,
    action   TEXT NOT NULL,
    details  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_item ON events (item_id);

-- Items per (task, class, flags, status): the queue header's counts without a scan. An import
-- adds its items in one statement at commit; status changes move them by trigger.
CREATE TABLE queue_counts (
    batch_id INTEGER NOT NULL,
    task     TEXT NOT NULL,
    class    TEXT NOT NULL,
    flags    INTEGER NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (batch_id, task, class, flags, status)
) WITHOUT ROWID;

CREATE TRIGGER judgments_no_update BEFORE UPDATE ON judgments
BEGIN SELECT RAISE(ABORT, 'judgments are append-only: the panel record is never changed'); END;
CREATE TRIGGER judgments_no_delete BEFORE DELETE ON judgments
BEGIN SELECT RAISE(ABORT, 'judgments are append-only: the panel record is never deleted'); END;
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: undo appends a revert'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: undo appends a revert'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER rubrics_no_update BEFORE UPDATE ON rubrics
BEGIN SELECT RAISE(ABORT, 'rubrics are kept verbatim'); END;
CREATE TRIGGER rubrics_no_delete BEFORE DELETE ON rubrics
BEGIN SELECT RAISE(ABORT, 'rubrics are kept verbatim'); END;
CREATE TRIGGER items_no_delete BEFORE DELETE ON items
BEGIN SELECT RAISE(ABORT, 'items are never deleted'); END;
-- Only the decision status of an item changes after import, and only through decisions.
CREATE TRIGGER items_record_fixed BEFORE UPDATE OF
    id, batch_id, item_key, task, payload, gold_label, panel_kind, counts, reviewer_count,
    top_label, top_share, entropy, norm_entropy, mean_confidence, class, flags,
    unflagged, neg_entropy, conf_key, class_rank ON items
BEGIN SELECT RAISE(ABORT, 'an item''s panel record is never changed'); END;

CREATE TRIGGER decisions_open_batch BEFORE INSERT ON decisions
WHEN (SELECT b.status FROM items i JOIN batches b ON b.id = i.batch_id
      WHERE i.id = NEW.item_id) = 'finalized'
BEGIN SELECT RAISE(ABORT, 'the batch is finalized: reopen it before deciding'); END;

-- The status column follows the decision in force: the latest one not reverted.
CREATE TRIGGER decisions_set_status AFTER INSERT ON decisions
BEGIN
    UPDATE items SET status = COALESCE(
        (SELECT d.kind FROM decisions d
         WHERE d.item_id = NEW.item_id AND d.kind != 'revert'
           AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.reverts = d.id)
         ORDER BY d.id DESC LIMIT 1),
        'pending')
    WHERE id = NEW.item_id;
END;

CREATE TRIGGER items_count_status AFTER UPDATE OF status ON items
WHEN OLD.status != NEW.status
BEGIN
    UPDATE queue_counts SET n = n - 1
    WHERE batch_id = OLD.batch_id AND task = OLD.task AND class = OLD.class
      AND flags = OLD.flags AND status = OLD.status;
    INSERT INTO queue_counts (batch_id, task, class, flags, status, n)
    VALUES (NEW.batch_id, NEW.task, NEW.class, NEW.flags, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Substring search over item ids and payload text: a trigram index over the items table,
-- filled on the first search after an import (`search_indexed` holds the last item indexed).
CREATE VIRTUAL TABLE items_search USING fts5(
    item_key, payload, content = 'items', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TABLE search_indexed (last_id INTEGER NOT NULL);
INSERT INTO search_indexed (last_id) VALUES (0);
