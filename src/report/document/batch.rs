//! The batch report's page: the header, agreement, the three axes, counts, gold, reviewers,
//! lists and models, from the report model.

use super::{Cell, Document, Row, amount, proportion, reliability, tally_rows};
use crate::domain::coincidence::Figure;
use crate::domain::report::{Alpha, Header, Report, Tally};
use crate::domain::rubric::FlagThresholds;
use crate::report::charts::{
    Bins, Grid, confidence_histogram, count_bars, entropy_confidence, entropy_histogram,
    entropy_pair,
};
use crate::report::figures::{fig, figure, interval};
use crate::text::counted;

/// Up to this many reviewers, pair agreement is drawn as a reviewer × reviewer matrix; past it,
/// as one row per pair.
const MATRIX_MAX: usize = 20;

/// The page of `report`.
#[must_use]
pub fn batch(report: &Report) -> Document {
    let mut p = Document::new(format!("QA report · batch {}", report.header.batch));
    header(&mut p, &report.header);
    agreement(&mut p, report);
    axes(&mut p, report);
    counts(&mut p, report);
    gold(&mut p, report);
    reviewers(&mut p, report);
    lists(&mut p, report);
    models(&mut p, report);
    p
}

fn bars(t: &Tally) -> Vec<(&str, u64)> {
    t.0.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

/// What the batch is and who made the page when.
pub(super) fn header(p: &mut Document, h: &Header) {
    let panels = h
        .panels
        .0
        .iter()
        .map(|(kind, n)| format!("{kind}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    p.pairs(&[
        ("Task", h.task.clone()),
        (
            "Rubric",
            format!(
                "{} · version {} · level {}",
                h.rubric.title.as_deref().unwrap_or("(untitled)"),
                h.rubric.version,
                h.rubric.level
            ),
        ),
        ("Rubric sha256", h.rubric.sha256.clone()),
        ("Status", h.status.clone()),
        ("Open at a forced finalize", h.open_at_finalize()),
        ("Items", h.items.to_string()),
        ("Reviewers", h.reviewers.to_string()),
        ("Judgments", h.judgments.to_string()),
        ("Items per panel kind", panels),
        ("Generated at", h.generated_at.clone()),
        ("By", h.generated_by.clone()),
        ("Tool", format!("dissent {}", h.tool_version)),
    ]);
}

/// The batch agreement figures.
pub(super) struct Panel<'a> {
    pub(super) nominal: &'a Alpha,
    /// The rubric's level and α at it, when not nominal.
    pub(super) level: Option<(&'a str, &'a Alpha)>,
    pub(super) fleiss_kappa: &'a Figure,
    pub(super) percent_agreement: &'a Figure,
}

/// The table of α with its intervals, Fleiss' κ and pooled agreement.
pub(super) fn agreement_table(p: &mut Document, panel: &Panel<'_>) {
    let alpha = |level: &str, a: &Alpha| {
        Row::new(vec![
            format!("Krippendorff's α ({level})"),
            figure(&a.figure),
            interval(a.interval.low, a.interval.high),
            a.interval.resamples.to_string(),
            a.interval.seed.to_string(),
            a.interval.undefined.to_string(),
        ])
    };
    let plain = |name: &str, f: &Figure| {
        let mut cells = vec![name.to_string(), figure(f)];
        cells.resize(6, String::new());
        Row::new(cells)
    };
    let mut rows = vec![alpha("nominal", panel.nominal)];
    rows.extend(panel.level.map(|(level, a)| alpha(level, a)));
    rows.push(plain("Fleiss' κ", panel.fleiss_kappa));
    rows.push(plain("Pooled agreement", panel.percent_agreement));
    p.table(
        &[
            "Figure",
            "Value",
            "95% bootstrap interval",
            "Resamples",
            "Seed",
            "Undefined resamples",
        ],
        &[1],
        rows,
    );
}

fn agreement(p: &mut Document, r: &Report) {
    let a = &r.agreement;
    p.heading(2, "Agreement");
    p.note(&format!(
        "{} items with two or more judgments ({} judgments) enter the figures.",
        a.pairable_items,
        amount(a.pairable_values)
    ));
    agreement_table(
        p,
        &Panel {
            nominal: &a.alpha_nominal,
            level: a.alpha_level.as_ref().map(|alpha| (a.level, alpha)),
            fleiss_kappa: &a.fleiss_kappa,
            percent_agreement: &a.percent_agreement,
        },
    );

    p.heading(3, "Per label");
    // One reason for every label (unequal panels leave each κ undefined alike) is said once.
    let shared = r.labels.first().and_then(|l| {
        let reason = l.kappa.reason.as_ref()?;
        r.labels
            .iter()
            .all(|x| x.kappa.value.is_none() && x.kappa.reason.as_ref() == Some(reason))
            .then_some(reason)
    });
    if let Some(reason) = shared {
        p.note(&format!("Each label's κ is undefined: {reason}."));
    }
    let rows: Vec<Row> = r
        .labels
        .iter()
        .map(|l| {
            Row::new(vec![
                l.label.clone(),
                l.judgments.to_string(),
                if shared.is_some() {
                    "undefined".into()
                } else {
                    figure(&l.kappa)
                },
            ])
        })
        .collect();
    p.table(&["Label", "Judgments", "Fleiss' κ"], &[2], rows);

    p.heading(3, "Coincidence matrix");
    p.note(
        "Pairable values by the two labels they pair; off the diagonal, what the panel confuses.",
    );
    let names: Vec<&str> = r.labels.iter().map(|l| l.label.as_str()).collect();
    let rows: Vec<Row> = a
        .coincidence
        .iter()
        .zip(&names)
        .map(|(row, name)| {
            let mut cells = vec![(*name).to_string()];
            cells.extend(row.iter().map(|&x| amount(x)));
            Row::new(cells)
        })
        .collect();
    p.table(&[&[""][..], &names].concat(), &[], rows);

    reviewer_pairs(p, r);
}

fn reviewer_pairs(p: &mut Document, r: &Report) {
    p.heading(3, "Reviewer pairs");
    if r.pairs.is_empty() {
        p.note(
            r.reviewers_note
                .as_deref()
                .unwrap_or("No two reviewers share an item."),
        );
        return;
    }
    p.note("Agreement of two reviewers on the items both labelled (n: items shared).");
    let names: Vec<&str> = r.reviewers.iter().map(|x| x.reviewer.as_str()).collect();
    if names.len() > MATRIX_MAX {
        p.note("The pairs that share the most items first, and of those the least agreeing.");
        let mut pairs: Vec<_> = r.pairs.iter().collect();
        pairs.sort_by(|x, y| {
            y.shared
                .cmp(&x.shared)
                .then(x.agreement.total_cmp(&y.agreement))
        });
        let rows: Vec<Row> = pairs
            .iter()
            .map(|x| {
                Row::new(vec![
                    x.a.clone(),
                    x.b.clone(),
                    x.shared.to_string(),
                    x.agreeing.to_string(),
                    format!("{:.3}", x.agreement),
                ])
            })
            .collect();
        p.list(
            &["Reviewer", "With", "Shared", "Agreeing", "Agreement"],
            &[1],
            rows,
        );
        return;
    }
    let cell = |a: &str, b: &str| {
        r.pairs
            .iter()
            .find(|x| (x.a == a && x.b == b) || (x.a == b && x.b == a))
            .map_or_else(String::new, |x| {
                format!("{:.3} (n {})", x.agreement, x.shared)
            })
    };
    let rows: Vec<Row> = names
        .iter()
        .map(|a| {
            let mut cells = vec![(*a).to_string()];
            cells.extend(names.iter().map(|b| cell(a, b)));
            Row::new(cells)
        })
        .collect();
    p.table(&[&[""][..], &names].concat(), &[], rows);
}

fn axes(p: &mut Document, r: &Report) {
    let x = &r.axes;
    p.heading(2, "Entropy and confidence");
    let n = x.bins;
    let mut grid = Grid::new(n);
    for (e, row) in x.joint.iter().enumerate() {
        for (c, &count) in row.iter().enumerate() {
            grid.counts[c * n + e] = count;
        }
    }
    p.charts(vec![
        entropy_histogram(
            &Bins {
                counts: x.entropy.clone(),
            },
            x.high_entropy,
        ),
        confidence_histogram(
            &Bins {
                counts: x.confidence.clone(),
            },
            x.low_confidence,
        ),
        entropy_confidence(
            &grid,
            &FlagThresholds {
                high_entropy: x.high_entropy,
                low_confidence: x.low_confidence,
            },
        ),
    ]);
    match x.no_confidence {
        0 => {}
        1 => p.note("1 item with no stated confidence is in the entropy histogram only."),
        n => p.note(&format!(
            "{n} items with no stated confidence are in the entropy histogram only."
        )),
    }
}

fn counts(p: &mut Document, r: &Report) {
    let c = &r.counts;
    p.heading(2, "Counts");
    p.charts(vec![
        count_bars(
            "Disagreement classes",
            "items per class",
            "items",
            &bars(&c.classes),
        ),
        count_bars(
            "Flags",
            "an item can carry several",
            "items",
            &bars(&c.flags),
        ),
    ]);
    p.heading(3, "Decision status");
    p.table(&["Status", "Items"], &[], tally_rows(&c.statuses));
    p.heading(3, "Decisions in force");
    let rows: Vec<Row> = c
        .decisions
        .iter()
        .flat_map(|d| {
            let row = move |code: &str, n: String| {
                Row::new(vec![d.kind.into(), d.items.to_string(), code.into(), n])
            };
            let coded: Vec<Row> = d
                .reason_codes
                .0
                .iter()
                .map(|(code, n)| row(code, n.to_string()))
                .collect();
            // A kind no reason code came with still shows its count.
            if coded.is_empty() {
                vec![row("—", String::new())]
            } else {
                coded
            }
        })
        .collect();
    p.table(&["Kind", "Items", "Reason code", "With it"], &[2], rows);
    p.heading(3, "Flags decided and pending");
    let rows: Vec<Row> = c
        .flag_progress
        .iter()
        .map(|f| {
            Row::new(vec![
                f.flag.into(),
                f.decided.to_string(),
                f.pending.to_string(),
            ])
        })
        .collect();
    p.table(&["Flag", "Decided", "Pending"], &[], rows);
}

fn gold(p: &mut Document, r: &Report) {
    p.heading(2, "Gold");
    if r.gold.items.total == 0 {
        p.note(
            "No gold items in this batch (no item carries a gold label): nothing to pass or miss.",
        );
        return;
    }
    p.table(
        &["", "Passed", "Of", "Rate", "Wilson 95%"],
        &[],
        vec![
            proportion("Gold items (plurality is the gold label)", &r.gold.items),
            proportion("Gold judgments", &r.gold.judgments),
        ],
    );
}

fn reviewers(p: &mut Document, r: &Report) {
    p.heading(2, "Reviewers");
    if let Some(note) = &r.reviewers_note {
        p.note(note);
    }
    if let Some(ds) = &r.dawid_skene {
        p.note(&format!(
            "Estimated accuracy: Dawid–Skene EM, {} iterations of at most {}, tolerance {:e}, {}; {} gold items anchor it.",
            ds.iterations,
            ds.max_iterations,
            ds.tolerance,
            if ds.converged { "converged" } else { "stopped at the cap" },
            ds.gold_items
        ));
    }
    if r.reviewers.is_empty() {
        return;
    }
    p.note("Overconfident reviewers are named so and shaded (mean stated confidence above leave-one-out agreement by more than 0.2).");
    let rows: Vec<Row> = r
        .reviewers
        .iter()
        .map(|x| {
            let l = &x.leave_one_out;
            Row {
                cells: [
                    if x.overconfident {
                        format!("{} (overconfident)", x.reviewer)
                    } else {
                        x.reviewer.clone()
                    },
                    x.items.to_string(),
                    format!("{} / {} / {}", l.agree, l.disagree, l.tied),
                    fig(l.rate),
                    figure(&l.kappa),
                    fig(x.mean_confidence),
                    fig(x.brier),
                    fig(x.estimated_accuracy),
                    x.errors_attributed.to_string(),
                    format!(
                        "{}/{} {}",
                        x.gold.passed,
                        x.gold.total,
                        interval(x.gold.low, x.gold.high)
                    ),
                ]
                .map(Cell::Text)
                .to_vec(),
                marked: x.overconfident,
            }
        })
        .collect();
    p.table(
        &[
            "Reviewer",
            "Items",
            "Agree / disagree / tied",
            "Agreement with rest",
            "κ with rest",
            "Mean confidence",
            "Brier",
            "Estimated accuracy",
            "Errors attributed",
            "Gold (Wilson 95%)",
        ],
        &[4],
        rows,
    );
    p.heading(3, "Each reviewer's calibration and estimated confusion");
    p.note("For each reviewer: their agreement with the rest per stated-confidence bin (a calibrated reviewer's agreement follows their confidence) and, where Dawid–Skene ran, the estimated probability of each label given the true class.");
    let labels: Vec<&str> = r.labels.iter().map(|l| l.label.as_str()).collect();
    p.folds(
        &format!(
            "{} reviewers: each one's tables are on the HTML page and in their sheet (dissent report --reviewer NAME -o NAME.pdf).",
            r.reviewers.len()
        ),
        &r.reviewers,
        |x| x.reviewer.as_str(),
        |p, x| {
            reliability(p, &x.reliability);
            if let Some(c) = &x.confusion {
                confusion(p, &labels, c);
            }
        },
    );
}

/// A Dawid–Skene confusion matrix: one row per true class, one column per label given.
fn confusion(p: &mut Document, labels: &[&str], matrix: &[Vec<f64>]) {
    let head: Vec<String> = std::iter::once("True class → label given".to_string())
        .chain(labels.iter().map(|l| (*l).to_string()))
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let rows: Vec<Row> = labels
        .iter()
        .zip(matrix)
        .map(|(l, row)| {
            Row::new(
                std::iter::once((*l).to_string())
                    .chain(row.iter().map(|x| format!("{x:.3}")))
                    .collect(),
            )
        })
        .collect();
    p.table(&head, &[], rows);
}

/// Each model against the panel: its figures overall and per class, and the panel's entropy
/// against its own.
fn models(p: &mut Document, r: &Report) {
    p.heading(2, "Models");
    if r.models.is_empty() {
        p.note("No model's predictions were imported for this batch (dissent predictions import).");
        return;
    }
    p.note(&format!(
        "Each model's distribution held against the panel's (each item's latest round), as dissent eval gives it: KL(panel ‖ model) in nats with model probabilities clipped at {:e}, Jensen–Shannon in bits, total variation, cross-entropy, top-label accuracy over the untied items, and the correlation of the panel's entropy with the model's.",
        crate::domain::divergence::EPSILON
    ));
    for m in &r.models {
        p.heading(3, &format!("{} (version {})", m.name, m.version));
        let head: Vec<String> = std::iter::once("Figure".to_string())
            .chain(std::iter::once("all items".to_string()))
            .chain(m.by_class.iter().map(|c| c.class.to_string()))
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        let columns: Vec<&crate::domain::divergence::Figures> = std::iter::once(&m.figures)
            .chain(m.by_class.iter().map(|c| &c.figures))
            .collect();
        let row = |name: &str, cell: &dyn Fn(&crate::domain::divergence::Figures) -> String| {
            Row::new(
                std::iter::once(name.to_string())
                    .chain(columns.iter().map(|f| cell(f)))
                    .collect(),
            )
        };
        let mut rows = vec![row("items", &|f| f.items.to_string())];
        for (i, name) in crate::domain::divergence::COMPARED.iter().enumerate() {
            rows.push(row(crate::domain::divergence::caption(name), &|f| {
                fig(f.compared()[i])
            }));
            if *name == "kl_mean" {
                rows.push(row(crate::domain::divergence::caption("kl_sd"), &|f| {
                    fig(f.kl_sd)
                }));
                rows.push(row("items with a clipped probability", &|f| {
                    f.clipped_items.to_string()
                }));
            }
            if *name == "accuracy" {
                rows.push(row("items in accuracy", &|f| f.accuracy_items.to_string()));
                rows.push(row("tied, left out of accuracy", &|f| {
                    f.tied_items.to_string()
                }));
            }
        }
        let unpredicted = r.header.items.saturating_sub(m.figures.items);
        if unpredicted > 0 {
            p.note(&format!(
                "{unpredicted} of the batch's {} items have no prediction from this model.",
                r.header.items
            ));
        }
        p.table(&head, &[], rows);
        let n = m.entropy.len();
        let mut grid = Grid::new(n);
        for (panel, row) in m.entropy.iter().enumerate() {
            for (model, &count) in row.iter().enumerate() {
                grid.counts[model * n + panel] = count;
            }
        }
        p.charts(vec![entropy_pair(&grid, &m.name)]);
    }
}

fn lists(p: &mut Document, r: &Report) {
    let l = &r.lists;
    p.heading(2, "Lists");
    p.heading(3, &format!("Sent to re-review ({})", l.rereview.len()));
    let rows: Vec<Row> = l
        .rereview
        .iter()
        .map(|x| {
            Row::new(vec![
                x.item_id.clone(),
                x.reason_code.clone().unwrap_or_default(),
                x.reason.clone(),
                x.by.clone(),
                x.at.clone(),
            ])
        })
        .collect();
    p.list(
        &["Item", "Reason code", "Reason", "By", "At"],
        &[1, 2, 3, 4],
        rows,
    );
    p.heading(
        3,
        &format!(
            "Rubric problems by split ({})",
            counted(l.rubric_problems.len() as u64, "group")
        ),
    );
    let rows: Vec<Row> = l
        .rubric_problems
        .iter()
        .map(|g| {
            Row::of(vec![
                format!("{} / {}", g.labels[0], g.labels[1]).into(),
                g.count.to_string().into(),
                Cell::Ids(g.items.clone()),
            ])
        })
        .collect();
    p.list(&["Labels", "Items", "Item ids"], &[2], rows);
    p.heading(3, &format!("Gold misses ({})", l.gold_misses.len()));
    let rows: Vec<Row> = l
        .gold_misses
        .iter()
        .map(|g| {
            Row::new(vec![
                g.item_id.clone(),
                g.gold_label.clone(),
                g.plurality.join(", "),
            ])
        })
        .collect();
    p.list(&["Item", "Gold label", "Plurality"], &[1, 2], rows);
}
