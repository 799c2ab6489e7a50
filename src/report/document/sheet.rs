//! One reviewer's feedback sheet as a page: their figures beside the panel's, their calibration
//! table, and the items to go through with them.

use super::batch::{Panel, agreement_table, header};
use super::{Document, Row, proportion, reliability};
use crate::domain::report::Sheet;
use crate::report::figures::{fig, figure, interval};

/// The page of one reviewer's sheet.
#[must_use]
pub fn sheet(s: &Sheet) -> Document {
    let r = &s.reviewer;
    let mut p = Document::new(format!(
        "Reviewer sheet · {} · batch {}",
        r.reviewer, s.header.batch
    ));
    header(&mut p, &s.header);
    figures(&mut p, s);
    calibration(&mut p, s);
    items(&mut p, s);
    p
}

/// Their figures beside the panel's, then the panel's agreement.
fn figures(p: &mut Document, s: &Sheet) {
    let r = &s.reviewer;
    p.heading(2, "Figures beside the panel");
    if r.overconfident {
        p.note(
            "Overconfident: mean stated confidence above leave-one-out agreement by more than 0.2.",
        );
    }
    let l = &r.leave_one_out;
    let mut gold = proportion("Gold pass rate", &r.gold);
    gold.cells.push(
        format!(
            "{}/{} {} {}",
            s.panel.gold.passed,
            s.panel.gold.total,
            fig(s.panel.gold.rate),
            interval(s.panel.gold.low, s.panel.gold.high)
        )
        .into(),
    );
    let pair = |name: &str, own: String, panel: String| Row::new(vec![name.into(), own, panel]);
    p.table(
        &["Figure", "Theirs", "Panel"],
        &[1, 2],
        vec![
            Row::new(vec![
                "Items labelled".into(),
                r.items.to_string(),
                String::new(),
            ]),
            pair(
                "Agreement with the rest (agree / disagree / tied)",
                format!(
                    "{} ({} / {} / {})",
                    fig(l.rate),
                    l.agree,
                    l.disagree,
                    l.tied
                ),
                fig(s.panel.leave_one_out_rate),
            ),
            pair("κ with the rest", figure(&l.kappa), String::new()),
            pair(
                "Mean stated confidence",
                fig(r.mean_confidence),
                String::new(),
            ),
            pair("Brier score", fig(r.brier), String::new()),
            pair(
                "Estimated accuracy (Dawid–Skene)",
                fig(r.estimated_accuracy),
                String::new(),
            ),
            pair(
                "Errors attributed",
                r.errors_attributed.to_string(),
                String::new(),
            ),
        ],
    );
    p.table(
        &["Gold", "Passed", "Of", "Rate", "Wilson 95%", "Panel"],
        &[],
        vec![gold],
    );
    p.heading(3, "The panel's agreement");
    agreement_table(
        p,
        &Panel {
            nominal: &s.panel.alpha_nominal,
            level: s
                .panel
                .alpha_level
                .as_ref()
                .map(|a| (s.header.rubric.level, a)),
            fleiss_kappa: &s.panel.fleiss_kappa,
            percent_agreement: &s.panel.percent_agreement,
        },
    );
}

/// Agreement per stated-confidence bin.
fn calibration(p: &mut Document, s: &Sheet) {
    p.heading(2, "Calibration");
    reliability(p, &s.reviewer.reliability);
}

/// The items to go through with them.
fn items(p: &mut Document, s: &Sheet) {
    let none = || "—".to_string();
    p.heading(2, &format!("Disagreements ({})", s.disagreements.len()));
    let rows: Vec<Row> = s
        .disagreements
        .iter()
        .map(|d| {
            Row::new(vec![
                d.item_id.clone(),
                d.label.clone(),
                d.rest_plurality.clone().unwrap_or_else(none),
                d.adjudicated_label.clone().unwrap_or_else(none),
            ])
        })
        .collect();
    p.list(
        &["Item", "Their label", "The rest's plurality", "Hard label"],
        &[1, 2, 3],
        rows,
    );
    p.heading(2, &format!("Reviewer errors ({})", s.errors.len()));
    let rows: Vec<Row> = s
        .errors
        .iter()
        .map(|e| {
            Row::new(vec![
                e.item_id.clone(),
                e.adjudicated_label.clone().unwrap_or_else(none),
                e.reason.clone(),
                e.by.clone(),
                e.at.clone(),
            ])
        })
        .collect();
    p.list(
        &["Item", "Hard label", "Reason", "By", "At"],
        &[1, 2, 3, 4],
        rows,
    );
    p.heading(2, &format!("Gold misses ({})", s.gold_misses.len()));
    let rows: Vec<Row> = s
        .gold_misses
        .iter()
        .map(|g| {
            Row::new(vec![
                g.item_id.clone(),
                g.label.clone(),
                g.gold_label.clone(),
            ])
        })
        .collect();
    p.list(&["Item", "Their label", "Gold label"], &[1, 2], rows);
}
