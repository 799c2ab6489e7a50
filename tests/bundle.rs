//! The delivery bundle: the JSONL, the rubric byte for byte, the QA report and a manifest whose
//! sha256s match the files, put in place whole or not at all.

mod common;

use common::{pilot, rubric, stderr};
use sha2::{Digest, Sha256};

common::both_backends! {
    a_bundle_holds_the_batch_its_rubric_report_and_a_true_manifest,
    a_forced_finalize_is_delivered_as_forced_with_what_was_open,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn a_bundle_holds_the_batch_its_rubric_report_and_a_true_manifest() {
    let d = pilot();
    let out = d.path("delivery");
    let refused = d.run(&["export", "--bundle", out.to_str().expect("path")]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "an open batch needs --draft"
    );
    assert!(!out.exists(), "nothing at the target");
    d.ok(&["finalize", "--force"]);
    let said = d.ok(&["export", "--bundle", out.to_str().expect("path")]);
    assert!(
        said.contains("bundled 1 item")
            && said.contains(": JSONL, rubric, QA report (JSON, HTML, PDF) and manifest\n"),
        "{said}"
    );
    let file = |name: &str| std::fs::read(out.join(name)).expect(name);
    assert_eq!(
        file("pilot.rubric.yaml"),
        std::fs::read(rubric("tumor_severity_grade.yaml")).expect("rubric"),
        "the rubric byte for byte"
    );
    assert_eq!(
        String::from_utf8(file("pilot.jsonl")).expect("utf8"),
        d.ok(&["export", "-o", "-"]),
        "the JSONL as `export -o` writes it"
    );
    let report: serde_json::Value = serde_json::from_slice(&file("pilot.qa.json")).expect("json");
    assert_eq!(report["header"]["batch"], "pilot");
    let manifest: serde_json::Value =
        serde_json::from_slice(&file("pilot.manifest.json")).expect("json");
    assert_eq!(manifest["finalized"], true);
    assert_eq!(manifest["items"], 1);
    let verify: serde_json::Value =
        serde_json::from_str(&d.ok(&["verify", "--json"])).expect("json");
    assert_eq!(
        manifest["head"], verify["head"],
        "the head of the record delivered"
    );
    let files = manifest["files"].as_array().expect("files");
    assert_eq!(files.len(), 5);
    let page = String::from_utf8(file("pilot.qa.html")).expect("utf8");
    assert!(page.contains("<svg"), "the HTML report with its charts");
    assert!(file("pilot.qa.pdf").starts_with(b"%PDF-"), "the PDF report");
    for f in files {
        let name = f["name"].as_str().expect("name");
        let bytes = file(name);
        assert_eq!(f["sha256"], sha256(&bytes).as_str(), "{name}");
        assert_eq!(f["bytes"], bytes.len(), "{name}");
    }
    let again = d.run(&["export", "--bundle", out.to_str().expect("path")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("is not empty"),
        "{}",
        stderr(&again)
    );
    let log = d.ok(&["log", "--json"]);
    assert!(log.contains("\"bundle\""), "{log}");
    let left: Vec<_> = std::fs::read_dir(d.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dissent-bundle") || n.contains("dissent-export"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn a_forced_finalize_is_delivered_as_forced_with_what_was_open() {
    let d = pilot();
    let draft = d.path("draft");
    d.ok(&[
        "export",
        "--bundle",
        draft.to_str().expect("path"),
        "--draft",
    ]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(draft.join("pilot.manifest.json")).expect("read"))
            .expect("json");
    assert_eq!(manifest["forced"], false);
    assert_eq!(manifest["open_at_finalize"], serde_json::Value::Null);
    let said = stderr(&d.run(&["finalize", "--force"]));
    assert!(said.contains("finalized with items still open"), "{said}");
    let out = d.path("delivery");
    d.ok(&["export", "--bundle", out.to_str().expect("path")]);
    let file = |name: &str| std::fs::read(out.join(name)).expect(name);
    let manifest: serde_json::Value =
        serde_json::from_slice(&file("pilot.manifest.json")).expect("json");
    let open = serde_json::json!({"flagged_pending": 1, "awaiting_rereview": 0});
    assert_eq!(manifest["finalized"], true);
    assert_eq!(manifest["forced"], true);
    assert_eq!(manifest["open_at_finalize"], open);
    let report: serde_json::Value = serde_json::from_slice(&file("pilot.qa.json")).expect("json");
    assert_eq!(report["header"]["forced"], open);
    let page = String::from_utf8(file("pilot.qa.html")).expect("utf8");
    assert!(
        page.contains("Open at a forced finalize")
            && page.contains("1 flagged pending, 0 awaiting re-review (finalized with --force)"),
        "the report's header says it"
    );
    let report: serde_json::Value =
        serde_json::from_str(&d.ok(&["report", "--json"])).expect("json");
    assert_eq!(report["header"]["forced"], open, "`report` as the bundle");
}
