//! Invariants of the metrics and triage rules over generated panels.

use dissent::domain::metrics::{AgreementAccumulator, entropy_bits, normalized_entropy, shares};
use dissent::domain::model::{DisagreementClass, Judgment, Panel};
use dissent::domain::rubric::Rubric;
use dissent::domain::triage::{summarize, summarize_counts};
use proptest::prelude::*;

fn counts(max_labels: usize) -> impl Strategy<Value = Vec<u64>> {
    (2..=max_labels).prop_flat_map(|k| proptest::collection::vec(0u64..40, k))
}

fn rubric(k: usize) -> Rubric {
    let labels: String = (0..k).map(|i| format!("  - id: l{i}\n")).collect();
    Rubric::parse(&format!("task: t\nversion: 1\nlabels:\n{labels}")).expect("rubric")
}

/// A panel of reviewers `r0…` with these labels (indexes into `rubric(k)`) and confidences.
fn panel(votes: &[(usize, Option<f64>)]) -> Panel {
    Panel::Judgments(
        votes
            .iter()
            .enumerate()
            .map(|(i, (label, confidence))| Judgment {
                reviewer: format!("r{i}"),
                label: format!("l{label}"),
                raw_confidence: *confidence,
                confidence: *confidence,
                evidence: None,
                attributes: serde_json::Map::new(),
            })
            .collect(),
    )
}

proptest! {
    #[test]
    fn flags_do_not_depend_on_reviewer_order(
        votes in proptest::collection::vec((0usize..3, proptest::option::of(0u32..=10)), 1..12),
        seed in any::<u64>(),
    ) {
        let votes: Vec<(usize, Option<f64>)> =
            votes.into_iter().map(|(l, c)| (l, c.map(|c| f64::from(c) / 10.0))).collect();
        let mut shuffled = votes.clone();
        // a deterministic shuffle from the seed
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let r = rubric(3);
        let a = summarize(&panel(&votes), &r, None);
        let b = summarize(&panel(&shuffled), &r, None);
        prop_assert_eq!(a.flags, b.flags);
        prop_assert_eq!(a.mean_confidence, b.mean_confidence);
    }

    #[test]
    fn distributions_sum_to_one(c in counts(12)) {
        prop_assume!(c.iter().sum::<u64>() > 0);
        let s = shares(&c);
        prop_assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        prop_assert!(s.iter().all(|p| (0.0..=1.0).contains(p)));
    }

    #[test]
    fn entropy_lies_between_zero_and_log2_k(c in counts(12)) {
        prop_assume!(c.iter().sum::<u64>() > 0);
        let h = entropy_bits(&shares(&c));
        prop_assert!(h >= 0.0);
        prop_assert!(h <= (c.len() as f64).log2() + 1e-12);
        let n = normalized_entropy(h, c.len());
        prop_assert!((0.0..=1.0 + 1e-12).contains(&n));
    }

    #[test]
    fn uniform_split_has_maximal_entropy(k in 2usize..12, per in 1u64..20) {
        let h = entropy_bits(&shares(&vec![per; k]));
        prop_assert!((h - (k as f64).log2()).abs() < 1e-12);
    }

    #[test]
    fn alpha_is_one_on_perfect_agreement(units in proptest::collection::vec((0usize..4, 2u64..9), 2..60)) {
        // Every item unanimous; at least two labels in use so that α is defined.
        prop_assume!(units.iter().any(|u| u.0 != units[0].0));
        let mut acc = AgreementAccumulator::new(4);
        for (label, m) in &units {
            let mut c = vec![0; 4];
            c[*label] = *m;
            acc.add_unit(&c);
        }
        let a = acc.finish();
        prop_assert!((a.krippendorff_alpha.expect("defined") - 1.0).abs() < 1e-12);
        prop_assert_eq!(a.percent_agreement, Some(1.0));
    }

    #[test]
    fn alpha_and_agreement_stay_in_range(units in proptest::collection::vec(proptest::collection::vec(0u64..6, 3), 1..40)) {
        let mut acc = AgreementAccumulator::new(3);
        units.iter().for_each(|u| acc.add_unit(u));
        let a = acc.finish();
        if let Some(alpha) = a.krippendorff_alpha {
            prop_assert!((-1.0 - 1e-9..=1.0 + 1e-12).contains(&alpha), "alpha {}", alpha);
        }
        if let Some(p) = a.percent_agreement {
            prop_assert!((0.0..=1.0).contains(&p));
        }
    }

    #[test]
    fn class_follows_the_top_share(c in counts(6)) {
        let r = rubric(c.len());
        let s = summarize_counts(c.clone(), None, &r, None);
        let n: u64 = c.iter().sum();
        let max = c.iter().copied().max().unwrap_or(0);
        let tied = c.iter().filter(|&&x| x == max).count() > 1;
        let expected = if n < 3 || tied {
            DisagreementClass::Unresolved
        } else if max as f64 / n as f64 >= 0.9 {
            DisagreementClass::Agreement
        } else if max as f64 / n as f64 >= 0.6 {
            DisagreementClass::Minor
        } else {
            DisagreementClass::Major
        };
        prop_assert_eq!(s.figures.class, expected);
        prop_assert_eq!(s.figures.reviewer_count, n);
    }
}

#[test]
fn the_seed_split_is_major_with_one_and_a_half_bits() {
    let r = rubric(3);
    let s = summarize_counts(vec![1, 2, 1], Some(0.7625), &r, None);
    assert_eq!(s.figures.shares, [0.25, 0.5, 0.25]);
    assert_eq!(s.figures.entropy_bits, 1.5);
    assert_eq!(s.figures.class, DisagreementClass::Major);
    assert_eq!(s.flags.len(), 1);
    assert_eq!(
        s.flags[0].explanation,
        "H 0.95 of max, mean confidence 0.76 ≥ 0.6: genuine ambiguity"
    );
}

#[test]
fn exact_threshold_shares_meet_the_threshold() {
    let r = rubric(2);
    assert_eq!(
        summarize_counts(vec![9, 1], None, &r, None).figures.class,
        DisagreementClass::Agreement
    );
    assert_eq!(
        summarize_counts(vec![3, 2], None, &r, None).figures.class,
        DisagreementClass::Minor
    );
    assert_eq!(
        summarize_counts(vec![2, 2], None, &r, None).figures.class,
        DisagreementClass::Unresolved
    );
    assert_eq!(
        summarize_counts(vec![2, 0], None, &r, None).figures.class,
        DisagreementClass::Unresolved
    );
}

#[test]
fn a_mean_confidence_at_the_threshold_is_not_below_it_in_any_order() {
    let r = rubric(2);
    let confidences = [0.0, 0.6, 0.7, 0.8, 0.9];
    for order in [confidences, [0.9, 0.8, 0.7, 0.6, 0.0]] {
        let votes: Vec<(usize, Option<f64>)> = order
            .iter()
            .enumerate()
            .map(|(i, c)| (i % 2, Some(*c)))
            .collect();
        let s = summarize(&panel(&votes), &r, None);
        let kinds: Vec<&str> = s.flags.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["genuine_ambiguity"], "{order:?}");
    }
}

#[test]
fn flags_explain_their_numbers() {
    let r = rubric(3);
    let low = summarize_counts(vec![2, 1, 1], Some(0.45), &r, Some("l2"));
    let text: Vec<&str> = low.flags.iter().map(|f| f.explanation.as_str()).collect();
    assert_eq!(
        text,
        [
            "H 0.95 of max, mean confidence 0.45 < 0.6: likely a rubric problem",
            "gold item: plurality l0 (0.50) ≠ gold l2",
        ]
    );
    let few = summarize_counts(vec![1, 1, 0], None, &r, None);
    let kinds: Vec<&str> = few.flags.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["high_entropy", "low_coverage"]);
}

#[test]
fn a_unanimous_panel_has_zero_entropy_not_negative_zero() {
    let h = entropy_bits(&shares(&[4, 0, 0]));
    assert!(h == 0.0 && h.is_sign_positive(), "{h:?}");
    assert_eq!(serde_json::to_string(&h).expect("json"), "0.0");
}
