//! The queue pane: counts for the filter, then one row per item of the visible window.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::domain::decision::DecisionStatus;
use crate::domain::model::{DisagreementClass, FlagKind, FlagSet};
use crate::store::QueueRow;
use crate::text::inert;
use crate::tui::app::{App, Focus};

/// One-letter marker of a flag, as in the queue and the help legend.
#[must_use]
pub fn flag_letter(f: FlagKind) -> char {
    match f {
        FlagKind::RubricProblem => 'R',
        FlagKind::GenuineAmbiguity => 'A',
        FlagKind::HighEntropy => 'H',
        FlagKind::GoldMiss => 'G',
        FlagKind::LowCoverage => 'L',
    }
}

/// One-character marker of a decision status.
#[must_use]
pub fn status_mark(s: DecisionStatus) -> &'static str {
    match s {
        DecisionStatus::Pending => "·",
        DecisionStatus::HardLabel => "■",
        DecisionStatus::KeepSoft => "◇",
        DecisionStatus::Rereview => "↺",
    }
}

fn class_short(c: DisagreementClass) -> &'static str {
    match c {
        DisagreementClass::Agreement => "agree",
        DisagreementClass::Minor => "minor",
        DisagreementClass::Major => "MAJOR",
        DisagreementClass::Unresolved => "unres",
    }
}

fn flags_text(flags: FlagSet) -> String {
    flags.iter().map(flag_letter).collect()
}

fn fit(s: &str, width: usize) -> String {
    let mut out: String = s.chars().take(width).collect();
    if s.chars().count() > width && width > 0 {
        out.pop();
        out.push('…');
    }
    format!("{out:<width$}")
}

/// What the filter shows, for the pane title.
fn filter_text(app: &App) -> String {
    let f = &app.filter;
    let mut parts = Vec::new();
    if f.flagged_only {
        parts.push("flagged".to_string());
    }
    if let Some(flag) = f.flag {
        parts.push(flag.as_str().to_string());
    }
    if let Some(c) = f.class {
        parts.push(c.as_str().to_string());
    }
    if let Some(s) = f.status {
        parts.push(s.as_str().to_string());
    }
    if let Some(t) = &f.task {
        parts.push(inert(t, false).into_owned());
    }
    if let Some(q) = &f.search {
        parts.push(format!("/{}", inert(q, false)));
    }
    if parts.is_empty() {
        "all".into()
    } else {
        parts.join(" + ")
    }
}

/// Width of the top-label column: none when the pane is narrow (the share still shows).
fn top_width(width: usize) -> usize {
    if width < 52 { 0 } else { 10 }
}

fn row_line(app: &App, r: &QueueRow, selected: bool, width: usize) -> Line<'static> {
    let top_w = top_width(width);
    let fixed = 2 + 3 + 1 + top_w + 5 + 5 + 5 + 6 + 4 + 2;
    let id_w = width.saturating_sub(fixed).max(6);
    let text = format!(
        "{}{} {:>2}{} {:>4} {:>4} {:>4} {} {:<3} {}",
        if selected { "> " } else { "  " },
        fit(&inert(&r.item_id, false), id_w),
        r.reviewer_count,
        if top_w == 0 {
            String::new()
        } else {
            format!(" {}", fit(r.top_label.as_deref().unwrap_or("-"), top_w))
        },
        format!("{:.2}", r.top_share).trim_start_matches('0'),
        format!("{:.2}", r.entropy_bits),
        r.mean_confidence
            .map_or("  - ".into(), |c| format!("{c:.2}")),
        fit(class_short(r.class), 5),
        flags_text(r.flags),
        status_mark(r.status),
    );
    let style = if selected {
        app.theme.selected
    } else if !r.flags.is_empty() && r.status == DecisionStatus::Pending {
        app.theme.alert
    } else {
        ratatui::style::Style::new()
    };
    Line::from(Span::styled(text, style))
}

/// Draws the queue pane.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let border = if app.focus == Focus::Queue && app.popup.is_none() {
        app.theme.focus
    } else {
        app.theme.dim
    };
    let block = Block::bordered().border_style(border).title(format!(
        " Queue · {} · sort {} ",
        filter_text(app),
        app.sort.as_str()
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let c = &app.counts;
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "{} shown · MAJOR {} · minor {} · agree {} · unres {}",
                c.total, c.by_class[2], c.by_class[1], c.by_class[0], c.by_class[3]
            ),
            app.theme.dim,
        )),
        Line::from(Span::styled(
            format!(
                "⚑ {} flagged · {}",
                c.flagged,
                FlagKind::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, f)| format!("{}{}", flag_letter(*f), c.by_flag[i]))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            app.theme.alert,
        )),
        Line::from(Span::styled(
            format!(
                "  {} {:>2}{} {:>4} {:>4} {:>4} {} {:<3} {}",
                fit(
                    "item",
                    width
                        .saturating_sub(2 + 3 + 1 + top_width(width) + 5 + 5 + 5 + 6 + 4 + 2)
                        .max(6)
                ),
                "n",
                if top_width(width) == 0 {
                    String::new()
                } else {
                    format!(" {}", fit("top", 10))
                },
                "top%",
                "H",
                "conf",
                fit("class", 5),
                "⚑",
                "✓"
            ),
            app.theme.header,
        )),
    ];
    if app.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            if app.loading {
                "  loading…"
            } else {
                "  no items match this filter (x clears it)"
            },
            app.theme.dim,
        )));
    }
    let visible = (inner.height as usize).saturating_sub(usize::from(super::QUEUE_HEADER));
    for (i, r) in app.rows.iter().enumerate().skip(app.scroll).take(visible) {
        lines.push(row_line(app, r, i == app.selected, width));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
