//! Drawing: every function here reads `&App` and nothing else.

mod decision_form;
mod help;
mod history;
mod panel;
mod qa;
mod queue;
mod search_prompt;
mod staff;
mod status_bar;
mod title;
mod undo_confirm;
mod wrap;

pub use help::extent as help_extent;
pub use qa::page as qa_page;
pub use status_bar::hints;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;

use super::app::{App, Focus, Popup};

/// Cells an item id keeps in a queue row or the panel title however narrow the pane: the
/// columns and facts after it give way.
const ID_AT_LEAST: usize = 10;

/// Where each part of the screen is, for drawing and for mouse hit-testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// Title bar.
    pub title: Rect,
    /// Queue pane (with border).
    pub queue: Rect,
    /// The queue's item rows.
    pub queue_rows: Rect,
    /// Panel pane (with border).
    pub panel: Rect,
    /// Status bar.
    pub status: Rect,
}

/// Lines above the queue's rows inside its border: class counts, flag counts, column header.
const QUEUE_HEADER: u16 = 3;

/// The layout of a screen of `area`.
#[must_use]
pub fn areas(area: Rect) -> Areas {
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let split = if area.width >= 110 {
        [Constraint::Percentage(46), Constraint::Percentage(54)]
    } else {
        [Constraint::Percentage(55), Constraint::Percentage(45)]
    };
    let [queue, panel] = Layout::horizontal(split).areas(body);
    let inner = Rect {
        x: queue.x + 1,
        y: queue.y + 1 + QUEUE_HEADER,
        width: queue.width.saturating_sub(2),
        height: queue.height.saturating_sub(2 + QUEUE_HEADER),
    };
    Areas {
        title,
        queue,
        queue_rows: inner,
        panel,
        status,
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let a = areas(frame.area());
    title::draw(frame, a.title, app);
    queue::draw(frame, a.queue, app);
    panel::draw(frame, a.panel, app);
    status_bar::draw(frame, a.status, app);
    if let Some(popup) = &app.popup {
        draw_popup(frame, app, popup);
    }
}

/// Draws a popup (the help over the one it was opened from).
fn draw_popup(frame: &mut Frame<'_>, app: &App, popup: &Popup) {
    match popup {
        Popup::Help(view) => {
            if let Some(over) = &view.over {
                draw_popup(frame, app, over);
            }
            help::draw(frame, app, view);
        }
        Popup::Search(prompt) => search_prompt::draw(frame, app, prompt),
        Popup::Decide(form) => decision_form::draw(frame, app, form),
        Popup::ConfirmUndo(ask) => undo_confirm::draw(frame, app, ask),
        Popup::History(history) => history::draw(frame, app, history),
        Popup::Staff(view) => staff::draw(frame, app, view),
        Popup::Qa(qa) => qa::draw(frame, app, qa),
    }
}

/// The border style of a pane: marked while it has the keys and no popup is open.
fn border(app: &App, pane: Focus) -> Style {
    if app.focus == pane && app.popup.is_none() {
        app.theme.focus
    } else {
        app.theme.dim
    }
}

/// A rectangle of `width` × `height` centred in `area` (clipped to it).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
