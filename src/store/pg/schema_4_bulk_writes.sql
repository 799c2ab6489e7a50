-- A model's predictions are written before its row, which counts them at the end of the import
-- (and, being part of the record, is never updated): the reference from a prediction to its
-- model is checked at commit, when both are there, rather than per row. SQLite's import turns
-- its foreign-key checks off for the import instead.
ALTER TABLE predictions ALTER CONSTRAINT predictions_model_id_fkey DEFERRABLE INITIALLY DEFERRED;

-- Statistics for the planner after a bulk write (an import, the first search fills the search
-- index): a query planned right after would take the new rows for an empty table, and scan what
-- an index would find. ANALYZE needs the tables' owner; this runs as the owner for whichever
-- login imports or searches, on dissent's tables only.
CREATE FUNCTION dissent_analyze(tbl text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
    IF tbl NOT IN ('items', 'judgments', 'predictions', 'items_search') THEN
        RAISE EXCEPTION 'dissent_analyze: not one of dissent''s bulk-written tables: %', tbl;
    END IF;
    EXECUTE format('ANALYZE %I', tbl);
END $$;
