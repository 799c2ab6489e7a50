//! The staff popup: everyone sees who holds which role; a QA lead adds someone, changes a role or
//! removes a member here as with `dissent staff` (the store refuses anyone else, and the popup
//! says why).

use ratatui_textarea::TextArea;

use super::action::Effect;
use super::app::{App, Popup, StaffStep, StaffView};
use super::keymap::{Command, Key};
use crate::domain::ids;
use crate::domain::team::Role;
use crate::store::Member;

/// The list read (after a change, a refresh, or on opening), with what was just done (if
/// anything), into the open popup: the step under way and the text being typed stay. A popup
/// closed meanwhile stays closed.
pub fn loaded(app: &mut App, members: Vec<Member>, notice: Option<String>) {
    if let Some(Popup::Staff(view)) = &mut app.popup {
        view.cursor = view.cursor.min(members.len());
        view.members = Some(members);
        if notice.is_some() {
            view.notice = notice;
        }
    }
}

/// Entries of the role step: each role, then "remove" for a member.
fn role_entries(member: bool) -> usize {
    Role::ALL.len() + usize::from(member)
}

/// Applies a key to the open popup (bound to `command` in its context, if to any).
pub fn key(
    app: &mut App,
    mut view: Box<StaffView>,
    command: Option<Command>,
    key: Key,
) -> Vec<Effect> {
    view.notice = None;
    let step = std::mem::replace(&mut view.step, StaffStep::List);
    let mut effects = Vec::new();
    view.step = match (step, command) {
        (StaffStep::List, Some(Command::Back)) => return Vec::new(),
        (StaffStep::List, Some(Command::MoveDown)) => {
            let last = view.members.as_ref().map_or(0, Vec::len);
            view.cursor = (view.cursor + 1).min(last);
            StaffStep::List
        }
        (StaffStep::List, Some(Command::MoveUp)) => {
            view.cursor = view.cursor.saturating_sub(1);
            StaffStep::List
        }
        // Nothing to choose until the list has arrived.
        (StaffStep::List, Some(Command::Choose)) if view.members.is_none() => StaffStep::List,
        (StaffStep::List, Some(Command::Choose)) => {
            match view.members.iter().flatten().nth(view.cursor) {
                Some(m) => StaffStep::Role {
                    name: m.name.clone(),
                    cursor: Role::ALL.iter().position(|r| *r == m.role).unwrap_or(0),
                    member: true,
                },
                None => {
                    let mut input = TextArea::default();
                    input.set_placeholder_text(
                        "their OS account name (or the name they use with --as)",
                    );
                    StaffStep::Name(Box::new(input))
                }
            }
        }
        (StaffStep::Name(_), Some(Command::Back))
        | (StaffStep::Role { .. }, Some(Command::Back)) => StaffStep::List,
        (StaffStep::Name(input), Some(Command::Choose)) => {
            let name = input.lines().join("").trim().to_string();
            match ids::problem(&name).or_else(|| name.is_empty().then(|| "a name is needed".into()))
            {
                Some(problem) => {
                    view.notice = Some(problem);
                    StaffStep::Name(input)
                }
                None => StaffStep::Role {
                    name,
                    cursor: 1,
                    member: false,
                },
            }
        }
        (StaffStep::Name(mut input), _) => {
            input.input(ratatui::crossterm::event::KeyEvent::from(key));
            StaffStep::Name(input)
        }
        (
            StaffStep::Role {
                name,
                cursor,
                member,
            },
            Some(Command::MoveDown),
        ) => StaffStep::Role {
            name,
            cursor: (cursor + 1).min(role_entries(member) - 1),
            member,
        },
        (
            StaffStep::Role {
                name,
                cursor,
                member,
            },
            Some(Command::MoveUp),
        ) => StaffStep::Role {
            name,
            cursor: cursor.saturating_sub(1),
            member,
        },
        (StaffStep::Role { name, cursor, .. }, Some(Command::Choose)) => {
            effects.push(Effect::SetStaff {
                name,
                role: Role::ALL.get(cursor).copied(),
            });
            StaffStep::List
        }
        (step, _) => step,
    };
    app.popup = Some(Popup::Staff(view));
    effects
}
