//! The adjudication popup, the search prompt and the undo confirmation.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::domain::decision::DecisionKind;
use crate::text::inert;
use crate::tui::app::{App, DecisionForm, FormStep};

fn list<'a>(app: &App, items: &[String], cursor: usize, marks: Option<&[bool]>) -> Vec<Line<'a>> {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mark = match marks {
                Some(m) if m.get(i).copied().unwrap_or(false) => "[x] ",
                Some(_) => "[ ] ",
                None => "",
            };
            let text = format!(
                "{}{mark}{}",
                if i == cursor { "> " } else { "  " },
                inert(s, false)
            );
            if i == cursor {
                Line::from(Span::styled(text, app.theme.selected))
            } else {
                Line::from(text)
            }
        })
        .collect()
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
    let mut lines: Vec<Line<'_>> = Vec::new();
    let chosen = |label: &str, v: Option<String>| {
        Line::from(vec![
            Span::styled(format!("{label}: "), app.theme.header),
            Span::raw(v.unwrap_or_default()),
        ])
    };
    if form.kind == DecisionKind::HardLabel {
        lines.push(chosen(
            "label",
            form.label.map(|i| app.rubric.labels[i].id.clone()),
        ));
        lines.push(chosen(
            "reason code",
            form.code.map(|i| app.rubric.reason_codes[i].clone()),
        ));
        let erring: Vec<&str> = form
            .reviewers
            .iter()
            .zip(&form.erring)
            .filter(|(_, e)| **e)
            .map(|(r, _)| r.as_str())
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
            lines.push(Line::from(Span::styled("Which label?", app.theme.header)));
            let labels: Vec<String> = app
                .rubric
                .labels
                .iter()
                .map(|l| match &l.description {
                    Some(d) => format!("{} — {d}", l.id),
                    None => l.id.clone(),
                })
                .collect();
            lines.extend(list(app, &labels, form.cursor, None));
        }
        FormStep::ReasonCode => {
            lines.push(Line::from(Span::styled(
                "Why a hard label? (seed §7)",
                app.theme.header,
            )));
            lines.extend(list(app, &app.rubric.reason_codes, form.cursor, None));
        }
        FormStep::Erring => {
            lines.push(Line::from(Span::styled(
                "Who erred? (Space marks)",
                app.theme.header,
            )));
            lines.extend(list(app, &form.reviewers, form.cursor, Some(&form.erring)));
        }
        FormStep::Reason => {
            lines.push(Line::from(Span::styled(
                "Reason (Ctrl-s when done):",
                app.theme.header,
            )));
        }
        FormStep::Confirm => {
            lines.push(Line::from(Span::styled("Reason:", app.theme.header)));
            for l in form.reason.lines() {
                lines.push(Line::from(format!("  {}", inert(l, false))));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "Commit this decision? y/Enter commits · Esc goes back",
                app.theme.alert,
            )));
        }
    }
    let text_height = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if form.step == FormStep::Reason {
        let mut rect = inner;
        rect.y += text_height.min(inner.height);
        rect.height = inner.height.saturating_sub(text_height);
        let mut area = form.reason.clone();
        area.set_block(Block::bordered().border_style(app.theme.dim));
        frame.render_widget(&area, rect);
    }
}

/// Draws the search prompt.
pub fn draw_search(frame: &mut Frame<'_>, app: &App, text: &str) {
    let area = centered(frame.area(), 60, 3);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(" Search item ids and payload text ");
    frame.render_widget(
        Paragraph::new(format!("/{}█", inert(text, false))).block(block),
        area,
    );
}

/// Draws the undo confirmation.
pub fn draw_confirm_undo(frame: &mut Frame<'_>, app: &App, item: &str) {
    let area = centered(frame.area(), 60, 4);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(" Undo ");
    let text = format!(
        "Undo the decision in force on {}? A revert is appended; nothing is erased. (y/n)",
        inert(item, false)
    );
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        area,
    );
}
