//! The help overlay, generated from the keymap so it cannot drift from what the keys do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use super::queue::{CLAIMED_MARK, flag_letter, status_mark};
use super::wrap::wrap;
use crate::domain::decision::DecisionStatus;
use crate::domain::model::FlagKind;
use crate::tui::app::{App, HelpView};
use crate::tui::keymap::{Command, Context};
use crate::tui::scroll::first_line;

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

/// One entry of the help.
enum Entry {
    /// A section's heading.
    Heading(String),
    /// Keys and what they do.
    Keys(String, &'static str),
    /// A line of the markers' legend.
    Legend(String),
}

/// Everything the help says, in order: the queue and panel's keys, the popups', the QA view's,
/// then the markers.
fn entries(app: &App) -> Vec<Entry> {
    let mut entries: Vec<Entry> = app
        .keymap
        .help(Context::Main)
        .into_iter()
        .map(|(k, d)| Entry::Keys(k, d))
        .collect();
    entries.push(Entry::Heading("In popups".into()));
    entries.extend(
        Command::all()
            .filter(|c| !c.contexts().contains(&Context::Main))
            .map(|c| Entry::Keys(app.keymap.label(c), c.desc())),
    );
    entries.push(Entry::Heading(format!(
        "In the QA view ({})",
        app.keymap.label(Command::Qa)
    )));
    entries.extend(
        Command::all()
            .filter(|c| c.contexts().contains(&Context::Qa) && *c != Command::QuitNow)
            .map(|c| Entry::Keys(app.keymap.label(c), in_qa(c))),
    );
    entries.push(Entry::Heading(
        "Markers · mouse: wheel scrolls, click selects · remap keys: <config dir>/dissent/keys.toml"
            .into(),
    ));
    let flags: Vec<String> = FlagKind::ALL
        .iter()
        .map(|f| format!("{} {}", flag_letter(*f), f.as_str().replace('_', " ")))
        .collect();
    entries.push(Entry::Legend(flags[..2].join("  ")));
    entries.push(Entry::Legend(flags[2..].join("  ")));
    entries.push(Entry::Legend(
        DecisionStatus::ALL
            .iter()
            .map(|s| format!("{} {}", status_mark(*s), s.as_str().replace('_', " ")))
            .collect::<Vec<_>>()
            .join("  "),
    ));
    entries.push(Entry::Legend(format!(
        "{CLAIMED_MARK} being decided by someone else"
    )));
    entries
}

/// Cells before a description: a space and the keys, padded.
const KEYS: usize = 10;

/// An entry in `cells` cells: a description too long wraps under its own start.
fn entry_lines(app: &App, entry: &Entry, cells: usize) -> Vec<Line<'static>> {
    match entry {
        Entry::Heading(h) => wrap(vec![Span::styled(h.clone(), app.theme.header)], cells, 2),
        Entry::Keys(k, d) => wrap(
            vec![
                Span::styled(format!(" {k:<width$}", width = KEYS - 1), app.theme.key),
                Span::raw(*d),
            ],
            cells,
            KEYS,
        ),
        Entry::Legend(l) => wrap(vec![Span::styled(format!(" {l}"), app.theme.dim)], cells, 3),
    }
}

/// Narrowest column the help is split into two of.
const MIN_COLUMN: usize = 48;

/// The help's box on a screen of `screen`.
fn help_area(screen: Rect) -> Rect {
    centered(screen, 110, 40)
}

/// The help laid out in `inner`: in one column when it fits, else in two side by side when
/// they are wide enough and fit, else in one column that scrolls.
fn columns(app: &App, inner: Rect) -> Vec<Vec<Line<'static>>> {
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let entries = entries(app);
    let laid = |cells: usize| -> Vec<Vec<Line<'static>>> {
        entries.iter().map(|e| entry_lines(app, e, cells)).collect()
    };
    let one = laid(width);
    let total = |part: &[Vec<Line<'static>>]| part.iter().map(Vec::len).sum::<usize>();
    let column = (width.saturating_sub(1)) / 2;
    if total(&one) > height && column >= MIN_COLUMN {
        let two = laid(column);
        let all = total(&two);
        let taller = |split: usize| total(&two[..split]).max(all - total(&two[..split]));
        // The right column starts at a section when one fits, else halfway (a heading going
        // with what it heads).
        let mut half = (0..two.len())
            .find(|&i| total(&two[..i]) * 2 >= all)
            .unwrap_or(two.len());
        if half > 0 && matches!(entries[half - 1], Entry::Heading(_)) {
            half -= 1;
        }
        let split = (1..two.len())
            .filter(|&i| matches!(entries[i], Entry::Heading(_)))
            .min_by_key(|&i| taller(i))
            .filter(|&i| taller(i) <= height)
            .unwrap_or(half);
        if taller(split) <= height {
            let (left, right) = two.split_at(split);
            return vec![left.concat(), right.concat()];
        }
    }
    vec![one.concat()]
}

/// Lines the help has, and how many it shows at a time, on a screen of `screen`: the page it
/// scrolls by (it scrolls only when the first is the larger).
#[must_use]
pub fn extent(app: &App, screen: Rect) -> (usize, usize) {
    let inner = Block::bordered().inner(help_area(screen));
    let height = usize::from(inner.height);
    match &columns(app, inner)[..] {
        [one] => (one.len(), height),
        _ => (0, height),
    }
}

/// Draws the help (over `view.over`, drawn already).
pub fn draw(frame: &mut Frame<'_>, app: &App, view: &HelpView) {
    let area = help_area(frame.area());
    frame.render_widget(Clear, area);
    let inner = Block::bordered().inner(area);
    let height = usize::from(inner.height);
    let mut columns = columns(app, inner);
    let mut place = String::new();
    if let [one] = &mut columns[..]
        && one.len() > height
    {
        let first = first_line(view.top, one.len(), height);
        let keys: Vec<String> = [
            Command::MoveDown,
            Command::MoveUp,
            Command::PageDown,
            Command::PageUp,
        ]
        .iter()
        .filter_map(|c| Some(app.keymap.keys(*c).first()?.to_string()))
        .collect();
        place = format!(
            " · lines {}–{} of {} · {} scroll",
            first + 1,
            (first + height).min(one.len()),
            one.len(),
            keys.join("/")
        );
        one.drain(..first);
    }
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(format!(
            " Help{place} · {} {} ",
            app.keymap.label(Command::Back),
            if view.over.is_some() {
                "goes back"
            } else {
                "closes"
            }
        ));
    frame.render_widget(block, area);
    match columns.len() {
        1 => frame.render_widget(Paragraph::new(columns.remove(0)), inner),
        _ => {
            let [l, _, r] = Layout::horizontal([
                Constraint::Fill(1),
                Constraint::Length(1),
                Constraint::Fill(1),
            ])
            .areas(inner);
            let right = columns.pop().unwrap_or_default();
            frame.render_widget(Paragraph::new(columns.remove(0)), l);
            frame.render_widget(Paragraph::new(right), r);
        }
    }
}
