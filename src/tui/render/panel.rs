//! The panel pane: everything the panel said about the selected item, read-only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::decision::DecisionKind;
use crate::domain::model::Panel;
use crate::domain::triage::summarize;
use crate::store::StoredItem;
use crate::text::inert;
use crate::tui::app::{App, Focus};

const BAR: usize = 20;

fn bar(share: f64) -> (String, String) {
    let full = ((share * BAR as f64).round() as usize).min(BAR);
    ("█".repeat(full), "░".repeat(BAR - full))
}

/// The panel's lines for an item.
#[must_use]
pub fn lines(app: &App, item: &StoredItem) -> Vec<Line<'static>> {
    let t = &app.theme;
    let r = &item.record;
    let rubric = &app.rubric;
    let s = summarize(&r.panel, rubric, r.gold_label.as_deref());
    let mut out: Vec<Line<'static>> = Vec::new();
    for (k, v) in &r.payload {
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        out.push(Line::from(vec![
            Span::styled(format!("{}: ", inert(k, false)), t.header),
            Span::raw(inert(&text, false).into_owned()),
        ]));
    }
    if let Some(g) = &r.gold_label {
        out.push(Line::from(vec![
            Span::styled("gold label: ", t.header),
            Span::raw(inert(g, false).into_owned()),
        ]));
    }
    out.push(Line::from(""));
    out.push(Line::from(Span::styled(
        format!("Distribution · {} reviewers", s.figures.reviewer_count),
        t.header,
    )));
    let width = rubric
        .labels
        .iter()
        .map(|l| l.id.chars().count())
        .max()
        .unwrap_or(0);
    for ((label, share), count) in rubric.labels.iter().zip(&s.figures.shares).zip(&s.counts) {
        let (full, empty) = bar(*share);
        out.push(Line::from(vec![
            Span::raw(format!("  {:<width$} ", label.id)),
            Span::styled(full, t.bar),
            Span::styled(empty, t.dim),
            Span::raw(format!(" {share:.2} ({count})")),
        ]));
    }
    out.push(Line::from(s.headline()));
    for f in &s.flags {
        out.push(Line::from(Span::styled(
            format!("⚑ {}: {}", f.kind.as_str(), f.explanation),
            t.alert,
        )));
    }
    out.push(Line::from(""));
    match &r.panel {
        Panel::Judgments(js) => {
            out.push(Line::from(Span::styled("Panel (read-only)", t.header)));
            for j in js {
                out.push(Line::from(vec![
                    Span::styled(format!("  {} ", inert(&j.reviewer, false)), t.key),
                    Span::raw(format!("{} ", j.label)),
                    Span::styled(
                        j.confidence
                            .map_or("conf -".into(), |c| format!("conf {c:.2}")),
                        t.dim,
                    ),
                ]));
                if !j.attributes.is_empty() {
                    let attrs: Vec<String> = j
                        .attributes
                        .iter()
                        .map(|(k, v)| {
                            format!(
                                "{k}={}",
                                v.as_str().map_or_else(|| v.to_string(), str::to_string)
                            )
                        })
                        .collect();
                    out.push(Line::from(Span::styled(
                        format!("    {}", inert(&attrs.join(" · "), false)),
                        t.dim,
                    )));
                }
                if let Some(e) = &j.evidence {
                    for para in inert(e, true).lines() {
                        out.push(Line::from(format!("    {para}")));
                    }
                }
                if let Some(anchor) = rubric
                    .labels
                    .iter()
                    .find(|l| l.id == j.label)
                    .and_then(|l| l.anchors.first())
                {
                    out.push(Line::from(Span::styled(
                        format!("    anchor · {}: {}", j.label, inert(anchor, false)),
                        t.dim,
                    )));
                }
            }
        }
        Panel::Counts(_) => out.push(Line::from(Span::styled(
            "Imported as label counts: no per-reviewer record exists.",
            t.dim,
        ))),
    }
    if !item.decisions.is_empty() {
        out.push(Line::from(""));
        out.push(Line::from(Span::styled("Decisions", t.header)));
        for d in &item.decisions {
            let what = match d.kind {
                DecisionKind::HardLabel => format!(
                    "hard label {} [{}{}]",
                    d.label.as_deref().unwrap_or("?"),
                    d.reason_code.as_deref().unwrap_or(""),
                    if d.erring.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", d.erring.join(", "))
                    }
                ),
                DecisionKind::Revert => format!("undo of #{}", d.reverts.unwrap_or(0)),
                k => k.as_str().replace('_', " "),
            };
            out.push(Line::from(vec![
                Span::styled(
                    format!(
                        "  #{} {} {} ",
                        d.id,
                        d.at.format("%Y-%m-%d %H:%M"),
                        inert(&d.actor, false)
                    ),
                    t.dim,
                ),
                Span::styled(what, t.good),
            ]));
            if d.kind != DecisionKind::Revert {
                for para in inert(&d.text, true).lines() {
                    out.push(Line::from(format!("    {para}")));
                }
            }
        }
    }
    out
}

/// Draws the panel pane.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let border = if app.focus == Focus::Panel && app.popup.is_none() {
        app.theme.focus
    } else {
        app.theme.dim
    };
    let (title, body) = match app.selected_item() {
        Some(item) => {
            let s = &item.record;
            let row = app.selected_row();
            let title = format!(
                " {} · {} · {} ",
                inert(&s.item_id, false),
                row.map_or("", |r| r.class.as_str()),
                item.status.as_str().replace('_', " ")
            );
            (title, lines(app, item))
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
    let panel = Paragraph::new(body).block(block).wrap(Wrap { trim: false });
    let max = panel
        .line_count(area.width.saturating_sub(2))
        .saturating_sub(area.height.into());
    let offset = app.panel_offset(u16::try_from(max).unwrap_or(u16::MAX));
    frame.render_widget(panel.scroll((offset, 0)), area);
}
