//! The whole re-review loop on a fixture (fixtures/loop): import → flag → re-review → rubric v2
//! → round 2 imported → item decided → finalize → export → re-import → identical export.

mod common;

use common::{Dir, root};

common::both_backends! {
    the_loop_closes_and_its_export_round_trips_to_the_byte,
}
// SQLite only: the README's loop block makes its own database file.

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("fixtures/loop").join(name)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("json")
}

fn the_loop_closes_and_its_export_round_trips_to_the_byte() {
    let d = Dir::new();
    let (v1, v2) = (fixture("rubric.v1.yaml"), fixture("rubric.v2.yaml"));
    d.import(&fixture("round1.csv"), &v1, "pilot", &[]);

    // flag: the split with low confidence is a likely rubric problem
    let flagged = json(&d.ok(&["items", "--flag", "rubric_problem", "--json"]));
    assert!(flagged.to_string().contains("mri-3001"), "{flagged}");
    assert!(!d.run(&["finalize"]).status.success(), "open items");

    // re-review, then the rubric's next version
    d.ok(&[
        "adjudicate",
        "mri-3001",
        "--decision",
        "rereview",
        "--reason",
        "the size anchors do not say which view",
    ]);
    let said = d.ok(&["rubric", "update", v2.to_str().expect("path")]);
    assert!(said.contains("v2 replaces v1"), "{said}");
    assert_eq!(
        d.show("mri-3003")["flags"],
        serde_json::json!([]),
        "H 0.58 of max is under v2's 0.6: the flag is recomputed away"
    );

    // round 2 under v2 answers the re-review
    d.import(&fixture("round2.csv"), &v2, "pilot", &[]);
    let item = d.show("mri-3001");
    assert_eq!(item["round"], 2);
    assert_eq!(item["rubric_version"], 2);
    assert_eq!(item["status"], "pending");
    assert_eq!(item["disagreement_class"], "agreement");
    assert_eq!(item["earlier_rounds"][0]["judgments"][0]["label"], "mild");

    // decided, finalized, exported
    d.ok(&[
        "adjudicate",
        "mri-3001",
        "--decision",
        "hard_label",
        "--label",
        "moderate",
        "--reason-code",
        "clarified_rubric",
        "--reason",
        "all three read 16–18 mm on the axial view",
        "--as",
        "lee",
    ]);
    d.ok(&["finalize"]);
    let out = d.path("pilot.jsonl");
    d.ok(&["export", "-o", out.to_str().expect("path")]);
    let exported = std::fs::read_to_string(&out).expect("export");
    let lines: Vec<serde_json::Value> = exported.lines().map(json).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["item_id"], "mri-3001");
    assert_eq!(lines[0]["adjudicated_label"], "moderate");
    assert_eq!(lines[0]["adjudicated_by"], "lee");
    assert_eq!(lines[0]["rubric_version"], 2);
    assert_eq!(lines[1]["rubric_version"], 1, "judged under v1");
    let history = &lines[0]["rounds"][0];
    assert_eq!(history["round"], 1);
    assert_eq!(history["rubric_version"], 1);
    assert_eq!(
        history["adjudication_reason"],
        "sent back for re-review: the size anchors do not say which view"
    );
    assert!(lines[1].get("rounds").is_none(), "never sent back");
    assert!(json(&d.ok(&["verify", "--json"]))["intact"] == true);

    // re-imported under v2 into a new database: the same export, to the byte
    let again = Dir::new();
    again.import(&out, &v2, "pilot", &[]);
    again.ok(&["finalize"]);
    let twice = again.path("pilot.jsonl");
    again.ok(&["export", "-o", twice.to_str().expect("path")]);
    assert_eq!(std::fs::read_to_string(&twice).expect("export"), exported);
    // the rounds survive: round 1 as history, sent back by the same person at the same time
    let item = again.show("mri-3001");
    assert_eq!(item["round"], 2);
    assert_eq!(item["rubric_version"], 2);
    assert_eq!(item["earlier_rounds"][0]["rubric_version"], 1);
    assert_eq!(item["earlier_rounds"][0]["judgments"][0]["label"], "mild");
    assert_eq!(item["decisions"][0]["kind"], "rereview");
    assert_eq!(item["decisions"][0]["actor"], "tester");
    assert_eq!(item["decisions"][1]["actor"], "lee");
    assert_eq!(item["decisions"][1]["round"], 2);
    assert!(json(&again.ok(&["verify", "--json"]))["intact"] == true);
}

/// The README's loop block, run as written from the checkout's root: it needs nothing but its
/// fixtures and writes only into its temp folder.
#[test]
fn the_readme_loop_runs_as_written_on_a_database_of_its_own() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let block = readme
        .split("### The re-review loop")
        .nth(1)
        .and_then(|section| section.split("```sh\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the loop's sh block");
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_dissent"))
        .parent()
        .expect("bin folder");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .args(["-ec", block])
        .current_dir(root())
        .env("PATH", path)
        .env("TMPDIR", tmp.path())
        .env("DISSENT_USER", "tester")
        .env_remove("DISSENT_DB")
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let folders: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("tmp")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(folders.len(), 1, "the loop's own temp folder");
    let folder = folders[0].path();
    assert!(folder.join("loop.db").is_file());
    let exported = std::fs::read_to_string(folder.join("loop.jsonl")).expect("export");
    let lines: Vec<serde_json::Value> = exported.lines().map(json).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["adjudicated_label"], "moderate");
    assert_eq!(lines[0]["rubric_version"], 2);
}
