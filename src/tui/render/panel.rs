//! The panel pane: the selected item's view, read-only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::queue::class_short;
use super::wrap::wrap;
use crate::text::{cut_middle, inert, pad, width};
use crate::tui::app::{App, Focus, Prediction};
use crate::view::item::{ItemView, Share};

/// Widest bar of the distribution, in cells.
const BAR: usize = 20;
/// Narrowest bar before the figures are left to wrap.
const MIN_BAR: usize = 4;

/// The panel's logical lines, each with the indent its continuation lines take when wrapped.
struct Lines(Vec<(Vec<Span<'static>>, usize)>);

impl Lines {
    fn push(&mut self, spans: Vec<Span<'static>>, hang: usize) {
        self.0.push((spans, hang));
    }

    fn text(&mut self, text: String, style: Style, hang: usize) {
        self.push(vec![Span::styled(text, style)], hang);
    }

    /// `text` split at its newlines, each line indented by `indent` cells.
    fn paragraph(&mut self, text: &str, indent: usize) {
        for l in text.lines() {
            self.text(format!("{}{l}", " ".repeat(indent)), Style::new(), indent);
        }
    }
}

/// The panel's lines for an item view, wrapped to a pane `cells` wide inside its border.
#[must_use]
pub fn lines(app: &App, v: &ItemView, cells: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = Lines(Vec::new());
    for (k, value) in &v.payload {
        let mut rows = value.lines();
        out.push(
            vec![
                Span::styled(format!("{k}: "), t.header),
                Span::raw(rows.next().unwrap_or("").to_string()),
            ],
            2,
        );
        for l in rows {
            out.text(format!("  {l}"), Style::new(), 2);
        }
    }
    if let Some(g) = &v.gold {
        out.push(
            vec![Span::styled("gold label: ", t.header), Span::raw(g.clone())],
            2,
        );
    }
    if let Some(team) = &v.team {
        out.text(team.clone(), t.alert, 2);
    }
    out.text(String::new(), Style::new(), 0);
    out.text(
        format!("Distribution · {} reviewers", v.reviewer_count),
        t.header,
        0,
    );
    let label_w = v.label_width();
    let bar = cells
        .saturating_sub(2 + label_w + 1 + 1 + v.figures_width())
        .clamp(MIN_BAR, BAR);
    for s in &v.distribution {
        let (full, empty) = s.bar(bar);
        out.push(
            vec![
                Span::raw(format!("  {} ", pad(&s.label, label_w))),
                Span::styled(full, t.bar),
                Span::styled(empty, t.dim),
                Span::raw(format!(" {}", s.figures())),
            ],
            4,
        );
    }
    if let Some(p) = app.selected_prediction() {
        model_rows(&mut out, app, v, p, (label_w, bar));
    }
    out.text(v.headline.clone(), Style::new(), 2);
    if v.round.number > 1 || v.round.rubric_version != app.rubric.version {
        out.text(v.round.to_string(), t.header, 2);
    }
    for (flag, why) in &v.flags {
        out.text(format!("⚑ {flag}: {why}"), t.alert, 2);
    }
    out.text(String::new(), Style::new(), 0);
    match &v.reviewers {
        Some(rows) => {
            out.text("Panel (read-only)".into(), t.header, 0);
            for r in rows {
                out.push(
                    vec![
                        Span::styled(format!("  {} ", r.reviewer), t.key),
                        Span::raw(format!("{} ", r.label)),
                        Span::styled(
                            r.confidence
                                .map_or("conf -".into(), |c| format!("conf {c:.2}")),
                            t.dim,
                        ),
                    ],
                    4,
                );
                if !r.attributes.is_empty() {
                    out.text(format!("    {}", r.attributes), t.dim, 6);
                }
                if let Some(e) = &r.evidence {
                    out.paragraph(e, 4);
                }
                if !r.anchors.is_empty() {
                    let anchors: Vec<String> = r.anchors.iter().map(ToString::to_string).collect();
                    out.text(format!("    anchors · {}", anchors.join(" · ")), t.dim, 6);
                }
            }
        }
        None => out.text(
            "Imported as label counts: no per-reviewer record exists.".into(),
            t.dim,
            0,
        ),
    }
    if !v.decisions.is_empty() {
        out.text(String::new(), Style::new(), 0);
        out.text("Decisions".into(), t.header, 0);
        for d in &v.decisions {
            out.push(
                vec![
                    Span::styled(
                        format!("  #{} {} {} ", d.id, d.at.format("%Y-%m-%d %H:%M"), d.actor),
                        t.dim,
                    ),
                    Span::styled(d.what.clone(), t.good),
                ],
                4,
            );
            if !d.erring.is_empty() {
                out.text(format!("    erring: {}", d.erring.join(", ")), t.alert, 6);
            }
            if let Some(text) = &d.text {
                out.paragraph(text, 4);
            }
        }
    }
    if !v.earlier.is_empty() {
        out.text(String::new(), Style::new(), 0);
        out.text("Earlier rounds".into(), t.header, 0);
        for r in &v.earlier {
            out.text(format!("  {} · {}", r.tag, r.headline), t.dim, 4);
            out.text(format!("    {}", r.votes), Style::new(), 4);
        }
    }
    out.0
        .into_iter()
        .flat_map(|(spans, hang)| wrap(spans, cells, hang))
        .collect()
}

/// The pane title: the class and status always show; when the id does not fit beside them, the
/// class takes its short queue form and the id is cut in the middle.
/// The shown model's distribution under the panel's, bar for bar, with its KL from the panel;
/// `widths` are the label column's and the bars'.
fn model_rows(out: &mut Lines, app: &App, v: &ItemView, p: &Prediction, widths: (usize, usize)) {
    let t = &app.theme;
    let (label_w, bar) = widths;
    let model = inert(&p.model, false);
    let Some((shares, kl)) = &p.shares else {
        out.text(
            format!("Model {model}: no prediction for this item"),
            t.dim,
            2,
        );
        return;
    };
    out.text(
        format!("Model {model} · KL {kl:.3} nats from the panel"),
        t.header,
        2,
    );
    for (s, &q) in v.distribution.iter().zip(shares) {
        let (full, empty) = Share {
            share: q,
            ..s.clone()
        }
        .bar(bar);
        out.push(
            vec![
                Span::raw(format!("  {} ", pad(&s.label, label_w))),
                Span::styled(full, t.key),
                Span::styled(empty, t.dim),
                Span::raw(format!(" {q:.2}")),
            ],
            4,
        );
    }
}

fn title(v: &ItemView, cells: usize) -> String {
    let status = v.status.as_str().replace('_', " ");
    let mut facts = format!(" · {} · {status} ", v.class.as_str());
    if width(&v.item_id) + width(&facts) + 1 > cells {
        facts = format!(" · {} · {status} ", class_short(v.class));
    }
    // The id keeps a readable start and end, however narrow the pane: the facts give way
    // (the border cuts what does not fit).
    let least = width(&v.item_id).min(super::ID_AT_LEAST);
    let id = cut_middle(
        &v.item_id,
        cells.saturating_sub(width(&facts) + 1).max(least),
    );
    format!(" {id}{facts}")
}

/// Draws the panel pane.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let border = super::border(app, Focus::Panel);
    let inner = usize::from(area.width.saturating_sub(2));
    let (title, body) = match app.selected_item() {
        Some(item) => {
            let v = ItemView::stored(item, &app.rubric);
            (title(&v, inner), lines(app, &v, inner))
        }
        None => (
            " Panel ".into(),
            vec![Line::from(Span::styled(
                if app.rows.is_empty() {
                    ""
                } else {
                    "loading…"
                },
                app.theme.dim,
            ))],
        ),
    };
    let block = Block::bordered().border_style(border).title(title);
    // The body is wrapped already: a line is a screen row; two rows go to the border.
    let max = (body.len() + 2).saturating_sub(area.height.into());
    let offset = app.panel_offset(u16::try_from(max).unwrap_or(u16::MAX));
    frame.render_widget(Paragraph::new(body).block(block).scroll((offset, 0)), area);
}
