//! The staff popup: the members and their roles; the name prompt and role list of a change.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::centered;
use crate::domain::team::Role;
use crate::text::{inert, pad};
use crate::tui::app::{App, StaffStep, StaffView};
use crate::tui::keymap::Command;

/// Draws the staff popup.
pub fn draw(frame: &mut Frame<'_>, app: &App, view: &StaffView) {
    let area = centered(frame.area(), 76, 20);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(format!(
            " Staff · {} changes · {} closes ",
            app.keymap.label(Command::Choose),
            app.keymap.label(Command::Back)
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    // The highlighted entry is marked in text as well as in style (NO_COLOR).
    let entry = |on: bool, text: String| {
        if on {
            Line::styled(format!("›{text}"), app.theme.selected)
        } else {
            Line::raw(format!(" {text}"))
        }
    };
    let lines: Vec<Line<'_>> = match (&view.step, &view.members) {
        (StaffStep::List, None) => vec![Line::styled(" reading…", app.theme.dim)],
        (StaffStep::List, Some(members)) => {
            let mut lines: Vec<Line<'_>> = members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    entry(
                        i == view.cursor,
                        format!(
                            "{} {} added by {}, {}",
                            pad(&inert(&m.name, false), 20),
                            pad(&m.role.as_str().replace('_', " "), 16),
                            inert(&m.added_by, false),
                            m.added_at.get(..10).unwrap_or(&m.added_at)
                        ),
                    )
                })
                .collect();
            if members.is_empty() {
                lines.push(Line::styled(
                    " no staff list: everyone may do everything until someone is added",
                    app.theme.dim,
                ));
            }
            lines.push(entry(view.cursor == members.len(), "+ add someone".into()));
            lines
        }
        (StaffStep::Name(input), _) => {
            let [label, field] =
                Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(body);
            frame.render_widget(Paragraph::new(" Name:"), label);
            frame.render_widget(input.as_ref(), field);
            Vec::new()
        }
        (
            StaffStep::Role {
                name,
                cursor,
                member,
            },
            _,
        ) => {
            let mut lines = vec![Line::from(Span::styled(
                format!(" {}:", inert(name, false)),
                app.theme.header,
            ))];
            let entries = Role::ALL
                .iter()
                .map(|r| r.as_str().replace('_', " "))
                .chain(member.then(|| "remove from the staff list".to_string()));
            lines.extend(
                entries
                    .enumerate()
                    .map(|(i, e)| entry(i == *cursor, format!("  {e}"))),
            );
            lines
        }
    };
    if !lines.is_empty() {
        frame.render_widget(Paragraph::new(lines), body);
    }
    let foot_text = view.notice.clone().unwrap_or_else(|| match app.standing {
        s if !s.staffed => "whoever adds the first member becomes the first QA lead".into(),
        s if s.role == Some(Role::QaLead) => "you are a QA lead: you may change the list".into(),
        _ => "only a QA lead changes the staff list".into(),
    });
    frame.render_widget(
        Paragraph::new(Span::styled(foot_text, app.theme.dim)).wrap(Wrap { trim: true }),
        foot,
    );
}
