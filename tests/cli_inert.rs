//! Text from data files never reaches the terminal as escape sequences: labels, reason codes,
//! batch and task names, and values echoed in errors, in every plain output; `--json` stays
//! exact. (Item ids and reviewers with control characters are refused at import.)

mod common;

use common::Dir;

const ESC_LABEL: &str = "calm\u{1b}[31m";
const OSC_CODE: &str = "code\u{1b}]0;pwned\u{7}";

/// A batch whose rubric label, reason code, task and batch name carry escape sequences.
fn hostile() -> Dir {
    let d = Dir::new();
    let rubric = d.file(
        "r.yaml",
        "task: \"t\\e]52;c;cHduZWQ=\\a\"\nversion: 1\nlabels: [{id: \"calm\\e[31m\"}, {id: loud}]\nreason_codes: [\"code\\e]0;pwned\\a\", reviewer_error]\n",
    );
    let task = "t\u{1b}]52;c;cHduZWQ=\u{7}";
    let mut rows = String::new();
    for (r, label) in [("A", ESC_LABEL), ("B", ESC_LABEL), ("C", "loud")] {
        rows.push_str(
            &serde_json::json!({"item_id": "item-1", "task": task, "reviewer": r, "label": label})
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

#[test]
fn plain_output_and_errors_carry_no_escape_sequence_and_json_stays_exact() {
    let d = hostile();
    let item = "item-1";
    for args in [
        &["items"][..],
        &["show", item],
        &["stats"],
        &["log"],
        &[
            "adjudicate",
            item,
            "--decision",
            "hard_label",
            "--label",
            ESC_LABEL,
            "--reason-code",
            OSC_CODE,
            "--reason",
            "checked \u{1b}[5m",
        ],
        &["undo", item],
        &[
            "adjudicate",
            item,
            "--decision",
            "hard_label",
            "--label",
            "no\u{1b}[2J",
            "--reason-code",
            OSC_CODE,
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
    let stderr = String::from_utf8_lossy(&d.run(&["show", "nope\u{1b}[2J"]).stderr).into_owned();
    assert!(stderr.contains("no item `nope␛[2J`"), "{stderr}");
    let items: serde_json::Value = serde_json::from_str(&d.ok(&["items", "--json"])).expect("json");
    assert_eq!(
        items[0]["top_label"], ESC_LABEL,
        "--json keeps the label exactly"
    );
}
