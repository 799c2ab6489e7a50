//! A [`Document`] as one self-contained HTML page: inline CSS and the inline SVG charts, no
//! script, no network, no font file. XHTML-compatible (every tag closed, every attribute
//! quoted), so an XML parser reads it too.

mod escape;

use std::fmt::Write;

pub use escape::escape;

use super::document::{Block, Document, Table};

/// The page's style: a system sans-serif stack, tables with rules, numbers right-aligned.
const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",Arial,sans-serif;\
max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\
h1{font-size:1.6em}h2{border-bottom:2px solid #0072b2;padding-bottom:.2em;margin-top:2em}\
table{border-collapse:collapse;margin:.5em 0 1.5em}\
th,td{border:1px solid #ccc;padding:.25em .45em;vertical-align:top}thead th{font-size:.9em}\
th{background:#f0f4f8;text-align:left}td{text-align:right;font-variant-numeric:tabular-nums}\
td{white-space:nowrap}td.t{text-align:left;white-space:normal}tbody th{white-space:nowrap}.scroll{overflow-x:auto}tr.mark td{background:#fdecea}\
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}dt{font-weight:bold}dd{margin:0}\
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{width:calc(50% - .5em);min-width:300px;height:auto}\
.note{color:#555}";

/// The page of `doc`.
#[must_use]
pub fn page(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>",
    );
    out.push_str(&escape(&doc.title));
    out.push_str("</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title));
    blocks(&mut out, &doc.blocks);
    out.push_str("</body></html>\n");
    out
}

fn blocks(out: &mut String, all: &[Block]) {
    for block in all {
        match block {
            Block::Heading { level, text } => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Note { text } => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(text));
            }
            Block::Pairs { pairs } => {
                out.push_str("<dl>");
                for (term, value) in pairs {
                    let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(value));
                }
                out.push_str("</dl>\n");
            }
            Block::Table(t) => table(out, t),
            Block::Charts { svgs } => {
                out.push_str("<div class=\"charts\">\n");
                for svg in svgs {
                    // HTML places `<svg>` in its namespace anyway; the page then names no
                    // address at all.
                    out.push_str(&svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1));
                    out.push('\n');
                }
                out.push_str("</div>\n");
            }
            Block::Folds { folds, .. } => {
                for fold in folds {
                    let _ = writeln!(out, "<details><summary>{}</summary>", escape(&fold.summary));
                    blocks(out, &fold.blocks);
                    out.push_str("</details>\n");
                }
            }
        }
    }
}

/// The first cell of a row is a row header; a wide table scrolls on its own rather than the
/// page.
fn table(out: &mut String, t: &Table) {
    out.push_str("<div class=\"scroll\"><table><thead><tr>");
    for h in &t.head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        out.push_str(if row.marked {
            "<tr class=\"mark\">"
        } else {
            "<tr>"
        });
        for (i, cell) in row.cells.iter().enumerate() {
            let tag = if i == 0 { "th" } else { "td" };
            let class = if t.text_cols.contains(&i) {
                " class=\"t\""
            } else {
                ""
            };
            let _ = write!(out, "<{tag}{class}>{}</{tag}>", escape(&cell.text()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}
