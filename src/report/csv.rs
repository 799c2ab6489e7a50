//! The report's tables as CSV, one file each: reviewers, their reliability tables and
//! Dawid–Skene confusion matrices, labels, pairs, lists and models.

use std::io::Write;

use crate::domain::coincidence::Figure;
use crate::domain::report::Report;

/// The tables, by file name, in the order they are written.
pub const TABLES: [&str; 7] = [
    "reviewers.csv",
    "reliability.csv",
    "confusion.csv",
    "labels.csv",
    "pairs.csv",
    "lists.csv",
    "models.csv",
];

/// Writes table `name` (one of [`TABLES`]) of `report` to `out`.
pub fn write_table(report: &Report, name: &str, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let why = |f: &Figure| f.reason.clone().unwrap_or_default();
    match name {
        "reviewers.csv" => {
            w.write_record([
                "reviewer",
                "items",
                "loo_agree",
                "loo_disagree",
                "loo_tied",
                "loo_rate",
                "kappa_with_rest",
                "mean_confidence",
                "brier",
                "overconfident",
                "estimated_accuracy",
                "errors_attributed",
                "gold_passed",
                "gold_total",
                "gold_rate",
                "gold_wilson_low",
                "gold_wilson_high",
            ])?;
            for r in &report.reviewers {
                let loo = &r.leave_one_out;
                w.write_record([
                    r.reviewer.clone(),
                    r.items.to_string(),
                    loo.agree.to_string(),
                    loo.disagree.to_string(),
                    loo.tied.to_string(),
                    num(loo.rate),
                    num(loo.kappa.value),
                    num(r.mean_confidence),
                    num(r.brier),
                    r.overconfident.to_string(),
                    num(r.estimated_accuracy),
                    r.errors_attributed.to_string(),
                    r.gold.passed.to_string(),
                    r.gold.total.to_string(),
                    num(r.gold.rate),
                    num(r.gold.low),
                    num(r.gold.high),
                ])?;
            }
        }
        "reliability.csv" => {
            w.write_record([
                "reviewer",
                "confidence_low",
                "confidence_high",
                "judgments",
                "mean_confidence",
                "agreement",
            ])?;
            for r in &report.reviewers {
                for b in &r.reliability {
                    w.write_record([
                        r.reviewer.clone(),
                        b.low.to_string(),
                        b.high.to_string(),
                        b.judgments.to_string(),
                        num(b.mean_confidence),
                        num(b.agreement),
                    ])?;
                }
            }
        }
        "confusion.csv" => {
            w.write_record(["reviewer", "true_label", "given_label", "probability"])?;
            for r in &report.reviewers {
                for (row, truth) in r.confusion.iter().flatten().zip(&report.labels) {
                    for (p, given) in row.iter().zip(&report.labels) {
                        w.write_record([&r.reviewer, &truth.label, &given.label, &p.to_string()])?;
                    }
                }
            }
        }
        "labels.csv" => {
            let mut head = vec![
                "label".to_string(),
                "judgments".into(),
                "category_kappa".into(),
                "category_kappa_reason".into(),
            ];
            head.extend(
                report
                    .labels
                    .iter()
                    .map(|l| format!("coincidence:{}", l.label)),
            );
            w.write_record(&head)?;
            for (l, row) in report.labels.iter().zip(&report.agreement.coincidence) {
                let mut rec = vec![
                    l.label.clone(),
                    l.judgments.to_string(),
                    num(l.kappa.value),
                    why(&l.kappa),
                ];
                rec.extend(row.iter().map(f64::to_string));
                w.write_record(&rec)?;
            }
        }
        "pairs.csv" => {
            w.write_record(["a", "b", "shared", "agreeing", "agreement"])?;
            for p in &report.pairs {
                w.write_record([
                    p.a.clone(),
                    p.b.clone(),
                    p.shared.to_string(),
                    p.agreeing.to_string(),
                    p.agreement.to_string(),
                ])?;
            }
        }
        "models.csv" => write_models(report, &mut w)?,
        _ => write_lists(report, &mut w)?,
    }
    w.flush()?;
    Ok(())
}

/// Each model's figures against the panel, one row per model and class (`all` for every item).
fn write_models(report: &Report, w: &mut csv::Writer<impl Write>) -> csv::Result<()> {
    let mut head = vec!["model", "version", "class", "items", "clipped_items"];
    head.extend(crate::domain::divergence::COMPARED);
    w.write_record(&head)?;
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for m in &report.models {
        let rows = std::iter::once(("all", &m.figures))
            .chain(m.by_class.iter().map(|c| (c.class, &c.figures)));
        for (class, f) in rows {
            let mut record = vec![
                m.name.clone(),
                m.version.to_string(),
                class.to_string(),
                f.items.to_string(),
                f.clipped_items.to_string(),
            ];
            record.extend(f.compared().into_iter().map(num));
            w.write_record(&record)?;
        }
    }
    Ok(())
}

/// Every list in one table: `list` names it, the other columns are empty where they do not apply.
fn write_lists(report: &Report, w: &mut csv::Writer<impl Write>) -> csv::Result<()> {
    w.write_record([
        "list",
        "item_id",
        "labels",
        "gold_label",
        "reason_code",
        "reason",
        "by",
        "at",
    ])?;
    let lists = &report.lists;
    for r in &lists.rereview {
        let code = r.reason_code.as_deref().unwrap_or_default();
        w.write_record([
            "rereview", &r.item_id, "", "", code, &r.reason, &r.by, &r.at,
        ])?;
    }
    for g in &lists.rubric_problems {
        let labels = g.labels.join("|");
        for item in &g.items {
            w.write_record(["rubric_problem", item, &labels, "", "", "", "", ""])?;
        }
    }
    for g in &lists.gold_misses {
        let plurality = g.plurality.join("|");
        w.write_record([
            "gold_miss",
            &g.item_id,
            &plurality,
            &g.gold_label,
            "",
            "",
            "",
            "",
        ])?;
    }
    Ok(())
}
