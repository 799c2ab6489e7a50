//! The status bar: the last message, else the keys that apply now (from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, FormStep, Popup};
use crate::tui::keymap::POPUP_KEYS;

/// The hints for the current context: (keys, what they do).
#[must_use]
pub fn hints(app: &App) -> Vec<(String, String)> {
    let fixed = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, d)| ((*k).to_string(), (*d).to_string()))
            .collect()
    };
    match &app.popup {
        Some(Popup::Help) => fixed(&[("Esc/?", "close help")]),
        Some(Popup::Search(_)) => fixed(&[("Enter", "search"), ("Esc", "cancel")]),
        Some(Popup::ConfirmUndo(_)) => fixed(&[("y/Enter", "undo"), ("n/Esc", "keep")]),
        Some(Popup::Decide(form)) => match form.step {
            FormStep::Label | FormStep::ReasonCode => {
                fixed(&[POPUP_KEYS[0], ("Enter", "choose"), ("Esc", "back")])
            }
            FormStep::Erring => fixed(&[
                POPUP_KEYS[0],
                POPUP_KEYS[1],
                ("Enter", "next"),
                ("Esc", "back"),
            ]),
            FormStep::Reason => fixed(&[("type", "reason"), POPUP_KEYS[3], ("Esc", "back")]),
            FormStep::Confirm => fixed(&[("y/Enter", "commit"), ("Esc", "back")]),
        },
        None => app
            .keymap
            .hints()
            .into_iter()
            .map(|(k, id)| (k, id.replace('-', " ")))
            .collect(),
    }
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
