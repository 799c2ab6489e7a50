-- Schema version 5. A team on one database: the staff list and its roles, assignments of items
-- to reviewers, and claims on items being decided. None of these is the panel record: they
-- change (a member leaves, an item is reassigned, a claim lapses), but only as dissent changes
-- them, and every change is in the event log.

-- Who may do what. Empty: everyone may do everything, as before roles existed.
CREATE TABLE staff (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL CHECK (role IN ('qa_lead', 'senior_reviewer', 'viewer')),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
) WITHOUT ROWID;

-- Which reviewer an item is assigned to (at most one). Unassigned items are open to all.
CREATE TABLE assignments (
    item_id     INTEGER PRIMARY KEY REFERENCES items(id),
    assignee    TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX assignments_assignee ON assignments (assignee, item_id);

-- Who is deciding an item now. A claim lapses at `expires` (Unix seconds) unless renewed, so a
-- crashed console holds nothing for long.
CREATE TABLE claims (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    holder  TEXT NOT NULL,
    account TEXT,
    since   TEXT NOT NULL,
    expires INTEGER NOT NULL
);

CREATE TRIGGER staff_insert_by_dissent BEFORE INSERT ON staff
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the staff list is changed by dissent only'); END;
CREATE TRIGGER staff_update_by_dissent BEFORE UPDATE ON staff
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the staff list is changed by dissent only'); END;
CREATE TRIGGER staff_delete_by_dissent BEFORE DELETE ON staff
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the staff list is changed by dissent only'); END;

CREATE TRIGGER assignments_insert_by_dissent BEFORE INSERT ON assignments
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'assignments are changed by dissent only'); END;
CREATE TRIGGER assignments_update_by_dissent BEFORE UPDATE ON assignments
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'assignments are changed by dissent only'); END;
CREATE TRIGGER assignments_delete_by_dissent BEFORE DELETE ON assignments
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'assignments are changed by dissent only'); END;

CREATE TRIGGER claims_insert_by_dissent BEFORE INSERT ON claims
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'claims are changed by dissent only'); END;
CREATE TRIGGER claims_update_by_dissent BEFORE UPDATE ON claims
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'claims are changed by dissent only'); END;
CREATE TRIGGER claims_delete_by_dissent BEFORE DELETE ON claims
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'claims are changed by dissent only'); END;
