//! The help overlay, generated from the keymap so it cannot drift from what the keys do.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use super::queue::{flag_letter, status_mark};
use crate::domain::decision::DecisionStatus;
use crate::domain::model::FlagKind;
use crate::tui::app::App;
use crate::tui::keymap::POPUP_KEYS;

/// Draws the help.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = centered(frame.area(), 76, 40);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(" Help · Esc closes ");
    let key_line = |k: String, d: &str| {
        Line::from(vec![
            Span::styled(format!("  {k:<16}"), app.theme.key),
            Span::raw(d.to_string()),
        ])
    };
    let mut lines: Vec<Line<'_>> = app
        .keymap
        .help()
        .into_iter()
        .map(|(k, d)| key_line(k, d))
        .collect();
    lines.push(Line::from(Span::styled(
        "In the adjudication popup",
        app.theme.header,
    )));
    lines.extend(
        POPUP_KEYS
            .iter()
            .map(|(k, d)| key_line((*k).to_string(), d)),
    );
    lines.push(Line::from(Span::styled(
        "Mouse: wheel scrolls, click selects (off with --no-mouse)",
        app.theme.dim,
    )));
    let flags: Vec<String> = FlagKind::ALL
        .iter()
        .map(|f| format!("{} {}", flag_letter(*f), f.as_str()))
        .collect();
    lines.push(Line::from(Span::styled(
        format!("⚑ {}", flags.join(" · ")),
        app.theme.dim,
    )));
    let marks: Vec<String> = DecisionStatus::ALL
        .iter()
        .map(|s| format!("{} {}", status_mark(*s), s.as_str()))
        .collect();
    lines.push(Line::from(Span::styled(
        format!("✓ {}", marks.join(" · ")),
        app.theme.dim,
    )));
    lines.push(Line::from(Span::styled(
        "Remap keys in keys.toml in your config folder (dissent/keys.toml)",
        app.theme.dim,
    )));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
