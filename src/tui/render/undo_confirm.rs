//! The popup asking to undo the decision in force on an item.

use ratatui::Frame;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::text::inert;
use crate::tui::app::{App, UndoAsk};
use crate::tui::keymap::Command;

/// Draws the undo confirmation.
pub fn draw(frame: &mut Frame<'_>, app: &App, ask: &UndoAsk) {
    let area = centered(frame.area(), 60, 4);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(" Undo ");
    let text = format!(
        "Undo {} on {}? A revert is appended; nothing is erased. ({} undoes · {} keeps)",
        inert(&ask.what, false),
        inert(&ask.item_id, false),
        app.keymap.label(Command::Yes),
        app.keymap.label(Command::No)
    );
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        area,
    );
}
