//! Batch agreement figures against hand-worked published examples.

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
