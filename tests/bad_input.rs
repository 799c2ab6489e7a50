//! Every malformed input of the core issue is refused with `FILE:LINE: field: what is wrong`,
//! and the database is left unchanged.

mod common;

use common::{Dir, TUMOR_RUBRIC, root};
use dissent::domain::rubric::Rubric;
use dissent::ingest::{FieldMap, Format, parse_to_vec};

common::both_backends! {
    refused_import_changes_nothing_and_exits_1,
    an_unknown_extension_is_refused_once_up_front_unless_format_is_given,
    an_invisible_character_in_an_id_is_refused_once_per_value_with_its_line_count,
}
// The parser's tests (`issues_for`, `parse_to_vec`) read no database: they run once.

fn issues_for(name: &str, content: &[u8], format: Format, maps: &[&str]) -> Vec<String> {
    let d = Dir::new();
    let path = d.file(name, content);
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let maps: Vec<String> = maps.iter().map(|s| (*s).to_string()).collect();
    let map = FieldMap::parse(&maps).expect("map");
    let err = parse_to_vec(&[path.as_path()], &rubric, format, &map).expect_err("must be refused");
    err.list()
        .iter()
        .map(|i| {
            assert!(i.file.ends_with(name), "file named: {i}");
            // Strip the temp folder so assertions read `NAME:LINE: field: message`.
            format!("{name}:{}: {}: {}", i.line, i.field, i.message)
        })
        .collect()
}

fn assert_issue(issues: &[String], expected_prefix: &str, contains: &str) {
    assert!(
        issues
            .iter()
            .any(|i| i.starts_with(expected_prefix) && i.contains(contains)),
        "no issue starting {expected_prefix:?} containing {contains:?} in {issues:#?}"
    );
}

const ROW: &str = r#"{"item_id":"x","reviewer":"A","label":"mild"}"#;

#[test]
fn malformed_json_names_the_line() {
    let text = format!("{ROW}\n{{\"item_id\": \"y\", \"reviewer\": }}\n");
    assert_issue(
        &issues_for("a.jsonl", text.as_bytes(), Format::Auto, &[]),
        "a.jsonl:2: line:",
        "malformed JSON",
    );
}

#[test]
fn wrong_types_name_the_field() {
    let text = r#"{"item_id":["x"],"reviewer":"A","label":"mild"}
{"item_id":"y","reviewer":"A","label":"mild","confidence":"high"}
{"item_id":"z","reviewer":{"n":1},"label":"mild"}
"#;
    let issues = issues_for("t.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(
        &issues,
        "t.jsonl:1: item_id:",
        "expected a string, got an array",
    );
    assert_issue(
        &issues,
        "t.jsonl:2: confidence:",
        "expected a number, got a string",
    );
    assert_issue(
        &issues,
        "t.jsonl:3: reviewer:",
        "expected a string, got an object",
    );
}

#[test]
fn empty_file_is_refused() {
    assert_issue(
        &issues_for("e.jsonl", b"", Format::Auto, &[]),
        "e.jsonl:1: file:",
        "empty",
    );
    assert_issue(
        &issues_for("e.csv", b"\n\n", Format::Auto, &[]),
        "e.csv:1: file:",
        "empty",
    );
}

#[test]
fn missing_required_fields_are_named() {
    let text = r#"{"reviewer":"A","label":"mild"}
{"item_id":"x","label":"mild","evidence":"e"}
{"item_id":"x","reviewer":"B"}
"#;
    let issues = issues_for("m.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(&issues, "m.jsonl:1: item_id:", "missing");
    assert_issue(&issues, "m.jsonl:2: reviewer:", "missing");
    assert_issue(&issues, "m.jsonl:3: label:", "missing");
}

#[test]
fn label_outside_the_rubric_is_refused() {
    let text = format!(
        "{ROW}\n{}\n",
        r#"{"item_id":"x","reviewer":"B","label":"catastrophic"}"#
    );
    assert_issue(
        &issues_for("l.jsonl", text.as_bytes(), Format::Auto, &[]),
        "l.jsonl:2: label:",
        "`catastrophic` is not a label of rubric `tumor_severity_grade` (mild, moderate, severe)",
    );
}

#[test]
fn same_reviewer_twice_on_one_item_is_refused() {
    let text = format!(
        "{ROW}\n{}\n",
        r#"{"item_id":"x","reviewer":"A","label":"severe"}"#
    );
    let issues = issues_for("d.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(
        &issues,
        "d.jsonl:2: reviewer:",
        "reviewer `A` already judged item `x` (at ",
    );
    assert_issue(&issues, "d.jsonl:2: reviewer:", "d.jsonl:1)");
}

#[test]
fn same_reviewer_twice_across_files_names_the_other_file() {
    let d = Dir::new();
    let first = d.file("first.jsonl", format!("{ROW}\n"));
    let second = d.file(
        "second.jsonl",
        r#"{"item_id":"x","reviewer":"A","label":"severe"}"#.to_string() + "\n",
    );
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let err = parse_to_vec(
        &[first.as_path(), second.as_path()],
        &rubric,
        Format::Auto,
        &FieldMap::default(),
    )
    .expect_err("must be refused");
    let issue = err.list().first().expect("an issue").to_string();
    assert!(
        issue.contains("second.jsonl:1: reviewer: reviewer `A` already judged item `x` (at ")
            && issue.ends_with("first.jsonl:1)"),
        "{issue}"
    );
}

#[test]
fn confidence_off_the_scale_or_nan_is_refused() {
    let text = r#"{"item_id":"x","reviewer":"A","label":"mild","confidence":7}
{"item_id":"x","reviewer":"B","label":"mild","confidence":0.5}
"#;
    let issues = issues_for("c.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(
        &issues,
        "c.jsonl:1: confidence:",
        "outside the rubric scale [1, 5]",
    );
    assert_issue(
        &issues,
        "c.jsonl:2: confidence:",
        "outside the rubric scale",
    );
    let csv = "item_id,reviewer,label,confidence\nx,A,mild,NaN\n";
    assert_issue(
        &issues_for("c.csv", csv.as_bytes(), Format::Auto, &[]),
        "c.csv:2: confidence:",
        "not a finite number",
    );
}

#[test]
fn negative_counts_are_refused() {
    let text = r#"{"item_id":"x","counts":{"mild":2,"moderate":-1}}"#;
    assert_issue(
        &issues_for("n.jsonl", text.as_bytes(), Format::Auto, &[]),
        "n.jsonl:1: counts.moderate:",
        "negative count -1",
    );
}

#[test]
fn counts_with_no_judgment_are_refused() {
    let text = r#"{"item_id":"x","counts":{"mild":0}}"#;
    assert_issue(
        &issues_for("z.jsonl", text.as_bytes(), Format::Auto, &[]),
        "z.jsonl:1: counts:",
        "every count is 0",
    );
}

#[test]
fn payload_that_disagrees_across_an_items_rows_is_refused() {
    let text = r#"{"item_id":"x","reviewer":"A","label":"mild","scan":"study 1"}
{"item_id":"x","reviewer":"B","label":"mild","scan":"study 2"}
"#;
    assert_issue(
        &issues_for("p.jsonl", text.as_bytes(), Format::Auto, &[]),
        "p.jsonl:2: scan:",
        "payload of item `x` differs from its row at",
    );
}

#[test]
fn a_field_constant_per_reviewer_is_a_reviewer_field_not_a_conflict() {
    // POPQUORN shape: demographics differ within an item but are fixed per annotator.
    let d = Dir::new();
    let csv = "id,user,score,text,age\n1,u1,mild,hello,30-34\n1,u2,mild,hello,50-54\n2,u1,severe,bye,30-34\n2,u2,mild,bye,50-54\n";
    let path = d.file("pop.csv", csv);
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let map = FieldMap::parse(&[
        "item_id=id".into(),
        "reviewer=user".into(),
        "label=score".into(),
    ])
    .expect("map");
    let items = parse_to_vec(&[path.as_path()], &rubric, Format::Auto, &map).expect("imports");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].record.payload.keys().collect::<Vec<_>>(), ["text"]);
    let dissent::domain::model::Panel::Judgments(js) = &items[0].record.panel else {
        panic!("judgments")
    };
    assert_eq!(
        js[1].attributes.get("age").and_then(|v| v.as_str()),
        Some("50-54")
    );
}

#[test]
fn soft_line_whose_distribution_does_not_sum_to_one_is_refused() {
    let text = r#"{"item_id":"x","task":"tumor_severity_grade","distribution":{"mild":0.5,"moderate":0.6,"severe":0.0},"reviewer_count":2,"entropy_bits":1.0,"confidence":{},"disagreement_class":"unresolved","rationales":[],"adjudicated_label":null,"adjudication_reason":"honest disagreement; not collapsed by default"}"#;
    assert_issue(
        &issues_for("s.jsonl", text.as_bytes(), Format::Auto, &[]),
        "s.jsonl:1: distribution:",
        "sums to 1.1",
    );
}

#[test]
fn soft_line_whose_entropy_disagrees_is_refused() {
    let text = r#"{"item_id":"x","task":"tumor_severity_grade","distribution":{"mild":0.5,"moderate":0.5,"severe":0.0},"reviewer_count":2,"entropy_bits":0.3,"confidence":{},"disagreement_class":"unresolved","rationales":[],"adjudicated_label":null,"adjudication_reason":"honest disagreement; not collapsed by default"}"#;
    assert_issue(
        &issues_for("h.jsonl", text.as_bytes(), Format::Auto, &[]),
        "h.jsonl:1: entropy_bits:",
        "0.3 disagrees with the distribution (1.0000 bits)",
    );
}

#[test]
fn unknown_task_is_refused() {
    let text = r#"{"item_id":"x","task":"sentiment","reviewer":"A","label":"mild"}"#;
    assert_issue(
        &issues_for("u.jsonl", text.as_bytes(), Format::Auto, &[]),
        "u.jsonl:1: task:",
        "unknown task `sentiment`: the rubric is for `tumor_severity_grade`",
    );
}

#[test]
fn a_line_of_none_of_the_shapes_is_refused() {
    let text = format!("{ROW}\n{}\n", r#"{"item_id":"x","rating":3}"#);
    assert_issue(
        &issues_for("s.jsonl", text.as_bytes(), Format::Auto, &[]),
        "s.jsonl:2: line:",
        "matches none of the input shapes",
    );
}

#[test]
fn ragged_csv_row_is_refused() {
    let csv = "item_id,reviewer,label\nx,A,mild\nx,B\n";
    assert_issue(
        &issues_for("r.csv", csv.as_bytes(), Format::Auto, &[]),
        "r.csv:3: row:",
        "ragged row: 2 fields where the header has 3",
    );
}

#[test]
fn truncated_last_line_is_refused() {
    let text = format!("{ROW}\n{{\"item_id\":\"y\",\"reviewer\":\"A\",\"lab");
    assert_issue(
        &issues_for("t.jsonl", text.as_bytes(), Format::Auto, &[]),
        "t.jsonl:2: line:",
        "truncated",
    );
}

#[test]
fn non_utf8_byte_is_refused() {
    let mut bytes = format!("{ROW}\n").into_bytes();
    bytes.extend_from_slice(b"{\"item_id\":\"y\",\"reviewer\":\"A\xff\",\"label\":\"mild\"}\n");
    assert_issue(
        &issues_for("b.jsonl", &bytes, Format::Auto, &[]),
        "b.jsonl:2: encoding:",
        "byte 0xff at column 29 is not UTF-8",
    );
}

#[test]
fn bom_and_crlf_are_accepted() {
    let d = Dir::new();
    let path = d.file(
        "bom.csv",
        "\u{feff}item_id,reviewer,label\r\nx,A,mild\r\nx,B,severe\r\n",
    );
    let jsonl = d.file("bom.jsonl", format!("\u{feff}{ROW}\r\n"));
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    for p in [path.as_path(), jsonl.as_path()] {
        let items =
            parse_to_vec(&[p], &rubric, Format::Auto, &FieldMap::default()).expect("accepted");
        assert_eq!(items[0].record.item_id, "x");
        assert!(
            items[0].record.payload.is_empty(),
            "{:?}",
            items[0].record.payload
        );
    }
}

#[test]
fn every_error_is_listed_up_to_the_cap() {
    let text: String = (1..=80)
        .map(|i| format!("{{\"item_id\":\"i{i}\",\"reviewer\":\"A\",\"label\":\"nope\"}}\n"))
        .collect();
    let d = Dir::new();
    let path = d.file("many.jsonl", text);
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let err = parse_to_vec(
        &[path.as_path()],
        &rubric,
        Format::Auto,
        &FieldMap::default(),
    )
    .expect_err("refused");
    assert_eq!(err.list().len(), dissent::ingest::MAX_ISSUES);
    assert_eq!(err.list()[0].line, 1);
    assert!(err.to_string().contains("stopped at 50 problems"), "{err}");
}

#[test]
fn bad_rubrics_are_refused_with_the_key() {
    for (yaml, key) in [
        (
            "task: t\nversion: 1\nlabels: [{id: a}, {id: b}]\nshade: 3\n",
            "shade",
        ),
        (
            "task: t\nversion: 1\nlabels: [{id: a}, {id: a}]\n",
            "labels",
        ),
        (
            "task: t\nversion: 1\nlabels: [{id: a}, {id: b}]\nflags: {low_confidence: 2}\n",
            "low_confidence",
        ),
        ("{{{ not yaml", "yaml"),
    ] {
        let e = Rubric::parse(yaml).expect_err(yaml);
        assert_eq!(e.0[0].key, key, "{yaml}: {e}");
    }
}

/// A refused import leaves the database exactly as it was, and the CLI says which line.
fn refused_import_changes_nothing_and_exits_1() {
    let d = Dir::new();
    let rubric = d.file("r.yaml", TUMOR_RUBRIC);
    let good = d.file("good.jsonl", format!("{ROW}\n"));
    d.import(&good, &rubric, "b", &[]);
    let snapshot = || {
        (
            d.ok(&["items", "--json"]),
            d.ok(&["log", "--json"]),
            d.ok(&["stats", "--json"]),
        )
    };
    let before = snapshot();
    let bad = d.file(
        "bad.jsonl",
        format!(
            "{}\n{}\n",
            r#"{"item_id":"y","reviewer":"A","label":"mild"}"#,
            r#"{"item_id":"y","reviewer":"B","label":"huge"}"#
        ),
    );
    let out = d.run(&[
        "import",
        bad.to_str().expect("path"),
        "--rubric",
        rubric.to_str().expect("path"),
        "--batch",
        "b",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.jsonl:2: label: `huge` is not a label"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing imported"), "{stderr}");
    let items: serde_json::Value = serde_json::from_str(&d.ok(&["items", "--json"])).expect("json");
    assert_eq!(items.as_array().map(Vec::len), Some(1));
    assert_eq!(before, snapshot());
}

#[test]
fn soft_line_whose_decision_names_no_one_who_erred_on_the_panel_is_refused() {
    let seed = std::fs::read_to_string(root().join("fixtures/mri-2031/soft.jsonl")).expect("seed");
    let decided = |reason: &str| {
        seed.replace(
            r#""adjudicated_label":null,"adjudication_reason":"honest disagreement; not collapsed by default""#,
            &format!(r#""adjudicated_label":"moderate","adjudication_reason":"{reason}""#),
        )
    };
    assert_issue(
        &issues_for(
            "z.jsonl",
            decided("reviewer_error (Z): misread").as_bytes(),
            Format::Auto,
            &[],
        ),
        "z.jsonl:1: adjudication_reason:",
        "reviewers of the panel",
    );
    assert_issue(
        &issues_for(
            "n.jsonl",
            decided("reviewer_error: misread").as_bytes(),
            Format::Auto,
            &[],
        ),
        "n.jsonl:1: adjudication_reason:",
        "reviewer_error needs the reviewer(s) who erred",
    );
    assert_issue(
        &issues_for(
            "a.jsonl",
            decided("reviewer_error (D, A): misread").as_bytes(),
            Format::Auto,
            &[],
        ),
        "a.jsonl:1: adjudication_reason:",
        "reviewer `A` chose `moderate`, the label given",
    );
    let d = Dir::new();
    let fine = d.file("ok.jsonl", decided("reviewer_error (D, C): misread"));
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let items = parse_to_vec(
        &[fine.as_path()],
        &rubric,
        Format::Auto,
        &FieldMap::default(),
    )
    .expect("D and C are on the panel and chose another label");
    let decision = items[0].decision.as_ref().expect("a decision");
    assert_eq!(decision.decision.erring, ["D", "C"]);
}

#[test]
fn a_file_that_cannot_be_read_is_named_without_a_line() {
    let d = Dir::new();
    let missing = d.path("missing.csv");
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let err = parse_to_vec(
        &[missing.as_path()],
        &rubric,
        Format::Auto,
        &FieldMap::default(),
    )
    .expect_err("must be refused");
    let issue = err.list().first().expect("an issue").to_string();
    assert_eq!(
        issue.strip_prefix(missing.to_str().expect("path")),
        Some(": file: cannot read: No such file or directory (os error 2)"),
        "{issue}"
    );
}

#[test]
fn a_quote_never_closed_is_refused_on_the_line_it_opened() {
    let csv = "item_id,reviewer,label,evidence\nx,A,mild,ok\nx,B,mild,\"lesion 18mm\nx,C,severe,edema\ny,A,mild,fine\n";
    let issues = issues_for("q.csv", csv.as_bytes(), Format::Auto, &[]);
    assert_eq!(
        issues,
        [
            "q.csv:3: row: a quote opened on this line is never closed: the rest of the file would be one field"
        ]
    );
    // A quoted field across lines, closed, is fine.
    let d = Dir::new();
    let fine = d.file(
        "fine.csv",
        "item_id,reviewer,label,evidence\nx,A,mild,\"two\nlines\"\n",
    );
    let rubric = Rubric::parse(TUMOR_RUBRIC).expect("rubric");
    let items = parse_to_vec(
        &[fine.as_path()],
        &rubric,
        Format::Auto,
        &FieldMap::default(),
    )
    .expect("closed quote");
    assert_eq!(items.len(), 1);
}

#[test]
fn a_csv_column_named_twice_is_refused() {
    assert_issue(
        &issues_for(
            "h.csv",
            b"item_id,reviewer,label,label\nx,A,mild,severe\n",
            Format::Auto,
            &[],
        ),
        "h.csv:1: header:",
        "column `label` appears twice (columns 3 and 4)",
    );
}

#[test]
fn input_with_no_items_is_refused() {
    assert_issue(
        &issues_for("h.csv", b"item_id,reviewer,label\n", Format::Auto, &[]),
        "h.csv:1: file:",
        "no items: the file holds only a header",
    );
    assert_issue(
        &issues_for("n.jsonl", b"\n \n", Format::Auto, &[]),
        "n.jsonl:1: file:",
        "no items: the file is empty",
    );
}

#[test]
fn counts_past_what_a_database_stores_are_refused() {
    let text = r#"{"item_id":"x","counts":{"mild":18446744073709551615,"moderate":1}}
{"item_id":"y","counts":{"mild":9223372036854775807,"moderate":9223372036854775807}}
{"item_id":"z","task":"tumor_severity_grade","distribution":{"mild":1.0},"reviewer_count":18446744073709551615,"entropy_bits":0.0,"disagreement_class":"agreement"}
"#;
    let issues = issues_for("o.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(
        &issues,
        "o.jsonl:1: counts:",
        "add up to more than 9223372036854775807 judgments",
    );
    assert_issue(&issues, "o.jsonl:2: counts:", "add up to more than");
    let soft = issues_for(
        "s.jsonl",
        text.lines().nth(2).expect("line").as_bytes(),
        Format::Auto,
        &[],
    );
    assert_issue(
        &soft,
        "s.jsonl:1: reviewer_count:",
        "expected a whole number from 1 to 9223372036854775807",
    );
}

#[test]
fn a_key_given_twice_is_refused_by_name() {
    let text = r#"{"item_id":"x","reviewer":"A","label":"mild","label":"severe"}
{"item_id":"y","counts":{"mild":1,"mild":5}}
"#;
    let issues = issues_for("k.jsonl", text.as_bytes(), Format::Judgments, &[]);
    assert_issue(&issues, "k.jsonl:1: label:", "given twice in one object");
    assert_issue(
        &issues,
        "k.jsonl:2: counts.mild:",
        "given twice in one object",
    );
}

#[test]
fn a_counts_line_with_a_reviewer_or_label_is_refused() {
    let text = r#"{"item_id":"x","counts":{"mild":2},"reviewer":"A","label":"mild"}"#;
    let issues = issues_for("c.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(&issues, "c.jsonl:1: reviewer:", "no per-reviewer record");
    assert_issue(&issues, "c.jsonl:1: label:", "no per-reviewer record");
}

#[test]
fn ids_that_only_look_alike_are_refused() {
    let text = "{\"item_id\":\"x \",\"reviewer\":\"A\",\"label\":\"mild\"}
{\"item_id\":\"x\",\"reviewer\":\"A\u{200b}\",\"label\":\"mild\"}
{\"item_id\":\"Zoe\u{308}\",\"reviewer\":\"A\",\"label\":\"mild\"}
{\"item_id\":\"x\",\"reviewer\":\"\u{feff}B\",\"label\":\"mild\"}
";
    let issues = issues_for("i.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_issue(
        &issues,
        "i.jsonl:1: item_id:",
        "`x ` has whitespace around it",
    );
    assert_issue(
        &issues,
        "i.jsonl:2: reviewer:",
        "invisible character U+200B",
    );
    assert_issue(
        &issues,
        "i.jsonl:3: item_id:",
        "not in Unicode normalization form C (write it as `Zoë`)",
    );
    assert_issue(
        &issues,
        "i.jsonl:4: reviewer:",
        "invisible character U+FEFF",
    );
    let csv = "item_id,reviewer,label\n x,A,mild\n";
    assert_issue(
        &issues_for("i.csv", csv.as_bytes(), Format::Auto, &[]),
        "i.csv:2: item_id:",
        "whitespace around it",
    );
}

/// `dissent import NAME` of `content` under the tumor rubric (`r.yaml`) into batch `b`, run in a
/// new folder and refused: the folder and stderr.
fn refused_by_import(name: &str, content: &str) -> (Dir, String) {
    let d = Dir::new();
    let rubric = d.file("r.yaml", TUMOR_RUBRIC);
    d.file(name, content);
    let rubric = rubric.to_str().expect("path");
    let out = d.run(&["import", name, "--rubric", rubric, "--batch", "b"]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    (d, err)
}

fn an_unknown_extension_is_refused_once_up_front_unless_format_is_given() {
    let (d, err) = refused_by_import(
        "t.tsv",
        "item_id\treviewer\tlabel\nx\tA\tmild\nx\tB\tsevere\n",
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("t.tsv"))
            .collect::<Vec<_>>(),
        [
            "t.tsv: file: .tsv is not a format dissent reads; use .csv or .jsonl (or --format to read it by its content)"
        ],
        "{err}"
    );
    assert!(!err.contains("malformed JSON"), "{err}");
    let rows = d.file("rows.txt", format!("{ROW}\n"));
    let said = d.import(&rows, &d.path("r.yaml"), "b", &["--format", "judgments"]);
    assert!(said.contains("imported 1 item"), "{said}");
}

fn an_invisible_character_in_an_id_is_refused_once_per_value_with_its_line_count() {
    let mut text = String::new();
    for reviewer in ["A", "B", "C", "D", "E", "F"] {
        text += &format!(
            "{{\"item_id\":\"\u{1f469}\u{200d}\u{1f4bb}\",\"reviewer\":\"{reviewer}\",\"label\":\"mild\"}}\n"
        );
    }
    text += "{\"item_id\":\"a\u{200c}b\",\"reviewer\":\"A\",\"label\":\"mild\"}\n";
    text += "{\"item_id\":\"a\u{200c}b\",\"reviewer\":\"B\",\"label\":\"mild\"}\n";
    text += &format!("{ROW}\n");
    let issues = issues_for("zwj.jsonl", text.as_bytes(), Format::Auto, &[]);
    assert_eq!(issues.len(), 2, "{issues:#?}");
    assert!(
        issues[0].starts_with("zwj.jsonl:1: item_id: ") && issues[0].contains("U+200D"),
        "{issues:#?}"
    );
    assert!(
        issues[1].starts_with("zwj.jsonl:7: item_id: ") && issues[1].contains("U+200C"),
        "{issues:#?}"
    );
    let (_, err) = refused_by_import("zwj.jsonl", &text);
    let listed: Vec<_> = err.lines().filter(|l| l.starts_with("zwj.jsonl")).collect();
    assert_eq!(listed.len(), 2, "{err}");
    assert!(
        listed[0].ends_with("(on 6 lines; this is the first)"),
        "{err}"
    );
    assert!(
        listed[1].ends_with("(on 2 lines; this is the first)"),
        "{err}"
    );
}
