//! The record's hash chains: intact after dissent's own writes, broken at the first row another
//! client changed (triggers dropped first), and linked for a database made before the chain.

mod common;

use common::{Dir, reviewer_error, root, rubric};

common::both_backends! {
    dissent_s_own_writes_keep_the_chains_intact_and_the_export_carries_the_head,
}
// SQLite only: the others change the file around dissent (`tamper`, an old schema).

/// A batch with a judgment panel, a decision, an undo and an export.
fn worked() -> Dir {
    let d = common::pilot();
    d.import(
        &root().join("fixtures/real/cifar10h.slice.jsonl"),
        &rubric("cifar10_class.yaml"),
        "cifar",
        &[],
    );
    d.ok(&[
        reviewer_error("mri-2031", "moderate", &["D"], "wrong view"),
        vec!["--batch", "pilot"],
    ]
    .concat());
    d.ok(&["undo", "mri-2031", "--batch", "pilot"]);
    d.ok(&[
        "adjudicate",
        "mri-2031",
        "--batch",
        "pilot",
        "--decision",
        "keep_soft",
        "--reason",
        "honest split",
    ]);
    d
}

fn verify(d: &Dir, batch: &str) -> (Option<i32>, serde_json::Value, String) {
    let out = d.run(&["verify", "--batch", batch, "--json"]);
    let doc = serde_json::from_slice(&out.stdout).expect("json");
    (
        out.status.code(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dissent_s_own_writes_keep_the_chains_intact_and_the_export_carries_the_head() {
    let d = worked();
    let (code, doc, err) = verify(&d, "pilot");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["intact"], true);
    assert_eq!(doc["items"], 1);
    assert_eq!(doc["decisions"], 3, "hard label, revert, keep soft");
    let head = doc["head"].as_str().expect("head").to_string();
    assert_eq!(head.len(), 64);
    let out = d.ok(&["export", "--batch", "pilot", "-o", "out.jsonl", "--draft"]);
    assert!(out.contains(&format!("head {head}")), "{out}");
    let (_, after, _) = verify(&d, "pilot");
    assert_eq!(
        after["head"],
        head.as_str(),
        "logging the export leaves the head"
    );
    assert!(after["events"].as_u64() > doc["events"].as_u64());
    let (code, other, _) = verify(&d, "cifar");
    assert_eq!(code, Some(0));
    assert_ne!(other["head"], head.as_str(), "each batch its own head");
}

#[test]
fn a_changed_judgment_a_removed_decision_and_a_forged_event_are_named() {
    let d = worked();
    common::tamper(
        &d.path("db.sqlite"),
        "UPDATE judgments SET label = 'severe' WHERE reviewer = 'D';
         DELETE FROM decisions WHERE kind = 'revert';
         UPDATE events SET actor = 'mallory' WHERE action = 'decide' AND id = (SELECT max(id) FROM events WHERE action = 'decide');",
    );
    let (code, doc, err) = verify(&d, "pilot");
    assert_eq!(code, Some(1));
    assert_eq!(doc["intact"], false);
    let rows: Vec<(&str, &str)> = doc["breaks"]
        .as_array()
        .expect("breaks")
        .iter()
        .map(|b| {
            (
                b["chain"].as_str().expect("chain"),
                b["row"].as_str().expect("row"),
            )
        })
        .collect();
    assert_eq!(rows[0], ("items", "item `mri-2031`"));
    assert_eq!(
        rows[1],
        ("decisions", "decision 3"),
        "the one after the removed revert"
    );
    assert_eq!(rows[2].0, "events");
    assert!(
        err.contains("changed outside dissent: first at item `mri-2031`"),
        "{err}"
    );
    let (code, _, _) = verify(&d, "cifar");
    assert_eq!(code, Some(0), "the other batch is intact");
}

#[test]
fn a_value_changed_to_another_type_is_named_not_an_error() {
    let d = worked();
    common::tamper(
        &d.path("db.sqlite"),
        "UPDATE judgments SET label = x'00ff' WHERE reviewer = 'B';
         UPDATE decisions SET text = 42 WHERE id = 2;
         UPDATE events SET details = 7 WHERE id = (SELECT min(id) FROM events WHERE batch_id = 1);",
    );
    let (code, doc, err) = verify(&d, "pilot");
    assert_eq!(code, Some(1), "{err}");
    let rows: Vec<&str> = doc["breaks"]
        .as_array()
        .expect("breaks")
        .iter()
        .map(|b| b["row"].as_str().expect("row"))
        .collect();
    assert_eq!(rows[..2], ["item `mri-2031`", "decision 2"], "{doc}");
    assert!(rows[2].starts_with("event "), "{doc}");
}

#[test]
fn a_rubric_edited_under_its_batch_is_named() {
    let d = worked();
    common::tamper(
        &d.path("db.sqlite"),
        "UPDATE rubrics SET yaml = replace(yaml, 'min_reviewers: 3', 'min_reviewers: 1')
         WHERE task = 'tumor_severity_grade';",
    );
    let (code, doc, _) = verify(&d, "pilot");
    assert_eq!(code, Some(1));
    assert_eq!(doc["breaks"][0]["chain"], "rubric");
    assert_eq!(
        doc["breaks"][0]["row"],
        "the rubric of batch `pilot` (version 1)"
    );
}

#[test]
fn a_database_made_before_the_chain_is_linked_when_opened() {
    let d = worked();
    let (_, before, _) = verify(&d, "pilot");
    // Take the database back to schema 3: no rounds, no link columns, the triggers of then,
    // none of the tables of later schemas.
    let conn = rusqlite::Connection::open(d.path("db.sqlite")).expect("open");
    conn.execute_batch(
        "DROP TABLE staff; DROP TABLE assignments; DROP TABLE claims;
         DROP TABLE predictions; DROP TABLE models;
         DROP TABLE item_rubric_versions;
         DROP TRIGGER items_summary_by_dissent; DROP TRIGGER items_count_summary;
         DROP TRIGGER decisions_latest_round; DROP TRIGGER decisions_set_status;
         DROP TABLE rounds; DROP TABLE batch_rubrics;
         ALTER TABLE items DROP COLUMN round; ALTER TABLE judgments DROP COLUMN round;
         ALTER TABLE decisions DROP COLUMN round;
         CREATE TRIGGER decisions_set_status AFTER INSERT ON decisions
         BEGIN
             UPDATE items SET status = COALESCE(
                 (SELECT d.kind FROM decisions d
                  WHERE d.item_id = NEW.item_id AND d.kind != 'revert'
                    AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.reverts = d.id)
                  ORDER BY d.id DESC LIMIT 1),
                 'pending')
             WHERE id = NEW.item_id;
         END;
         DROP TRIGGER decisions_no_update; DROP TRIGGER events_no_update;
         DROP TRIGGER items_record_fixed;
         ALTER TABLE items DROP COLUMN chain; ALTER TABLE decisions DROP COLUMN chain;
         ALTER TABLE events DROP COLUMN chain; ALTER TABLE events DROP COLUMN account;
         ALTER TABLE rubrics DROP COLUMN legacy_scale; DROP INDEX events_batch;
         CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
         BEGIN SELECT RAISE(ABORT, 'decisions are append-only: undo appends a revert'); END;
         CREATE TRIGGER events_no_update BEFORE UPDATE ON events
         BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
         CREATE TRIGGER items_record_fixed BEFORE UPDATE OF item_key, payload ON items
         BEGIN SELECT RAISE(ABORT, 'an item''s panel record is never changed'); END;
         PRAGMA user_version = 3;",
    )
    .expect("schema 3");
    drop(conn);
    let (code, after, err) = verify(&d, "pilot");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(after["head"], before["head"], "the same links as written");
    assert_eq!(after["events"], before["events"]);
    let (code, _, _) = verify(&d, "cifar");
    assert_eq!(code, Some(0));
}
