//! The search prompt: a one-line text input that starts empty, with the earlier searches on
//! the keys of `earlier` and `later`.

use ratatui_textarea::TextArea;

use super::action::Effect;
use super::app::{App, Popup, SearchPrompt};
use super::keymap::{Command, Key};

/// An empty prompt.
#[must_use]
pub fn prompt() -> Box<SearchPrompt> {
    let mut input = TextArea::default();
    input.set_placeholder_text("id or payload text; empty clears the search");
    Box::new(SearchPrompt {
        input,
        history_at: None,
    })
}

/// What is typed, on one line.
#[must_use]
pub fn text(prompt: &SearchPrompt) -> String {
    prompt.input.lines().join(" ")
}

/// Applies a key to the open prompt (bound to `command` in the prompt's context, if to any).
pub fn key(
    app: &mut App,
    mut prompt: Box<SearchPrompt>,
    command: Option<Command>,
    key: Key,
) -> Vec<Effect> {
    match command {
        Some(Command::Back) => return Vec::new(),
        Some(Command::Choose) => {
            let query = text(&prompt).trim().to_string();
            if !query.is_empty() && app.search_history.last() != Some(&query) {
                app.search_history.push(query.clone());
            }
            app.filter.search = (!query.is_empty()).then_some(query);
            return super::update::reload(app);
        }
        Some(Command::Earlier) => {
            let at = match prompt.history_at {
                Some(i) => i.saturating_sub(1),
                None => app.search_history.len().saturating_sub(1),
            };
            if let Some(q) = app.search_history.get(at) {
                prompt = show(q, Some(at));
            }
        }
        Some(Command::Later) => {
            if let Some(i) = prompt.history_at {
                prompt = match app.search_history.get(i + 1) {
                    Some(q) => show(q, Some(i + 1)),
                    None => self::prompt(),
                };
            }
        }
        _ => {
            prompt
                .input
                .input(ratatui::crossterm::event::KeyEvent::from(key));
        }
    }
    app.popup = Some(Popup::Search(prompt));
    Vec::new()
}

/// A prompt showing an earlier query, the cursor at its end.
fn show(query: &str, at: Option<usize>) -> Box<SearchPrompt> {
    let mut input = TextArea::new(vec![query.to_string()]);
    input.move_cursor(ratatui_textarea::CursorMove::End);
    Box::new(SearchPrompt {
        input,
        history_at: at,
    })
}
