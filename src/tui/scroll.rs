//! Scrolling something `len` lines long shown `page` lines at a time (the help, the QA view's
//! reviewer table): where a scroll command puts its first line shown.

use super::keymap::Command;

/// The first line shown after `command`, from `top`, never past the last page; `None` for a
/// command that does not scroll.
#[must_use]
pub fn scrolled(top: usize, command: Command, len: usize, page: usize) -> Option<usize> {
    let page = page.max(1);
    let last = first_line(usize::MAX, len, page);
    let top = top.min(last);
    let half = (page / 2).max(1);
    let moved = match command {
        Command::MoveDown => top + 1,
        Command::MoveUp => top.saturating_sub(1),
        Command::HalfPageDown => top + half,
        Command::HalfPageUp => top.saturating_sub(half),
        Command::PageDown => top + page,
        Command::PageUp => top.saturating_sub(page),
        Command::Top => 0,
        Command::Bottom => last,
        _ => return None,
    };
    Some(moved.min(last))
}

/// The first line shown of `len` lines scrolled to `top`, `page` at a time: the last page
/// is shown full (the screen may have grown, or the list shrunk, since `top` was set).
#[must_use]
pub fn first_line(top: usize, len: usize, page: usize) -> usize {
    top.min(len.saturating_sub(page.max(1)))
}
