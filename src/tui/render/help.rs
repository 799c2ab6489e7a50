//! The help overlay, generated from the keymap so it cannot drift from what the keys do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use super::queue::{CLAIMED_MARK, flag_letter, status_mark};
use super::wrap::cut_line;
use crate::domain::decision::DecisionStatus;
use crate::domain::model::FlagKind;
use crate::tui::app::{App, HelpView};
use crate::tui::keymap::{Command, Context};

/// What a command read in the QA view does there.
fn in_qa(command: Command) -> &'static str {
    match command {
        Command::MoveDown => "reviewer table: a row down",
        Command::MoveUp => "reviewer table: a row up",
        Command::HalfPageDown => "reviewer table: half a page down",
        Command::HalfPageUp => "reviewer table: half a page up",
        Command::PageDown => "reviewer table: a page down",
        Command::PageUp => "reviewer table: a page up",
        Command::Top => "reviewer table: the first reviewers",
        Command::Bottom => "reviewer table: the last reviewers",
        Command::Help => "this help; closing it goes back to the QA view",
        Command::Back => "close the QA view",
        other => other.desc(),
    }
}

/// Draws the help (over `view.over`, drawn already).
pub fn draw(frame: &mut Frame<'_>, app: &App, view: &HelpView) {
    let area = centered(frame.area(), 110, 40);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(format!(
            " Help · {} {} ",
            app.keymap.label(Command::Back),
            if view.over.is_some() {
                "goes back"
            } else {
                "closes"
            }
        ));
    let key_line = |k: String, d: &str| {
        Line::from(vec![
            Span::styled(format!(" {k:<9}"), app.theme.key),
            Span::raw(d.to_string()),
        ])
    };
    let mut lines: Vec<Line<'_>> = app
        .keymap
        .help(Context::Main)
        .into_iter()
        .map(|(k, d)| key_line(k, d))
        .collect();
    lines.push(Line::from(Span::styled("In popups", app.theme.header)));
    lines.extend(
        Command::all()
            .filter(|c| !c.contexts().contains(&Context::Main))
            .map(|c| key_line(app.keymap.label(c), c.desc())),
    );
    lines.push(Line::from(Span::styled(
        format!("In the QA view ({})", app.keymap.label(Command::Qa)),
        app.theme.header,
    )));
    lines.extend(
        Command::all()
            .filter(|c| c.contexts().contains(&Context::Qa) && *c != Command::QuitNow)
            .map(|c| key_line(app.keymap.label(c), in_qa(c))),
    );
    let legend = |items: Vec<String>| {
        Line::from(Span::styled(
            format!(" {}", items.join("  ")),
            app.theme.dim,
        ))
    };
    let flags: Vec<String> = FlagKind::ALL
        .iter()
        .map(|f| format!("{} {}", flag_letter(*f), f.as_str().replace('_', " ")))
        .collect();
    lines.push(Line::from(Span::styled(
        "Markers · mouse: wheel scrolls, click selects · remap keys: <config dir>/dissent/keys.toml",
        app.theme.header,
    )));
    lines.push(legend(flags[..2].to_vec()));
    lines.push(legend(flags[2..].to_vec()));
    lines.push(legend(
        DecisionStatus::ALL
            .iter()
            .map(|s| format!("{} {}", status_mark(*s), s.as_str().replace('_', " ")))
            .collect(),
    ));
    lines.push(legend(vec![format!(
        "{CLAIMED_MARK} being decided by someone else"
    )]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if lines.len() <= inner.height as usize {
        frame.render_widget(Paragraph::new(lines), inner);
    } else {
        // Too short a screen: two columns, each line cut to its column.
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        let column = |lines: Vec<Line<'static>>, width: u16| {
            let cells = usize::from(width.saturating_sub(1));
            Paragraph::new(
                lines
                    .into_iter()
                    .map(|l| cut_line(l, cells))
                    .collect::<Vec<_>>(),
            )
        };
        frame.render_widget(column(lines, l.width), l);
        frame.render_widget(column(right, r.width), r);
    }
}
