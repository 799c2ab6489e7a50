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
    /// A part a reader opens when they want it (HTML folds it; print shows it under its
    /// summary).
    Fold {
        /// What the closed part says.
        summary: String,
        /// What it holds.
        blocks: Vec<Block>,
    },
}

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
    pub cells: Vec<String>,
    /// Shaded: a row the reader should see (an overconfident reviewer).
    pub marked: bool,
}

impl Row {
    /// An unmarked row.
    #[must_use]
    pub fn new(cells: Vec<String>) -> Row {
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
    /// there are: what print shows.
    #[must_use]
    pub fn capped(mut self, rows: usize) -> Document {
        fn cap(blocks: Vec<Block>, n: usize) -> Vec<Block> {
            let mut out = Vec::with_capacity(blocks.len());
            for block in blocks {
                match block {
                    Block::Table(mut t) if t.list => {
                        for cell in t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                            cap_cell(cell);
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
                    Block::Fold { summary, blocks } => out.push(Block::Fold {
                        summary,
                        blocks: cap(blocks, n),
                    }),
                    other => out.push(other),
                }
            }
            out
        }
        self.blocks = cap(self.blocks, rows);
        self
    }

    /// Calls `f` on every text of the document (not the charts).
    pub fn each_text(&mut self, f: &mut impl FnMut(&mut String)) {
        fn walk(blocks: &mut [Block], f: &mut impl FnMut(&mut String)) {
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
                        for row in &mut t.rows {
                            row.cells.iter_mut().for_each(&mut *f);
                        }
                    }
                    Block::Charts { .. } => {}
                    Block::Fold { summary, blocks } => {
                        f(summary);
                        walk(blocks, f);
                    }
                }
            }
        }
        f(&mut self.title);
        walk(&mut self.blocks, f);
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
        for cell in rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
            if let std::borrow::Cow::Owned(safe) = inert(cell, true) {
                *cell = safe;
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

    /// A fold titled `summary` holding what `body` adds.
    fn fold(&mut self, summary: &str, body: impl FnOnce(&mut Document)) {
        let mut inner = Document::new(String::new());
        body(&mut inner);
        self.blocks.push(Block::Fold {
            summary: shown(summary),
            blocks: inner.blocks,
        });
    }
}

/// `text` made [`inert`], to be shown.
fn shown(text: &str) -> String {
    inert(text, true).into_owned()
}

/// Characters of a list's cell shown in print.
const CELL_CHARS: usize = 300;

/// A list's cell cut for print: a comma-separated list (a group's item ids) at the last whole
/// entry within [`CELL_CHARS`], saying how many more entries there are; other text at a
/// character.
fn cap_cell(cell: &mut String) {
    let Some((end, _)) = cell.char_indices().nth(CELL_CHARS) else {
        return;
    };
    match cell[..end].rfind(", ") {
        Some(cut) => {
            let more = cell[cut..].matches(", ").count();
            cell.truncate(cut);
            cell.push_str(&format!(" … and {more} more"));
        }
        None => {
            cell.truncate(end);
            cell.push('…');
        }
    }
}

/// A count that may be fractional (coincidences): whole numbers (to a rounding error) without
/// decimals.
fn amount(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
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
    use super::{Block, Document, Row};

    fn rows(n: usize) -> Vec<Row> {
        (0..n).map(|i| Row::new(vec![i.to_string()])).collect()
    }

    #[test]
    fn print_cuts_long_lists_says_how_many_more_and_leaves_tables_whole() {
        let mut d = Document::new("t".into());
        d.list(&["Item"], &[], rows(5));
        d.table(&["Label"], &[], rows(5));
        d.fold("a reviewer", |d| d.list(&["Item"], &[], rows(3)));
        d.list(&["Item"], &[], rows(2));
        let capped = d.clone().capped(2);
        let lens: Vec<String> = capped
            .blocks
            .iter()
            .map(|b| match b {
                Block::Table(t) => format!("table {}", t.rows.len()),
                Block::Note { text } => text.clone(),
                Block::Fold { blocks, .. } => format!("fold of {}", blocks.len()),
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
    fn print_cuts_a_long_cell_of_a_list_at_a_whole_entry() {
        let ids: Vec<String> = (0..200).map(|i| format!("item-{i:03}")).collect();
        let mut d = Document::new("t".into());
        d.list(
            &["Labels", "Item ids"],
            &[1],
            vec![Row::new(vec!["a / b".into(), ids.join(", ")])],
        );
        let Block::Table(t) = &d.capped(10).blocks[0] else {
            panic!("a table")
        };
        let cell = &t.rows[0].cells[1];
        // 8 characters and ", " per id: 30 whole ids fit in 300 characters.
        assert!(cell.starts_with("item-000, item-001"), "{cell}");
        assert!(cell.ends_with("item-029 … and 170 more"), "{cell}");
        let mut long = "x".repeat(400);
        super::cap_cell(&mut long);
        assert_eq!(long.chars().count(), 301);
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
