//! The search prompt popup.

use ratatui::Frame;
use ratatui::widgets::{Block, Clear};

use super::centered;
use crate::tui::app::{App, SearchPrompt};

/// Draws the search prompt.
pub fn draw(frame: &mut Frame<'_>, app: &App, prompt: &SearchPrompt) {
    let area = centered(frame.area(), 60, 3);
    frame.render_widget(Clear, area);
    let mut input = prompt.input.clone();
    input.set_block(
        Block::bordered()
            .border_style(app.theme.focus)
            .title(" Search ids, payload values and evidence "),
    );
    frame.render_widget(&input, area);
}
