//! The queue pane: counts for the filter, then one row per item of the visible window.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::domain::decision::DecisionStatus;
use crate::domain::model::{DisagreementClass, FlagKind, FlagSet};
use crate::store::QueueRow;
use crate::text::{cut_end, cut_middle, fit_parts, inert, pad, width};
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

/// The status column of an item someone else is deciding now.
pub const CLAIMED_MARK: &str = "✎";

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

/// The class in five cells, as in the queue.
#[must_use]
pub fn class_short(c: DisagreementClass) -> &'static str {
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

/// What the filter shows, for the pane title.
fn filter_text(app: &App) -> String {
    let f = &app.filter;
    let mut parts = Vec::new();
    if f.assignee.is_some() {
        parts.push("mine".to_string());
    }
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

/// Narrowest top-label column worth showing (`entail…`); below it the column hides (the share
/// still shows).
const MIN_TOP: usize = 7;
/// Widest top-label column.
const MAX_TOP: usize = 14;
/// Cells of the columns after the top label, each with the space before it: share, entropy,
/// class (confidence, when shown, adds [`CONF`]).
const FIGURES: usize = 5 + 5 + 6;
/// Cells of the confidence (or KL) column with the space before it: its figure fits in four.
const CONF: usize = 5;

/// Column widths of the queue in display cells, sized to the pane and to the rows in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    id: usize,
    /// Reviewer count: as many cells as its widest number.
    n: usize,
    /// Top label; 0 when hidden.
    top: usize,
    /// Whether the confidence column shows: only when a row in view reports one.
    conf: bool,
    flags: usize,
}

impl Columns {
    /// The widest id among `rows` gets its width when the pane allows; it gives way first, down
    /// to [`super::ID_AT_LEAST`] cells, to the top label (at most [`MAX_TOP`] cells), which then
    /// takes what is left, or hides when that is too narrow to read.
    fn new(rows: &[QueueRow], cells: usize, kl: bool) -> Columns {
        let widest = |f: &dyn Fn(&QueueRow) -> usize, least: usize| {
            rows.iter().map(f).max().unwrap_or(0).max(least)
        };
        let n = widest(&|r| r.reviewer_count.to_string().len(), 1);
        let flags = widest(&|r| r.flags.iter().count(), 1);
        let want_id = widest(&|r| width(&inert(&r.item_id, false)), 4);
        let want_top = widest(&|r| width(&top_label(r)), 3).min(MAX_TOP);
        let conf = kl || rows.iter().any(|r| r.mean_confidence.is_some());
        let figures = FIGURES + if conf { CONF } else { 0 };
        let rest = cells.saturating_sub(2 + (1 + n) + figures + (1 + flags) + 2);
        // However narrow the pane, the id keeps a readable start and end; the columns after
        // it are cut at the border instead.
        let least = want_id.min(super::ID_AT_LEAST);
        let mut id = want_id.min(rest.saturating_sub(1 + want_top)).max(least);
        let left = rest.saturating_sub(id + 1);
        let top = if left >= want_top.min(MIN_TOP) {
            left.min(want_top)
        } else {
            // No room for the label: the id takes it back.
            id = want_id.min(rest).max(least);
            0
        };
        Columns {
            id,
            n,
            top,
            conf,
            flags,
        }
    }

    /// One line of cells: marker, id, n, top label, share, H, conf, class, flags, status (the
    /// top label and conf when shown).
    fn line(&self, cells: [&str; 10]) -> String {
        let [marker, id, n, top, share, h, conf, class, flags, status] = cells;
        let top = if self.top == 0 {
            String::new()
        } else {
            format!(" {}", pad(&cut_end(top, self.top), self.top))
        };
        format!(
            "{marker}{} {n:>nw$}{top} {share:>4} {h:>4}{} {} {} {status}",
            pad(&cut_middle(id, self.id), self.id),
            if self.conf {
                format!(" {conf:>4}")
            } else {
                String::new()
            },
            pad(class, 5),
            pad(flags, self.flags),
            nw = self.n,
        )
    }
}

/// The figure of the column after entropy, in four cells: the shown model's KL from the panel
/// (in nats: two decimals below 10, one below 100), else the mean confidence.
fn figure(app: &App, r: &QueueRow) -> String {
    let value = if app.model.is_some() {
        r.kl.map(|(kl, _)| kl)
    } else {
        r.mean_confidence
    };
    value.map_or(" - ".into(), |v| match v {
        v if v < 9.995 => format!("{v:.2}"),
        v if v < 99.95 => format!("{v:.1}"),
        v => format!("{:.0}", v.min(9999.0)),
    })
}

fn top_label(r: &QueueRow) -> std::borrow::Cow<'_, str> {
    inert(r.top_label.as_deref().unwrap_or("-"), false)
}

fn row_line(app: &App, r: &QueueRow, selected: bool, cols: Columns) -> Line<'static> {
    let text = cols.line([
        if selected { "> " } else { "  " },
        &inert(&r.item_id, false),
        &r.reviewer_count.to_string(),
        &top_label(r),
        format!("{:.2}", r.top_share).trim_start_matches('0'),
        &format!("{:.2}", r.entropy_bits),
        &figure(app, r),
        class_short(r.class),
        &flags_text(r.flags),
        match &r.claimed_by {
            Some(holder) if *holder != app.title.actor => CLAIMED_MARK,
            _ => status_mark(r.status),
        },
    ]);
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
    let border = super::border(app, Focus::Queue);
    // The title drops the sort before it cuts the filter.
    let cells = usize::from(area.width.saturating_sub(4));
    let filter = format!("Queue · {}", filter_text(app));
    // The KL order names the model it is the KL of.
    let sorted = match (&app.model, app.sort) {
        (Some(model), crate::store::SortKey::Kl) => {
            format!("{filter} · sort kl({})", inert(model, false))
        }
        _ => format!("{filter} · sort {}", app.sort.as_str()),
    };
    let title = if width(&sorted) <= cells {
        sorted
    } else {
        cut_end(&filter, cells).into_owned()
    };
    let block = Block::bordered()
        .border_style(border)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let c = &app.counts;
    let classes = fit_parts(
        &[
            (9, format!("{} shown", c.total)),
            (5, format!("MAJOR {}", c.by_class[2])),
            (4, format!("minor {}", c.by_class[1])),
            (2, format!("agree {}", c.by_class[0])),
            (3, format!("unres {}", c.by_class[3])),
        ],
        " · ",
        width,
    );
    let flags = FlagKind::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{}{}", flag_letter(*f), c.by_flag[i]))
        .collect::<Vec<_>>()
        .join(" ");
    let visible = (inner.height as usize).saturating_sub(usize::from(super::QUEUE_HEADER));
    let shown = app.rows.get(app.scroll..).unwrap_or_default();
    let shown = &shown[..visible.min(shown.len())];
    let cols = Columns::new(shown, width, app.model.is_some());
    let mut lines = vec![
        Line::from(Span::styled(classes, app.theme.dim)),
        Line::from(Span::styled(
            cut_end(&format!("⚑ {} flagged · {flags}", c.flagged), width).into_owned(),
            app.theme.alert,
        )),
        Line::from(Span::styled(
            cols.line([
                "  ",
                "item",
                "n",
                "top",
                "top%",
                "H",
                if app.model.is_some() { "KL" } else { "conf" },
                "class",
                "⚑",
                "✓",
            ]),
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
    for (i, r) in shown.iter().enumerate() {
        lines.push(row_line(app, r, app.scroll + i == app.selected, cols));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
