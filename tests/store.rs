//! Store invariants: append-only tables enforced by the database itself, decisions and undo,
//! finalize, keyset paging, and refusal of a newer schema.

mod common;

use common::{Dir, TUMOR_RUBRIC};
use dissent::domain::decision::{DecisionKind, DecisionStatus, NewDecision};
use dissent::domain::rubric::Rubric;
use dissent::ingest::{FieldMap, Format, ImportError, ImportJob, Imported, import_files};
use dissent::store::{
    Basis, BatchStatus, Direction, QueueFilter, QueueRow, SortKey, Store, StoreError,
};

common::both_backends! {
    undo_appends_a_revert_and_restores_the_previous_decision,
    invalid_decisions_are_refused,
    a_finalized_batch_takes_no_decision_until_reopened,
    keyset_pages_walk_every_order_exactly_once_both_ways,
    reimporting_an_item_into_its_batch_is_refused,
    search_finds_ids_payload_values_and_evidence_never_field_names_and_keeps_up_with_imports,
    a_claim_keeps_others_from_deciding_until_it_is_released_broken_or_lapses,
    live_claims_keep_a_batch_from_being_finalized,
    a_decision_is_written_only_over_the_decision_in_force_the_decider_saw,
}
// SQLite only: the sqlite3 shell, `PRAGMA user_version`, SQLite's dropped and rebuilt indexes
// and `tamper` work on the file (tests/pg_schema.rs holds PostgreSQL's side of the contract).

const AT: &str = "2026-11-23T10:00:00Z";
/// Decides over whatever is in force, as the tests of the record itself do.
const SUPERSEDE: Basis = Basis::Current { supersede: true };

/// A batch of `n` items, 3–5 reviewers each, with varied splits.
fn batch_file(d: &Dir, n: usize) -> std::path::PathBuf {
    let labels = ["mild", "moderate", "severe"];
    let mut text = String::new();
    for i in 0..n {
        let reviewers = 3 + i % 3;
        for r in 0..reviewers {
            let label = labels[(i * 7 + r * (i % 4)) % 3];
            let conf = 1 + (i + r) % 5;
            text.push_str(&format!(
                "{{\"item_id\":\"it-{i:04}\",\"reviewer\":\"R{r}\",\"label\":\"{label}\",\"confidence\":{conf},\"note\":\"item {i}\"}}\n"
            ));
        }
    }
    d.file("batch.jsonl", text)
}

/// Imports `file` into batch `b` under the tumor rubric.
fn import(store: &mut Store, file: &std::path::Path) -> Result<Imported, ImportError> {
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    import_files(
        store,
        &ImportJob {
            paths: &[file],
            rubric: &rubric,
            batch: "b",
            format: Format::Auto,
            map: &FieldMap::default(),
            actor: "tester",
            at: AT,
        },
        |_| {},
    )
}

fn store_with(d: &Dir, n: usize) -> (Store, dissent::store::Batch) {
    let mut store = common::open_store(d);
    let file = batch_file(d, n);
    import(&mut store, &file).expect("import");
    let batch = store.batch(None).expect("batch");
    (store, batch)
}

/// A closed database of 5 items, one with a keep-soft decision; its path.
fn decided_file(d: &Dir) -> std::path::PathBuf {
    let (mut store, batch) = store_with(d, 5);
    let keep = NewDecision {
        kind: DecisionKind::KeepSoft,
        label: None,
        reason_code: None,
        erring: vec![],
        text: "honest".into(),
    };
    store
        .decide(&batch, "it-0001", &keep, SUPERSEDE, "tester", AT)
        .expect("decide");
    d.path("db.sqlite")
}

fn sqlite3(db: &std::path::Path, sql: &str) -> Option<std::process::Output> {
    match std::process::Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
    {
        Ok(out) => Some(out),
        Err(_) => {
            common::missing("the sqlite3 shell");
            None
        }
    }
}

#[test]
fn judgments_and_decisions_cannot_be_changed_through_the_sqlite3_shell() {
    let d = Dir::new();
    let db = decided_file(&d);
    for sql in [
        "UPDATE judgments SET label = 'severe';",
        "DELETE FROM judgments;",
        "UPDATE decisions SET text = 'rewritten';",
        "DELETE FROM decisions;",
        "UPDATE events SET actor = 'mallory';",
        "DELETE FROM events;",
        "UPDATE items SET payload = '{}';",
        "DELETE FROM items;",
    ] {
        let Some(out) = sqlite3(&db, sql) else { return };
        assert!(!out.status.success(), "`{sql}` succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("append-only") || err.contains("never"),
            "{sql}: {err}"
        );
    }
    let Some(out) = sqlite3(
        &db,
        "SELECT count(*) FROM judgments; SELECT count(*) FROM decisions;",
    ) else {
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "19\n1\n",
        "3+4+5+3+4 judgments, one decision"
    );
}

#[test]
fn what_dissent_never_does_is_refused_from_any_client_and_changes_nothing() {
    let d = Dir::new();
    let db = decided_file(&d);
    let Some(before) = sqlite3(&db, ".dump") else {
        return;
    };
    for sql in [
        // REPLACE deletes the old row without firing the delete triggers
        "REPLACE INTO judgments (item_id, seq, reviewer, label) VALUES (1, 0, 'R0', 'severe');",
        "REPLACE INTO decisions (id, item_id, kind, text, actor, at) VALUES (1, 2, 'keep_soft', 'forged', 'm', 'x');",
        "REPLACE INTO events (id, actor, at, action) VALUES (1, 'mallory', 'x', 'import');",
        "REPLACE INTO rubrics (id, task, version, yaml, sha256, loaded_at) VALUES (1, 't', 1, 'x', 'y', 'z');",
        "REPLACE INTO items SELECT * FROM items WHERE id = 1;",
        "INSERT INTO judgments (item_id, seq, reviewer, label) VALUES (1, 99, 'Z', 'mild');",
        "INSERT INTO decisions (item_id, kind, text, actor, at) VALUES (1, 'keep_soft', 'forged', 'm', 'x');",
        "INSERT INTO events (actor, at, action) VALUES ('mallory', 'x', 'export');",
        "UPDATE items SET status = 'hard_label';",
        "UPDATE batches SET status = 'finalized';",
        "UPDATE batches SET name = 'other';",
        "DELETE FROM batches;",
        "UPDATE queue_counts SET n = 0;",
        "DELETE FROM queue_counts;",
        "INSERT INTO queue_counts VALUES (1, 't', 'major', 0, 'pending', 5);",
        "INSERT INTO batches (name, rubric_id, created_at) VALUES ('forged', 1, 'x');",
        // the team's tables: nobody makes themselves a QA lead, takes items or claims by hand
        "INSERT INTO staff VALUES ('mallory', 'qa_lead', 'mallory', 'x');",
        "REPLACE INTO staff VALUES ('mallory', 'qa_lead', 'mallory', 'x');",
        "INSERT INTO assignments VALUES (1, 'mallory', 'mallory', 'x');",
        "INSERT INTO claims VALUES (1, 'mallory', NULL, 'x', 9999999999);",
    ] {
        let Some(out) = sqlite3(&db, sql) else { return };
        assert!(!out.status.success(), "`{sql}` succeeded");
    }
    let Some(after) = sqlite3(&db, ".dump") else {
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(&before.stdout),
        String::from_utf8_lossy(&after.stdout),
        "not one row changed"
    );
    // and dissent itself still writes
    let mut store = Store::open(&db).expect("open");
    let batch = store.batch(None).expect("batch");
    store
        .undo(&batch, "it-0001", SUPERSEDE, "tester", AT)
        .expect("undo");
}

fn undo_appends_a_revert_and_restores_the_previous_decision() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 3);
    let hard = NewDecision {
        kind: DecisionKind::HardLabel,
        label: Some("severe".into()),
        reason_code: Some("reviewer_error".into()),
        erring: vec!["R1".into()],
        text: "R1 measured the wrong view".into(),
    };
    let keep = NewDecision {
        kind: DecisionKind::KeepSoft,
        label: None,
        reason_code: None,
        erring: vec![],
        text: "split".into(),
    };
    store
        .decide(&batch, "it-0000", &keep, SUPERSEDE, "alice", AT)
        .expect("keep");
    store
        .decide(&batch, "it-0000", &hard, SUPERSEDE, "bob", AT)
        .expect("hard");
    assert_eq!(
        store.item(&batch, "it-0000").expect("item").status,
        DecisionStatus::HardLabel
    );
    store
        .undo(&batch, "it-0000", SUPERSEDE, "bob", AT)
        .expect("undo");
    let item = store.item(&batch, "it-0000").expect("item");
    assert_eq!(item.status, DecisionStatus::KeepSoft);
    assert_eq!(item.decisions.len(), 3, "nothing overwritten");
    assert_eq!(item.decisions[2].kind, DecisionKind::Revert);
    let counts = store
        .queue_counts(&batch, &QueueFilter::default())
        .expect("counts");
    assert_eq!(
        counts.by_status,
        [2, 0, 1, 0],
        "pending, hard, soft, rereview"
    );
    store
        .undo(&batch, "it-0000", SUPERSEDE, "bob", AT)
        .expect("undo");
    assert!(
        matches!(store.undo(&batch, "it-0000", SUPERSEDE, "bob", AT), Err(StoreError::NothingToUndo(item)) if item == "it-0000")
    );
}

fn invalid_decisions_are_refused() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 2);
    let mut hard = NewDecision {
        kind: DecisionKind::HardLabel,
        label: Some("severe".into()),
        reason_code: Some("reviewer_error".into()),
        erring: vec!["Zed".into()],
        text: "x".into(),
    };
    let refused = |store: &mut Store, d: &NewDecision| match store
        .decide(&batch, "it-0000", d, SUPERSEDE, "a", AT)
    {
        Err(StoreError::Decision(e)) => e.to_string(),
        other => panic!("accepted: {other:?}"),
    };
    assert!(refused(&mut store, &hard).contains("`Zed` is not on this item's panel"));
    hard.erring.clear();
    assert!(refused(&mut store, &hard).contains("needs the reviewer(s) who erred"));
    hard.reason_code = Some("gut_feeling".into());
    assert!(refused(&mut store, &hard).contains("not in the rubric"));
    hard.reason_code = Some("verifiable_answer".into());
    hard.label = Some("huge".into());
    assert!(refused(&mut store, &hard).contains("label `huge` is not in the rubric"));
    hard.label = Some("mild".into());
    hard.text = "  ".into();
    assert!(refused(&mut store, &hard).contains("reason text"));
}

fn a_finalized_batch_takes_no_decision_until_reopened() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 2);
    store
        .set_batch_status(&batch, BatchStatus::Finalized, true, "lead", AT)
        .expect("finalize");
    let batch = store.batch(Some("b")).expect("batch");
    let keep = NewDecision {
        kind: DecisionKind::KeepSoft,
        label: None,
        reason_code: None,
        erring: vec![],
        text: "t".into(),
    };
    assert!(
        store
            .decide(&batch, "it-0000", &keep, SUPERSEDE, "a", AT)
            .is_err()
    );
    store
        .set_batch_status(&batch, BatchStatus::Open, false, "lead", AT)
        .expect("reopen");
    let batch = store.batch(Some("b")).expect("batch");
    store
        .decide(&batch, "it-0000", &keep, SUPERSEDE, "a", AT)
        .expect("decide after reopen");
    let actions: Vec<String> = store
        .events(&dissent::store::EventFilter::default())
        .expect("log")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["import", "finalize", "reopen", "decide"]);
}

fn keyset_pages_walk_every_order_exactly_once_both_ways() {
    let d = Dir::new();
    let (store, batch) = store_with(&d, 157);
    let filters = [
        QueueFilter::default(),
        QueueFilter {
            flagged_only: true,
            ..QueueFilter::default()
        },
        QueueFilter {
            search: Some("item 1".into()),
            ..QueueFilter::default()
        },
    ];
    for filter in &filters {
        for sort in SortKey::ALL {
            let all = store
                .queue_page(&batch, filter, sort, None, Direction::Forward, 10_000)
                .expect("all");
            let walk = |direction: Direction, size: usize| {
                let mut walked: Vec<QueueRow> = Vec::new();
                let mut anchor: Option<QueueRow> = None;
                loop {
                    let page = store
                        .queue_page(&batch, filter, sort, anchor.as_ref(), direction, size)
                        .expect("page");
                    if page.is_empty() {
                        return walked;
                    }
                    if direction == Direction::Forward {
                        anchor = page.last().cloned();
                        walked.extend(page);
                    } else {
                        anchor = page.first().cloned();
                        walked.splice(0..0, page);
                    }
                }
            };
            assert_eq!(walk(Direction::Forward, 13), all, "{sort:?} forward");
            assert_eq!(walk(Direction::Backward, 11), all, "{sort:?} backward");
            let counts = store.queue_counts(&batch, filter).expect("counts");
            assert_eq!(counts.total as usize, all.len(), "{sort:?} count");
        }
    }
    let all = store
        .queue_page(
            &batch,
            &QueueFilter::default(),
            SortKey::Triage,
            None,
            Direction::Forward,
            10_000,
        )
        .expect("all");
    assert!(
        all.windows(2)
            .all(|w| (w[0].flags.is_empty(), -w[0].entropy_bits)
                <= (w[1].flags.is_empty(), -w[1].entropy_bits))
    );
}

#[test]
fn a_database_from_a_newer_schema_is_refused() {
    let d = Dir::new();
    let db = d.path("db.sqlite");
    drop(Store::open(&db).expect("create"));
    let conn = rusqlite::Connection::open(&db).expect("raw");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    match Store::open(&db) {
        Err(e @ StoreError::TooNew { found: 99, .. }) => {
            assert!(e.to_string().contains("newer dissent"), "{e}")
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

fn reimporting_an_item_into_its_batch_is_refused() {
    let d = Dir::new();
    let (mut store, _) = store_with(&d, 2);
    let file = d.path("batch.jsonl");
    let err = import(&mut store, &file).expect_err("duplicate");
    assert!(
        err.to_string()
            .contains("batch.jsonl:1: item_id: item `it-0000` is already in this batch"),
        "{err}"
    );
    assert_eq!(store.batch(None).expect("batch").items, 2);
}

/// Every index of the database file at `db`, as (name, sql).
fn indexes(db: &std::path::Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

#[test]
fn a_large_import_rebuilds_the_queue_indexes_at_commit_and_a_failed_one_keeps_them() {
    // Past 2,000 items (and past the items already stored) an import drops the queue indexes and builds them once at commit.
    const N: usize = 2_500;
    let d = Dir::new();
    let db = d.path("db.sqlite");
    let mut store = Store::open(&db).expect("open");
    // An index someone added by hand is left alone, whatever its name.
    rusqlite::Connection::open(&db)
        .expect("open")
        .execute_batch("CREATE INDEX \"by \"\"task\"\"\" ON items (task)")
        .expect("extra index");
    let schema = indexes(&db);
    assert!(schema.iter().any(|(n, _)| n == "items_queue_default"));
    assert!(schema.iter().any(|(n, _)| n == "by \"task\""));
    let good = batch_file(&d, N);
    let bad = d.file(
        "bad.jsonl",
        format!(
            "{}{{\"item_id\":\"late\",\"reviewer\":\"R0\",\"label\":\"huge\"}}\n",
            std::fs::read_to_string(&good).expect("read")
        ),
    );
    import(&mut store, &bad).expect_err("label not in the rubric");
    assert_eq!(
        indexes(&db),
        schema,
        "a failed import leaves the indexes as they were"
    );
    assert!(store.batch(None).is_err(), "and writes nothing");

    import(&mut store, &good).expect("import");
    assert_eq!(indexes(&db), schema, "the same indexes, rebuilt");
    let batch = store.batch(None).expect("batch");
    assert_eq!(batch.items as usize, N);
    let counts = store
        .queue_counts(&batch, &QueueFilter::default())
        .expect("counts");
    assert_eq!(counts.total as usize, N);
    for sort in SortKey::ALL {
        let page = store
            .queue_page(
                &batch,
                &QueueFilter::default(),
                sort,
                None,
                Direction::Forward,
                50,
            )
            .expect("page");
        assert_eq!(page.len(), 50, "{sort:?}");
    }
}

fn search_finds_ids_payload_values_and_evidence_never_field_names_and_keeps_up_with_imports() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 30);
    let find = |store: &Store, q: &str| -> Vec<String> {
        let filter = QueueFilter {
            search: Some(q.into()),
            ..QueueFilter::default()
        };
        let rows = store
            .queue_page(&batch, &filter, SortKey::Id, None, Direction::Forward, 1000)
            .expect("page");
        let counts = store.queue_counts(&batch, &filter).expect("counts");
        assert_eq!(
            counts.total as usize,
            rows.len(),
            "{q}: counts agree with the page"
        );
        rows.into_iter().map(|r| r.item_id).collect()
    };
    let expected: Vec<String> = (0..30)
        .filter(|i| format!("item {i}\"").contains("item 1"))
        .map(|i| format!("it-{i:04}"))
        .collect();
    assert_eq!(
        find(&store, "item 1"),
        expected,
        "payload text, through the trigram index"
    );
    assert_eq!(
        find(&store, "IT-0002"),
        ["it-0002"],
        "ids, case-insensitive"
    );
    assert_eq!(find(&store, "m 29"), ["it-0029"]);
    assert_eq!(find(&store, "29").len(), 1, "a short search scans");
    assert!(find(&store, "nowhere to be found").is_empty());
    assert_eq!(
        find(&store, "\"quoted\" text"),
        Vec::<String>::new(),
        "quotes in a search are text"
    );
    assert!(
        find(&store, "note").is_empty(),
        "a field name is not a value"
    );
    assert!(find(&store, "no").is_empty(), "nor is it in a short search");
    let late = d.file("late.jsonl", "{\"item_id\":\"zz-late\",\"reviewer\":\"A\",\"label\":\"mild\",\"note\":{\"text\":\"a late arrival\"},\"evidence\":\"edema on T2\"}\n");
    import(&mut store, &late).expect("import");
    assert_eq!(
        find(&store, "late arr"),
        ["zz-late"],
        "items imported after a search are found, nested values too"
    );
    assert_eq!(find(&store, "edema"), ["zz-late"], "a reviewer's evidence");
    assert_eq!(
        find(&store, "T2"),
        ["zz-late"],
        "evidence in a short search"
    );
}

#[test]
fn a_row_changed_outside_dissent_is_an_error_naming_it_never_a_silent_default() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 3);
    store
        .decide(
            &batch,
            "it-0001",
            &NewDecision {
                kind: DecisionKind::KeepSoft,
                label: None,
                reason_code: None,
                erring: vec![],
                text: "split".into(),
            },
            SUPERSEDE,
            "tester",
            AT,
        )
        .expect("decide");
    drop(store);
    // Whoever can write the file can drop the triggers; what they leave must not read back
    // as something else.
    common::tamper(
        &d.path("db.sqlite"),
        "PRAGMA ignore_check_constraints = ON;
         UPDATE items SET counts = '[1,x]' WHERE item_key = 'it-0002';
         UPDATE decisions SET kind = 'overrule', at = 'yesterday';",
    );
    let store = Store::open(&d.path("db.sqlite")).expect("open");
    let batch = store.batch(None).expect("batch");
    let e = store.item(&batch, "it-0001").expect_err("bad decision");
    assert!(
        e.to_string()
            .contains("decision 1: stored kind `overrule` cannot be read"),
        "{e}"
    );
    assert!(matches!(e, StoreError::Corrupt(_)));
    let e = store
        .for_each_packed(&batch, 10, |_| std::ops::ControlFlow::Continue(()))
        .expect_err("bad counts in an export");
    assert!(
        e.to_string().contains("stored kind `overrule`")
            || e.to_string()
                .contains("item `it-0002`: stored counts `[1,x]`"),
        "{e}"
    );
    let e = store
        .for_each_counts(&batch, |_| {})
        .expect_err("bad counts in stats");
    assert!(e.to_string().contains("item `it-0002`"), "{e}");
}

/// `AT` plus `secs` seconds.
fn at_plus(secs: i64) -> String {
    (chrono::DateTime::parse_from_rfc3339(AT).expect("time") + chrono::Duration::seconds(secs))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn keep_soft() -> NewDecision {
    NewDecision {
        kind: DecisionKind::KeepSoft,
        label: None,
        reason_code: None,
        erring: vec![],
        text: "honest split".into(),
    }
}

fn a_claim_keeps_others_from_deciding_until_it_is_released_broken_or_lapses() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 3);
    let claim = store.claim(&batch, "it-0000", "alice", AT).expect("claim");
    assert_eq!(claim.since, AT);
    // Another reviewer can neither claim nor decide it meanwhile.
    let later = at_plus(60);
    let refused = store
        .claim(&batch, "it-0000", "bob", &later)
        .expect_err("claimed by alice");
    assert!(
        matches!(&refused, StoreError::Claimed(c) if c.holder == "alice"),
        "{refused}"
    );
    assert!(
        refused
            .to_string()
            .starts_with("item `it-0000` is being decided by alice")
    );
    let refused = store
        .decide(
            &batch,
            "it-0000",
            &keep_soft(),
            Basis::Saw(None),
            "bob",
            &later,
        )
        .expect_err("claimed by alice");
    assert!(matches!(refused, StoreError::Claimed(_)), "{refused}");
    // Renewing keeps the time it was first taken.
    let renewed = store
        .claim(&batch, "it-0000", "alice", &later)
        .expect("renew");
    assert_eq!(renewed.since, AT);
    assert_eq!(store.claims(&batch, &later).expect("claims").len(), 1);
    // Deciding releases it.
    store
        .decide(
            &batch,
            "it-0000",
            &keep_soft(),
            Basis::Saw(None),
            "alice",
            &later,
        )
        .expect("decide");
    assert!(store.claims(&batch, &later).expect("claims").is_empty());
    // A crashed console's claim lapses on its own.
    store.claim(&batch, "it-0001", "alice", AT).expect("claim");
    let lapsed = at_plus(dissent::domain::team::CLAIM_TTL_SECS + 1);
    assert!(
        store
            .claim_on(&batch, "it-0001", &lapsed)
            .expect("read")
            .is_none()
    );
    store
        .claim(&batch, "it-0001", "bob", &lapsed)
        .expect("a lapsed claim is free");
    // A QA lead breaks a live one, and the log says whose it was; cancel releases one's own.
    assert!(matches!(
        store.break_claim(&batch, "it-0002", "tester", &lapsed),
        Err(StoreError::NoClaim(_))
    ));
    let broken = store
        .break_claim(&batch, "it-0001", "tester", &lapsed)
        .expect("break");
    assert_eq!(broken.holder, "bob");
    assert!(
        !store
            .renew_claim(&batch, "it-0001", "bob", &lapsed)
            .expect("renew"),
        "a broken claim is not taken back by its renewal"
    );
    assert!(
        store
            .claim_on(&batch, "it-0001", &lapsed)
            .expect("read")
            .is_none()
    );
    let events = store
        .events(&dissent::store::EventFilter {
            batch: Some(&batch),
            item: Some("it-0001"),
            ..Default::default()
        })
        .expect("events");
    assert_eq!(
        events.last().map(|e| e.action.as_str()),
        Some("break_claim")
    );
    assert_eq!(
        events.last().map(|e| e.details["holder"].clone()),
        Some("bob".into())
    );
    store
        .claim(&batch, "it-0002", "bob", &lapsed)
        .expect("claim");
    store
        .release(&batch, "it-0002", "alice")
        .expect("not hers: nothing");
    assert_eq!(store.claims(&batch, &lapsed).expect("claims").len(), 1);
    store.release(&batch, "it-0002", "bob").expect("release");
    assert!(store.claims(&batch, &lapsed).expect("claims").is_empty());
}

fn live_claims_keep_a_batch_from_being_finalized() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 2);
    store.claim(&batch, "it-0001", "alice", AT).expect("claim");
    let refused = store
        .set_batch_status(&batch, BatchStatus::Finalized, true, "tester", &at_plus(5))
        .expect_err("claimed");
    assert!(
        refused
            .to_string()
            .starts_with("1 item(s) of batch `b` are being decided (it-0001 by alice)"),
        "{refused}"
    );
    store
        .set_batch_status(
            &batch,
            BatchStatus::Finalized,
            true,
            "tester",
            &at_plus(500),
        )
        .expect("the claim has lapsed");
}

fn a_decision_is_written_only_over_the_decision_in_force_the_decider_saw() {
    let d = Dir::new();
    let (mut store, batch) = store_with(&d, 1);
    // Alice opens the item (nothing in force); bob decides first.
    let bobs = store
        .decide(&batch, "it-0000", &keep_soft(), Basis::Saw(None), "bob", AT)
        .expect("bob");
    let conflict = store
        .decide(
            &batch,
            "it-0000",
            &keep_soft(),
            Basis::Saw(None),
            "alice",
            AT,
        )
        .expect_err("a conflict");
    match &conflict {
        StoreError::Conflict { now: Some(d), .. } => {
            assert_eq!((d.id, d.actor.as_str()), (bobs, "bob"))
        }
        other => panic!("{other}"),
    }
    assert!(
        conflict.to_string().starts_with(
            "item `it-0000` changed while you were deciding: it now has keep_soft by bob at 2026-11-23T10:00:00Z"
        ),
        "{conflict}"
    );
    // Shown the change, she decides over it: written, and recorded as superseding bob's.
    store
        .decide(
            &batch,
            "it-0000",
            &keep_soft(),
            Basis::Saw(Some(bobs)),
            "alice",
            AT,
        )
        .expect("over what she saw");
    let events = store
        .events(&dissent::store::EventFilter {
            batch: Some(&batch),
            ..Default::default()
        })
        .expect("events");
    assert_eq!(
        events.last().expect("event").details["supersedes"]["by"],
        "bob"
    );
    // An undo asked on a decision already undone elsewhere is a conflict too.
    store
        .undo(&batch, "it-0000", SUPERSEDE, "bob", AT)
        .expect("bob undoes hers");
    let conflict = store
        .undo(&batch, "it-0000", Basis::Saw(Some(bobs + 1)), "alice", AT)
        .expect_err("a conflict");
    assert!(
        matches!(conflict, StoreError::Conflict { .. }),
        "{conflict}"
    );
}
