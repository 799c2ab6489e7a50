//! The seed's worked example (mri-2031, reviewers A–D) in all three input shapes, through the
//! real binary: distribution 0.25/0.50/0.25, entropy 1.5 bits, `major`; and the soft-label file
//! round-trips byte for byte.

mod common;

use common::{Dir, reviewer_error, root, rubric};
use serde_json::json;

common::both_backends! {
    every_shape_gives_the_seed_figures,
    judgments_keep_each_reviewers_confidence_and_evidence,
    soft_label_file_round_trips_byte_for_byte,
    judgment_rows_export_to_the_seed_line,
    decisions_round_trip_through_the_export,
    stats_name_the_agreement_figures,
    usage_errors_exit_2_and_user_errors_exit_1,
}

fn import(d: &Dir, file: &str, batch: &str) {
    d.import(
        &root().join("fixtures/mri-2031").join(file),
        &rubric("tumor_severity_grade.yaml"),
        batch,
        &[],
    );
}

fn every_shape_gives_the_seed_figures() {
    for (file, panel, confidence) in [
        ("judgments.jsonl", "judgments", Some(0.7625)),
        ("judgments.csv", "judgments", Some(0.7625)),
        ("counts.jsonl", "counts", None),
        ("soft.jsonl", "judgments", Some(0.7625)),
    ] {
        let d = Dir::new();
        import(&d, file, "pilot");
        let item = d.show("mri-2031");
        assert_eq!(
            item["distribution"],
            json!({"mild": 0.25, "moderate": 0.5, "severe": 0.25}),
            "{file}"
        );
        assert_eq!(item["entropy_bits"], json!(1.5), "{file}");
        assert_eq!(item["disagreement_class"], json!("major"), "{file}");
        assert_eq!(item["reviewer_count"], json!(4), "{file}");
        assert_eq!(item["panel"], json!(panel), "{file}");
        let mean = item["mean_confidence"].as_f64();
        match confidence {
            Some(c) => assert!((mean.expect("mean") - c).abs() < 1e-12, "{file}: {mean:?}"),
            None => assert_eq!(mean, None, "{file}"),
        }
        let flags: Vec<&str> = item["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(|f| f["flag"].as_str())
            .collect();
        let expected = if confidence.is_some() {
            "genuine_ambiguity"
        } else {
            "high_entropy"
        };
        assert_eq!(flags, [expected], "{file}");
    }
}

fn judgments_keep_each_reviewers_confidence_and_evidence() {
    let d = Dir::new();
    import(&d, "judgments.csv", "pilot");
    let item = d.show("mri-2031");
    let c: Vec<(String, f64)> = item["judgments"]
        .as_array()
        .expect("judgments")
        .iter()
        .map(|j| {
            (
                j["reviewer"].as_str().unwrap_or_default().to_string(),
                j["confidence"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(
        c,
        [
            ("A".into(), 0.8),
            ("B".into(), 0.9),
            ("C".into(), 0.95),
            ("D".into(), 0.4)
        ]
    );
    assert_eq!(
        item["payload"],
        json!({"scan": "MRI brain, T1/T2-FLAIR, study 2031"})
    );
    assert_eq!(
        item["judgments"][2]["evidence"],
        json!("edema visible in T2-FLAIR")
    );
}

fn soft_label_file_round_trips_byte_for_byte() {
    let d = Dir::new();
    import(&d, "soft.jsonl", "pilot");
    let out = d.path("out.jsonl");
    d.ok(&["export", "-o", out.to_str().expect("path"), "--draft"]);
    assert_eq!(std::fs::read_to_string(&out).expect("export"), seed_line());
    // and the export itself round-trips to the byte
    let again = Dir::new();
    again.import(&out, &rubric("tumor_severity_grade.yaml"), "pilot", &[]);
    let twice = again.path("twice.jsonl");
    again.ok(&["export", "-o", twice.to_str().expect("path"), "--draft"]);
    assert_eq!(
        std::fs::read_to_string(&twice).expect("export"),
        seed_line()
    );
}

/// The seed's line (fixtures/mri-2031/soft.jsonl) as dissent exports it: with the rubric
/// version its judgments were made under, which lines carry since issue 13.
fn seed_line() -> String {
    let soft =
        std::fs::read_to_string(root().join("fixtures/mri-2031/soft.jsonl")).expect("fixture");
    let line = soft.trim_end().strip_suffix('}').expect("an object");
    format!("{line},\"rubric_version\":1}}\n")
}

fn judgment_rows_export_to_the_seed_line() {
    let d = Dir::new();
    import(&d, "judgments.jsonl", "pilot");
    let out = d.path("out.jsonl");
    d.ok(&["export", "-o", out.to_str().expect("path"), "--draft"]);
    assert_eq!(std::fs::read_to_string(&out).expect("export"), seed_line());
}

fn decisions_round_trip_through_the_export() {
    let d = Dir::new();
    import(&d, "judgments.jsonl", "pilot");
    d.ok(&reviewer_error(
        "mri-2031",
        "moderate",
        &["D"],
        "D read the oblique view",
    ));
    let out = d.path("out.jsonl");
    let refused = d.run(&["export", "-o", out.to_str().expect("path")]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "an open batch is not exported without --draft"
    );
    assert!(!out.exists(), "nothing written");
    d.ok(&["finalize"]);
    d.ok(&["export", "-o", out.to_str().expect("path")]);
    let line: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("export")).expect("json");
    assert_eq!(line["adjudicated_label"], json!("moderate"));
    assert_eq!(
        line["adjudication_reason"],
        json!("reviewer_error (D): D read the oblique view")
    );
    assert_eq!(
        line["rationales"].as_array().map(Vec::len),
        Some(4),
        "the panel record is kept"
    );
    // Re-import the export into a fresh database: the decision comes back.
    let d2 = Dir::new();
    d2.import(&out, &rubric("tumor_severity_grade.yaml"), "again", &[]);
    let item = d2.show("mri-2031");
    assert_eq!(item["status"], json!("hard_label"));
    assert_eq!(item["decisions"][0]["erring"], json!(["D"]));
    let again = d2.path("again.jsonl");
    d2.ok(&["export", "-o", again.to_str().expect("path"), "--draft"]);
    assert_eq!(
        std::fs::read(&again).expect("again"),
        std::fs::read(&out).expect("first")
    );
}

fn stats_name_the_agreement_figures() {
    let d = Dir::new();
    import(&d, "judgments.jsonl", "pilot");
    let stats: serde_json::Value = serde_json::from_str(&d.ok(&["stats", "--json"])).expect("json");
    for key in ["krippendorff_alpha", "fleiss_kappa", "percent_agreement"] {
        assert!(stats.get(key).is_some(), "{key} missing in {stats}");
    }
    assert_eq!(stats["items"], json!(1));
    assert_eq!(stats["classes"]["major"], json!(1));
    // One item of four reviewers: 2 agreeing pairs of 12 ordered pairs.
    assert!((stats["percent_agreement"].as_f64().expect("pa") - 2.0 / 12.0).abs() < 1e-12);
}

fn usage_errors_exit_2_and_user_errors_exit_1() {
    let d = Dir::new();
    assert_eq!(
        d.run(&["items", "--sort", "sideways"]).status.code(),
        Some(2)
    );
    assert_eq!(
        d.run(&["show", "nothing"]).status.code(),
        Some(1),
        "no database yet"
    );
    import(&d, "judgments.jsonl", "pilot");
    let out = d.run(&["show", "mri-9999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no item `mri-9999` in batch `pilot`"));
    let out = d.run(&[
        "adjudicate",
        "mri-2031",
        "--decision",
        "hard_label",
        "--label",
        "huge",
        "--reason-code",
        "verifiable_answer",
        "--reason",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
}
