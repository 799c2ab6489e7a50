//! The report as one self-contained HTML page: inline CSS and the inline SVG charts, no script,
//! no network, no font file. XHTML-compatible (every tag closed, every attribute quoted), so an
//! XML parser reads it too. It shows only what the report model holds.

mod escape;
mod sheet;

use std::fmt::Write;

pub use escape::escape;
pub use sheet::sheet;

use super::charts::{
    Bins, Grid, confidence_histogram, count_bars, entropy_confidence, entropy_histogram,
    entropy_pair,
};
use super::figures::{fig, figure, interval};
use crate::domain::coincidence::Figure;
use crate::domain::report::{Alpha, Header, Proportion, ReliabilityBin, Report, Tally};
use crate::domain::rubric::FlagThresholds;

/// Up to this many reviewers, pair agreement is drawn as a reviewer × reviewer matrix; past it,
/// as one row per pair.
const MATRIX_MAX: usize = 20;

/// The page's style: a system sans-serif stack, tables with rules, numbers right-aligned.
const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",Arial,sans-serif;\
max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\
h1{font-size:1.6em}h2{border-bottom:2px solid #0072b2;padding-bottom:.2em;margin-top:2em}\
table{border-collapse:collapse;margin:.5em 0 1.5em}\
th,td{border:1px solid #ccc;padding:.25em .45em;vertical-align:top}thead th{font-size:.9em}\
th{background:#f0f4f8;text-align:left}td{text-align:right;font-variant-numeric:tabular-nums}\
td{white-space:nowrap}td.t{text-align:left;white-space:normal}tbody th{white-space:nowrap}.scroll{overflow-x:auto}tr.mark td{background:#fdecea}\
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}dt{font-weight:bold}dd{margin:0}\
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{width:calc(50% - .5em);min-width:300px;height:auto}\
.note{color:#555}code{word-break:break-all}";

/// The page of `report`.
#[must_use]
pub fn page(report: &Report) -> String {
    document(
        &format!("QA report · batch {}", report.header.batch),
        |p| {
            header(p, &report.header);
            agreement(p, report);
            axes(p, report);
            counts(p, report);
            gold(p, report);
            reviewers(p, report);
            lists(p, report);
            models(p, report);
        },
    )
}

/// A whole page titled `title` (also its heading), with `body` after the heading.
fn document(title: &str, body: impl FnOnce(&mut Page)) -> String {
    let mut p = Page(String::new());
    p.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    p.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>");
    p.text(title);
    p.raw("</title><style>");
    p.raw(STYLE);
    p.raw("</style></head><body>\n");
    p.heading("h1", title);
    body(&mut p);
    p.raw("</body></html>\n");
    p.0
}

/// The page being written: raw markup, or text escaped on the way in.
struct Page(String);

impl Page {
    fn raw(&mut self, markup: &str) {
        self.0.push_str(markup);
    }

    fn text(&mut self, text: &str) {
        self.0.push_str(&escape(text));
    }

    fn heading(&mut self, tag: &str, title: &str) {
        let _ = writeln!(self.0, "<{tag}>{}</{tag}>", escape(title));
    }

    fn note(&mut self, text: &str) {
        let _ = writeln!(self.0, "<p class=\"note\">{}</p>", escape(text));
    }

    /// A definition list of (term, value) pairs.
    fn pairs(&mut self, rows: &[(&str, String)]) {
        self.raw("<dl>");
        for (term, value) in rows {
            let _ = write!(
                self.0,
                "<dt>{}</dt><dd>{}</dd>",
                escape(term),
                escape(value)
            );
        }
        self.raw("</dl>\n");
    }

    /// A table: a header row, then rows of text cells; the first cell of a row is a row header
    /// (left-aligned), the rest right-aligned; a marked row is shaded. `text_cols` are the
    /// other columns of text (or of figures that may be a reason): left-aligned and wrapped. No rows is a note, not an empty table; a wide table scrolls
    /// on its own rather than the page.
    fn table(&mut self, head: &[&str], text_cols: &[usize], rows: &[Row]) {
        if rows.is_empty() {
            self.note("None.");
            return;
        }
        self.raw("<div class=\"scroll\"><table><thead><tr>");
        for h in head {
            let _ = write!(self.0, "<th>{}</th>", escape(h));
        }
        self.raw("</tr></thead><tbody>\n");
        for row in rows {
            self.raw(if row.marked {
                "<tr class=\"mark\">"
            } else {
                "<tr>"
            });
            for (i, cell) in row.cells.iter().enumerate() {
                let tag = if i == 0 { "th" } else { "td" };
                let class = if text_cols.contains(&i) {
                    " class=\"t\""
                } else {
                    ""
                };
                let _ = write!(self.0, "<{tag}{class}>{}</{tag}>", escape(cell));
            }
            self.raw("</tr>\n");
        }
        self.raw("</tbody></table></div>\n");
    }

    /// A chart's SVG, inline. Its namespace attribute is dropped: HTML places `<svg>` in it
    /// anyway, and the page then names no address at all.
    fn chart(&mut self, svg: &str) {
        self.raw(&svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1));
        self.raw("\n");
    }
}

/// One table row.
struct Row {
    cells: Vec<String>,
    marked: bool,
}

impl Row {
    fn new(cells: Vec<String>) -> Row {
        Row {
            cells,
            marked: false,
        }
    }
}

/// A count that may be fractional (coincidences): whole numbers (to a rounding error) without
/// decimals.
fn amount(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// `passed/total`, the rate and its Wilson interval.
fn proportion(name: &str, p: &Proportion) -> Row {
    Row::new(vec![
        name.into(),
        p.passed.to_string(),
        p.total.to_string(),
        fig(p.rate),
        interval(p.low, p.high),
    ])
}

fn bars(t: &Tally) -> Vec<(&str, u64)> {
    t.0.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

fn tally_rows(t: &Tally) -> Vec<Row> {
    t.0.iter()
        .map(|(name, n)| Row::new(vec![name.clone(), n.to_string()]))
        .collect()
}

/// What the batch is and who made the page when.
fn header(p: &mut Page, h: &Header) {
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
struct Panel<'a> {
    nominal: &'a Alpha,
    /// The rubric's level and α at it, when not nominal.
    level: Option<(&'a str, &'a Alpha)>,
    fleiss_kappa: &'a Figure,
    percent_agreement: &'a Figure,
}

/// The table of α with its intervals, Fleiss' κ and pooled agreement.
fn agreement_table(p: &mut Page, panel: &Panel<'_>) {
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
    rows.push(plain("Pooled % agreement", panel.percent_agreement));
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
        &rows,
    );
}

fn agreement(p: &mut Page, r: &Report) {
    let a = &r.agreement;
    p.heading("h2", "Agreement");
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

    p.heading("h3", "Per label");
    let rows: Vec<Row> = r
        .labels
        .iter()
        .map(|l| {
            Row::new(vec![
                l.label.clone(),
                l.judgments.to_string(),
                figure(&l.kappa),
            ])
        })
        .collect();
    p.table(&["Label", "Judgments", "Fleiss' κ"], &[2], &rows);

    p.heading("h3", "Coincidence matrix");
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
    p.table(&[&[""][..], &names].concat(), &[], &rows);

    reviewer_pairs(p, r);
}

fn reviewer_pairs(p: &mut Page, r: &Report) {
    p.heading("h3", "Reviewer pairs");
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
        let rows: Vec<Row> = r
            .pairs
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
        p.table(
            &["Reviewer", "With", "Shared", "Agreeing", "Agreement"],
            &[1],
            &rows,
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
    p.table(&[&[""][..], &names].concat(), &[], &rows);
}

fn axes(p: &mut Page, r: &Report) {
    let x = &r.axes;
    p.heading("h2", "Entropy and confidence");
    let n = x.bins;
    let mut grid = Grid::new(n);
    for (e, row) in x.joint.iter().enumerate() {
        for (c, &count) in row.iter().enumerate() {
            grid.counts[c * n + e] = count;
        }
    }
    p.raw("<div class=\"charts\">\n");
    p.chart(&entropy_histogram(
        &Bins {
            counts: x.entropy.clone(),
        },
        x.high_entropy,
    ));
    p.chart(&confidence_histogram(
        &Bins {
            counts: x.confidence.clone(),
        },
        x.low_confidence,
    ));
    p.chart(&entropy_confidence(
        &grid,
        &FlagThresholds {
            high_entropy: x.high_entropy,
            low_confidence: x.low_confidence,
        },
    ));
    p.raw("</div>\n");
    p.note(&format!(
        "{} items with no stated confidence are in the entropy histogram only.",
        x.no_confidence
    ));
}

fn counts(p: &mut Page, r: &Report) {
    let c = &r.counts;
    p.heading("h2", "Counts");
    p.raw("<div class=\"charts\">\n");
    p.chart(&count_bars(
        "Disagreement classes",
        "items per class",
        "items",
        &bars(&c.classes),
    ));
    p.chart(&count_bars(
        "Flags",
        "an item can carry several",
        "items",
        &bars(&c.flags),
    ));
    p.raw("</div>\n");
    p.heading("h3", "Decision status");
    p.table(&["Status", "Items"], &[], &tally_rows(&c.statuses));
    p.heading("h3", "Decisions in force");
    let rows: Vec<Row> = c
        .decisions
        .iter()
        .flat_map(|d| {
            d.reason_codes.0.iter().map(move |(code, n)| {
                Row::new(vec![
                    d.kind.into(),
                    d.items.to_string(),
                    code.clone(),
                    n.to_string(),
                ])
            })
        })
        .collect();
    p.table(&["Kind", "Items", "Reason code", "With it"], &[2], &rows);
    p.heading("h3", "Flags decided and pending");
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
    p.table(&["Flag", "Decided", "Pending"], &[], &rows);
}

fn gold(p: &mut Page, r: &Report) {
    p.heading("h2", "Gold");
    p.table(
        &["", "Passed", "Of", "Rate", "Wilson 95%"],
        &[],
        &[
            proportion("Gold items (plurality is the gold label)", &r.gold.items),
            proportion("Gold judgments", &r.gold.judgments),
        ],
    );
}

fn reviewers(p: &mut Page, r: &Report) {
    p.heading("h2", "Reviewers");
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
                cells: vec![
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
                ],
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
        &rows,
    );
    p.heading("h3", "Each reviewer's calibration and estimated confusion");
    p.note("Open a reviewer to see their agreement with the rest per stated-confidence bin (a calibrated reviewer's agreement follows their confidence) and, where Dawid–Skene ran, the estimated probability of each label given the true class.");
    let labels: Vec<&str> = r.labels.iter().map(|l| l.label.as_str()).collect();
    for x in &r.reviewers {
        p.raw("<details><summary>");
        p.text(&x.reviewer);
        p.raw(
            "</summary>
",
        );
        reliability(p, &x.reliability);
        if let Some(c) = &x.confusion {
            confusion(p, &labels, c);
        }
        p.raw(
            "</details>
",
        );
    }
}

/// Agreement with the rest per stated-confidence bin.
fn reliability(p: &mut Page, bins: &[ReliabilityBin]) {
    if bins.iter().all(|b| b.judgments == 0) {
        p.note("No stated confidence (with an untied rest): nothing to calibrate.");
        return;
    }
    let rows: Vec<Row> = bins
        .iter()
        .map(|b| {
            Row::new(vec![
                // The last bin holds 1.
                format!(
                    "[{:.1}, {:.1}{}",
                    b.low,
                    b.high,
                    if b.high >= 1.0 { "]" } else { ")" }
                ),
                b.judgments.to_string(),
                fig(b.mean_confidence),
                fig(b.agreement),
            ])
        })
        .collect();
    p.table(
        &[
            "Stated confidence",
            "Judgments",
            "Mean confidence",
            "Agreement with the rest",
        ],
        &[],
        &rows,
    );
}

/// A Dawid–Skene confusion matrix: one row per true class, one column per label given.
fn confusion(p: &mut Page, labels: &[&str], matrix: &[Vec<f64>]) {
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
    p.table(&head, &[], &rows);
}

/// Each model against the panel: its figures overall and per class, and the panel's entropy
/// against its own.
fn models(p: &mut Page, r: &Report) {
    p.heading("h2", "Models");
    if r.models.is_empty() {
        p.note("No model's predictions were imported for this batch (dissent predictions import).");
        return;
    }
    p.note(&format!(
        "Each model's distribution held against the panel's (each item's latest round), as dissent eval gives it: KL(panel ‖ model) in nats with model probabilities clipped at {:e}, Jensen–Shannon in bits, total variation, cross-entropy, top-label accuracy over the untied items, and the correlation of the panel's entropy with the model's.",
        crate::domain::divergence::EPSILON
    ));
    for m in &r.models {
        p.heading("h3", &format!("{} (version {})", m.name, m.version));
        let head: Vec<String> = std::iter::once("Figure".to_string())
            .chain(std::iter::once("all items".to_string()))
            .chain(m.by_class.iter().map(|c| c.class.to_string()))
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        let columns: Vec<&crate::domain::divergence::Figures> = std::iter::once(&m.figures)
            .chain(m.by_class.iter().map(|c| &c.figures))
            .collect();
        let mut rows = vec![Row::new(
            std::iter::once("items".to_string())
                .chain(columns.iter().map(|f| f.items.to_string()))
                .collect(),
        )];
        for (i, name) in crate::domain::divergence::COMPARED.iter().enumerate() {
            rows.push(Row::new(
                std::iter::once(crate::domain::divergence::caption(name).to_string())
                    .chain(columns.iter().map(|f| fig(f.compared()[i])))
                    .collect(),
            ));
        }
        p.table(&head, &[], &rows);
        let n = m.entropy.len();
        let mut grid = Grid::new(n);
        for (panel, row) in m.entropy.iter().enumerate() {
            for (model, &count) in row.iter().enumerate() {
                grid.counts[model * n + panel] = count;
            }
        }
        p.chart(&entropy_pair(&grid, &m.name));
    }
}

fn lists(p: &mut Page, r: &Report) {
    let l = &r.lists;
    p.heading("h2", "Lists");
    p.heading("h3", &format!("Sent to re-review ({})", l.rereview.len()));
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
    p.table(
        &["Item", "Reason code", "Reason", "By", "At"],
        &[1, 2, 3, 4],
        &rows,
    );
    p.heading(
        "h3",
        &format!(
            "Rubric problems by split ({} groups)",
            l.rubric_problems.len()
        ),
    );
    let rows: Vec<Row> = l
        .rubric_problems
        .iter()
        .map(|g| {
            Row::new(vec![
                format!("{} / {}", g.labels[0], g.labels[1]),
                g.count.to_string(),
                g.items.join(", "),
            ])
        })
        .collect();
    p.table(&["Labels", "Items", "Item ids"], &[2], &rows);
    p.heading("h3", &format!("Gold misses ({})", l.gold_misses.len()));
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
    p.table(&["Item", "Gold label", "Plurality"], &[1, 2], &rows);
}
