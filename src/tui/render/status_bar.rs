//! The status bar: the last message, else the keys that apply now (from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;

/// The hints for the current context, from the keymap: (keys, what they do).
#[must_use]
pub fn hints(app: &App) -> Vec<(String, String)> {
    app.keymap
        .hints(app.context())
        .into_iter()
        .map(|(k, id)| (k, id.replace('-', " ")))
        .collect()
}

/// Draws the status bar.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let line = match &app.message {
        _ if app.loading && app.popup.is_none() => Line::from(Span::styled(
            " working… (the screen stays live; keys still work)",
            app.theme.dim,
        )),
        Some(m) if app.popup.is_none() => Line::from(Span::styled(
            format!(" {}", crate::text::inert(m, false)),
            app.theme.alert,
        )),
        _ => {
            let mut spans = vec![Span::raw(" ")];
            for (i, (keys, what)) in hints(app).into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" · ", app.theme.dim));
                }
                spans.push(Span::styled(keys, app.theme.key));
                spans.push(Span::raw(format!(" {what}")));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}
