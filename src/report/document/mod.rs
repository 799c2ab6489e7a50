//! What a page of the report shows, once: headings, notes, tables, charts, in order. The batch
//! report ([`batch`]) and a reviewer's sheet ([`sheet`]) are built here from the report model;
//! the HTML page and the PDF only render a [`Document`], so they show the same things. Every
//! text from the data is made [`inert`] on the way in: control characters and bidirectional
//! overrides become visible stand-ins in every rendering.

mod batch;
mod sheet;

pub use batch::batch;
pub use sheet::sheet;

use serde::Serialize;

use super::figures::{fig, interval};
use crate::domain::report::{Proportion, ReliabilityBin, Tally};
use crate::text::inert;

/// A page of the report, top to bottom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The title, also the first heading.
    pub title: String,
    /// What follows the title.
    pub blocks: Vec<Block>,
}

/// One thing shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A section heading, level 2 (a section) or 3 (a part of one).
    Heading {
        /// 2 or 3.
        level: u8,
        /// Its text.
        text: String,
    },
    /// A line of explanation.
    Note {
        /// Its text.
        text: String,
    },
    /// Terms and their values.
    Pairs {
        /// (term, value), in order.
        pairs: Vec<(String, String)>,
    },
    /// A table.
    Table(Table),
    /// Charts side by side, each an SVG document.
    Charts {
        /// The SVG documents.
        svgs: Vec<String>,
    },
    /// Parts a reader opens one at a time (HTML folds each; print shows each under its
    /// summary, up to [`FOLDS_IN_PRINT`] of them).
    Folds {
        /// What print says instead when there are more than [`FOLDS_IN_PRINT`].
        cut: String,
        /// The parts.
        folds: Vec<Fold>,
    },
}

/// A part a reader opens when they want it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fold {
    /// What the closed part says.
    pub summary: String,
    /// What it holds.
    pub blocks: Vec<Block>,
}

/// Folded parts shown in print at most; past this, print says where they are (a report of
/// 262 reviewers would otherwise print a page of tables for each).
pub const FOLDS_IN_PRINT: usize = 20;

/// A table: a header row, then rows of text cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// The header row.
    pub head: Vec<String>,
    /// The columns of text (or of figures that may be a reason): left-aligned and wrapped. The
    /// first column is a row header, left-aligned too; the rest are figures, right-aligned.
    pub text_cols: Vec<usize>,
    /// The rows.
    pub rows: Vec<Row>,
    /// A list that may run long (items, pairs): print shows its first rows and says how many
    /// more there are; the HTML page and the JSON hold it whole.
    pub list: bool,
}

/// One table row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Its cells, one per column.
    pub cells: Vec<Cell>,
    /// Shaded: a row the reader should see (an overconfident reviewer).
    pub marked: bool,
}

/// What a table cell holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text (a figure, a name, a reason).
    Text(String),
    /// Item ids, shown joined by ", "; print shows the first few and how many more.
    Ids(Vec<String>),
}

impl Cell {
    /// The cell as text.
    #[must_use]
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(t) => t.into(),
            Cell::Ids(ids) => ids.join(", ").into(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl Row {
    /// An unmarked row of text cells.
    #[must_use]
    pub fn new(cells: Vec<String>) -> Row {
        Row::of(cells.into_iter().map(Cell::Text).collect())
    }

    /// An unmarked row.
    #[must_use]
    pub fn of(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            marked: false,
        }
    }
}

impl Document {
    fn new(title: String) -> Document {
        Document {
            title: shown(&title),
            blocks: Vec::new(),
        }
    }

    /// The document with each list cut to its first `rows` rows and a note of how many more
    /// there are, and more than [`FOLDS_IN_PRINT`] folded parts left to their note: what print
    /// shows.
    #[must_use]
    pub fn capped(mut self, rows: usize) -> Document {
        fn cap(blocks: Vec<Block>, n: usize) -> Vec<Block> {
            let mut out = Vec::with_capacity(blocks.len());
            for block in blocks {
                match block {
                    Block::Table(mut t) if t.list => {
                        for cell in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                            if let Cell::Ids(ids) = cell {
                                *cell = Cell::Text(cut_ids(ids));
                            }
                        }
                        let more = t.rows.len().saturating_sub(n);
                        t.rows.truncate(n);
                        out.push(Block::Table(t));
                        if more > 0 {
                            out.push(Block::Note {
                                text: format!(
                                    "… and {more} more (the HTML page and the JSON hold them all)."
                                ),
                            });
                        }
                    }
                    Block::Folds { cut, folds } if folds.len() > FOLDS_IN_PRINT => {
                        out.push(Block::Note { text: cut });
                    }
                    Block::Folds { cut, folds } => out.push(Block::Folds {
                        cut,
                        folds: folds
                            .into_iter()
                            .map(|f| Fold {
                                summary: f.summary,
                                blocks: cap(f.blocks, n),
                            })
                            .collect(),
                    }),
                    other => out.push(other),
                }
            }
            out
        }
        self.blocks = cap(self.blocks, rows);
        self
    }

    /// Calls `f` on every text of the document, and with `charts` on each chart's SVG
    /// document too.
    pub fn each_text(&mut self, charts: bool, f: &mut impl FnMut(&mut String)) {
        fn walk(blocks: &mut [Block], charts: bool, f: &mut impl FnMut(&mut String)) {
            for block in blocks {
                match block {
                    Block::Heading { text, .. } | Block::Note { text } => f(text),
                    Block::Pairs { pairs } => {
                        for (term, value) in pairs {
                            f(term);
                            f(value);
                        }
                    }
                    Block::Table(t) => {
                        t.head.iter_mut().for_each(&mut *f);
                        for cell in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                            match cell {
                                Cell::Text(text) => f(text),
                                Cell::Ids(ids) => ids.iter_mut().for_each(&mut *f),
                            }
                        }
                    }
                    Block::Charts { svgs } if charts => svgs.iter_mut().for_each(&mut *f),
                    Block::Charts { .. } => {}
                    Block::Folds { cut, folds } => {
                        f(cut);
                        for fold in folds {
                            f(&mut fold.summary);
                            walk(&mut fold.blocks, charts, f);
                        }
                    }
                }
            }
        }
        f(&mut self.title);
        walk(&mut self.blocks, charts, f);
    }

    fn heading(&mut self, level: u8, text: &str) {
        self.blocks.push(Block::Heading {
            level,
            text: shown(text),
        });
    }

    fn note(&mut self, text: &str) {
        self.blocks.push(Block::Note { text: shown(text) });
    }

    fn pairs(&mut self, rows: &[(&str, String)]) {
        self.blocks.push(Block::Pairs {
            pairs: rows
                .iter()
                .map(|(term, value)| (shown(term), shown(value)))
                .collect(),
        });
    }

    /// A table; no rows is a note, not an empty table.
    fn table(&mut self, head: &[&str], text_cols: &[usize], rows: Vec<Row>) {
        self.push_table(head, text_cols, rows, false);
    }

    /// A table that may run long (see [`Table::list`]).
    fn list(&mut self, head: &[&str], text_cols: &[usize], rows: Vec<Row>) {
        self.push_table(head, text_cols, rows, true);
    }

    fn push_table(&mut self, head: &[&str], text_cols: &[usize], mut rows: Vec<Row>, list: bool) {
        if rows.is_empty() {
            self.note("None.");
            return;
        }
        let mut safe = |text: &mut String| {
            if let std::borrow::Cow::Owned(s) = inert(text, true) {
                *text = s;
            }
        };
        for cell in rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
            match cell {
                Cell::Text(text) => safe(text),
                Cell::Ids(ids) => ids.iter_mut().for_each(&mut safe),
            }
        }
        self.blocks.push(Block::Table(Table {
            head: head.iter().map(|h| shown(h)).collect(),
            text_cols: text_cols.to_vec(),
            rows,
            list,
        }));
    }

    fn charts(&mut self, svgs: Vec<String>) {
        self.blocks.push(Block::Charts { svgs });
    }

    /// One folded part per item of `items`, titled `summary(item)` and holding what `body` adds
    /// for it; `cut` is what print says instead past [`FOLDS_IN_PRINT`] parts.
    fn folds<T>(
        &mut self,
        cut: &str,
        items: &[T],
        summary: impl Fn(&T) -> &str,
        body: impl Fn(&mut Document, &T),
    ) {
        let folds = items
            .iter()
            .map(|item| {
                let mut inner = Document::new(String::new());
                body(&mut inner, item);
                Fold {
                    summary: shown(summary(item)),
                    blocks: inner.blocks,
                }
            })
            .collect();
        self.blocks.push(Block::Folds {
            cut: shown(cut),
            folds,
        });
    }
}

/// `text` made [`inert`], to be shown.
fn shown(text: &str) -> String {
    inert(text, true).into_owned()
}

/// Item ids of a list's cell shown in print.
const IDS_IN_PRINT: usize = 20;

/// Ids as print shows them: the first [`IDS_IN_PRINT`], then how many more.
fn cut_ids(ids: &[String]) -> String {
    let shown = ids[..ids.len().min(IDS_IN_PRINT)].join(", ");
    match ids.len().saturating_sub(IDS_IN_PRINT) {
        0 => shown,
        more => format!("{shown} … and {more} more"),
    }
}

/// A count that may be fractional (coincidences): whole numbers (to a rounding error, relative
/// to the count: half a million judgments sum to 511000.0000000012) without decimals.
fn amount(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 * x.abs().max(1.0) {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// `passed/total`, the rate and its Wilson interval.
fn proportion(name: &str, p: &Proportion) -> Row {
    Row::new(vec![
        name.into(),
        p.passed.to_string(),
        p.total.to_string(),
        fig(p.rate),
        interval(p.low, p.high),
    ])
}

fn tally_rows(t: &Tally) -> Vec<Row> {
    t.0.iter()
        .map(|(name, n)| Row::new(vec![name.clone(), n.to_string()]))
        .collect()
}

/// Agreement with the rest per stated-confidence bin.
fn reliability(p: &mut Document, bins: &[ReliabilityBin]) {
    if bins.iter().all(|b| b.judgments == 0) {
        p.note("No stated confidence (with an untied rest): nothing to calibrate.");
        return;
    }
    let rows: Vec<Row> = bins
        .iter()
        .map(|b| {
            Row::new(vec![
                // The last bin holds 1.
                format!(
                    "[{:.1}, {:.1}{}",
                    b.low,
                    b.high,
                    if b.high >= 1.0 { "]" } else { ")" }
                ),
                b.judgments.to_string(),
                fig(b.mean_confidence),
                fig(b.agreement),
            ])
        })
        .collect();
    p.table(
        &[
            "Stated confidence",
            "Judgments",
            "Mean confidence",
            "Agreement with the rest",
        ],
        &[],
        rows,
    );
}

#[cfg(test)]
mod tests {
    use super::{Block, Cell, Document, Row};

    fn rows(n: usize) -> Vec<Row> {
        (0..n).map(|i| Row::new(vec![i.to_string()])).collect()
    }

    #[test]
    fn print_cuts_long_lists_says_how_many_more_and_leaves_tables_whole() {
        let mut d = Document::new("t".into());
        d.list(&["Item"], &[], rows(5));
        d.table(&["Label"], &[], rows(5));
        d.folds(
            "cut",
            &["a reviewer"],
            |r| *r,
            |d, _| d.list(&["Item"], &[], rows(3)),
        );
        d.list(&["Item"], &[], rows(2));
        let capped = d.clone().capped(2);
        let lens: Vec<String> = capped
            .blocks
            .iter()
            .map(|b| match b {
                Block::Table(t) => format!("table {}", t.rows.len()),
                Block::Note { text } => text.clone(),
                Block::Folds { folds, .. } => format!("fold of {}", folds[0].blocks.len()),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(
            lens,
            [
                "table 2",
                "… and 3 more (the HTML page and the JSON hold them all).",
                "table 5",
                "fold of 2",
                "table 2"
            ]
        );
        assert_eq!(d.clone().capped(5), d, "nothing to cut");
    }

    #[test]
    fn print_shows_a_cells_first_ids_and_how_many_more() {
        // Ids may hold the separator: they are counted as entries, never by splitting text.
        let ids: Vec<String> = (0..25).map(|i| format!("p, q {i}")).collect();
        let mut d = Document::new("t".into());
        d.list(
            &["Labels", "Item ids", "Reason"],
            &[1, 2],
            vec![Row::of(vec![
                Cell::Text("a / b".into()),
                Cell::Ids(ids),
                Cell::Text("long, with, commas ".repeat(30)),
            ])],
        );
        let Block::Table(t) = &d.capped(10).blocks[0] else {
            panic!("a table")
        };
        let ids = t.rows[0].cells[1].text();
        assert!(ids.starts_with("p, q 0, p, q 1, "), "{ids}");
        assert!(ids.ends_with("p, q 19 … and 5 more"), "{ids}");
        assert_eq!(
            t.rows[0].cells[2].text(),
            "long, with, commas ".repeat(30),
            "prose is whole"
        );
    }

    #[test]
    fn print_leaves_many_folded_parts_to_their_note() {
        let names: Vec<String> = (0..=super::FOLDS_IN_PRINT).map(|i| i.to_string()).collect();
        let mut d = Document::new("t".into());
        d.folds("see each sheet", &names, String::as_str, |d, _| d.note("x"));
        assert_eq!(
            d.capped(10).blocks,
            [Block::Note {
                text: "see each sheet".into()
            }]
        );
        let mut d = Document::new("t".into());
        d.folds("see each sheet", &names[1..], String::as_str, |d, _| {
            d.note("x")
        });
        assert!(
            matches!(&d.clone().capped(10).blocks[0], Block::Folds { folds, .. } if folds.len() == super::FOLDS_IN_PRINT)
        );
    }

    #[test]
    fn an_empty_table_is_a_note() {
        let mut d = Document::new("t".into());
        d.list(&["Item"], &[], Vec::new());
        assert_eq!(
            d.blocks,
            [Block::Note {
                text: "None.".into()
            }]
        );
    }
}
