//! The title bar: batch, task, counts, who is acting, and the demo mark.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::text::{fit_parts, inert};
use crate::tui::app::App;

/// Who is acting, with their role when the database has a staff list.
fn acting(app: &App) -> String {
    let who = inert(&app.title.actor, false);
    match (app.standing.staffed, app.standing.role) {
        (false, _) => format!("as {who}"),
        (true, Some(role)) => format!("as {who} ({})", role.as_str().replace('_', " ")),
        (true, None) => format!("as {who} (not on the staff list)"),
    }
}

/// Draws the title bar. When the fields do not all fit, the least needed leave whole: the
/// task first, then the counts and who is acting; the batch and the demo or finalized mark stay.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let t = &app.title;
    let mut parts = vec![(9, "dissent".to_string())];
    if t.demo {
        parts.push((8, "demo — not saved".into()));
    }
    parts.extend([
        (7, inert(&t.batch, false).into_owned()),
        (
            1,
            format!("{} v{}", inert(&app.rubric.task, false), app.rubric.version),
        ),
        (4, format!("{} items", app.counts.total)),
        (3, format!("{} flagged", app.counts.flagged)),
        (2, acting(app)),
    ]);
    if t.finalized {
        parts.push((8, "finalized".into()));
    }
    let text = fit_parts(&parts, " · ", usize::from(area.width.saturating_sub(1)));
    frame.render_widget(
        Paragraph::new(Line::from(format!(" {text}"))).style(app.theme.title),
        area,
    );
}
