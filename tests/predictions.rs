//! `dissent predictions import|list` and `dissent eval` end to end: the figures as scipy gives
//! them (fixtures/divergence/reference.json), bad input refused whole with FILE:LINE: field,
//! versions kept on --replace, and the record guarded from other clients.

mod common;

use std::io::Write;

use common::Dir;
use proptest::prelude::*;
use serde_json::{Value, json};

common::both_backends! {
    eval_gives_scipys_figures_and_compares_two_models,
    bad_lines_are_listed_with_file_line_and_field_and_nothing_is_written,
    logits_in_a_label_order_of_their_own_read_through_a_softmax,
    a_model_name_is_replaced_only_when_asked_and_the_old_version_is_kept,
    unknown_items_are_skipped_when_asked_and_missing_ones_counted_from_stdin,
    an_unknown_model_or_a_model_named_twice_is_a_user_error,
    export_with_model_adds_the_prediction_to_the_lines_it_predicts_and_nothing_else,
    export_with_model_reads_the_prediction_of_an_item_with_judgments,
    the_cifar10h_fixture_gives_scipys_figures_for_both_synthetic_models,
    the_chaosnli_fixture_of_two_real_models_gives_scipys_figures,
    a_file_that_predicts_no_item_of_the_batch_or_has_a_huge_line_writes_nothing,
    only_a_role_that_may_import_imports_predictions,
    a_round_imported_after_the_model_is_what_eval_and_export_compare_it_with,
    items_in_a_models_kl_order_page_through_every_predicted_item_once,
    a_new_round_moves_the_stored_kl_the_kl_order_shows_as_eval_and_export_see_it,
    a_file_keyed_otherwise_is_refused_once_with_its_keys_and_the_map_to_read_it,
    labels_that_leave_out_a_rubric_label_or_name_another_are_refused_up_front,
    nan_as_python_writes_it_is_named_with_its_field,
    items_refused_for_its_sort_or_model_print_no_table_header,
}
// SQLite only: the sqlite3 shell, SQLite's dropped and rebuilt KL index, `tamper` and a schema 7
// file; the proptest imports into a database in memory.

const RUBRIC: &str = "task: t\nversion: 1\nlabels:\n  - id: a\n  - id: b\n  - id: c\n";

fn fixture() -> Value {
    let path = common::root().join("fixtures/divergence/items.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// A batch `b` of the fixture's eight panels (items i0…i7) and the two models' files:
/// `first.jsonl` as `probs` arrays, `second.jsonl` as `distribution` objects keyed `id`.
fn batch() -> Dir {
    let d = Dir::new();
    let items = fixture();
    let (mut counts, mut first, mut second) = (String::new(), String::new(), String::new());
    for (i, it) in items["items"].as_array().expect("items").iter().enumerate() {
        let c = &it["counts"];
        counts += &format!(
            "{}\n",
            json!({"item_id": format!("i{i}"), "counts": {"a": c[0], "b": c[1], "c": c[2]}})
        );
        first += &format!(
            "{}\n",
            json!({"item_id": format!("i{i}"), "probs": it["first"]})
        );
        let s = &it["second"];
        second += &format!(
            "{}\n",
            json!({"id": format!("i{i}"), "distribution": {"a": s[0], "b": s[1], "c": s[2]}})
        );
    }
    let rubric = d.file("r.yaml", RUBRIC);
    d.import(&d.file("counts.jsonl", counts), &rubric, "b", &[]);
    d.file("first.jsonl", first);
    d.file("second.jsonl", second);
    d
}

fn json_of(out: &str) -> Value {
    serde_json::from_str(out).expect("json")
}

fn path(d: &Dir, name: &str) -> String {
    d.path(name).to_str().expect("path").to_string()
}

/// Runs `predictions import` of `file` as `model`, asserting it is refused (exit 1); its stderr.
fn refused(d: &Dir, file: &str, model: &str, extra: &[&str]) -> String {
    let file = path(d, file);
    let mut args = vec!["predictions", "import", &file, "--model", model];
    args.extend_from_slice(extra);
    let out = d.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    common::stderr(&out)
}

fn import(d: &Dir, file: &str, model: &str, extra: &[&str]) -> String {
    import_file(d, &d.path(file), model, extra)
}

/// Runs `predictions import` of `file` (anywhere) as `model`, asserting success; its stdout.
fn import_file(d: &Dir, file: &std::path::Path, model: &str, extra: &[&str]) -> String {
    let file = file.to_str().expect("path");
    let mut args = vec!["predictions", "import", file, "--model", model];
    args.extend_from_slice(extra);
    d.ok(&args)
}

fn eval_gives_scipys_figures_and_compares_two_models() {
    let d = batch();
    let said = import(&d, "first.jsonl", "first", &[]);
    assert!(
        said.contains("imported 8 predictions of model `first` (version 1)"),
        "{said}"
    );
    import(&d, "second.jsonl", "second", &["--map", "item_id=id"]);
    let eval = json_of(&d.ok(&["eval", "--model", "first", "--model", "second", "--json"]));
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("fixtures/divergence/reference.json"))
            .expect("read"),
    )
    .expect("json");
    for (i, name) in ["first", "second"].iter().enumerate() {
        let got = &eval["models"][i]["figures"];
        for figure in [
            "kl_mean",
            "kl_sd",
            "js_mean",
            "tv_mean",
            "cross_entropy_mean",
            "accuracy",
            "pearson",
            "spearman",
        ] {
            let (g, r) = (
                got[figure].as_f64().expect("got"),
                reference[name][figure].as_f64().expect("ref"),
            );
            assert!((g - r).abs() < 1e-12, "{name} {figure}: {g} vs scipy {r}");
        }
    }
    assert_eq!(eval["models"][0]["figures"]["clipped_items"], 1);
    assert_eq!(eval["models"][0]["by_class"]["major"]["items"], 2);
    let cmp = &eval["comparisons"][0];
    assert_eq!(
        (cmp["baseline"].as_str(), cmp["model"].as_str()),
        (Some("first"), Some("second"))
    );
    assert_eq!(cmp["paired_items"], 8);
    let kl = &cmp["differences"][0];
    assert_eq!(kl["figure"], "kl_mean");
    let diff = kl["difference"].as_f64().expect("difference");
    let (low, high) = (
        kl["interval"]["low"].as_f64().expect("low"),
        kl["interval"]["high"].as_f64().expect("high"),
    );
    assert!(low <= diff && diff <= high, "{low} {diff} {high}");
    // the plain table names both models and the clipping
    let plain = d.ok(&["eval", "--model", "first", "--model", "second"]);
    assert!(
        plain.contains("clipped at 1e-12") && plain.contains("second against first"),
        "{plain}"
    );
}

fn bad_lines_are_listed_with_file_line_and_field_and_nothing_is_written() {
    let d = batch();
    d.file(
        "bad.jsonl",
        concat!(
            "{\"item_id\":\"i0\",\"probs\":[0.5,0.5]}\n",
            "{\"item_id\":\"i1\",\"distribution\":{\"a\":-0.5,\"b\":1.5}}\n",
            "{\"item_id\":\"i2\",\"distribution\":{\"a\":0.5,\"zz\":0.5}}\n",
            "{\"item_id\":\"i3\",\"probs\":[0.5,0.4,0.0]}\n",
            "{\"item_id\":\"nope\",\"probs\":[0.5,0.5,0]}\n",
            "{\"item_id\":\"i5\",\"logits\":[1,\"NaN\",2]}\n",
            "{\"item_id\":\"i6\",\"probs\":[1,0,0]}\n",
            "{\"item_id\":\"i6\",\"probs\":[1,0,0]}\n",
            "{\"item_id\":\"i7\",\"logits\":[1,1e999,2]}\n",
        ),
    );
    let err = refused(&d, "bad.jsonl", "m", &[]);
    for expected in [
        "bad.jsonl:1: probs: 2 values where --labels has 3",
        "bad.jsonl:2: distribution: holds a negative probability",
        "bad.jsonl:3: distribution.zz: `zz` is not a label of rubric `t`",
        "bad.jsonl:4: probs: sums to 0.9",
        "bad.jsonl:5: item_id: item `nope` is not in batch `b`",
        "bad.jsonl:6: logits[1]: expected a number",
        "bad.jsonl:8: item_id: item `i6` already has a prediction at line 7",
        "bad.jsonl:9: line: malformed JSON: number out of range",
        "nothing imported",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in\n{err}");
    }
    let list = json_of(&d.ok(&["predictions", "list", "--json"]));
    assert_eq!(list["models"], json!([]), "nothing written");
}

fn logits_in_a_label_order_of_their_own_read_through_a_softmax() {
    let d = batch();
    // logits in order c, b, a: softmax gives the same distribution as probs in order a, b, c
    let mut lines = String::new();
    for (i, it) in fixture()["items"]
        .as_array()
        .expect("items")
        .iter()
        .enumerate()
    {
        let p: Vec<f64> = serde_json::from_value(it["second"].clone()).expect("p");
        let logits: Vec<f64> = p.iter().rev().map(|x| x.max(1e-300).ln() + 3.0).collect();
        lines += &format!(
            "{}\n",
            json!({"item_id": format!("i{i}"), "logits": logits})
        );
    }
    d.file("logits.jsonl", lines);
    import(&d, "logits.jsonl", "logits", &["--labels", "c,b,a"]);
    import(&d, "second.jsonl", "second", &["--map", "item_id=id"]);
    let eval = json_of(&d.ok(&["eval", "--model", "logits", "--model", "second", "--json"]));
    let (a, b) = (
        eval["models"][0]["figures"]["kl_mean"].as_f64().expect("a"),
        eval["models"][1]["figures"]["kl_mean"].as_f64().expect("b"),
    );
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

fn a_model_name_is_replaced_only_when_asked_and_the_old_version_is_kept() {
    let d = batch();
    import(&d, "first.jsonl", "m", &[]);
    let again = d.run(&[
        "predictions",
        "import",
        &path(&d, "first.jsonl"),
        "--model",
        "m",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        common::stderr(&again).contains("--replace"),
        "{}",
        common::stderr(&again)
    );
    let said = import(
        &d,
        "second.jsonl",
        "m",
        &["--replace", "--map", "item_id=id"],
    );
    assert!(
        said.contains("version 2") && said.contains("version 1 is kept"),
        "{said}"
    );
    let list = json_of(&d.ok(&["predictions", "list", "--json"]));
    let versions: Vec<(i64, bool)> = list["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| {
            (
                m["version"].as_i64().expect("v"),
                m["superseded"].as_bool().expect("s"),
            )
        })
        .collect();
    assert_eq!(versions, vec![(1, true), (2, false)]);
    // eval reads the version in force
    let eval = json_of(&d.ok(&["eval", "--model", "m", "--json"]));
    assert_eq!(eval["models"][0]["version"], 2);
    let log = json_of(&d.ok(&["log", "--json"]));
    let actions: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.ends_with(&["import_predictions", "replace_predictions"]),
        "{actions:?}"
    );
}

fn unknown_items_are_skipped_when_asked_and_missing_ones_counted_from_stdin() {
    let d = batch();
    let lines = "{\"item_id\":\"i0\",\"probs\":[1,0,0]}\n{\"item_id\":\"zz\",\"probs\":[1,0,0]}\n";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
        .args([
            "predictions",
            "import",
            "-",
            "--model",
            "m",
            "--skip-unknown",
        ])
        .env("DISSENT_DB", d.db())
        .env("DISSENT_USER", "tester")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("imported 1 prediction of model `m`"),
        "{said}"
    );
    assert!(
        said.contains("7 items of the batch have no prediction"),
        "{said}"
    );
    assert!(
        said.contains("1 line for items not in the batch skipped"),
        "{said}"
    );
    let list = json_of(&d.ok(&["predictions", "list", "--json"]));
    assert_eq!(list["models"][0]["source"], "<stdin>");
    assert_eq!(list["models"][0]["missing"], 7);
}

fn an_unknown_model_or_a_model_named_twice_is_a_user_error() {
    let d = batch();
    import(&d, "first.jsonl", "m", &[]);
    let out = d.run(&["eval", "--model", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("no model `nope` in batch `b`"));
    let out = d.run(&["eval", "--model", "m", "--model", "m"]);
    assert_eq!(out.status.code(), Some(1));
    let err = refused(&d, "first.jsonl", "x", &["--labels", "a,a,b"]);
    assert!(err.contains("`a` is given twice"), "{err}");
}

#[test]
fn models_and_predictions_cannot_be_changed_from_another_client() {
    let d = batch();
    import(&d, "first.jsonl", "m", &[]);
    let db = d.path("db.sqlite");
    let sqlite3 = |sql: &str| {
        std::process::Command::new("sqlite3")
            .arg(&db)
            .arg(sql)
            .output()
    };
    let Ok(before) = sqlite3(".dump") else {
        common::missing("the sqlite3 shell");
        return;
    };
    for sql in [
        "UPDATE predictions SET kl = 0;",
        "DELETE FROM predictions;",
        "REPLACE INTO predictions SELECT * FROM predictions;",
        "INSERT INTO predictions SELECT model_id, item_id + 100, distribution, kl, model_entropy FROM predictions LIMIT 1;",
        "UPDATE models SET name = 'other';",
        "DELETE FROM models;",
        "INSERT INTO models (batch_id, name, version, source, imported_at, imported_by, predictions) VALUES (1, 'forged', 1, 'x', 'x', 'x', 0);",
    ] {
        let out = sqlite3(sql).expect("sqlite3");
        assert!(!out.status.success(), "`{sql}` succeeded");
    }
    let after = sqlite3(".dump").expect("sqlite3");
    assert_eq!(
        String::from_utf8_lossy(&before.stdout),
        String::from_utf8_lossy(&after.stdout)
    );
}

fn export_with_model_adds_the_prediction_to_the_lines_it_predicts_and_nothing_else() {
    let d = batch();
    d.file(
        "some.jsonl",
        "{\"item_id\":\"i0\",\"probs\":[0.5,0.25,0.25]}\n",
    );
    import(&d, "some.jsonl", "m", &["--skip-unknown"]);
    let plain = d.ok(&["export", "--draft", "-o", "-"]);
    let with = d.ok(&["export", "--draft", "-o", "-", "--with-model", "m"]);
    let (plain, with): (Vec<&str>, Vec<&str>) = (plain.lines().collect(), with.lines().collect());
    assert_eq!(
        plain[1..],
        with[1..],
        "lines the model does not predict are as before"
    );
    let first: Value = serde_json::from_str(with[0]).expect("json");
    let model = &first["model"];
    assert_eq!(model["name"], "m");
    assert_eq!(
        model["distribution"],
        json!({"a": 0.5, "b": 0.25, "c": 0.25})
    );
    // panel i0 is (1, 0, 0): KL = ln 2
    assert!((model["kl"].as_f64().expect("kl") - 2f64.ln()).abs() < 1e-12);
    let keys: Vec<&String> = first.as_object().expect("object").keys().collect();
    assert_eq!(
        keys.last().map(|k| k.as_str()),
        Some("model"),
        "after the seed's keys"
    );
    let plain_first: Value = serde_json::from_str(plain[0]).expect("json");
    let mut without = first.clone();
    without.as_object_mut().expect("object").remove("model");
    assert_eq!(without, plain_first);
    let out = d.run(&["export", "--draft", "-o", "-", "--with-model", "nope"]);
    assert_eq!(out.status.code(), Some(1));
}

fn export_with_model_reads_the_prediction_of_an_item_with_judgments() {
    let d = common::pilot();
    d.file("p.jsonl", "{\"item_id\":\"mri-2031\",\"distribution\":{\"mild\":0.2,\"moderate\":0.6,\"severe\":0.2}}\n");
    import(&d, "p.jsonl", "m", &[]);
    let line: Value = serde_json::from_str(
        d.ok(&["export", "--draft", "-o", "-", "--with-model", "m"])
            .trim(),
    )
    .expect("json");
    assert_eq!(line["rationales"].as_array().map(Vec::len), Some(4));
    assert_eq!(line["model"]["distribution"]["moderate"], 0.6);
}

/// The fixture of real CIFAR-10H panels with two synthetic models (fixtures/predictions/README.md).
fn the_cifar10h_fixture_gives_scipys_figures_for_both_synthetic_models() {
    let d = Dir::new();
    let fixtures = common::root().join("fixtures/predictions");
    d.import(
        &fixtures.join("cifar10h.slice.jsonl"),
        &common::rubric("cifar10_class.yaml"),
        "c10h",
        &[],
    );
    import_file(&d, &fixtures.join("hard.jsonl"), "hard", &[]);
    let said = import_file(&d, &fixtures.join("soft.jsonl"), "soft", &[]);
    assert!(
        said.contains("1 item of the batch has no prediction")
            || said.contains("1 item of the batch has no prediction"),
        "{said}"
    );
    let eval = json_of(&d.ok(&["eval", "--model", "hard", "--model", "soft", "--json"]));
    assert_scipys(
        &eval,
        &fixtures.join("reference.json"),
        &["hard", "soft"],
        &["kl_mean", "kl_sd", "js_mean", "pearson", "spearman"],
        1e-9,
    );
    assert_eq!(eval["comparisons"][0]["paired_items"], 39);
}

/// Asserts that each of `models` (in eval's order) has the item count and `figures` of the
/// scipy reference at `reference`, each within `tolerance`.
fn assert_scipys(
    eval: &Value,
    reference: &std::path::Path,
    models: &[&str],
    figures: &[&str],
    tolerance: f64,
) {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(reference).expect("read")).expect("json");
    for (i, name) in models.iter().enumerate() {
        let got = &eval["models"][i]["figures"];
        assert_eq!(eval["models"][i]["name"], *name);
        assert_eq!(got["items"], reference[name]["items"]);
        for figure in figures {
            let (g, r) = (
                got[figure].as_f64().expect("got"),
                reference[name][figure].as_f64().expect("ref"),
            );
            assert!(
                (g - r).abs() <= tolerance,
                "{name} {figure}: {g} vs scipy {r}"
            );
        }
    }
}

/// Two real models' predictions on ChaosNLI-MNLI panels of 100 annotators
/// (fixtures/predictions/chaosnli-mnli/README.md), held to scipy's figures.
fn the_chaosnli_fixture_of_two_real_models_gives_scipys_figures() {
    let d = Dir::new();
    let fixtures = common::root().join("fixtures/predictions/chaosnli-mnli");
    d.import(
        &fixtures.join("counts.jsonl"),
        &common::rubric("nli.yaml"),
        "chaos",
        &[],
    );
    for name in ["deberta", "modernbert"] {
        let file = fixtures.join(format!("{name}.jsonl"));
        let labels = ["--labels", "entailment,neutral,contradiction"];
        let said = import_file(&d, &file, name, &labels);
        assert!(said.contains("imported 21 predictions"), "{said}");
    }
    let eval = json_of(&d.ok(&[
        "eval",
        "--model",
        "deberta",
        "--model",
        "modernbert",
        "--json",
    ]));
    assert_scipys(
        &eval,
        &fixtures.join("reference.json"),
        &["deberta", "modernbert"],
        &[
            "kl_mean",
            "kl_sd",
            "clipped_items",
            "js_mean",
            "tv_mean",
            "cross_entropy_mean",
            "accuracy",
            "tied_items",
            "pearson",
            "spearman",
        ],
        1e-12,
    );
    assert_eq!(eval["comparisons"][0]["paired_items"], 21);
}

/// Pieces of prediction lines, hostile ones included.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\n",
    "\r\n",
    " ",
    "\u{feff}",
    "\"item_id\"",
    "\"i0\"",
    "\"i1\"",
    "\"zz\"",
    "\"probs\"",
    "\"logits\"",
    "\"distribution\"",
    "\"a\"",
    "\"b\"",
    "\"c\"",
    "0",
    "1",
    "-1",
    "0.5",
    "1e400",
    "-1e400",
    "1e308",
    "NaN",
    "null",
    "true",
    "\"x\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Any bytes end in predictions written or in issues that each name a line; nothing panics,
    /// and nothing is written unless there is no issue.
    #[test]
    fn any_bytes_end_in_predictions_or_issues_naming_a_line(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            proptest::collection::vec(any::<usize>(), 0..60).prop_map(|ts| {
                ts.iter().map(|&t| TOKENS[t % TOKENS.len()]).collect::<String>().into_bytes()
            }),
        ]
    ) {
        use dissent::ingest::predictions::{PredictionJob, import_predictions, label_order};
        let d = Dir::new();
        let rubric = dissent::domain::rubric::Rubric::parse(RUBRIC).expect("rubric");
        let mut store = dissent::store::Store::open_in_memory().expect("store");
        let counts = d.file("c.jsonl", "{\"item_id\":\"i0\",\"counts\":{\"a\":2,\"b\":1}}\n{\"item_id\":\"i1\",\"counts\":{\"c\":3}}\n");
        dissent::ingest::import_files(&mut store, &dissent::ingest::ImportJob {
            paths: &[counts.as_path()], rubric: &rubric, batch: "b", format: dissent::ingest::Format::Auto,
            map: &dissent::ingest::FieldMap::default(), actor: "t", at: "2026-01-01T00:00:00Z",
        }, |_| {}).expect("batch");
        let batch = store.batch(None).expect("batch");
        let path = d.file("p.jsonl", &bytes);
        let labels = label_order(&rubric, None).expect("labels");
        let map = dissent::ingest::FieldMap::default();
        let job = PredictionJob {
            path: &path, batch: &batch, model: "m", labels: &labels, map: &map,
            skip_unknown: false, replace: false, actor: "t", at: "2026-01-01T00:00:00Z",
        };
        match import_predictions(&mut store, &job, |_| {}) {
            Ok(done) => prop_assert!(done.model.predictions >= 1),
            Err(dissent::ingest::ImportError::Input(issues)) => {
                prop_assert!(!issues.list().is_empty());
                for i in issues.list() {
                    prop_assert!(i.line >= 1, "no line in `{i}`");
                    prop_assert!(i.to_string().len() < 1000, "`{i}`");
                }
                prop_assert!(store.models(&batch).expect("models").is_empty(), "nothing written");
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn a_large_import_rebuilds_the_kl_index_at_commit_and_a_failed_one_keeps_it() {
    let d = Dir::new();
    let n = 2_500;
    let counts: String = (0..n)
        .map(|i| {
            format!(
                "{}\n",
                json!({"item_id": format!("i{i}"), "counts": {"a": i % 3, "b": 1, "c": 2}})
            )
        })
        .collect();
    let probs: String = (0..n)
        .map(|i| {
            format!(
                "{}\n",
                json!({"item_id": format!("i{i}"), "probs": [0.5, 0.25, 0.25]})
            )
        })
        .collect();
    d.import(
        &d.file("c.jsonl", counts),
        &d.file("r.yaml", RUBRIC),
        "b",
        &[],
    );
    let index = || {
        let conn = rusqlite::Connection::open(d.path("db.sqlite")).expect("open");
        conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'predictions_by_kl'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .expect("schema")
    };
    d.file(
        "bad.jsonl",
        format!("{probs}{{\"item_id\":\"i0\",\"probs\":[2,0,0]}}\n"),
    );
    refused(&d, "bad.jsonl", "m", &[]);
    assert_eq!(index(), 1, "kept by the rollback");
    d.file("p.jsonl", probs);
    import(&d, "p.jsonl", "m", &[]);
    assert_eq!(index(), 1, "rebuilt at commit");
    let eval = json_of(&d.ok(&["eval", "--model", "m", "--json"]));
    assert_eq!(eval["models"][0]["predictions"], n);
}

#[test]
fn verify_names_a_model_whose_predictions_were_changed_outside_dissent() {
    let d = batch();
    import(&d, "first.jsonl", "m", &[]);
    import(
        &d,
        "second.jsonl",
        "m",
        &["--replace", "--map", "item_id=id"],
    );
    let said = d.ok(&["verify"]);
    assert!(
        said.contains("the predictions of 2 models checked"),
        "{said}"
    );
    common::tamper(
        &d.path("db.sqlite"),
        "UPDATE predictions SET kl = 5 WHERE model_id = 1 AND item_id = 3;",
    );
    let out = d.run(&["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["models"], 2);
    assert_eq!(
        doc["breaks"],
        json!([{"chain": "predictions", "row": "the predictions of model `m` v1"}])
    );
}

fn a_file_that_predicts_no_item_of_the_batch_or_has_a_huge_line_writes_nothing() {
    let d = batch();
    d.file("none.jsonl", "{\"item_id\":\"zz\",\"probs\":[1,0,0]}\n");
    let err = refused(&d, "none.jsonl", "m", &["--skip-unknown"]);
    assert!(
        err.contains("none.jsonl: file: no prediction for an item of batch `b`"),
        "{}",
        err
    );
    let mut huge = b"{\"item_id\":\"i0\",\"x\":\"".to_vec();
    huge.resize(17 << 20, b'a');
    huge.extend_from_slice(b"\"}\n");
    d.file("huge.jsonl", huge);
    let err = refused(&d, "huge.jsonl", "m", &[]);
    assert!(
        err.contains("huge.jsonl:1: line: longer than 16 MiB"),
        "{}",
        err
    );
    assert_eq!(
        json_of(&d.ok(&["predictions", "list", "--json"]))["models"],
        json!([])
    );
}

fn only_a_role_that_may_import_imports_predictions() {
    let d = batch();
    d.ok(&["staff", "add", "tester", "--role", "qa_lead"]);
    d.ok(&["staff", "add", "vic", "--role", "viewer"]);
    refused(&d, "first.jsonl", "m", &["--as", "vic"]);
    assert_eq!(
        json_of(&d.ok(&["predictions", "list", "--json"]))["models"],
        json!([])
    );
    import(&d, "first.jsonl", "m", &[]);
    // a viewer may still read them
    d.ok(&["eval", "--model", "m", "--as", "vic"]);
}

fn a_round_imported_after_the_model_is_what_eval_and_export_compare_it_with() {
    let d = common::pilot();
    let preds = d.file(
        "m.jsonl",
        "{\"item_id\":\"mri-2031\",\"distribution\":{\"mild\":0.1,\"moderate\":0.6,\"severe\":0.3}}\n",
    );
    d.ok(&[
        "predictions",
        "import",
        preds.to_str().expect("path"),
        "--model",
        "m",
    ]);
    let kl_of = |d: &Dir| {
        let eval = json_of(&d.ok(&["eval", "--model", "m", "--json"]));
        let line: Value = serde_json::from_str(
            d.ok(&["export", "--draft", "-o", "-", "--with-model", "m"])
                .lines()
                .next()
                .expect("a line"),
        )
        .expect("line");
        (
            eval["models"][0]["figures"]["kl_mean"]
                .as_f64()
                .expect("kl"),
            line["model"]["kl"].as_f64().expect("kl"),
        )
    };
    // Round 1: 1 mild, 2 moderate, 1 severe.
    let round1 =
        0.25 * (0.25f64 / 0.1).ln() + 0.5 * (0.5f64 / 0.6).ln() + 0.25 * (0.25f64 / 0.3).ln();
    let (eval, line) = kl_of(&d);
    assert!(
        (eval - round1).abs() < 1e-12 && (line - round1).abs() < 1e-12,
        "{eval} {line}"
    );
    // Sent back, and answered by a round of three `severe`: KL = −ln 0.3.
    d.ok(&[
        "adjudicate",
        "mri-2031",
        "--decision",
        "rereview",
        "--reason",
        "anchors unclear",
    ]);
    let round2 = d.file(
        "r2.jsonl",
        "{\"item_id\":\"mri-2031\",\"reviewer\":\"E\",\"label\":\"severe\"}\n\
         {\"item_id\":\"mri-2031\",\"reviewer\":\"F\",\"label\":\"severe\"}\n\
         {\"item_id\":\"mri-2031\",\"reviewer\":\"G\",\"label\":\"severe\"}\n",
    );
    d.import(
        &round2,
        &common::rubric("tumor_severity_grade.yaml"),
        "pilot",
        &[],
    );
    let (eval, line) = kl_of(&d);
    let expected = -(0.3f64).ln();
    assert!((eval - expected).abs() < 1e-12, "eval {eval} vs {expected}");
    assert!(
        (line - expected).abs() < 1e-12,
        "export {line} vs {expected}"
    );
}

fn items_in_a_models_kl_order_page_through_every_predicted_item_once() {
    let d = batch();
    import(&d, "first.jsonl", "first", &[]);
    let eval = json_of(&d.ok(&["eval", "--model", "first", "--json"]));
    let all: Value =
        serde_json::from_str(&d.ok(&["items", "--sort", "kl", "--model", "first", "--json"]))
            .expect("json");
    let rows = all.as_array().expect("rows");
    assert_eq!(
        rows.len() as u64,
        eval["models"][0]["figures"]["items"].as_u64().expect("n")
    );
    let kls: Vec<f64> = rows.iter().map(|r| r["kl"].as_f64().expect("kl")).collect();
    assert!(
        kls.windows(2).all(|w| w[0] >= w[1]),
        "highest first: {kls:?}"
    );
    let mean = kls.iter().sum::<f64>() / kls.len() as f64;
    let reported = eval["models"][0]["figures"]["kl_mean"]
        .as_f64()
        .expect("kl");
    assert!((mean - reported).abs() < 1e-12, "{mean} vs {reported}");
    // Paged three at a time, the same order (the CLI pages by keyset as the console does).
    let limited: Value = serde_json::from_str(&d.ok(&[
        "items", "--sort", "kl", "--model", "first", "--limit", "3", "--json",
    ]))
    .expect("json");
    assert_eq!(limited.as_array().expect("rows")[..], rows[..3]);
    // Keyset pages of three, forward from the top and backward from the end, walk the same
    // order once each.
    let store = common::open_existing(&d);
    let b = store.batch(None).expect("batch");
    let filter = dissent::store::QueueFilter {
        model: Some("first".into()),
        ..Default::default()
    };
    let kl = dissent::store::SortKey::Kl;
    let (forward, backward) = (
        dissent::store::Direction::Forward,
        dissent::store::Direction::Backward,
    );
    let mut walked: Vec<String> = Vec::new();
    let mut anchor = None;
    loop {
        let page = store
            .queue_page(&b, &filter, kl, anchor.as_ref(), forward, 3)
            .expect("page");
        let Some(last) = page.last().cloned() else {
            break;
        };
        walked.extend(page.iter().map(|r| r.item_id.clone()));
        anchor = Some(last);
    }
    let ids: Vec<String> = rows
        .iter()
        .map(|r| r["item_id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(walked, ids);
    let mut back: Vec<String> = Vec::new();
    let mut anchor = None;
    loop {
        let page = store
            .queue_page(&b, &filter, kl, anchor.as_ref(), backward, 3)
            .expect("page");
        let Some(first) = page.first().cloned() else {
            break;
        };
        back.splice(0..0, page.iter().map(|r| r.item_id.clone()));
        anchor = Some(first);
    }
    assert_eq!(back, ids);
    let plain = d.ok(&["items", "--sort", "kl", "--model", "first", "--limit", "1"]);
    let header: Vec<&str> = plain
        .lines()
        .next()
        .expect("header")
        .split_whitespace()
        .collect();
    assert_eq!(header[5], "KL", "{plain}");
    assert!(
        plain
            .lines()
            .nth(1)
            .expect("row")
            .contains(&format!("{:.2}", kls[0])),
        "{plain}"
    );
    // A search narrows the KL order as any other.
    let searched = dissent::store::QueueFilter {
        search: Some(ids[0].clone()),
        ..filter.clone()
    };
    let page = store
        .queue_page(&b, &searched, kl, None, forward, 10)
        .expect("page");
    assert_eq!(
        page.iter().map(|r| r.item_id.as_str()).collect::<Vec<_>>(),
        [ids[0].as_str()]
    );
    let out = d.run(&["items", "--sort", "kl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the KL order needs a model"));
}

/// `fixtures/predictions/round_after_model/NAME`: two items, model `m`, and a round of
/// re-review for `split` (its README).
fn round_after_model(name: &str) -> std::path::PathBuf {
    common::root()
        .join("fixtures/predictions/round_after_model")
        .join(name)
}

/// `items --model m --sort kl --json` as (item, KL), highest KL first.
fn kl_order(d: &Dir) -> Vec<(String, f64)> {
    let rows = json_of(&d.ok(&["items", "--model", "m", "--sort", "kl", "--json"]));
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["item_id"].as_str().expect("id").to_string(),
                r["kl"].as_f64().expect("kl"),
            )
        })
        .collect()
}

fn assert_order(found: &[(String, f64)], expected: &[(&str, f64)]) {
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for ((id, kl), (want_id, want_kl)) in found.iter().zip(expected) {
        assert_eq!(id, want_id, "{found:?}");
        assert!((kl - want_kl).abs() < 1e-12, "{id}: {kl} vs {want_kl}");
    }
}

/// Round 1 of `split` (¼ mild, ½ moderate, ¼ severe) against the model's (0.2, 0.5, 0.3).
fn split_round_1() -> f64 {
    0.25 * (0.25f64 / 0.2).ln() + 0.25 * (0.25f64 / 0.3).ln()
}

/// The KL of `split` after round 2 (3 moderate) and of `calm` (3 mild): −ln 0.5, −ln 0.6.
fn after_round_2() -> [(&'static str, f64); 2] {
    [("split", 2f64.ln()), ("calm", -(0.6f64).ln())]
}

/// eval's mean KL, export --with-model's KL of each line, and the console panel's KL of
/// `split`, all against the panel in force and equal to the KL order's.
fn assert_all_see(d: &Dir, expected: [(&str, f64); 2]) {
    let eval = json_of(&d.ok(&["eval", "--model", "m", "--json"]));
    let mean = (expected[0].1 + expected[1].1) / 2.0;
    let reported = eval["models"][0]["figures"]["kl_mean"]
        .as_f64()
        .expect("kl");
    assert!((reported - mean).abs() < 1e-12, "eval {reported} vs {mean}");
    let export = d.ok(&["export", "--draft", "-o", "-", "--with-model", "m"]);
    for line in export.lines() {
        let line: Value = serde_json::from_str(line).expect("line");
        let (_, want) = expected
            .iter()
            .find(|(id, _)| line["item_id"] == *id)
            .expect("an item of the fixture");
        let kl = line["model"]["kl"].as_f64().expect("kl");
        assert!((kl - want).abs() < 1e-12, "export {line}");
    }
    let store = common::open_existing(d);
    let b = store.batch(None).expect("batch");
    let (_, kl) = store
        .prediction(&b, "m", "split")
        .expect("read")
        .expect("predicted");
    assert_eq!(kl.to_bits(), kl_order(d)[0].1.to_bits(), "panel and column");
    let verified = json_of(&d.ok(&["verify", "--json"]));
    assert_eq!(verified["intact"], true, "{verified}");
    assert_eq!(verified["models"], 1);
}

/// Sends `split` of the fixture back and imports the round that answers it.
fn split_answered_by_round_2(d: &Dir, rubric: &std::path::Path) {
    d.ok(&[
        "adjudicate",
        "split",
        "--decision",
        "rereview",
        "--reason",
        "anchors unclear",
    ]);
    d.import(&round_after_model("round2.csv"), rubric, "b", &[]);
}

fn a_new_round_moves_the_stored_kl_the_kl_order_shows_as_eval_and_export_see_it() {
    let d = Dir::new();
    let rubric = round_after_model("rubric.yaml");
    d.import(&round_after_model("round1.csv"), &rubric, "b", &[]);
    import_file(&d, &round_after_model("m.jsonl"), "m", &[]);
    let calm = -(0.6f64).ln();
    assert_order(&kl_order(&d), &[("calm", calm), ("split", split_round_1())]);
    split_answered_by_round_2(&d, &rubric);
    // split now parts most from the model: first in its KL order, with the new panel's KL.
    assert_order(&kl_order(&d), &after_round_2());
    let plain = d.ok(&["items", "--model", "m", "--sort", "kl"]);
    let first = plain.lines().nth(1).expect("row");
    assert!(
        first.starts_with("split") && first.contains("0.69"),
        "{plain}"
    );
    assert_all_see(&d, after_round_2());
    // The stored KL changes only there: from another client it stays as dissent computed it
    // (the SQLite file's side; tests/pg_schema.rs holds PostgreSQL's).
    if d.pg().is_some() || !common::have("sqlite3", "-version") {
        return;
    }
    for sql in [
        "UPDATE predictions SET kl = 0",
        "UPDATE predictions SET kl = kl, distribution = distribution",
        "UPDATE predictions SET import_kl = 1",
    ] {
        let out = std::process::Command::new("sqlite3")
            .arg(d.path("db.sqlite"))
            .arg(sql)
            .output()
            .expect("sqlite3");
        assert!(
            !out.status.success() || !out.stderr.is_empty(),
            "`{sql}` went through"
        );
    }
    assert_order(&kl_order(&d), &after_round_2());
}

#[test]
fn a_schema_7_database_whose_round_left_a_kl_stale_is_brought_up_to_date_and_verifies() {
    let d = Dir::new();
    std::fs::copy(round_after_model("schema7.db"), d.path("db.sqlite")).expect("copy");
    // Opened, the KL a round left stale follows the round; the digest logged then, which
    // hashed the KL as imported, still verifies.
    assert_order(&kl_order(&d), &after_round_2());
    assert_all_see(&d, after_round_2());
    // A model imported since is hashed without its KL and verifies beside the old one.
    import_file(&d, &round_after_model("m.jsonl"), "n", &[]);
    let verified = json_of(&d.ok(&["verify", "--json"]));
    assert_eq!(verified["intact"], true, "{verified}");
    assert_eq!(verified["models"], 2);
    // The KL as imported is part of the old digest: changed, verify names the model; and a
    // stored KL that is not the panel's is named too, though no digest holds it.
    common::tamper(
        &d.path("db.sqlite"),
        "UPDATE predictions SET import_kl = 0.5 WHERE model_id = 1 AND item_id = 2;
         UPDATE predictions SET kl = 0.5 WHERE model_id = 2 AND item_id = 1;",
    );
    let out = d.run(&["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["breaks"],
        json!([
            {"chain": "predictions", "row": "the predictions of model `m` v1"},
            {"chain": "predictions", "row": "the predictions of model `n` v1"}
        ])
    );
}

#[test]
fn verify_reads_the_latest_round_from_the_chained_rounds_not_the_item_row() {
    let d = Dir::new();
    let rubric = round_after_model("rubric.yaml");
    d.import(&round_after_model("round1.csv"), &rubric, "b", &[]);
    import_file(&d, &round_after_model("m.jsonl"), "m", &[]);
    split_answered_by_round_2(&d, &rubric);
    // An outside client undoes the round for every reader: the item row back at round 1, its
    // KL back at round 1's.
    common::tamper(
        &d.path("db.sqlite"),
        &format!(
            "UPDATE items SET round = 1 WHERE item_key = 'split';
             UPDATE predictions SET kl = {} WHERE item_id =
                 (SELECT id FROM items WHERE item_key = 'split');",
            split_round_1()
        ),
    );
    assert_order(
        &kl_order(&d),
        &[("calm", -(0.6f64).ln()), ("split", split_round_1())],
    );
    let out = d.run(&["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        doc["breaks"],
        json!([{"chain": "predictions", "row": "the predictions of model `m` v1"}])
    );
}

fn a_file_keyed_otherwise_is_refused_once_with_its_keys_and_the_map_to_read_it() {
    let d = batch();
    let err = refused(&d, "second.jsonl", "m", &[]);
    let file = path(&d, "second.jsonl");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with(file.as_str()))
            .collect::<Vec<_>>(),
        [format!(
            "{file}:1: item_id: missing: this line's keys are `id`, `distribution`; name the item's key with --map item_id=id"
        )],
        "{err}"
    );
    d.file("named.jsonl", "{\"item_id\":\"i0\",\"p\":[1,0,0]}\n");
    let err = refused(&d, "named.jsonl", "m", &[]);
    assert!(
        err.contains(
            "named.jsonl:1: line: no prediction: this line's keys are `item_id`, `p`; give distribution, probs or logits, or name yours with --map (--map probs=KEY)"
        ),
        "{err}"
    );
}

fn labels_that_leave_out_a_rubric_label_or_name_another_are_refused_up_front() {
    let d = batch();
    let err = refused(&d, "first.jsonl", "m", &["--labels", "a,b"]);
    assert_eq!(
        err.trim_end(),
        "dissent: --labels: names 2 of the 3 labels of rubric `t`; missing `c` (a probs or logits array gives every label a value)"
    );
    let err = refused(&d, "first.jsonl", "m", &["--labels", "a,b,zz"]);
    assert_eq!(
        err.trim_end(),
        "dissent: --labels: `zz` is not a label of rubric `t` (a, b, c)"
    );
}

fn nan_as_python_writes_it_is_named_with_its_field() {
    let d = batch();
    d.file(
        "nan.jsonl",
        "{\"item_id\": \"i0\", \"probs\": [0.5, NaN, 0.5]}\n{\"item_id\": \"i1\", \"logits\": [Infinity, 0, -Infinity]}\n",
    );
    let err = refused(&d, "nan.jsonl", "m", &[]);
    for expected in [
        "nan.jsonl:1: probs[1]: `NaN` is not a number JSON allows (JSON has no NaN, Infinity or -Infinity, though Python's json.dumps writes them): give a finite number",
        "nan.jsonl:2: logits[0]: `Infinity` is not a number JSON allows",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(!err.contains("malformed JSON"), "{err}");
}

fn items_refused_for_its_sort_or_model_print_no_table_header() {
    let d = batch();
    for args in [
        &["items", "--sort", "kl"][..],
        &["items", "--sort", "kl", "--json"],
        &["items", "--model", "nope"],
    ] {
        let out = d.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "",
            "{args:?}: the error alone"
        );
    }
    let out = d.run(&["items", "--sort", "kl"]);
    assert_eq!(
        common::stderr(&out),
        "dissent: the KL order needs a model: pass --model NAME (the console: pick one with M)\n"
    );
    assert_eq!(
        d.ok(&["items", "--limit", "0"]).lines().count(),
        1,
        "the header alone"
    );
}
