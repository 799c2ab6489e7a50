//! Invariants of the report's figures over generated batches.

use dissent::domain::coincidence::{Distance, Panels};
use dissent::domain::decision::DecisionStatus;
use dissent::domain::metrics::wilson;
use dissent::domain::model::{DisagreementClass, FlagSet};
use dissent::domain::report::{ItemInput, ReportBuilder, ReportContext, Vote};
use dissent::domain::rubric::Rubric;
use proptest::prelude::*;

/// Items as (reviewer, label) votes: up to 6 reviewers `r0…`, labels below `k`.
fn batch(k: usize) -> impl Strategy<Value = Vec<Vec<(usize, usize)>>> {
    proptest::collection::vec(
        proptest::collection::btree_map(0usize..6, 0..k, 0..6)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>()),
        1..30,
    )
}

fn counts(votes: &[(usize, usize)], k: usize) -> Vec<u64> {
    let mut c = vec![0; k];
    votes.iter().for_each(|&(_, l)| c[l] += 1);
    c
}

const NAMES: [&str; 6] = ["r0", "r1", "r2", "r3", "r4", "r5"];

fn report(items: &[Vec<(usize, usize)>], rubric: &Rubric) -> dissent::domain::report::Report {
    let k = rubric.labels.len();
    let mut b = ReportBuilder::new(rubric);
    for (i, votes) in items.iter().enumerate() {
        let c = counts(votes, k);
        let v: Vec<Vote> = votes
            .iter()
            .map(|&(r, l)| Vote {
                reviewer: NAMES[r],
                label: l,
                confidence: Some(0.25 * l as f64),
            })
            .collect();
        let id = format!("i{i}");
        b.add(&ItemInput {
            item_id: &id,
            counts: &c,
            votes: &v,
            counts_only: false,
            gold_label: None,
            norm_entropy: 0.5,
            mean_confidence: None,
            class: DisagreementClass::Major,
            flags: FlagSet::default(),
            status: DecisionStatus::Pending,
            decision: None,
        });
    }
    b.finish(ReportContext {
        batch: "b".into(),
        status: "open".into(),
        generated_at: "2026-01-01T00:00:00Z".into(),
        tool_version: "test".into(),
        generated_by: "t".into(),
    })
}

fn rubric(level: &str) -> Rubric {
    Rubric::parse(&format!(
        "task: t\nversion: 1\nlabels: [{{id: 1}}, {{id: 2}}, {{id: 4}}]\nlevel: {level}\n"
    ))
    .expect("rubric")
}

fn distances() -> [Distance; 3] {
    [
        Distance::Nominal,
        Distance::Ordinal,
        Distance::Interval(vec![1.0, 2.0, 4.0]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn coincidence_is_symmetric_and_totals_the_pairable_values(items in batch(3)) {
        let mut p = Panels::new(3);
        items.iter().for_each(|v| p.add(&counts(v, 3)));
        let o = p.coincidence();
        for (c, row) in o.iter().enumerate() {
            for (d, x) in row.iter().enumerate() {
                prop_assert!((x - o[d][c]).abs() < 1e-9);
            }
        }
        let pairable: usize = items.iter().filter(|v| v.len() >= 2).map(Vec::len).sum();
        let total: f64 = o.iter().flatten().sum();
        prop_assert!((total - pairable as f64).abs() < 1e-9);
    }

    #[test]
    fn alpha_is_one_on_perfect_agreement(labels in proptest::collection::vec((0usize..3, 2u64..6), 2..20)) {
        let mut p = Panels::new(3);
        for &(l, m) in &labels {
            let mut c = vec![0; 3];
            c[l] = m;
            p.add(&c);
        }
        let varied = labels.iter().any(|&(l, _)| l != labels[0].0);
        for d in distances() {
            let a = p.alpha(&d);
            if varied {
                prop_assert!((a.value.expect("defined") - 1.0).abs() < 1e-12);
            } else {
                prop_assert!(a.value.is_none() && a.reason.is_some());
            }
        }
    }

    #[test]
    fn injected_resample_gives_the_alpha_of_those_items(items in batch(3), picks in proptest::collection::vec(any::<u64>(), 1..40)) {
        let mut p = Panels::new(3);
        let mut pairable: Vec<Vec<u64>> = items.iter().map(|v| counts(v, 3)).filter(|c| c.iter().sum::<u64>() >= 2).collect();
        items.iter().for_each(|v| p.add(&counts(v, 3)));
        prop_assume!(!pairable.is_empty());
        // Draws index the pairable items in count-vector order.
        pairable.sort();
        let draws: Vec<u64> = picks.iter().map(|x| x % pairable.len() as u64).collect();
        let mut resample = Panels::new(3);
        for &i in &draws {
            resample.add(&pairable[usize::try_from(i).expect("small")]);
        }
        for d in distances() {
            let (a, b) = (p.alpha_of_draws(&d, &draws).value, resample.alpha(&d).value);
            match (a, b) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
                (a, b) => prop_assert_eq!(a, b),
            }
        }
    }

    #[test]
    fn wilson_contains_its_estimate_within_zero_and_one(total in 1u64..10_000, passed in 0u64..10_000) {
        let passed = passed % (total + 1);
        let (low, high) = wilson(passed, total).expect("defined");
        let p = passed as f64 / total as f64;
        prop_assert!(0.0 <= low && low <= p && p <= high && high <= 1.0, "{low} {p} {high}");
    }

    #[test]
    fn pairs_are_counted_once_per_pair_and_the_same_report_comes_twice(items in batch(3)) {
        let rubric = rubric("ordinal");
        let r = report(&items, &rubric);
        prop_assert_eq!(&r, &report(&items, &rubric));
        for pair in &r.pairs {
            prop_assert!(pair.a < pair.b);
            let (ra, rb) = (NAMES.iter().position(|n| *n == pair.a).expect("a"), NAMES.iter().position(|n| *n == pair.b).expect("b"));
            // Either order of the two reviewers counts the same items.
            let count = |x: usize, y: usize| items.iter().fold((0, 0), |(s, g), v| {
                match (v.iter().find(|p| p.0 == x), v.iter().find(|p| p.0 == y)) {
                    (Some(a), Some(b)) => (s + 1, g + u64::from(a.1 == b.1)),
                    _ => (s, g),
                }
            });
            prop_assert_eq!(count(ra, rb), (pair.shared, pair.agreeing));
            prop_assert_eq!(count(rb, ra), (pair.shared, pair.agreeing));
        }
        let listed: std::collections::HashSet<(&str, &str)> = r.pairs.iter().map(|p| (p.a.as_str(), p.b.as_str())).collect();
        prop_assert_eq!(listed.len(), r.pairs.len());
    }
}

/// On the fixtures, the bootstrap interval holds the point estimate and a rerun draws the
/// same interval (a percentile interval need not hold its estimate on every data set, so this
/// is checked on real data rather than generated panels).
#[test]
fn bootstrap_intervals_hold_their_estimate_and_repeat() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/agreement/fleiss_1971.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let units: Vec<Vec<u64>> = serde_json::from_value(doc["counts"].clone()).expect("counts");
    let mut p = Panels::new(5);
    units.iter().for_each(|u| p.add(u));
    let distances = [&Distance::Nominal, &Distance::Ordinal];
    let intervals = p.alpha_intervals(&distances, 500, 7);
    for (d, i) in distances.iter().zip(&intervals) {
        let a = p.alpha(d).value.expect("α");
        assert!(
            i.low.expect("low") <= a && a <= i.high.expect("high"),
            "{i:?} {a}"
        );
    }
    assert_eq!(intervals, p.alpha_intervals(&distances, 500, 7));
    assert_ne!(intervals, p.alpha_intervals(&distances, 500, 8));
}

/// A batch with no items (the store never holds one, but the model must not care) reports
/// every figure as undefined with a reason, rather than failing.
#[test]
fn no_items_give_undefined_figures_not_a_panic() {
    let r = report(&[], &rubric("interval"));
    let a = &r.agreement;
    assert_eq!(a.alpha_nominal.figure.value, None);
    assert!(a.alpha_nominal.figure.reason.is_some());
    assert_eq!(
        (
            a.alpha_nominal.interval.low,
            a.alpha_nominal.interval.undefined
        ),
        (None, 1000)
    );
    assert!(
        a.alpha_level
            .as_ref()
            .is_some_and(|l| l.figure.value.is_none())
    );
    assert!(a.fleiss_kappa.reason.is_some() && a.percent_agreement.reason.is_some());
    assert!(r.reviewers.is_empty() && r.pairs.is_empty() && r.dawid_skene.is_none());
    assert_eq!((r.gold.items.rate, r.gold.items.low), (None, None));
}
