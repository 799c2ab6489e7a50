//! The decision form popup: label, reason code, erring reviewers, reason, confirm.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use crate::domain::decision::DecisionKind;
use crate::text::inert;
use crate::tui::app::{App, DecisionForm, FormStep, Reviewer};
use crate::tui::form::can_err;
use crate::tui::keymap::Command;

/// The lines of a list with the cursor on one entry; entries that cannot be taken are dimmed.
fn list<'a>(app: &App, items: Vec<(String, bool)>, cursor: usize) -> Vec<Line<'a>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (s, enabled))| {
            let text = format!("{}{s}", if i == cursor { "> " } else { "  " });
            let style = match (i == cursor, enabled) {
                (true, _) => app.theme.selected,
                (false, true) => ratatui::style::Style::default(),
                (false, false) => app.theme.dim,
            };
            Line::from(Span::styled(text, style))
        })
        .collect()
}

/// A reviewer's entry in the erring step: mark (`[-]`: cannot be marked), id, the label they
/// chose and their confidence.
fn reviewer_entry(r: &Reviewer, label: Option<&str>) -> (String, bool) {
    let enabled = can_err(r, label);
    let mark = match (enabled, r.erred) {
        (false, _) => "[-]",
        (true, true) => "[x]",
        (true, false) => "[ ]",
    };
    let conf = r
        .confidence
        .map(|c| format!(" · conf {c:.2}"))
        .unwrap_or_default();
    (
        format!(
            "{mark} {} — {}{conf}",
            inert(&r.id, false),
            inert(&r.label, false)
        ),
        enabled,
    )
}

/// Draws the decision form.
pub fn draw(frame: &mut Frame<'_>, app: &App, form: &DecisionForm) {
    let area = centered(frame.area(), 64, 20);
    frame.render_widget(Clear, area);
    let what = match form.kind {
        DecisionKind::HardLabel => "Hard label",
        DecisionKind::KeepSoft => "Keep soft",
        _ => "Send to re-review",
    };
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(format!(" {what} · {} ", inert(&form.item_id, false)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let keys = |c: Command| app.keymap.label(c);
    let header = |s: String| Line::from(Span::styled(s, app.theme.header));
    let label = form
        .label
        .and_then(|i| app.rubric.labels.get(i))
        .map(|l| l.id.as_str());
    let mut lines: Vec<Line<'_>> = Vec::new();
    let chosen = |name: &str, v: Option<String>| {
        Line::from(vec![
            Span::styled(format!("{name}: "), app.theme.header),
            Span::raw(v.unwrap_or_default()),
        ])
    };
    if form.kind == DecisionKind::HardLabel {
        lines.push(chosen("label", label.map(str::to_string)));
        lines.push(chosen(
            "reason code",
            form.code.and_then(|i| form.codes.get(i)).cloned(),
        ));
        let erring: Vec<&str> = form
            .reviewers
            .iter()
            .filter(|r| r.erred)
            .map(|r| r.id.as_str())
            .collect();
        if !erring.is_empty() {
            lines.push(chosen(
                "erring",
                Some(inert(&erring.join(", "), false).into_owned()),
            ));
        }
        lines.push(Line::from(""));
    }
    match form.step {
        FormStep::Label => {
            lines.push(header("Which label?".into()));
            let labels = app
                .rubric
                .labels
                .iter()
                .map(|l| {
                    let text = match &l.description {
                        Some(d) => format!("{} — {d}", l.id),
                        None => l.id.clone(),
                    };
                    (inert(&text, false).into_owned(), true)
                })
                .collect();
            lines.extend(list(app, labels, form.cursor));
        }
        FormStep::ReasonCode => {
            lines.push(header("Why a hard label?".into()));
            let codes = form
                .codes
                .iter()
                .map(|c| (inert(c, false).into_owned(), true))
                .collect();
            lines.extend(list(app, codes, form.cursor));
            if let Some(why) = &form.withheld {
                lines.push(Line::from(Span::styled(why.clone(), app.theme.dim)));
            }
        }
        FormStep::Erring => {
            lines.push(header(format!(
                "Who erred? ({} marks; [-] chose {}, so did not)",
                keys(Command::Mark),
                label.unwrap_or("the label")
            )));
            let entries = form
                .reviewers
                .iter()
                .map(|r| reviewer_entry(r, label))
                .collect();
            lines.extend(list(app, entries, form.cursor));
        }
        FormStep::Reason => {
            lines.push(header(format!(
                "Reason ({} when done):",
                keys(Command::Finish)
            )));
        }
        FormStep::Confirm => {
            lines.push(header("Reason:".into()));
            for l in form.reason.lines() {
                lines.push(Line::from(format!("  {}", inert(l, false))));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                format!(
                    "Commit this decision? {} commits · {} goes back",
                    keys(Command::Yes),
                    keys(Command::No)
                ),
                app.theme.alert,
            )));
        }
    }
    if let Some(notice) = &form.notice {
        lines.push(Line::from(Span::styled(
            inert(notice, false).into_owned(),
            app.theme.alert,
        )));
    }
    // Wrapped here, so that a long entry continues under its text, not under its marker, and
    // the height below the text is the height drawn.
    let lines: Vec<Line<'_>> = lines
        .into_iter()
        .flat_map(|l| super::wrap::wrap(l.spans, usize::from(inner.width), 2))
        .collect();
    let text_height = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);
    if form.step == FormStep::Reason {
        let mut rect = inner;
        rect.y += text_height.min(inner.height);
        rect.height = inner.height.saturating_sub(text_height);
        let mut area = form.reason.clone();
        area.set_block(Block::bordered().border_style(app.theme.dim));
        frame.render_widget(&area, rect);
    }
}
