//! The model-vs-panel figures against scipy (fixtures/divergence/reference.json, made by
//! `python3 tools/reference/divergence_reference.py > fixtures/divergence/reference.json`
//! with numpy 2.4.6 and scipy 1.17.1), their invariants over generated distributions, and the
//! paired bootstrap's resamples.

use dissent::domain::divergence::{
    COMPARED, Figures, Scores, compare, differences_of_draws, paired_differences,
};
use dissent::domain::metrics::shares;
use dissent::domain::model::DisagreementClass;
use proptest::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/divergence")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn floats(v: &Value) -> Vec<f64> {
    serde_json::from_value(v.clone()).expect("numbers")
}

fn close(what: &str, a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: {a} vs scipy {b}"
    );
}

fn opt(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The fixture's items, scored for `model` ("first" or "second"), only those of `class` if given.
fn scores(model: &str, class: Option<&str>) -> Scores {
    let items = fixture("items.json");
    let mut s = Scores::default();
    for (i, it) in items["items"].as_array().expect("items").iter().enumerate() {
        let c = it["class"].as_str().expect("class");
        if class.is_some_and(|k| k != c) {
            continue;
        }
        let counts: Vec<u64> = serde_json::from_value(it["counts"].clone()).expect("counts");
        let class = DisagreementClass::parse(c).expect("a class");
        s.add(i as i64, class, &shares(&counts), &floats(&it[model]));
    }
    s
}

fn check(figures: &Figures, reference: &Value) {
    let pairs = [
        ("kl_mean", figures.kl_mean),
        ("kl_sd", figures.kl_sd),
        ("js_mean", figures.js_mean),
        ("tv_mean", figures.tv_mean),
        ("cross_entropy_mean", figures.cross_entropy_mean),
        ("accuracy", figures.accuracy),
        ("pearson", figures.pearson),
        ("spearman", figures.spearman),
    ];
    for (name, value) in pairs {
        close(name, value.expect(name), opt(&reference[name]).expect(name));
    }
    assert_eq!(
        figures.clipped_items,
        reference["clipped_items"].as_u64().expect("clipped")
    );
    assert_eq!(
        figures.tied_items,
        reference["tied_items"].as_u64().expect("tied")
    );
}

#[test]
fn every_item_figure_matches_scipy() {
    let items = fixture("items.json");
    let reference = fixture("reference.json");
    for model in ["first", "second"] {
        for (it, r) in items["items"]
            .as_array()
            .expect("items")
            .iter()
            .zip(reference[model]["items"].as_array().expect("rows"))
        {
            let counts: Vec<u64> = serde_json::from_value(it["counts"].clone()).expect("counts");
            let d = compare(&shares(&counts), &floats(&it[model]));
            let at = format!("{model} {}", it["counts"]);
            close(
                &format!("{at} kl"),
                d.kl_nats,
                r["kl"].as_f64().expect("kl"),
            );
            close(
                &format!("{at} js"),
                d.js_bits,
                r["js"].as_f64().expect("js"),
            );
            close(
                &format!("{at} tv"),
                d.total_variation,
                r["tv"].as_f64().expect("tv"),
            );
            close(
                &format!("{at} ce"),
                d.cross_entropy_nats,
                r["ce"].as_f64().expect("ce"),
            );
            close(
                &format!("{at} model entropy"),
                d.model_entropy_bits,
                r["model_h"].as_f64().expect("h"),
            );
            assert_eq!(d.clipped, r["clipped"].as_bool().expect("clipped"), "{at}");
        }
    }
}

#[test]
fn model_figures_and_a_class_breakdown_match_scipy() {
    let reference = fixture("reference.json");
    check(&scores("first", None).figures(), &reference["first"]);
    check(&scores("second", None).figures(), &reference["second"]);
    let by_class = scores("first", None).by_class();
    let (_, major) = by_class
        .iter()
        .find(|(c, _)| *c == DisagreementClass::Major)
        .expect("major");
    check(major, &reference["major_first"]);
    assert_eq!(major, &scores("first", Some("major")).figures());
}

#[test]
fn paired_differences_are_second_minus_first_and_repeat_with_their_seed() {
    let (a, b) = (scores("first", None), scores("second", None));
    let d = paired_differences(&a, &b, 300, 7);
    let (fa, fb) = (a.figures().compared(), b.figures().compared());
    for (i, diff) in d.iter().enumerate() {
        assert_eq!(diff.figure, COMPARED[i]);
        let expected = fb[i].expect("b") - fa[i].expect("a");
        close(diff.figure, diff.difference.expect("difference"), expected);
        assert_eq!(diff.interval.resamples, 300);
    }
    // KL falls from 0.696 to 0.064: a relative change of about −91%
    assert!((d[0].relative_change.expect("relative") + 0.908).abs() < 1e-3);
    assert_eq!(d, paired_differences(&a, &b, 300, 7));
    assert_ne!(d, paired_differences(&a, &b, 300, 8));
}

#[test]
fn models_are_paired_on_the_items_both_predict() {
    let (a, b) = (scores("first", None), scores("second", Some("agreement")));
    let (pa, pb) = Scores::paired(&a, &b);
    assert_eq!((pa.len(), pb.len()), (3, 3));
    assert_eq!(pa.figures(), scores("first", Some("agreement")).figures());
}

fn distribution(k: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(prop_oneof![Just(0.0), 0.0..1.0f64], k).prop_filter_map(
        "not all zero",
        |v| {
            let total: f64 = v.iter().sum();
            (total > 0.0).then(|| v.iter().map(|x| x / total).collect())
        },
    )
}

fn two(max: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (2..=max).prop_flat_map(|k| (distribution(k), distribution(k)))
}

proptest! {
    #[test]
    fn kl_is_nonnegative_js_at_most_one_bit_tv_within_zero_and_one((p, q) in two(6)) {
        let d = compare(&p, &q);
        prop_assert!(d.kl_nats >= 0.0 && d.kl_nats.is_finite(), "{}", d.kl_nats);
        prop_assert!((0.0..=1.0).contains(&d.js_bits), "{}", d.js_bits);
        prop_assert!((0.0..=1.0).contains(&d.total_variation), "{}", d.total_variation);
        prop_assert!(d.cross_entropy_nats + 1e-12 >= d.kl_nats);
    }

    #[test]
    fn a_model_equal_to_the_panel_is_at_zero((p, _) in two(6)) {
        let d = compare(&p, &p);
        prop_assert!(d.kl_nats < 1e-9, "{}", d.kl_nats);
        prop_assert!(d.js_bits < 1e-12 && d.total_variation == 0.0);
    }

    #[test]
    fn injected_draws_give_the_differences_of_those_items(picks in proptest::collection::vec(0usize..8, 1..30)) {
        let (a, b) = (scores("first", None), scores("second", None));
        let draws: Vec<u64> = picks.iter().map(|&p| p as u64).collect();
        let got = differences_of_draws(&a, &b, &draws);
        // the same items, scored afresh as a batch of their own
        let items = fixture("items.json");
        let rows = items["items"].as_array().expect("items");
        let (mut ra, mut rb) = (Scores::default(), Scores::default());
        for (n, &p) in picks.iter().enumerate() {
            let it = &rows[p];
            let counts: Vec<u64> = serde_json::from_value(it["counts"].clone()).expect("counts");
            let class = DisagreementClass::parse(it["class"].as_str().expect("class")).expect("class");
            ra.add(n as i64, class, &shares(&counts), &floats(&it["first"]));
            rb.add(n as i64, class, &shares(&counts), &floats(&it["second"]));
        }
        let (fa, fb) = (ra.figures().compared(), rb.figures().compared());
        for i in 0..COMPARED.len() {
            match (got[i], fa[i].zip(fb[i]).map(|(x, y)| y - x)) {
                (Some(g), Some(e)) => prop_assert!((g - e).abs() < 1e-9, "{}: {g} vs {e}", COMPARED[i]),
                (g, e) => prop_assert_eq!(g, e, "{}", COMPARED[i]),
            }
        }
    }
}
