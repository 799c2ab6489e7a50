//! A database made by the shipped schema 1 (fixtures/schema1, made by that build) opens, is
//! brought up to date, verifies intact, exports as it did, and takes new work as it did.

mod common;

use common::{Dir, root};

/// A copy of the schema-1 database in a fresh folder.
fn schema1() -> Dir {
    let d = Dir::new();
    std::fs::copy(
        root().join("fixtures/schema1/pilot.db"),
        d.path("db.sqlite"),
    )
    .expect("copy");
    d
}

#[test]
fn a_schema_1_database_is_brought_up_to_date_and_verifies() {
    let d = schema1();
    let verify: serde_json::Value =
        serde_json::from_str(&d.ok(&["verify", "--json"])).expect("json");
    assert_eq!(verify["intact"], true, "{verify}");
    assert_eq!(verify["decisions"], 3, "hard label, revert, keep soft");
    let exported = d.ok(&["export", "--draft", "-o", "-"]);
    let then = std::fs::read_to_string(root().join("fixtures/schema1/pilot.export.jsonl"))
        .expect("fixture");
    // Lines have carried the rubric version and who decided when since schema 5 (issue 13);
    // before those keys, a line is byte for byte what schema 1 exported.
    let cut = exported
        .find(",\"rubric_version\":1,")
        .expect("rubric version");
    assert_eq!(
        format!("{}}}\n", &exported[..cut]),
        then,
        "the export is byte for byte what schema 1 exported"
    );
    assert!(
        exported[cut..].contains("\"adjudicated_by\":\"lee\",\"adjudicated_at\":\"2026-"),
        "{exported}"
    );
    let item = d.show("mri-2031");
    assert_eq!(item["status"], "keep_soft");
    d.ok(&["undo", "mri-2031", "--supersede"]);
    let after: serde_json::Value =
        serde_json::from_str(&d.ok(&["verify", "--json"])).expect("json");
    assert_eq!(after["intact"], true, "new links follow the old ones");
}

#[test]
fn a_batch_stored_without_a_scale_keeps_reading_confidences_as_1_to_5() {
    let d = schema1();
    let more = d.file(
        "more.jsonl",
        "{\"item_id\":\"mri-9001\",\"reviewer\":\"A\",\"label\":\"mild\",\"confidence\":4.2}\n\
         {\"item_id\":\"mri-9001\",\"reviewer\":\"B\",\"label\":\"mild\",\"confidence\":1}\n",
    );
    d.import(
        &more,
        &root().join("fixtures/schema1/rubric.yaml"),
        "pilot",
        &[],
    );
    let item = d.show("mri-9001");
    let confidences: Vec<f64> = item["judgments"]
        .as_array()
        .expect("judgments")
        .iter()
        .map(|j| j["confidence"].as_f64().expect("confidence"))
        .collect();
    assert_eq!(
        confidences,
        [0.8, 0.0],
        "on the 1–5 scale the batch was imported with"
    );
}
