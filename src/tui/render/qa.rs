//! The QA view: the batch's report at a glance — agreement with its interval, classes and flags
//! as bars, the entropy histogram, and the reviewer table — from the same report model as
//! `dissent report`, with its figures written the same way.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table};

use super::wrap::cut_line;
use crate::domain::report::{Report, Tally};
use crate::report::figures::{fig, figure, interval};
use crate::text::{inert, pad};
use crate::tui::app::{App, QaScreen};
use crate::tui::scroll::first_line;

/// The QA view's box: the whole screen but its title and status lines.
fn view_area(screen: Rect) -> Rect {
    Rect {
        y: screen.y + 1,
        height: screen.height.saturating_sub(2),
        ..screen
    }
}

/// Where the header, the tallies, the histogram and the reviewer table go inside the box.
fn parts(inner: Rect, r: &Report, head: usize) -> [Rect; 4] {
    let tall = tallies(r).iter().map(|(_, t)| t.0.len()).max().unwrap_or(0) + 1;
    Layout::vertical([
        Constraint::Length(head as u16),
        Constraint::Length(tall as u16 + 1),
        Constraint::Length(4),
        Constraint::Min(3),
    ])
    .areas(inner)
}

/// The tallies shown as bars, with their headings.
fn tallies(r: &Report) -> [(&'static str, &Tally); 3] {
    [
        ("Classes", &r.counts.classes),
        ("Flags", &r.counts.flags),
        ("Decisions", &r.counts.statuses),
    ]
}

/// Lines above the reviewer rows in their part: its title and the column header.
const TABLE_HEAD: u16 = 2;

/// Reviewer rows the table shows on a screen of `screen`: the page the view scrolls by.
#[must_use]
pub fn page(screen: Rect, r: &Report) -> usize {
    let inner = Block::bordered().inner(view_area(screen));
    let [.., table] = parts(inner, r, header(r).len());
    usize::from(table.height.saturating_sub(TABLE_HEAD))
}

/// Draws the QA view over the whole screen but its title and status lines.
pub fn draw(frame: &mut Frame<'_>, app: &App, qa: &QaScreen) {
    let area = view_area(frame.area());
    frame.render_widget(Clear, area);
    let state = if qa.awaiting.is_some() {
        if qa.report.is_some() {
            " · bringing up to date…"
        } else {
            " · computing…"
        }
    } else {
        ""
    };
    let block = Block::bordered()
        .border_style(app.theme.focus)
        .title(format!(
            " QA · batch {batch}{state} · dissent report --batch {batch} -o qa.pdf for the whole report ",
            batch = inert(&app.title.batch, false),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(r) = &qa.report else {
        return;
    };
    let width = usize::from(inner.width);
    let head = header(r)
        .into_iter()
        .map(|l| cut_line(l, width))
        .collect::<Vec<_>>();
    let [top, bars, hist, table] = parts(inner, r, head.len());
    frame.render_widget(Paragraph::new(head), top);
    let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(bars);
    for ((name, tally), area) in tallies(r).iter().zip(columns.iter()) {
        let lines = tally_lines(app, name, tally, usize::from(area.width));
        frame.render_widget(Paragraph::new(lines), *area);
    }
    frame.render_widget(Paragraph::new(histogram(app, r, hist)), hist);
    reviewers(frame, app, r, qa.top, table);
}

/// The report's header and agreement lines.
fn header(r: &Report) -> Vec<Line<'static>> {
    let h = &r.header;
    let a = &r.agreement;
    let mut alpha = format!(
        "α nominal {} {} ({} resamples, seed {})",
        figure(&a.alpha_nominal.figure),
        interval(a.alpha_nominal.interval.low, a.alpha_nominal.interval.high),
        a.alpha_nominal.interval.resamples,
        a.alpha_nominal.interval.seed
    );
    if let Some(level) = &a.alpha_level {
        alpha.push_str(&format!(
            " · α {} {} {}",
            a.level,
            figure(&level.figure),
            interval(level.interval.low, level.interval.high)
        ));
    }
    vec![
        Line::raw(format!(
            "{} items · {} reviewers · {} judgments · rubric {} v{} · {}",
            h.items,
            h.reviewers,
            h.judgments,
            inert(&h.task, false),
            h.rubric.version,
            h.status
        )),
        Line::raw(alpha),
        Line::raw(format!(
            "Fleiss κ {} · pooled agreement {} · {} pairable items · gold items passed {}",
            a.fleiss_kappa.value.map_or_else(
                || "undefined (see the report)".into(),
                |k| format!("{k:.3}")
            ),
            figure(&a.percent_agreement),
            a.pairable_items,
            gold(r)
        )),
        Line::raw(String::new()),
    ]
}

/// The gold pass rate with its interval, or that there are no gold items.
fn gold(r: &Report) -> String {
    let g = &r.gold.items;
    if g.total == 0 {
        return "n/a (no gold items)".into();
    }
    format!("{}/{} {}", g.passed, g.total, interval(g.low, g.high))
}

/// A tally as a heading and one bar per entry, scaled to its largest, in `width` cells.
fn tally_lines(app: &App, name: &str, t: &Tally, width: usize) -> Vec<Line<'static>> {
    let most = t.0.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let label =
        t.0.iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
    let digits = most.to_string().len();
    // label, a space, the bar, a space, the count, a space before the next column
    let bar = width.saturating_sub(label + digits + 3).max(1);
    let mut lines = vec![Line::from(Span::styled(name.to_string(), app.theme.header))];
    for (k, n) in &t.0 {
        let cells = usize::try_from(n * bar as u64 / most).unwrap_or(bar);
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", pad(&k.replace('_', " "), label))),
            Span::styled("█".repeat(cells.max(usize::from(*n > 0))), app.theme.bar),
            Span::raw(format!(" {n}")),
        ]));
    }
    lines
}

/// The normalized-entropy histogram as one row of block heights, with its scale.
fn histogram(app: &App, r: &Report, area: Rect) -> Vec<Line<'static>> {
    const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let bins = &r.axes.entropy;
    let most = bins.iter().copied().max().unwrap_or(0).max(1);
    let repeat = (usize::from(area.width).saturating_sub(2) / bins.len().max(1)).clamp(1, 4);
    let row: String = bins
        .iter()
        .flat_map(|&n| {
            let level = usize::try_from(n * 8 / most).unwrap_or(8);
            let c = LEVELS[if n > 0 { level.max(1) } else { 0 }];
            std::iter::repeat_n(c, repeat)
        })
        .collect();
    vec![
        Line::from(Span::styled(
            format!(
                "Normalized entropy, {} bins (high-entropy threshold {}; most in a bin: {most})",
                bins.len(),
                fig(Some(r.axes.high_entropy))
            ),
            app.theme.header,
        )),
        Line::from(Span::styled(row, app.theme.bar)),
        Line::raw(scale(repeat * bins.len(), r.axes.high_entropy)),
    ]
}

/// The histogram's scale under `cells` cells: 0, the threshold marked `^`, 1.
fn scale(cells: usize, threshold: f64) -> String {
    let mut scale: Vec<char> = " ".repeat(cells.max(2)).chars().collect();
    let last = scale.len() - 1;
    scale[((threshold * cells as f64) as usize).min(last)] = '^';
    scale[0] = '0';
    scale[last] = '1';
    scale.into_iter().collect()
}

/// One row per reviewer from the `top`th, as many as fit, overconfident ones marked; the title
/// says which are shown.
fn reviewers(frame: &mut Frame<'_>, app: &App, r: &Report, top: usize, area: Rect) {
    if r.reviewers.is_empty() {
        let why = r
            .reviewers_note
            .clone()
            .unwrap_or_else(|| "no per-reviewer panels".into());
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled("Reviewers", app.theme.header)),
                Line::raw(why),
            ]),
            area,
        );
        return;
    }
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let page = usize::from(body.height.saturating_sub(1));
    let total = r.reviewers.len();
    let first = first_line(top, total, page);
    let last = (first + page).min(total);
    let title_line = Line::from(Span::styled(
        format!(
            "Reviewers {}–{last} of {total} · ! marks stated confidence well above agreement with the rest",
            (first + 1).min(last)
        ),
        app.theme.header,
    ));
    frame.render_widget(
        Paragraph::new(cut_line(title_line, usize::from(title.width))),
        title,
    );
    let rows = r.reviewers[first..last].iter().map(|v| {
        Row::new(vec![
            format!(
                "{}{}",
                inert(&v.reviewer, false),
                if v.overconfident { " !" } else { "" }
            ),
            v.items.to_string(),
            fig(v.leave_one_out.rate),
            fig(v.leave_one_out.kappa.value),
            fig(v.estimated_accuracy),
            fig(v.mean_confidence),
            fig(v.brier),
            v.errors_attributed.to_string(),
            if v.gold.total == 0 {
                "-".into()
            } else {
                format!("{}/{}", v.gold.passed, v.gold.total)
            },
        ])
    });
    let widths = [
        Constraint::Min(14),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    let table = Table::new(rows, widths)
        .header(
            Row::new(vec![
                "reviewer", "items", "agree", "κ rest", "DS acc", "conf", "Brier", "errors", "gold",
            ])
            .style(app.theme.header),
        )
        .column_spacing(1);
    frame.render_widget(table, body);
}
