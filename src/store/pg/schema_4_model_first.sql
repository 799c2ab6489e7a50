-- A model's predictions are written before its row, which counts them at the end of the import
-- (and, being part of the record, is never updated): the reference from a prediction to its
-- model is checked at commit, when both are there, rather than per row. SQLite's import turns
-- its foreign-key checks off for the import instead.
ALTER TABLE predictions ALTER CONSTRAINT predictions_model_id_fkey DEFERRABLE INITIALLY DEFERRED;
