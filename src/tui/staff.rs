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

/// The popup on a freshly read list, with what was just done (if anything).
pub fn loaded(app: &mut App, members: Vec<Member>, notice: Option<String>) {
    let cursor = match &app.popup {
        Some(Popup::Staff(v)) => v.cursor.min(members.len()),
        _ => 0,
    };
    app.popup = Some(Popup::Staff(Box::new(StaffView {
        members,
        cursor,
        step: StaffStep::List,
        notice,
    })));
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
            view.cursor = (view.cursor + 1).min(view.members.len());
            StaffStep::List
        }
        (StaffStep::List, Some(Command::MoveUp)) => {
            view.cursor = view.cursor.saturating_sub(1);
            StaffStep::List
        }
        (StaffStep::List, Some(Command::Choose)) => match view.members.get(view.cursor) {
            Some(m) => StaffStep::Role {
                name: m.name.clone(),
                cursor: Role::ALL.iter().position(|r| *r == m.role).unwrap_or(0),
                member: true,
            },
            None => {
                let mut input = TextArea::default();
                input
                    .set_placeholder_text("their OS account name (or the name they use with --as)");
                StaffStep::Name(Box::new(input))
            }
        },
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
