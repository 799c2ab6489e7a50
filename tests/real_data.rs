//! Real multi-annotator data imports as published: slices in fixtures/real (always present),
//! and the full files of ../shared/data where they sit beside the repository.

mod common;

use common::{Dir, POPQUORN_MAP, root, shared_data};
use serde_json::json;

common::both_backends! {
    popquorn_raw_csv_imports_with_three_maps_and_keeps_demographics_per_reviewer,
    varierr_rows_keep_rationales_and_error_labels,
    cifar10h_counts_have_no_per_reviewer_record,
    the_full_shared_files_import,
}

fn import(d: &Dir, file: &std::path::Path, rubric: &str, extra: &[&str]) -> String {
    d.import(file, &common::rubric(rubric), "real", extra)
}

fn popquorn_raw_csv_imports_with_three_maps_and_keeps_demographics_per_reviewer() {
    let d = Dir::new();
    let out = import(
        &d,
        &root().join("fixtures/real/popquorn-offensiveness.slice.csv"),
        "popquorn_offensiveness.yaml",
        &POPQUORN_MAP,
    );
    assert!(out.contains("imported 15 items (127 judgments)"), "{out}");
    let item = d.show("530");
    assert_eq!(
        item["payload"],
        json!({"text": "I think a lot of Dethklok songs use drop C, would defo recommend"})
    );
    let first = &item["judgments"][0];
    assert_eq!(first["reviewer"], json!("0"));
    assert_eq!(first["attributes"]["age"], json!("35-39"));
    assert_eq!(first["attributes"]["gender"], json!("Man"));
    assert!(item["reviewer_count"].as_u64().expect("count") >= 6);
}

fn varierr_rows_keep_rationales_and_error_labels() {
    let d = Dir::new();
    let out = import(
        &d,
        &root().join("fixtures/real/varierr-nli.slice.jsonl"),
        "nli.yaml",
        &[],
    );
    assert!(out.contains("imported 20 items (74 judgments)"), "{out}");
    let item = d.show("varierr-23751e");
    assert_eq!(item["payload"]["error_labels"], json!([]));
    assert!(
        item["payload"]["premise"]
            .as_str()
            .is_some_and(|p| p.starts_with("Part of the reason"))
    );
    assert!(
        item["judgments"][1]["evidence"]
            .as_str()
            .is_some_and(|e| e.contains("changed the order"))
    );
    assert_eq!(
        item["mean_confidence"],
        json!(null),
        "VariErr carries no confidence"
    );
}

fn cifar10h_counts_have_no_per_reviewer_record() {
    let d = Dir::new();
    import(
        &d,
        &root().join("fixtures/real/cifar10h.slice.jsonl"),
        "cifar10_class.yaml",
        &[],
    );
    let item = d.show("cifar10-test-00003");
    assert_eq!(item["panel"], json!("counts"));
    assert_eq!(item["counts"]["airplane"], json!(38));
    assert_eq!(item["judgments"], json!([]));
    let out = d.path("out.jsonl");
    d.ok(&["export", "-o", out.to_str().expect("path"), "--draft"]);
    let first: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&out)
            .expect("export")
            .lines()
            .next()
            .expect("line"),
    )
    .expect("json");
    assert_eq!(first["confidence"], json!({}));
    assert_eq!(first["rationales"], json!([]));
}

fn the_full_shared_files_import() {
    for (name, rubric, extra, items) in [
        (
            "popquorn-offensiveness.csv",
            "popquorn_offensiveness.yaml",
            &POPQUORN_MAP[..],
            1500,
        ),
        ("varierr-nli.judgments.jsonl", "nli.yaml", &[][..], 500),
        (
            "cifar10h.counts.jsonl",
            "cifar10_class.yaml",
            &[][..],
            10_000,
        ),
    ] {
        let Some(path) = shared_data(name) else {
            continue;
        };
        let d = Dir::new();
        let out = import(&d, &path, rubric, extra);
        assert!(
            out.contains(&format!("imported {items} items")),
            "{name}: {out}"
        );
    }
}
