//! The panel pane: the selected item's view, read-only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::text::{cut_middle, pad, width};
use crate::tui::app::{App, Focus};
use crate::view::item::ItemView;

/// Widest bar of the distribution, in cells.
const BAR: usize = 20;
/// Narrowest bar before the figures are left to wrap.
const MIN_BAR: usize = 4;

/// `text` split at its newlines, each line indented by `indent`.
fn indented(text: &str, indent: &str) -> impl Iterator<Item = Line<'static>> {
    text.lines()
        .map(move |l| Line::from(format!("{indent}{l}")))
}

/// The panel's lines for an item view, for a pane `cells` wide inside its border.
#[must_use]
pub fn lines(app: &App, v: &ItemView, cells: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out: Vec<Line<'static>> = Vec::new();
    for (k, value) in &v.payload {
        let mut rows = value.lines();
        out.push(Line::from(vec![
            Span::styled(format!("{k}: "), t.header),
            Span::raw(rows.next().unwrap_or("").to_string()),
        ]));
        out.extend(rows.map(|l| Line::from(format!("  {l}"))));
    }
    if let Some(g) = &v.gold {
        out.push(Line::from(vec![
            Span::styled("gold label: ", t.header),
            Span::raw(g.clone()),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        format!("Distribution · {} reviewers", v.reviewer_count),
        t.header,
    )));
    let label_w = v.label_width();
    let bar = cells
        .saturating_sub(2 + label_w + 1 + 1 + v.figures_width())
        .clamp(MIN_BAR, BAR);
    for s in &v.distribution {
        let (full, empty) = s.bar(bar);
        out.push(Line::from(vec![
            Span::raw(format!("  {} ", pad(&s.label, label_w))),
            Span::styled(full, t.bar),
            Span::styled(empty, t.dim),
            Span::raw(format!(" {}", s.figures())),
        ]));
    }
    out.push(Line::from(v.headline.clone()));
    for (flag, why) in &v.flags {
        out.push(Line::from(Span::styled(
            format!("⚑ {flag}: {why}"),
            t.alert,
        )));
    }
    out.push(Line::from(""));
    match &v.reviewers {
        Some(rows) => {
            out.push(Line::from(Span::styled("Panel (read-only)", t.header)));
            for r in rows {
                out.push(Line::from(vec![
                    Span::styled(format!("  {} ", r.reviewer), t.key),
                    Span::raw(format!("{} ", r.label)),
                    Span::styled(
                        r.confidence
                            .map_or("conf -".into(), |c| format!("conf {c:.2}")),
                        t.dim,
                    ),
                ]));
                if !r.attributes.is_empty() {
                    out.push(Line::from(Span::styled(
                        format!("    {}", r.attributes),
                        t.dim,
                    )));
                }
                if let Some(e) = &r.evidence {
                    out.extend(indented(e, "    "));
                }
                if !r.anchors.is_empty() {
                    let anchors: Vec<String> = r.anchors.iter().map(ToString::to_string).collect();
                    out.push(Line::from(Span::styled(
                        format!("    anchors · {}", anchors.join(" · ")),
                        t.dim,
                    )));
                }
            }
        }
        None => out.push(Line::from(Span::styled(
            "Imported as label counts: no per-reviewer record exists.",
            t.dim,
        ))),
    }
    if !v.decisions.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Decisions", t.header)));
        for d in &v.decisions {
            out.push(Line::from(vec![
                Span::styled(
                    format!("  #{} {} {} ", d.id, d.at.format("%Y-%m-%d %H:%M"), d.actor),
                    t.dim,
                ),
                Span::styled(d.what.clone(), t.good),
            ]));
            if !d.erring.is_empty() {
                out.push(Line::from(Span::styled(
                    format!("    erring: {}", d.erring.join(", ")),
                    t.alert,
                )));
            }
            if let Some(text) = &d.text {
                out.extend(indented(text, "    "));
            }
        }
    }
    out
}

/// The pane title: the id cut in the middle to leave room for the class and status, which
/// always show.
fn title(v: &ItemView, cells: usize) -> String {
    let facts = format!(
        " · {} · {} ",
        v.class.as_str(),
        v.status.as_str().replace('_', " ")
    );
    let id = cut_middle(&v.item_id, cells.saturating_sub(width(&facts) + 1));
    format!(" {id}{facts}")
}

/// Draws the panel pane.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let border = if app.focus == Focus::Panel && app.popup.is_none() {
        app.theme.focus
    } else {
        app.theme.dim
    };
    let inner = usize::from(area.width.saturating_sub(2));
    let (title, body) = match app.selected_item() {
        Some(item) => {
            let v = ItemView::new(&item.record, item.status, &item.decisions, &app.rubric);
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
    frame.render_widget(
        Paragraph::new(body)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.panel_scroll, 0)),
        area,
    );
}
