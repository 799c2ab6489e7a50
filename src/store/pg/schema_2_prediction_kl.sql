-- A prediction's KL follows its item's latest round, as on SQLite
-- (src/store/schema_prediction_kl.sql): `kl` is derived, not the record; dissent recomputes it
-- when a round of re-review lands, inside the transaction whose guarded path recomputes the
-- items' summaries (`dissent_summaries()`), and no other change of it, nor of any other column,
-- is taken. `import_kl` keeps, for a prediction imported before the KL followed rounds, the KL
-- its import's digest hashed (NULL for those imported since).

ALTER TABLE predictions ADD COLUMN import_kl DOUBLE PRECISION;

DROP TRIGGER predictions_no_update ON predictions;
CREATE TRIGGER predictions_no_update BEFORE UPDATE OF
    model_id, item_id, distribution, model_entropy, import_kl ON predictions
FOR EACH STATEMENT
EXECUTE FUNCTION dissent_refuse('predictions are append-only: --replace adds a model version');

CREATE FUNCTION predictions_kl_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT dissent_summaries() THEN
        RAISE EXCEPTION 'a prediction''s KL follows its item''s latest round, as dissent computes it';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER predictions_kl_by_dissent BEFORE UPDATE OF kl ON predictions
FOR EACH STATEMENT EXECUTE FUNCTION predictions_kl_check();
