//! `dissent show` in plain text, through the real binary: it prints the item view the console
//! draws, erring reviewers and the rubric's anchors included, with outside text made inert; and
//! `dissent log`, whose columns are padded in display cells.

mod common;

use common::{Dir, TUMOR_RUBRIC, reviewer_error, root, rubric};

common::both_backends! {
    a_decision_names_its_erring_reviewers,
    a_rationale_is_shown_with_the_criteria_anchors_of_its_label,
    without_criteria_every_anchor_of_the_label_shows,
    payload_keys_and_values_are_inert,
    the_log_pads_actors_in_display_cells,
}

fn seed(d: &Dir) {
    d.import(
        &root().join("fixtures/mri-2031/judgments.jsonl"),
        &rubric("tumor_severity_grade.yaml"),
        "pilot",
        &[],
    );
}

fn a_decision_names_its_erring_reviewers() {
    let d = Dir::new();
    seed(&d);
    d.ok(&reviewer_error(
        "mri-2031",
        "moderate",
        &["D"],
        "D measured on the oblique view",
    ));
    let out = d.ok(&["show", "mri-2031"]);
    assert!(
        out.contains("hard label moderate [reviewer_error]\n    erring: D\n    D measured"),
        "{out}"
    );
}

fn a_rationale_is_shown_with_the_criteria_anchors_of_its_label() {
    let d = Dir::new();
    seed(&d);
    let out = d.ok(&["show", "mri-2031"]);
    assert!(
        out.contains("  A  moderate  conf 0.80\n    lesion 18mm > 15mm threshold\n    anchors · lesion_size: 15–30 mm · edema: confined to the margin\n"),
        "{out}"
    );
    // the label's first anchor is not passed off as the one that applies
    assert!(!out.contains("15–30 mm on the standard view"), "{out}");
}

fn without_criteria_every_anchor_of_the_label_shows() {
    let d = Dir::new();
    let yaml = TUMOR_RUBRIC.replace(
        "  - id: moderate\n",
        "  - id: moderate\n    anchors: [\"15–30 mm\", \"no edema beyond the margin\"]\n",
    );
    let r = d.file("rubric.yaml", yaml);
    d.import(
        &root().join("fixtures/mri-2031/judgments.jsonl"),
        &r,
        "pilot",
        &[],
    );
    let out = d.ok(&["show", "mri-2031"]);
    assert!(
        out.contains("    anchors · 15–30 mm · no edema beyond the margin\n"),
        "{out}"
    );
    // labels without anchors show none
    assert_eq!(out.matches("anchors ·").count(), 2, "{out}");
}

fn payload_keys_and_values_are_inert() {
    let d = Dir::new();
    let rows = d.file(
        "rows.jsonl",
        "{\"item_id\":\"x-1\",\"reviewer\":\"A\",\"label\":\"mild\",\"\\u001b]0;pwned\\u0007key\":\"v\\u001b[2J\"}\n",
    );
    let r = d.file("rubric.yaml", TUMOR_RUBRIC);
    d.import(&rows, &r, "pilot", &[]);
    let out = d.ok(&["show", "x-1"]);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("  ␛]0;pwned␇key: v␛[2J\n"), "{out}");
}

fn the_log_pads_actors_in_display_cells() {
    let d = Dir::new();
    let r = d.file("rubric.yaml", TUMOR_RUBRIC);
    let rows = d.file(
        "rows.jsonl",
        "{\"item_id\":\"x-1\",\"reviewer\":\"A\",\"label\":\"mild\"}\n",
    );
    for actor in ["日本語", "abc"] {
        let out = d.run(&[
            "import",
            rows.to_str().expect("path"),
            "--rubric",
            r.to_str().expect("path"),
            "--batch",
            actor,
            "--as",
            actor,
        ]);
        assert!(out.status.success(), "{out:?}");
    }
    let log = d.ok(&["log"]);
    let columns: Vec<usize> = log
        .lines()
        .map(|l| {
            let after_actor = l.find(" import").expect("action");
            dissent::text::width(&l[..after_actor])
        })
        .collect();
    assert_eq!(columns.len(), 2, "{log}");
    assert_eq!(columns[0], columns[1], "{log}");
}
