-- Schema version 2. Search looks at values, not field names: the index holds each item's id,
-- the values of its payload and the evidence of its panel, rebuilt on the next search.

DROP TABLE items_search;
CREATE VIRTUAL TABLE items_search USING fts5(item_key, body, tokenize = 'trigram');
UPDATE search_indexed SET last_id = 0;
