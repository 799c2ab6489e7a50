//! Batch agreement figures against hand-worked published examples.

mod common;

use dissent::domain::metrics::AgreementAccumulator;

/// Label counts per unit from a coders × units table (`None` = missing), categories 1..=k.
fn units_from_table(table: &[[Option<u8>; 12]], k: usize) -> Vec<Vec<u64>> {
    (0..12)
        .map(|u| {
            let mut c = vec![0; k];
            for coder in table {
                if let Some(v) = coder[u] {
                    c[usize::from(v) - 1] += 1;
                }
            }
            c
        })
        .collect()
}

fn accumulate(units: &[Vec<u64>], k: usize) -> dissent::domain::metrics::Agreement {
    let mut acc = AgreementAccumulator::new(k);
    units.iter().for_each(|u| acc.add_unit(u));
    acc.finish()
}

/// Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the nominal example:
/// four observers, twelve units, values 1–5, missing data. Published α = 0.743.
#[test]
fn krippendorff_worked_example_nominal_alpha_is_0_743() {
    const N: Option<u8> = None;
    let s = Some;
    let table = [
        [
            s(1),
            s(2),
            s(3),
            s(3),
            s(2),
            s(1),
            s(4),
            s(1),
            s(2),
            N,
            N,
            N,
        ],
        [
            s(1),
            s(2),
            s(3),
            s(3),
            s(2),
            s(2),
            s(4),
            s(1),
            s(2),
            s(5),
            N,
            s(3),
        ],
        [
            N,
            s(3),
            s(3),
            s(3),
            s(2),
            s(3),
            s(4),
            s(2),
            s(2),
            s(5),
            s(1),
            N,
        ],
        [
            s(1),
            s(2),
            s(3),
            s(3),
            s(2),
            s(4),
            s(4),
            s(1),
            s(2),
            s(5),
            s(1),
            N,
        ],
    ];
    let a = accumulate(&units_from_table(&table, 5), 5);
    let alpha = a.krippendorff_alpha.expect("defined");
    assert!((alpha - 0.743).abs() < 5e-4, "α = {alpha}");
    // Unit 12 has a single value and does not pair: eleven pairable units.
    assert_eq!(a.pairable_items, 11);
    assert!(
        a.fleiss_kappa.is_none() && a.fleiss_kappa_reason.is_some(),
        "unequal reviewer counts"
    );
}

/// The 10 subjects × 14 raters × 5 categories example reproduced with Fleiss' κ in the
/// literature (Wikipedia, "Fleiss' kappa", worked example): P̄ = 0.378, P_e = 0.213, κ = 0.210.
#[test]
fn fleiss_kappa_worked_example_is_0_210() {
    let units: Vec<Vec<u64>> = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    .iter()
    .map(|r| r.to_vec())
    .collect();
    let a = accumulate(&units, 5);
    let kappa = a.fleiss_kappa.expect("equal counts");
    assert!((kappa - 0.210).abs() < 5e-4, "κ = {kappa}");
    // With equal reviewer counts, pooled pairwise agreement is Fleiss' P̄.
    assert!((a.percent_agreement.expect("pa") - 0.378).abs() < 5e-4);
}

#[test]
fn undefined_figures_say_why() {
    let a = accumulate(&[vec![3, 0], vec![4, 0]], 2);
    assert_eq!(a.krippendorff_alpha, None);
    assert!(
        a.krippendorff_alpha_reason
            .expect("reason")
            .contains("same label")
    );
    let a = accumulate(&[vec![1, 0]], 2);
    assert_eq!(a.percent_agreement, None);
}

fn fixture(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/agreement")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json")
}

/// Fleiss (1971), Table 1: 30 patients × 6 psychiatrists × 5 diagnoses, κ = .430
/// (transcription and provenance in fixtures/agreement/README.md).
#[test]
fn fleiss_1971_table_gives_kappa_0_430() {
    let f = fixture("fleiss_1971.json");
    let units: Vec<Vec<u64>> = serde_json::from_value(f["counts"].clone()).expect("counts");
    assert_eq!(units.len(), 30);
    let a = accumulate(&units, 5);
    let kappa = a.fleiss_kappa.expect("six raters everywhere");
    assert!((kappa - 0.430).abs() < 5e-4, "κ = {kappa}");
    // The exact rational 5437/12637 computed by tools/reference/agreement_reference.py.
    assert!((kappa - 5437.0 / 12637.0).abs() < 1e-12, "κ = {kappa}");
}

/// α on the VariErr NLI rows of ../shared/data equals the independent reference
/// (exact fractions, cross-checked with the `krippendorff` package) to 1e-9.
#[test]
fn varierr_alpha_matches_the_independent_reference() {
    let Some(data) = common::shared_data("varierr-nli.judgments.jsonl") else {
        return;
    };
    let reference = fixture("varierr_reference.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db.sqlite");
    let rubric = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/nli.yaml");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dissent"))
            .args(args)
            .env("DISSENT_DB", &db)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf8")
    };
    run(&[
        "import",
        data.to_str().expect("path"),
        "--rubric",
        rubric.to_str().expect("path"),
        "--batch",
        "varierr",
    ]);
    let stats: serde_json::Value = serde_json::from_str(&run(&["stats", "--json"])).expect("json");
    for key in ["krippendorff_alpha", "percent_agreement"] {
        let ours = stats[key].as_f64().expect(key);
        let theirs = reference[key].as_f64().expect(key);
        assert!(
            (ours - theirs).abs() < 1e-9,
            "{key}: {ours} vs reference {theirs}"
        );
    }
    assert_eq!(stats["fleiss_kappa"], serde_json::Value::Null);
    assert_eq!(stats["pairable_items"], reference["pairable_items"]);
}
