//! Rounds of judgments: an item sent for re-review takes a new round by import; earlier rounds
//! stay as written and show as history; the item follows its latest round.

mod common;

use common::{Dir, TUMOR_RUBRIC};

common::both_backends! {
    an_item_sent_back_takes_a_new_round_and_follows_it,
    rows_for_an_item_not_sent_back_stay_an_error_and_change_nothing,
    a_counts_item_takes_a_counts_round_and_the_chain_covers_every_round,
    the_export_says_what_awaits_re_review_and_who_decided_and_a_subset_is_exported,
    finalize_lists_what_is_open_and_refuses_until_decided_or_forced,
    a_rubric_version_keeps_the_old_text_says_what_may_change_and_recomputes_classes,
    the_console_shows_the_round_and_the_earlier_ones,
    an_export_line_s_rounds_come_back_and_a_bad_history_is_refused_by_line,
    a_decision_made_on_a_round_a_new_one_answered_is_a_conflict_that_says_so,
}

/// Round 1 of two items: `split` is a wide split (sent back below), `calm` agrees.
const ROUND_1: &str = "item_id,reviewer,label,confidence,text
split,A,mild,2,the report
split,B,moderate,2,the report
split,C,severe,1,the report
split,D,moderate,2,the report
calm,A,mild,5,another
calm,B,mild,5,another
calm,C,mild,4,another
";

/// Round 2 of `split`: the panel agrees under the clarified rubric.
const ROUND_2: &str = "item_id,reviewer,label,confidence
split,A,moderate,5
split,B,moderate,4
split,E,moderate,5
";

fn setup() -> (Dir, std::path::PathBuf) {
    let dir = Dir::new();
    let rubric = dir.file("r.yaml", TUMOR_RUBRIC);
    let one = dir.file("one.csv", ROUND_1);
    dir.import(&one, &rubric, "b", &[]);
    (dir, rubric)
}

/// Runs an import of `file` under `rubric` into batch `b`, successful or not.
fn try_import(dir: &Dir, file: &std::path::Path, rubric: &std::path::Path) -> std::process::Output {
    dir.run(&[
        "import",
        file.to_str().expect("path"),
        "--rubric",
        rubric.to_str().expect("path"),
        "--batch",
        "b",
    ])
}

/// Sends `item` back for re-review with `reason`.
fn send_back(dir: &Dir, item: &str, reason: &str) {
    dir.ok(&[
        "adjudicate",
        item,
        "--decision",
        "rereview",
        "--reason",
        reason,
    ]);
}

fn sqlite(dir: &Dir, sql: &str) -> std::process::Output {
    std::process::Command::new("sqlite3")
        .arg(dir.path("db.sqlite"))
        .arg(sql)
        .output()
        .expect("sqlite3")
}

fn an_item_sent_back_takes_a_new_round_and_follows_it() {
    let (dir, rubric) = setup();
    let before = dir.show("split");
    assert_eq!(before["disagreement_class"], "major");
    send_back(&dir, "split", "the size bands overlap");
    let two = dir.file("two.csv", ROUND_2);
    let said = dir.import(&two, &rubric, "b", &[]);
    assert!(said.contains("and 1 round of re-review"), "{said}");

    let after = dir.show("split");
    assert_eq!(after["round"], 2);
    assert_eq!(
        after["status"], "pending",
        "the round answers the re-review"
    );
    assert_eq!(after["disagreement_class"], "agreement");
    assert_eq!(after["reviewer_count"], 3);
    assert_eq!(after["judgments"].as_array().map(Vec::len), Some(3));
    let earlier = &after["earlier_rounds"];
    assert_eq!(earlier[0]["round"], 1);
    assert_eq!(earlier[0]["counts"]["moderate"], 2);
    assert_eq!(
        earlier[0]["judgments"], before["judgments"],
        "round 1 is kept as written"
    );
    assert_eq!(after["decisions"][0]["round"], 1);

    // the queue, its counts and the export follow the latest round
    let items: serde_json::Value =
        serde_json::from_str(&dir.ok(&["items", "--json"])).expect("json");
    let row = items
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["item_id"] == "split"))
        .cloned()
        .unwrap_or_else(|| items["items"].clone());
    assert!(row.to_string().contains("agreement"), "{row}");
    let stats: serde_json::Value =
        serde_json::from_str(&dir.ok(&["stats", "--json"])).expect("json");
    assert!(!stats.to_string().contains("\"major\":1"), "{stats}");
    let text = dir.ok(&["show", "split"]);
    assert!(text.contains("round 2 · rubric v1"), "{text}");
    assert!(text.contains("earlier rounds"), "{text}");
    assert!(
        text.contains("A mild · B moderate · C severe · D moderate"),
        "{text}"
    );

    // a decision is made on the latest round
    dir.ok(&[
        "adjudicate",
        "split",
        "--decision",
        "keep_soft",
        "--reason",
        "fine now",
    ]);
    assert_eq!(dir.show("split")["status"], "keep_soft");
    let out = dir.ok(&["verify", "--json"]);
    assert!(out.contains("\"breaks\":[]"), "{out}");
}

fn rows_for_an_item_not_sent_back_stay_an_error_and_change_nothing() {
    let (dir, rubric) = setup();
    let two = dir.file("two.csv", ROUND_2);
    let out = try_import(&dir, &two, &rubric);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("two.csv:2: item_id: item `split` is already in this batch and was not sent back for re-review"),
        "{err}"
    );
    assert_eq!(dir.show("split")["round"], 1);
    // sent back, then undone: not sent back any more
    send_back(&dir, "split", "x");
    dir.ok(&["undo", "split"]);
    assert!(!try_import(&dir, &two, &rubric).status.success());
}

fn a_counts_item_takes_a_counts_round_and_the_chain_covers_every_round() {
    let dir = Dir::new();
    let rubric = dir.file("r.yaml", TUMOR_RUBRIC);
    let one = dir.file(
        "one.jsonl",
        "{\"item_id\":\"c1\",\"counts\":{\"mild\":2,\"moderate\":2,\"severe\":2}}\n",
    );
    dir.import(&one, &rubric, "b", &[]);
    dir.ok(&[
        "adjudicate",
        "c1",
        "--decision",
        "rereview",
        "--reason",
        "split",
    ]);
    let rows = dir.file("rows.csv", "item_id,reviewer,label\nc1,A,mild\n");
    let out = try_import(&dir, &rows, &rubric);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("was imported as counts: its round 2 must be counts too"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let two = dir.file(
        "two.jsonl",
        "{\"item_id\":\"c1\",\"counts\":{\"mild\":0,\"moderate\":5,\"severe\":0}}\n",
    );
    dir.import(&two, &rubric, "b", &[]);
    let v = dir.show("c1");
    assert_eq!(v["round"], 2);
    assert_eq!(v["counts"]["moderate"], 5);
    assert_eq!(v["earlier_rounds"][0]["counts"]["mild"], 2);
    let verified = dir.ok(&["verify", "--json"]);
    assert!(verified.contains("\"breaks\":[]"), "{verified}");

    // The rest changes the SQLite file from another client (tests/pg_schema.rs for PostgreSQL).
    if dir.pg().is_some() || !common::have("sqlite3", "-version") {
        return;
    }
    // from any other client, a round can be neither changed nor applied by hand
    for sql in [
        "UPDATE rounds SET counts = '[6,0,0]'",
        "DELETE FROM rounds",
        "UPDATE items SET class = 'major'",
        "UPDATE items SET round = 3",
    ] {
        let out = sqlite(&dir, sql);
        assert!(
            !out.status.success() || !out.stderr.is_empty(),
            "{sql} went through"
        );
    }
    // a client that drops the triggers is caught by the chain
    let out = sqlite(
        &dir,
        "DROP TRIGGER rounds_no_update; UPDATE rounds SET counts = '[0,4,1]';",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = dir.run(&["verify", "--json"]);
    let verified = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(verified.contains("round 2 of item `c1`"), "{verified}");
}

fn the_export_says_what_awaits_re_review_and_who_decided_and_a_subset_is_exported() {
    let (dir, rubric) = setup();
    send_back(&dir, "split", "bands overlap");
    dir.ok(&[
        "adjudicate",
        "calm",
        "--decision",
        "keep_soft",
        "--reason",
        "fine",
        "--as",
        "ana",
    ]);
    let out = dir.path("out.jsonl");
    dir.ok(&["export", "--draft", "-o", out.to_str().expect("path")]);
    let text = std::fs::read_to_string(&out).expect("export");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let split = lines
        .iter()
        .find(|l| l["item_id"] == "split")
        .expect("split");
    assert_eq!(
        split["adjudication_reason"],
        "awaiting re-review: bands overlap"
    );
    assert_eq!(split["adjudicated_by"], "tester");
    assert_eq!(split["rubric_version"], 1);
    let calm = lines.iter().find(|l| l["item_id"] == "calm").expect("calm");
    assert_eq!(calm["adjudicated_by"], "ana");

    // --status (repeatable) exports a subset
    let only = dir.path("only.jsonl");
    dir.ok(&[
        "export",
        "--draft",
        "--status",
        "rereview",
        "-o",
        only.to_str().expect("path"),
    ]);
    let subset = std::fs::read_to_string(&only).expect("export");
    assert_eq!(subset.lines().count(), 1);
    assert!(subset.contains("\"split\""));
    dir.ok(&[
        "export",
        "--draft",
        "--status",
        "rereview",
        "--status",
        "keep_soft",
        "-o",
        only.to_str().expect("path"),
    ]);
    assert_eq!(
        std::fs::read_to_string(&only)
            .expect("export")
            .lines()
            .count(),
        2
    );

    // re-imported: the state and the credit survive, and the export is the same to the byte
    let again = Dir::new();
    again.import(&out, &rubric, "b", &[]);
    let item = again.show("split");
    assert_eq!(item["status"], "rereview");
    assert_eq!(item["decisions"][0]["actor"], "tester");
    assert_eq!(again.show("calm")["decisions"][0]["actor"], "ana");
    let twice = again.path("twice.jsonl");
    again.ok(&["export", "--draft", "-o", twice.to_str().expect("path")]);
    assert_eq!(std::fs::read_to_string(&twice).expect("export"), text);
}

fn finalize_lists_what_is_open_and_refuses_until_decided_or_forced() {
    let (dir, rubric) = setup();
    send_back(&dir, "split", "bands overlap");
    let out = dir.run(&["finalize"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 awaiting re-review (split)"), "{err}");
    // the new round answers the re-review; the item is pending again, with a flag or not
    let two = dir.file("two.csv", ROUND_2);
    dir.import(&two, &rubric, "b", &[]);
    let flagged = dir.show("split")["flags"].as_array().map_or(0, Vec::len);
    if flagged > 0 {
        let out = dir.run(&["finalize"]);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("1 pending with a flag (split)"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir.ok(&[
        "adjudicate",
        "split",
        "--decision",
        "keep_soft",
        "--reason",
        "fine",
    ]);
    dir.ok(&["finalize"]);
    dir.ok(&["reopen"]);
    send_back(&dir, "split", "again");
    let out = dir.run(&["finalize", "--force"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("finalized with items still open: 1 awaiting re-review (split)")
    );
    let log: serde_json::Value = serde_json::from_str(&dir.ok(&["log", "--json"])).expect("json");
    let last = log
        .as_array()
        .and_then(|events| events.iter().rev().find(|e| e["action"] == "finalize"))
        .expect("finalize event");
    assert_eq!(last["details"]["forced"], true);
    assert_eq!(
        last["details"]["open"]["awaiting_rereview"]["first"][0],
        "split"
    );
}

/// The batch's rubric, version 2: clearer anchors, a stricter agreement threshold, a new
/// reason code.
const RUBRIC_V2: &str = "task: tumor_severity_grade\nversion: 2\nlabels:\n  - id: mild\n    anchors: [\"< 15 mm on the standard view\"]\n  - id: moderate\n  - id: severe\nconfidence: {scale: [1, 5]}\ndisagreement: {agreement_min_share: 0.95, minor_min_share: 0.6, min_reviewers: 3}\nreason_codes: [verifiable_answer, reviewer_error, downstream_single_decision, requested_hard_labels, clarified_rubric]\n";

fn a_rubric_version_keeps_the_old_text_says_what_may_change_and_recomputes_classes() {
    let (dir, rubric) = setup();
    // calm: 3 of 3 mild agree under either threshold; make a 9-of-10 item to see a class move
    let mut rows = String::from("item_id,reviewer,label\n");
    for r in 0..10 {
        let label = if r == 0 { "severe" } else { "mild" };
        rows.push_str(&format!("nine,R{r},{label}\n"));
    }
    dir.import(&dir.file("nine.csv", rows), &rubric, "b", &[]);
    assert_eq!(dir.show("nine")["disagreement_class"], "agreement");

    for (bad, says) in [
        (
            TUMOR_RUBRIC
                .replace("version: 1", "version: 2")
                .replace("  - id: severe\n", ""),
            "labels: mild, moderate ≠ mild, moderate, severe",
        ),
        (
            TUMOR_RUBRIC.to_string(),
            "version: 1 is not higher than the batch's version 1",
        ),
        (
            TUMOR_RUBRIC
                .replace("tumor_severity_grade", "other")
                .replace("version: 1", "version: 2"),
            "task: `other` is not the batch's task",
        ),
        (
            RUBRIC_V2.replace("scale: [1, 5]", "scale: probability"),
            "confidence: the scale differs",
        ),
    ] {
        let file = dir.file("bad.yaml", bad);
        let out = dir.run(&["rubric", "update", file.to_str().expect("path")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(says), "{says}: {err}");
    }

    let v2 = dir.file("v2.yaml", RUBRIC_V2);
    let said = dir.ok(&["rubric", "update", v2.to_str().expect("path")]);
    assert!(said.contains("v2 replaces v1 (kept)"), "{said}");
    assert!(said.contains("recomputed for 3 items, 1 changed"), "{said}");
    let shown = dir.ok(&["rubric", "show"]);
    assert!(shown.starts_with("v1  "), "{shown}");
    assert!(shown.contains("(imported under)\nv2  "), "{shown}");
    assert!(
        shown.contains("by tester\n--- v2 (in force)\ntask: tumor_severity_grade\nversion: 2\n"),
        "{shown}"
    );
    let versions: serde_json::Value =
        serde_json::from_str(&dir.ok(&["rubric", "show", "--json"])).expect("json");
    assert_eq!(
        versions["versions"][0]["yaml"], TUMOR_RUBRIC,
        "v1 kept verbatim"
    );
    let nine = dir.show("nine");
    assert_eq!(nine["disagreement_class"], "minor", "0.9 < 0.95 now");
    assert_eq!(nine["rubric_version"], 1, "judged under v1");
    let stats: serde_json::Value =
        serde_json::from_str(&dir.ok(&["stats", "--json"])).expect("json");
    let items: serde_json::Value =
        serde_json::from_str(&dir.ok(&["items", "--class", "minor", "--json"])).expect("json");
    assert!(
        items.to_string().contains("nine"),
        "the queue follows: {items} {stats}"
    );

    // imports now go under v2; v1 is refused for this batch
    let out = dir.run(&[
        "import",
        dir.file("x.csv", "item_id,reviewer,label\nx,A,mild\n")
            .to_str()
            .expect("path"),
        "--rubric",
        rubric.to_str().expect("path"),
        "--batch",
        "b",
    ]);
    assert!(!out.status.success());
    // a round after the update is judged under v2, and a v2 reason code can be used
    send_back(&dir, "split", "bands overlap");
    dir.import(&dir.file("two.csv", ROUND_2), &v2, "b", &[]);
    let split = dir.show("split");
    assert_eq!(split["rubric_version"], 2);
    assert_eq!(split["earlier_rounds"][0]["rubric_version"], 1);
    let verified = dir.ok(&["verify", "--json"]);
    assert!(verified.contains("\"intact\":true"), "{verified}");
    // a reason code a decision uses cannot be dropped by a later version
    dir.ok(&[
        "adjudicate",
        "split",
        "--decision",
        "hard_label",
        "--label",
        "moderate",
        "--reason-code",
        "clarified_rubric",
        "--reason",
        "the v2 bands",
    ]);
    let v3 = dir.file(
        "v3.yaml",
        RUBRIC_V2
            .replace("version: 2", "version: 3")
            .replace(", clarified_rubric", ""),
    );
    let out = dir.run(&["rubric", "update", v3.to_str().expect("path")]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`clarified_rubric` is used by a decision")
    );
}

fn the_console_shows_the_round_and_the_earlier_ones() {
    let (dir, rubric) = setup();
    send_back(&dir, "split", "bands overlap");
    dir.import(&dir.file("two.csv", ROUND_2), &rubric, "b", &[]);
    let store = common::open_store(&dir);
    let batch = store.batch(None).expect("batch");
    let (w, h) = (120, 60);
    let keymap = dissent::tui::keymap::Keymap::default();
    let (mut exec, mut app) = common::console_on(store, batch, false, keymap, (w, h));
    common::select(&mut exec, &mut app, "split");
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| dissent::tui::render::draw(f, &app))
        .expect("draw");
    let screen = term.backend().to_string();
    assert!(screen.contains("round 2 · rubric v1"), "{screen}");
    assert!(screen.contains("Earlier rounds"), "{screen}");
    assert!(
        screen.contains("A mild · B moderate · C severe · D moderate"),
        "{screen}"
    );
}

fn an_export_line_s_rounds_come_back_and_a_bad_history_is_refused_by_line() {
    let (dir, rubric) = setup();
    send_back(&dir, "split", "bands overlap");
    dir.import(&dir.file("two.csv", ROUND_2), &rubric, "b", &[]);
    send_back(&dir, "split", "once more");
    dir.import(
        &dir.file(
            "three.csv",
            "item_id,reviewer,label\nsplit,F,moderate\nsplit,G,moderate\nsplit,H,moderate\n",
        ),
        &rubric,
        "b",
        &[],
    );
    let out = dir.path("out.jsonl");
    dir.ok(&["export", "--draft", "-o", out.to_str().expect("path")]);
    let text = std::fs::read_to_string(&out).expect("export");
    let split: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|l| l["item_id"] == "split")
        .expect("split");
    assert_eq!(split["rounds"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        split["rounds"][1]["adjudication_reason"],
        "sent back for re-review: once more"
    );

    let again = Dir::new();
    again.import(&out, &rubric, "b", &[]);
    assert_eq!(again.show("split")["round"], 3);
    let twice = again.path("twice.jsonl");
    again.ok(&["export", "--draft", "-o", twice.to_str().expect("path")]);
    assert_eq!(std::fs::read_to_string(&twice).expect("export"), text);

    // a history that skips a round, or a round not sent back, is refused with its line
    let line = text
        .lines()
        .find(|l| l.contains("\"split\""))
        .expect("line");
    for (bad, says) in [
        (
            line.replace("\"round\":2", "\"round\":5"),
            "rounds[1].round: expected 2",
        ),
        (
            line.replace("sent back for re-review: once more", "fine"),
            "rounds[1].adjudication_reason: an earlier round was sent back",
        ),
    ] {
        let file = Dir::new();
        let path = file.file("bad.jsonl", format!("{bad}\n"));
        let out = try_import(&file, &path, &rubric);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("bad.jsonl:1: {says}")),
            "{says}: {err}"
        );
    }
    // a line with history for an item the batch holds is refused
    let out = try_import(&again, &out, &rubric);
    assert!(!out.status.success());
}

fn a_decision_made_on_a_round_a_new_one_answered_is_a_conflict_that_says_so() {
    use dissent::domain::decision::{DecisionKind, NewDecision};
    use dissent::store::{Basis, StoreError};
    let (dir, rubric) = setup();
    send_back(&dir, "split", "anchors overlap");
    // A console showed the re-review (decision 1) …
    let mut store = common::open_existing(&dir);
    let batch = store.batch(None).expect("batch");
    let seen = store.item(&batch, "split").expect("item").decisions[0].id;
    // … when round 2 came in.
    let two = dir.file("two.csv", ROUND_2);
    assert!(try_import(&dir, &two, &rubric).status.success());
    let keep = NewDecision {
        kind: DecisionKind::KeepSoft,
        label: None,
        reason_code: None,
        erring: vec![],
        text: "still split".into(),
    };
    let conflict = store
        .decide(
            &batch,
            "split",
            &keep,
            Basis::Saw(Some(seen)),
            "tester",
            "2026-12-01T10:00:00Z",
        )
        .expect_err("a conflict");
    assert!(
        matches!(
            conflict,
            StoreError::Conflict {
                new_round: Some(2),
                ..
            }
        ),
        "{conflict}"
    );
    assert!(
        conflict
            .to_string()
            .ends_with("round 2 of its judgments came in; it is pending on that round"),
        "{conflict}"
    );
}
