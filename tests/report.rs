//! `dissent report`: every figure against the independent reference of
//! tools/reference/report_reference.py (fixtures/agreement/report_reference.json), and the
//! renderings' promises (one JSON document, CSV tables, refused formats).

mod common;

use common::{Dir, POPQUORN_MAP, gold_sent_back, real_batch, reviewer_error, root};
use dissent::domain::coincidence::{Distance, Panels};
use dissent::domain::metrics::wilson;
use serde_json::Value;

common::both_backends! {
    varierr_slice_report_matches_the_reference,
    popquorn_slice_gives_interval_alpha_as_the_krippendorff_package,
    gold_pass_rates_lists_and_decisions_are_counted_by_hand,
    per_reviewer_figures_match_the_reference,
    dawid_skene_matches_crowd_kit_on_the_varierr_slice,
    entropy_and_confidence_histograms_are_counted_by_hand,
    a_reviewer_sheet_lists_what_to_go_through_with_them,
    csv_tables_and_a_json_file_are_written_whole,
    unknown_formats_and_missing_folders_are_refused_with_nothing_written,
    a_batch_of_counts_says_why_it_has_no_reviewer_figures,
}
// The figures' own tests (alpha, kappa, Wilson) read no database: they run once.

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/agreement").join(name)).expect("read");
    serde_json::from_str(&text).expect("json")
}

fn reference() -> Value {
    fixture("report_reference.json")
}

fn close(ours: f64, theirs: &Value, what: &str) {
    let theirs = theirs
        .get("value")
        .unwrap_or(theirs)
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {theirs}"));
    assert!((ours - theirs).abs() < 1e-12, "{what}: {ours} vs {theirs}");
}

/// Krippendorff (2011) example C as panels: label counts per unit, values 1–5.
fn krippendorff_2011() -> Panels {
    let f = fixture("krippendorff_worked_example.json");
    let coders: Vec<Vec<Option<u64>>> = f["coders"]
        .as_object()
        .expect("coders")
        .values()
        .map(|v| serde_json::from_value(v.clone()).expect("values"))
        .collect();
    let mut p = Panels::new(5);
    for u in 0..coders[0].len() {
        let mut counts = vec![0; 5];
        for c in coders.iter().filter_map(|c| c[u]) {
            counts[usize::try_from(c).expect("small") - 1] += 1;
        }
        p.add(&counts);
    }
    p
}

#[test]
fn worked_example_alpha_at_every_level_and_its_coincidence_matrix() {
    let r = &reference()["krippendorff_2011"];
    let p = krippendorff_2011();
    let values = Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    for (level, distance) in [
        ("nominal", Distance::Nominal),
        ("ordinal", Distance::Ordinal),
        (
            "interval",
            Distance::Interval(values.clone().expect("values")),
        ),
    ] {
        let a = p.alpha(&distance).value.expect("defined");
        close(a, &r[format!("alpha_{level}")], level);
        close(a, &r[format!("alpha_{level}_package")], level);
        // Published to three decimals: 0.743, 0.815, 0.849.
        assert!(
            (a - r["published"][level].as_f64().expect("p")).abs() < 5e-4,
            "{level} {a}"
        );
    }
    for (row, theirs) in p
        .coincidence()
        .iter()
        .zip(r["coincidence"].as_array().expect("rows"))
    {
        for (o, t) in row.iter().zip(theirs.as_array().expect("row")) {
            close(*o, t, "coincidence");
        }
    }
}

#[test]
fn per_category_kappa_matches_fleiss_1971_and_the_wikipedia_example() {
    for (name, key) in [
        ("fleiss_1971.json", "fleiss_1971"),
        ("fleiss_wikipedia.json", "fleiss_wikipedia"),
    ] {
        let units: Vec<Vec<u64>> =
            serde_json::from_value(fixture(name)["counts"].clone()).expect("counts");
        let mut p = Panels::new(units[0].len());
        units.iter().for_each(|u| p.add(u));
        let r = &reference()[key];
        close(p.fleiss_kappa().value.expect("κ"), &r["fleiss_kappa"], key);
        close(
            p.fleiss_kappa().value.expect("κ"),
            &r["fleiss_kappa_statsmodels"],
            key,
        );
        for (ours, theirs) in p
            .category_kappas()
            .iter()
            .zip(r["category_kappas"].as_array().expect("κ_j"))
        {
            close(ours.value.expect("κ_j"), theirs, key);
        }
    }
    // Fleiss (1971) publishes κ_j = .245, .245, .520, .471, .566.
    let units: Vec<Vec<u64>> =
        serde_json::from_value(fixture("fleiss_1971.json")["counts"].clone()).expect("counts");
    let mut p = Panels::new(5);
    units.iter().for_each(|u| p.add(u));
    let published = [0.245, 0.245, 0.520, 0.471, 0.566];
    for (k, want) in p.category_kappas().iter().zip(published) {
        assert!((k.value.expect("κ_j") - want).abs() < 5e-4);
    }
}

#[test]
fn wilson_intervals_match_statsmodels_and_newcombes_example() {
    for case in reference()["wilson"].as_array().expect("cases") {
        let (passed, total) = (
            case["passed"].as_u64().expect("p"),
            case["total"].as_u64().expect("t"),
        );
        let (low, high) = wilson(passed, total).expect("defined");
        close(low, &case["low"], "wilson low");
        close(high, &case["high"], "wilson high");
    }
    // Newcombe (1998), Statistics in Medicine 17:857, example: 81/263 → 0.2553 to 0.3662.
    let (low, high) = wilson(81, 263).expect("defined");
    assert_eq!(
        (format!("{low:.4}"), format!("{high:.4}")),
        ("0.2553".into(), "0.3662".into())
    );
    assert_eq!(wilson(0, 0), None);
}

fn report(d: &Dir, batch: &str) -> Value {
    serde_json::from_str(&d.ok(&["report", "--batch", batch, "--json"])).expect("one JSON document")
}

fn varierr_slice_report_matches_the_reference() {
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    let r = report(&d, "v");
    let want = &reference()["varierr_slice"];
    assert_eq!(r["header"]["items"], want["items"]);
    assert_eq!(r["header"]["judgments"], want["judgments"]);
    assert_eq!(r["header"]["reviewers"], 4);
    assert_eq!(r["header"]["generated_by"], "tester");
    let a = &r["agreement"];
    close(
        a["alpha_nominal"]["value"].as_f64().expect("α"),
        &want["alpha_nominal"],
        "α",
    );
    let (low, high) = (
        a["alpha_nominal"]["interval"]["low"].as_f64().expect("low"),
        a["alpha_nominal"]["interval"]["high"]
            .as_f64()
            .expect("high"),
    );
    let alpha = a["alpha_nominal"]["value"].as_f64().expect("α");
    assert!(low <= alpha && alpha <= high, "{low} {alpha} {high}");
    assert_eq!(a["alpha_nominal"]["interval"]["resamples"], 1000);
    assert!(a.get("alpha_level").is_none(), "a nominal rubric has one α");
    for (row, theirs) in a["coincidence"]
        .as_array()
        .expect("o")
        .iter()
        .zip(want["coincidence"].as_array().expect("o"))
    {
        for (o, t) in row
            .as_array()
            .expect("row")
            .iter()
            .zip(theirs.as_array().expect("row"))
        {
            close(o.as_f64().expect("o"), t, "coincidence");
        }
    }
    let totals: Vec<&Value> = r["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| &l["judgments"])
        .collect();
    assert_eq!(
        Value::from(totals.into_iter().cloned().collect::<Vec<_>>()),
        want["label_totals"]
    );
    let pairs: Vec<Value> = r["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| serde_json::json!({"a": p["a"], "b": p["b"], "shared": p["shared"], "agreeing": p["agreeing"]}))
        .collect();
    assert_eq!(Value::from(pairs), want["pairs"]);
    // Two runs differ only in when they were made.
    let mut again = report(&d, "v");
    again["header"]["generated_at"] = r["header"]["generated_at"].clone();
    assert_eq!(again, r);
}

fn popquorn_slice_gives_interval_alpha_as_the_krippendorff_package() {
    let d = real_batch(
        "popquorn-offensiveness.slice.csv",
        "popquorn_offensiveness.yaml",
        "pq",
        &POPQUORN_MAP,
    );
    let r = report(&d, "pq");
    let want = &reference()["popquorn_slice"];
    let a = &r["agreement"];
    assert_eq!(a["level"], "interval");
    close(
        a["alpha_level"]["value"].as_f64().expect("α"),
        &want["alpha_interval_package"],
        "interval α",
    );
    close(
        a["alpha_level"]["value"].as_f64().expect("α"),
        &want["alpha_interval"],
        "interval α",
    );
    close(
        a["alpha_nominal"]["value"].as_f64().expect("α"),
        &want["alpha_nominal_package"],
        "nominal α",
    );
    assert_eq!(r["header"]["judgments"], want["judgments"]);
}

/// fixtures/report/gold.jsonl (see its README), worked by hand: g1 (gold mild) A mild, B mild,
/// C moderate → passed; g2 (gold mild) A mild, B moderate, C moderate → missed; g3 (gold severe)
/// A severe, B mild, C severe → passed. A passes 3/3, B 1/3, C 1/3; items 2/3; judgments 5/9.
/// Every item is a rubric problem, grouped by its two most chosen labels. Two decisions are
/// added: r1 to re-review, and a `reviewer_error` hard label on g2 naming B and C.
fn gold_batch() -> Dir {
    let d = gold_sent_back("C", "anchors overlap");
    d.ok(&reviewer_error("g2", "mild", &["B", "C"], "gold says mild"));
    d
}

fn gold_pass_rates_lists_and_decisions_are_counted_by_hand() {
    let d = gold_batch();
    let r = report(&d, "gold");
    let wilson_ref = reference()["wilson"].clone();
    let wilson_of = |passed: u64, total: u64| {
        wilson_ref
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["passed"] == passed && c["total"] == total)
            .cloned()
            .expect("a reference case")
    };
    let check = |p: &Value, passed: u64, total: u64| {
        assert_eq!(
            (p["passed"].as_u64(), p["total"].as_u64()),
            (Some(passed), Some(total)),
            "{p}"
        );
        let w = wilson_of(passed, total);
        close(p["low"].as_f64().expect("low"), &w["low"], "low");
        close(p["high"].as_f64().expect("high"), &w["high"], "high");
        assert!(
            p["low"].as_f64() <= p["rate"].as_f64() && p["rate"].as_f64() <= p["high"].as_f64()
        );
    };
    check(&r["gold"]["items"], 2, 3);
    check(&r["gold"]["judgments"], 5, 9);
    let reviewers = r["reviewers"].as_array().expect("rows");
    let names: Vec<&str> = reviewers
        .iter()
        .map(|x| x["reviewer"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
    check(&reviewers[0]["gold"], 3, 3);
    check(&reviewers[1]["gold"], 1, 3);
    check(&reviewers[2]["gold"], 1, 3);
    assert_eq!(reviewers[0]["items"], 5);
    let lists = &r["lists"];
    assert_eq!(lists["rereview"][0]["item_id"], "r1");
    assert_eq!(lists["rereview"][0]["reason"], "anchors overlap");
    assert_eq!(lists["rereview"][0]["by"], "tester");
    assert_eq!(
        lists["rubric_problems"],
        serde_json::json!([
            {"labels": ["mild", "moderate"], "count": 3, "items": ["g1", "g2", "r1"]},
            {"labels": ["mild", "severe"], "count": 1, "items": ["g3"]},
            {"labels": ["moderate", "severe"], "count": 1, "items": ["r2"]},
        ])
    );
    assert_eq!(
        lists["gold_misses"],
        serde_json::json!([{"item_id": "g2", "gold_label": "mild", "plurality": ["moderate"]}])
    );
    let decisions = &r["counts"]["decisions"];
    assert_eq!(decisions[0]["kind"], "hard_label");
    assert_eq!(
        decisions[0]["reason_codes"],
        serde_json::json!({"reviewer_error": 1})
    );
    assert_eq!(decisions[2]["reason_codes"], serde_json::json!({"none": 1}));
    let progress = &r["counts"]["flag_progress"][0];
    assert_eq!(
        (
            progress["flag"].as_str(),
            progress["decided"].as_u64(),
            progress["pending"].as_u64()
        ),
        (Some("rubric_problem"), Some(2), Some(3))
    );
    // Ordinal rubric: α at that level beside the nominal one; 5 items × 3 reviewers: Fleiss' κ defined.
    assert_eq!(r["agreement"]["level"], "ordinal");
    assert!(r["agreement"]["alpha_level"]["value"].is_number());
    assert!(r["agreement"]["fleiss_kappa"]["value"].is_number());
    // Pairs, counted by hand: A–B agree on g1; A–C on g3 and r2; B–C on g2.
    let pairs = r["pairs"].as_array().expect("pairs");
    let agreeing: Vec<u64> = pairs
        .iter()
        .map(|p| p["agreeing"].as_u64().expect("n"))
        .collect();
    assert_eq!(agreeing, [1, 2, 1]);
    assert!(pairs.iter().all(|p| p["shared"] == 5));
}

/// The per-reviewer figures against the reference's independent computation.
fn check_reviewers(r: &Value, want: &Value) {
    let rows = r["reviewers"].as_array().expect("rows");
    let want = want.as_object().expect("by reviewer");
    assert_eq!(rows.len(), want.len());
    for (row, (name, w)) in rows.iter().zip(want) {
        assert_eq!(row["reviewer"], name.as_str());
        let loo = &row["leave_one_out"];
        for key in ["agree", "disagree", "tied"] {
            assert_eq!(loo[key], w[key], "{name} {key}");
        }
        close(loo["rate"].as_f64().expect("rate"), &w["rate"], "rate");
        close(loo["kappa"]["value"].as_f64().expect("κ"), &w["kappa"], "κ");
        for key in ["mean_confidence", "brier"] {
            match row[key].as_f64() {
                Some(v) => close(v, &w[key], key),
                None => assert!(w[key].is_null(), "{name} {key}"),
            }
        }
        if !w["brier"].is_null() {
            close(
                row["brier"].as_f64().expect("brier"),
                &w["brier_sklearn"],
                "sklearn",
            );
        }
        for (bin, wb) in row["reliability"]
            .as_array()
            .expect("bins")
            .iter()
            .zip(w["reliability"].as_array().expect("bins"))
        {
            assert_eq!(bin["judgments"], wb["judgments"], "{name}");
            for key in ["mean_confidence", "agreement"] {
                match bin[key].as_f64() {
                    Some(v) => close(v, &wb[key], key),
                    None => assert!(wb[key].is_null()),
                }
            }
        }
    }
}

fn per_reviewer_figures_match_the_reference() {
    let r = report(&gold_batch(), "gold");
    check_reviewers(&r, &reference()["gold_batch"]);
    let errors: Vec<u64> = r["reviewers"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|x| x["errors_attributed"].as_u64().expect("n"))
        .collect();
    assert_eq!(
        errors,
        [0, 1, 1],
        "the reviewer_error hard label on g2 names B and C"
    );
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    check_reviewers(&report(&d, "v"), &reference()["varierr_slice_reviewers"]);
}

fn dawid_skene_matches_crowd_kit_on_the_varierr_slice() {
    let d = real_batch("varierr-nli.slice.jsonl", "nli.yaml", "v", &[]);
    let r = report(&d, "v");
    let want = &reference()["dawid_skene_varierr_slice"];
    let ds = &r["dawid_skene"];
    assert_eq!(ds["iterations"], want["iterations"]);
    assert_eq!(ds["converged"], true);
    assert_eq!(
        (ds["max_iterations"].as_u64(), ds["tolerance"].as_f64()),
        (Some(100), Some(1e-5))
    );
    let near = |a: &Value, b: &Value, what: &str| {
        let (a, b) = (a.as_f64().expect(what), b.as_f64().expect(what));
        assert!((a - b).abs() < 1e-9, "{what}: {a} vs crowd-kit {b}");
    };
    for (a, b) in ds["priors"]
        .as_array()
        .expect("priors")
        .iter()
        .zip(want["priors"].as_array().expect("priors"))
    {
        near(a, b, "prior");
    }
    for row in r["reviewers"].as_array().expect("rows") {
        let theirs = &want["confusion"][row["reviewer"].as_str().expect("name")];
        for (a, b) in row["confusion"]
            .as_array()
            .expect("confusion")
            .iter()
            .zip(theirs.as_array().expect("confusion"))
        {
            for (x, y) in a
                .as_array()
                .expect("row")
                .iter()
                .zip(b.as_array().expect("row"))
            {
                near(x, y, "confusion");
            }
        }
        let accuracy: f64 = (0..3)
            .map(|k| want["priors"][k].as_f64().expect("p") * theirs[k][k].as_f64().expect("c"))
            .sum();
        near(
            &row["estimated_accuracy"],
            &Value::from(accuracy),
            "accuracy",
        );
    }
}

/// Worked by hand: the four 2–1 splits have normalized entropy log2(3) − 2/3 over log2(3) =
/// 0.579 (bin 11 of 20), the 1–1–1 split 1 (bin 19); every item's mean confidence is 0.25
/// (confidences 1, 2, 3 of 5 → 0, 0.25, 0.5), bin 5.
fn entropy_and_confidence_histograms_are_counted_by_hand() {
    let r = report(&gold_batch(), "gold");
    let axes = &r["axes"];
    assert_eq!(
        (
            axes["bins"].as_u64(),
            axes["high_entropy"].as_f64(),
            axes["low_confidence"].as_f64()
        ),
        (Some(20), Some(0.5), Some(0.6))
    );
    let mut entropy = vec![0u64; 20];
    entropy[11] = 4;
    entropy[19] = 1;
    assert_eq!(axes["entropy"], serde_json::json!(entropy));
    let mut confidence = vec![0u64; 20];
    confidence[5] = 5;
    assert_eq!(axes["confidence"], serde_json::json!(confidence));
    assert_eq!(axes["no_confidence"], 0);
    assert_eq!(
        (axes["joint"][11][5].as_u64(), axes["joint"][19][5].as_u64()),
        (Some(4), Some(1))
    );
    let total: u64 = axes["joint"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|row| row.as_array().expect("row"))
        .map(|x| x.as_u64().expect("n"))
        .sum();
    assert_eq!(total, 5);
    // The counts-only CIFAR slice states no confidence.
    let c = real_batch("cifar10h.slice.jsonl", "cifar10_class.yaml", "c", &[]);
    assert_eq!(report(&c, "c")["axes"]["no_confidence"], 20);
}

/// Reviewer B on the gold batch, worked by hand: the rest is tied on g1, g2 and r1; on g3 the
/// rest says severe (B mild) and on r2 moderate (B severe); the hard label on g2 is mild (B
/// moderate) and names B; B misses gold on g2 and g3.
fn a_reviewer_sheet_lists_what_to_go_through_with_them() {
    let d = gold_batch();
    let sheet: Value =
        serde_json::from_str(&d.ok(&["report", "--reviewer", "B", "--json"])).expect("json");
    assert_eq!(sheet["reviewer"]["reviewer"], "B");
    assert_eq!(
        sheet["disagreements"],
        serde_json::json!([
            {"item_id": "g2", "label": "moderate", "rest_plurality": null, "adjudicated_label": "mild"},
            {"item_id": "g3", "label": "mild", "rest_plurality": "severe", "adjudicated_label": null},
            {"item_id": "r2", "label": "severe", "rest_plurality": "moderate", "adjudicated_label": null},
        ])
    );
    assert_eq!(sheet["errors"][0]["item_id"], "g2");
    assert_eq!(sheet["errors"][0]["reason"], "gold says mild");
    assert_eq!(sheet["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        sheet["gold_misses"],
        serde_json::json!([
            {"item_id": "g2", "label": "moderate", "gold_label": "mild"},
            {"item_id": "g3", "label": "mild", "gold_label": "severe"},
        ])
    );
    assert_eq!(sheet["panel"]["leave_one_out_rate"], 0.0);
    assert_eq!(
        (
            sheet["panel"]["gold"]["passed"].as_u64(),
            sheet["panel"]["gold"]["total"].as_u64()
        ),
        (Some(5), Some(9))
    );
    assert!(
        sheet.get("pairs").is_none(),
        "a sheet holds no other reviewer's figures"
    );
    let text = d.ok(&["report", "--reviewer", "B"]);
    assert!(text.contains("reviewer B · batch gold · 5 items"), "{text}");

    let out = d.run(&["report", "--reviewer", "Z", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("no reviewer `Z` in batch `gold`"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(
        d.run(&["report", "--reviewer", "B", "--csv", "x"])
            .status
            .code(),
        Some(2)
    );
    let c = real_batch("cifar10h.slice.jsonl", "cifar10_class.yaml", "c", &[]);
    let out = c.run(&["report", "--reviewer", "B"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("no per-reviewer record"));
}

fn csv_tables_and_a_json_file_are_written_whole() {
    let d = gold_batch();
    let dir = d.path("tables");
    std::fs::create_dir(&dir).expect("dir");
    let json = d.path("qa.json");
    d.ok(&[
        "report",
        "--csv",
        dir.to_str().expect("p"),
        "-o",
        json.to_str().expect("p"),
    ]);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("one document");
    assert_eq!(doc["header"]["batch"], "gold");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    assert_eq!(
        read("reviewers.csv").lines().next(),
        Some(
            "reviewer,items,loo_agree,loo_disagree,loo_tied,loo_rate,kappa_with_rest,\
             mean_confidence,brier,overconfident,estimated_accuracy,errors_attributed,\
             gold_passed,gold_total,\
             gold_rate,gold_wilson_low,gold_wilson_high"
        )
    );
    assert_eq!(read("reliability.csv").lines().count(), 1 + 3 * 5);
    assert_eq!(read("confusion.csv").lines().count(), 1 + 3 * 3 * 3);
    assert!(
        read("reviewers.csv").contains("\nA,5,0,1,4,"),
        "{}",
        read("reviewers.csv")
    );
    assert_eq!(read("pairs.csv").lines().count(), 4);
    assert!(
        read("labels.csv")
            .starts_with("label,judgments,category_kappa,category_kappa_reason,coincidence:mild,")
    );
    let lists = read("lists.csv");
    assert!(
        lists.contains("rereview,r1,,,,anchors overlap,tester,"),
        "{lists}"
    );
    assert!(
        lists.contains("rubric_problem,r2,moderate|severe,"),
        "{lists}"
    );
    assert!(lists.contains("gold_miss,g2,moderate,mild,"), "{lists}");
    assert_eq!(
        read("models.csv"),
        "model,version,class,items,clipped_items,kl_mean,js_mean,tv_mean,cross_entropy_mean,\
         accuracy,pearson,spearman\n",
        "a batch with no model: the header alone"
    );
}

fn unknown_formats_and_missing_folders_are_refused_with_nothing_written() {
    let d = gold_batch();
    for (name, says) in [
        ("missing/qa.pdf", "missing"),
        ("missing/qa.html", "missing"),
        ("qa.txt", "unknown report format `.txt`"),
        ("missing/qa.json", "missing"),
    ] {
        let out = d.run(&["report", "-o", d.path(name).to_str().expect("p")]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            common::stderr(&out).contains(says),
            "{name}: {}",
            common::stderr(&out)
        );
        assert!(!d.path(name).exists());
    }
    let out = d.run(&["report", "--csv", d.path("nowhere").to_str().expect("p")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("no such folder"));
    // A link at the path is refused, not followed: its target keeps its bytes.
    #[cfg(unix)]
    {
        let victim = d.file("victim.txt", "keep me");
        let link = d.path("qa.json");
        std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        let out = d.run(&["report", "-o", link.to_str().expect("p")]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            common::stderr(&out).contains("symbolic link"),
            "{}",
            common::stderr(&out)
        );
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    }
    // `-o -` is the JSON document on stdout.
    let doc: Value = serde_json::from_str(&d.ok(&["report", "-o", "-"])).expect("json");
    assert_eq!(doc["header"]["batch"], "gold");
}

fn a_batch_of_counts_says_why_it_has_no_reviewer_figures() {
    let d = real_batch("cifar10h.slice.jsonl", "cifar10_class.yaml", "c", &[]);
    let r = report(&d, "c");
    assert_eq!(r["reviewers"], serde_json::json!([]));
    assert!(
        r["reviewers_note"]
            .as_str()
            .expect("note")
            .contains("label counts")
    );
    assert_eq!(r["header"]["panels"], serde_json::json!({"counts": 20}));
    assert!(r["agreement"]["alpha_nominal"]["value"].is_number());
}
