-- What each role of roles.sql may do to a dissent database, run by its owner (dissent_owner)
-- after the migrations. The boundary of the record: no one but the owner, who has no login,
-- holds UPDATE, DELETE or TRUNCATE on it, so a reviewer's login cannot change or remove the
-- panel record, a decision or an event even by hand, whatever session settings it makes. The
-- trigger functions that write on a decider's behalf (an item's status, the queue counts) run
-- as the owner (SECURITY DEFINER).
GRANT USAGE ON SCHEMA public TO dissent_viewer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO dissent_viewer;
-- tables a later migration adds are readable too (what else they allow, that migration grants)
ALTER DEFAULT PRIVILEGES FOR ROLE dissent_owner IN SCHEMA public
    GRANT SELECT ON TABLES TO dissent_viewer;
-- the search index is a cache, filled by whoever searches first
GRANT INSERT ON items_search TO dissent_viewer;
GRANT UPDATE (last_id) ON search_indexed TO dissent_viewer;

-- senior reviewers decide and claim; every act is logged
GRANT INSERT ON decisions, events TO dissent_reviewer;
GRANT INSERT, UPDATE, DELETE ON claims TO dissent_reviewer;

-- QA leads import, load rubric versions and predictions, finalize and reopen, assign and staff
GRANT INSERT ON rubrics, batches, items, judgments, rounds, item_rubric_versions, batch_rubrics,
    models, predictions TO dissent_lead;
GRANT UPDATE (status) ON batches TO dissent_lead;
GRANT UPDATE (kl) ON predictions TO dissent_lead;
GRANT UPDATE (reviewer_count, top_label, top_share, entropy, norm_entropy, mean_confidence, class,
    flags, unflagged, neg_entropy, conf_key, class_rank, round) ON items TO dissent_lead;
GRANT INSERT, UPDATE, DELETE ON staff, assignments TO dissent_lead;
