//! Terminal events to actions. A key becomes [`Action::Key`] and is read through the keymap by
//! `update` when it is applied, so a key held back while an item loads means then what it
//! would have meant had the item been there.

use ratatui::crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::App;
use super::keymap::{Command, Key};
use super::render;

/// The action a terminal event asks for, given the screen layout.
#[must_use]
pub fn action_for(app: &App, event: &Event, size: Rect) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Action::Key(Key::from(*k))),
        Event::Mouse(m) if app.popup.is_none() => {
            let a = render::areas(size);
            let at = Position {
                x: m.column,
                y: m.row,
            };
            match m.kind {
                MouseEventKind::ScrollDown if a.panel.contains(at) => Some(Action::ScrollPanel(3)),
                MouseEventKind::ScrollUp if a.panel.contains(at) => Some(Action::ScrollPanel(-3)),
                MouseEventKind::ScrollDown => Some(Action::Move(3)),
                MouseEventKind::ScrollUp => Some(Action::Move(-3)),
                MouseEventKind::Down(MouseButton::Left) if a.queue_rows.contains(at) => {
                    Some(Action::ClickRow((m.row - a.queue_rows.y) as usize))
                }
                MouseEventKind::Down(MouseButton::Left) if a.panel.contains(at) => {
                    Some(Action::FocusPanel)
                }
                _ => None,
            }
        }
        Event::Resize(w, h) => Some(Action::Resize(Rect::new(0, 0, *w, *h))),
        _ => None,
    }
}

/// What `key` asks for now: a popup's key, or the command it is bound to on the queue and
/// panel.
#[must_use]
pub fn key_action(app: &App, key: Key) -> Option<Action> {
    let context = app.context();
    let command = app.keymap.command(context, key);
    if command == Some(Command::QuitNow) {
        return Some(Action::Quit);
    }
    if app.popup.is_some() {
        return Some(Action::PopupKey(key));
    }
    Some(match command? {
        Command::MoveDown => Action::Move(1),
        Command::MoveUp => Action::Move(-1),
        Command::HalfPageDown => Action::HalfPageDown,
        Command::HalfPageUp => Action::HalfPageUp,
        Command::PageDown => Action::PageDown,
        Command::PageUp => Action::PageUp,
        Command::Top => Action::Top,
        Command::Bottom => Action::Bottom,
        Command::SwitchPane => Action::SwitchPane,
        Command::FocusPanel => Action::FocusPanel,
        Command::HardLabel => Action::HardLabel,
        Command::KeepSoft => Action::KeepSoft,
        Command::Rereview => Action::Rereview,
        Command::Undo => Action::Undo,
        Command::Search => Action::OpenSearch,
        Command::FilterFlag => Action::CycleFlag,
        Command::FilterClass => Action::CycleClass,
        Command::FilterStatus => Action::CycleStatus,
        Command::FilterTask => Action::CycleTask,
        Command::Sort => Action::CycleSort,
        Command::Model => Action::CycleModel,
        Command::ClearFilters => Action::ClearFilters,
        Command::Mine => Action::ToggleMine,
        Command::History => Action::OpenHistory,
        Command::Staff => Action::OpenStaff,
        Command::Qa => Action::OpenQa,
        Command::Help => Action::OpenHelp,
        Command::Quit | Command::QuitNow => Action::Quit,
        Command::Choose
        | Command::Mark
        | Command::Finish
        | Command::Yes
        | Command::No
        | Command::Back
        | Command::Earlier
        | Command::Later => return None,
    })
}
