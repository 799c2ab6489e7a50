//! The history popup: the selected item's events, who did what and when, newest last.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use super::wrap::cut_line;
use crate::store::Event;
use crate::text::inert;
use crate::tui::app::{App, History};
use crate::tui::keymap::Command;

/// Draws the history of an item.
pub fn draw(frame: &mut Frame<'_>, app: &App, history: &History) {
    let area = centered(frame.area(), 110, 24);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(format!(
            " History of {} · {} closes ",
            inert(&history.item_id, false),
            app.keymap.label(Command::Back)
        ));
    let room = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(events) = &history.events else {
        let reading = Line::from(Span::styled("reading…", app.theme.dim));
        frame.render_widget(Paragraph::new(reading).block(block), area);
        return;
    };
    if events.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing has happened to this item since it was imported",
            app.theme.dim,
        )));
    }
    let skip = events.len().saturating_sub(room);
    if skip > 0 {
        lines.push(Line::from(Span::styled(
            format!("… {skip} earlier events (dissent log --item)"),
            app.theme.dim,
        )));
    }
    for e in events.iter().skip(skip + usize::from(skip > 0)) {
        lines.push(cut_line(event_line(app, e), width));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A detail as words: strings bare, objects as `key value` pairs (`decision 1 by bob`).
fn words(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k} {}", words(v)))
            .collect::<Vec<_>>()
            .join(" "),
        v => v.to_string(),
    }
}

/// One event: when, who (and the OS account, when another), what, and its details.
fn event_line(app: &App, e: &Event) -> Line<'static> {
    let who = match e.account.as_deref().filter(|a| *a != e.actor) {
        Some(account) => format!(
            "{} (account {})",
            inert(&e.actor, false),
            inert(account, false)
        ),
        None => inert(&e.actor, false).into_owned(),
    };
    let details = match &e.details {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k} {}", words(v)))
            .collect::<Vec<_>>()
            .join(" · "),
        d => words(d),
    };
    let details = inert(&details, false).into_owned();
    Line::from(vec![
        Span::styled(format!("{} ", e.at), app.theme.dim),
        Span::raw(format!("{who} ")),
        Span::styled(format!("{} ", e.action), app.theme.header),
        Span::raw(details),
    ])
}
