//! The status bar: the last message, else the keys that apply now (from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{cut_end, inert, width};
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

/// The hints that fit in `cells`, whole and in order; when some must go, the help hint (which
/// lists them all) stays last.
fn fitting(hints: Vec<(String, String)>, cells: usize) -> Vec<(String, String)> {
    let sep = width(SEP);
    // Each hint is counted with a separator; the line has one fewer.
    let cells = cells + sep;
    let cost = |(k, d): &(String, String)| width(k) + 1 + width(d) + sep;
    let total = |hs: &[(String, String)]| hs.iter().map(cost).sum::<usize>();
    if total(&hints) <= cells {
        return hints;
    }
    let help = hints.iter().position(|(_, d)| d == "help");
    let reserved = help.map_or(0, |i| cost(&hints[i]));
    let mut used = reserved;
    let mut kept: Vec<(String, String)> = Vec::new();
    for (i, h) in hints.iter().enumerate() {
        if Some(i) == help {
            continue;
        }
        if used + cost(h) > cells {
            break;
        }
        used += cost(h);
        kept.push(h.clone());
    }
    kept.extend(help.map(|i| hints[i].clone()).filter(|h| cost(h) <= cells));
    kept
}

/// Between two hints.
const SEP: &str = " · ";

/// Draws the status bar.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let cells = usize::from(area.width.saturating_sub(1));
    let line = match &app.message {
        _ if app.loading && app.popup.is_none() => Line::from(Span::styled(
            format!(
                " {}",
                cut_end("working… (the screen stays live; keys still work)", cells)
            ),
            app.theme.dim,
        )),
        Some(m) if app.popup.is_none() => Line::from(Span::styled(
            format!(" {}", cut_end(&inert(m, false), cells)),
            app.theme.alert,
        )),
        _ => {
            let mut spans = vec![Span::raw(" ")];
            for (i, (keys, what)) in fitting(hints(app), cells).into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(SEP, app.theme.dim));
                }
                spans.push(Span::styled(keys, app.theme.key));
                spans.push(Span::raw(format!(" {what}")));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}
