-- Live consoles (docs/postgres.md): every change a console shows notifies the channel
-- `dissent` with the id of the batch it touched, as text. A console LISTENs on it and reloads
-- that batch; SQLite's consoles poll `PRAGMA data_version` instead.
--
-- PostgreSQL delivers a notification when its transaction commits (none for one rolled back)
-- and folds identical ones within a transaction, so an import or a bulk assignment notifies
-- once per batch: the triggers on tables written in bulk are per statement and read the
-- statement's transition table (`changed`; a trigger with one may name one event only).
--
-- The functions run as whoever writes: pg_notify is executable by PUBLIC and LISTEN needs no
-- grant, and the tables they read (items) are readable by every role of grants.sql, so a
-- reviewer's decision notifies as the owner's would. Their search_path is the migration's, as
-- the other trigger functions'.

-- Rows that carry their batch: items, models, rubric versions.
CREATE FUNCTION dissent_notify_batches() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_notify('dissent', batch_id::text) FROM (SELECT DISTINCT batch_id FROM changed) b;
    RETURN NULL;
END $$;

-- Rows that carry their item: decisions, claims, assignments, rounds.
CREATE FUNCTION dissent_notify_items() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_notify('dissent', batch_id::text)
    FROM (SELECT DISTINCT i.batch_id FROM changed c JOIN items i ON i.id = c.item_id) b;
    RETURN NULL;
END $$;

-- A batch finalized or reopened.
CREATE FUNCTION dissent_notify_batch_status() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_notify('dissent', NEW.id::text);
    RETURN NULL;
END $$;

CREATE TRIGGER items_notify AFTER INSERT ON items REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_batches();
CREATE TRIGGER models_notify AFTER INSERT ON models REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_batches();
CREATE TRIGGER batch_rubrics_notify AFTER INSERT ON batch_rubrics REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_batches();

CREATE TRIGGER decisions_notify AFTER INSERT ON decisions REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER rounds_notify AFTER INSERT ON rounds REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER claims_insert_notify AFTER INSERT ON claims REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER claims_update_notify AFTER UPDATE ON claims REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER claims_delete_notify AFTER DELETE ON claims REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER assignments_insert_notify AFTER INSERT ON assignments
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER assignments_update_notify AFTER UPDATE ON assignments
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();
CREATE TRIGGER assignments_delete_notify AFTER DELETE ON assignments
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION dissent_notify_items();

CREATE TRIGGER batches_status_notify AFTER UPDATE OF status ON batches FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION dissent_notify_batch_status();
