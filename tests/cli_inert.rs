//! Text from data files never reaches the terminal as escape sequences: payload values,
//! evidence, batch names and values echoed in errors, in every plain output; `--json` stays
//! exact. (Ids, labels, reason codes and tasks with control characters are refused outright.)

mod common;

use common::{Dir, stderr};

common::both_backends! {
    plain_output_and_errors_carry_no_escape_sequence_and_json_stays_exact,
}

const OSC_52: &str = "copy \u{1b}]52;c;cHduZWQ=\u{7} me";
const CSI: &str = "red \u{1b}[31m text";

/// A batch whose name, payload and evidence carry escape sequences.
fn hostile() -> Dir {
    let d = Dir::new();
    let rubric = d.file(
        "r.yaml",
        "task: t\nversion: 1\nlabels: [{id: calm}, {id: loud}]\n",
    );
    let mut rows = String::new();
    for (r, label) in [("A", "calm"), ("B", "calm"), ("C", "loud")] {
        rows.push_str(
            &serde_json::json!({
                "item_id": "item-1", "reviewer": r, "label": label,
                "note": OSC_52, "evidence": CSI,
            })
            .to_string(),
        );
        rows.push('\n');
    }
    let data = d.file("rows.jsonl", rows);
    d.import(&data, &rubric, "b\u{1b}[H", &[]);
    d
}

fn assert_inert(what: &str, bytes: &[u8]) {
    assert!(
        !bytes.contains(&0x1b),
        "{what}: {}",
        String::from_utf8_lossy(bytes)
    );
    assert!(
        !bytes.contains(&0x07),
        "{what}: {}",
        String::from_utf8_lossy(bytes)
    );
}

fn plain_output_and_errors_carry_no_escape_sequence_and_json_stays_exact() {
    let d = hostile();
    for args in [
        &["items"][..],
        &["show", "item-1"],
        &["stats"],
        &["log"],
        &["verify"],
        &[
            "adjudicate",
            "item-1",
            "--decision",
            "keep_soft",
            "--reason",
            "checked \u{1b}[5m",
        ],
        &["show", "item-1"],
        &["undo", "item-1"],
        &[
            "adjudicate",
            "item-1",
            "--decision",
            "hard_label",
            "--label",
            "no\u{1b}[2J",
            "--reason-code",
            "verifiable_answer",
            "--reason",
            "x",
        ],
        &["show", "nope\u{1b}[2J"],
        &["finalize"],
        &["export", "-o", "-"],
    ] {
        let out = d.run(args);
        assert_inert(&format!("{args:?} stderr"), &out.stderr);
        if args[0] != "export" {
            assert_inert(&format!("{args:?} stdout"), &out.stdout);
        }
    }
    let err = stderr(&d.run(&["show", "nope\u{1b}[2J"]));
    assert!(err.contains("no item `nope␛[2J`"), "{err}");
    let shown = d.ok(&["show", "item-1"]);
    assert!(shown.contains("copy ␛]52;c;cHduZWQ=␇ me"), "{shown}");
    let item: serde_json::Value =
        serde_json::from_str(&d.ok(&["show", "item-1", "--json"])).expect("json");
    assert_eq!(
        item["payload"]["note"], OSC_52,
        "--json keeps the value exactly"
    );
}
