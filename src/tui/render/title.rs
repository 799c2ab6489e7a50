//! The title bar: batch, task, counts, who is acting, and the demo mark.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::text::inert;
use crate::tui::app::App;

/// Draws the title bar.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let t = &app.title;
    let demo = if t.demo { " · demo — not saved" } else { "" };
    let mut text = format!(
        " dissent{demo} · {} · {} v{} · {} items · {} flagged · as {}",
        inert(&t.batch, false),
        app.rubric.task,
        app.rubric.version,
        app.counts.total,
        app.counts.flagged,
        inert(&t.actor, false)
    );
    if t.finalized {
        text.push_str(" · finalized");
    }
    frame.render_widget(
        Paragraph::new(Line::from(text)).style(app.theme.title),
        area,
    );
}
