//! The status bar: the last message, else the keys that apply now (from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{cut_end, inert, width};
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
