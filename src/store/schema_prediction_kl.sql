-- Schema version 8. A prediction's KL follows its item's latest round.
--
-- `predictions.kl` is KL(panel in force ‖ model): derived from the item's latest round and the
-- model's distribution, not part of the record. When a round of re-review is written for an
-- item, dissent recomputes the KL of every model's prediction of it in the round's transaction
-- (src/store/predictions.rs, `follow_panel`), under `summaries_by_dissent()`, the function its
-- guarded path defines on its connection for that transaction (schema 7). Only that column may
-- change, and only there; every other column stays as imported.
--
-- The digest an import logs (schema 6) no longer hashes the KL: it hashes the item, the
-- distribution and the model entropy. Predictions imported before this schema were logged with
-- their KL as imported hashed in; `import_kl` keeps that figure for them, so that `verify`
-- recomputes the digest they were logged with. It is NULL for predictions imported since.
-- Rounds imported after a model and before this schema left its KL stale: the migration's hook
-- recomputes those.

ALTER TABLE predictions ADD COLUMN import_kl REAL;

DROP TRIGGER predictions_no_update;
UPDATE predictions SET import_kl = kl;

CREATE TRIGGER predictions_no_update BEFORE UPDATE OF
    model_id, item_id, distribution, model_entropy, import_kl ON predictions
BEGIN SELECT RAISE(ABORT, 'predictions are append-only: --replace adds a model version'); END;
CREATE TRIGGER predictions_kl_by_dissent BEFORE UPDATE OF kl ON predictions
WHEN summaries_by_dissent() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'a prediction''s KL follows its item''s latest round, as dissent computes it'); END;
