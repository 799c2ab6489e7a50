-- Schema version 4. The record is chained (src/domain/chain.rs): every item (with its
-- judgments), decision and event carries its link. The migration links the rows written
-- before it, then restores the triggers with the link fixed like the rest of the row
-- (src/store/chain.rs, `LINK_TRIGGERS`). Every event also records the OS account that wrote
-- it beside the actor named, so that acting as someone else (`--as`) shows in the log; events
-- written before have none, and the chain hashes an account only where there is one.

DROP TRIGGER decisions_no_update;
DROP TRIGGER events_no_update;
DROP TRIGGER items_record_fixed;
ALTER TABLE items ADD COLUMN chain BLOB;
ALTER TABLE decisions ADD COLUMN chain BLOB;
ALTER TABLE events ADD COLUMN chain BLOB;
ALTER TABLE events ADD COLUMN account TEXT;
-- Rubrics stored until now read a missing `confidence:` key as a 1–5 scale; later ones (which
-- this build inserts with 0) as probabilities. Each keeps the meaning it was imported with.
ALTER TABLE rubrics ADD COLUMN legacy_scale INTEGER NOT NULL DEFAULT 1;
-- A batch's last event, for the next event's link, without walking the whole log.
CREATE INDEX events_batch ON events (batch_id, id);
