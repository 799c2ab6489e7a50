//! Judgment rows read from CSV: the header checked (the known columns present, none twice), a
//! header with no row under it refused, every row bounded in length, and a quote left open at
//! the end of the file found.

use std::collections::HashMap;
use std::io::{self, Read};

use super::rows::{Fields, Row};
use super::source::{Input, MAX_LINE, MAX_LINE_TEXT};
use super::{Ctx, Issue, Issues};
use crate::text::shown;

/// Bytes the CSV reader may have read ahead of the row it is on (its buffer is 8 KiB).
const READ_AHEAD: u64 = 64 << 10;

/// The most columns a header may have (each is held per row and per item).
const MAX_COLUMNS: usize = 10_000;

/// Refuses to read on once the row the CSV reader is on would be longer than [`MAX_LINE`].
struct Bounded<R> {
    inner: R,
    /// Bytes handed to the CSV reader.
    read: u64,
    /// Where the current row starts.
    row_start: u64,
    overran: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read - self.row_start > MAX_LINE as u64 + READ_AHEAD {
            self.overran = true;
            return Err(io::Error::other(format!("longer than {MAX_LINE_TEXT}")));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Where the last row starts, when it spans several lines: the place to look for a quote left
/// open (see [`quote_left_open`]).
pub struct Tail {
    line: usize,
    byte: u64,
}

/// Streams the rows of a judgment-row CSV (header first) to `f`, until `issues` is full.
pub fn each_csv_row(
    ctx: &Ctx<'_>,
    reader: impl Read,
    issues: &mut Issues,
    progress: &mut dyn FnMut(u64),
    mut f: impl FnMut(&Row<'_>, usize, &mut Issues),
) -> Option<Tail> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(Bounded {
            inner: reader,
            read: 0,
            row_start: 0,
            overran: false,
        });
    let headers: Vec<String> = match reader.headers() {
        Ok(h) if h.len() > MAX_COLUMNS => {
            issues.push(ctx.issue(
                1,
                "header",
                format!("{} columns, more than the {MAX_COLUMNS} read", h.len()),
            ));
            return None;
        }
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            issues.push(read_error(ctx, &reader, &e, "unreadable CSV header: "));
            return None;
        }
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        issues.push(ctx.issue(1, "file", "no items: the file is empty"));
        return None;
    }
    if !header_is_sound(ctx, &headers, issues) {
        return None;
    }
    let mut record = csv::StringRecord::new();
    let mut reported = 0u64;
    let mut rows = 0usize;
    let mut tail = None;
    while !issues.full() {
        let start = reader.position().clone();
        reader.get_mut().row_start = start.byte();
        let read = match reader.read_record(&mut record) {
            Ok(false) => break,
            read => read,
        };
        tail = (reader.position().line() > start.line() + 1).then(|| Tail {
            line: usize::try_from(start.line()).unwrap_or(usize::MAX),
            byte: start.byte(),
        });
        rows += 1;
        match read {
            Ok(_) => {}
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                issues.push(read_error(ctx, &reader, &e, ""));
                return None;
            }
            Err(e) => {
                issues.push(row_error(ctx, &e));
                continue;
            }
        }
        let (line, byte) = record.position().map_or((0, 0), |p| {
            (usize::try_from(p.line()).unwrap_or(0), p.byte())
        });
        if byte - reported > 1 << 20 {
            progress(byte - reported);
            reported = byte;
        }
        let row = Row {
            fields: Fields::Csv {
                headers: &headers,
                record: &record,
            },
            map: ctx.map,
        };
        f(&row, line, issues);
    }
    if rows == 0 && !issues.full() {
        issues.push(ctx.issue(1, "file", "no items: the file holds only a header"));
    }
    tail
}

/// Checks that the header names the known columns, each once; reports what it lacks.
fn header_is_sound(ctx: &Ctx<'_>, headers: &[String], issues: &mut Issues) -> bool {
    let mut sound = true;
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        if let Some(j) = first.insert(h, i) {
            sound = false;
            issues.push(ctx.issue(
                1,
                "header",
                format!(
                    "column `{}` appears twice (columns {} and {})",
                    shown(h),
                    j + 1,
                    i + 1
                ),
            ));
        }
    }
    for field in ["item_id", "reviewer", "label"] {
        let column = ctx.map.column(field);
        if !first.contains_key(column) {
            sound = false;
            issues.push(ctx.issue(
                1,
                ctx.map.describe(field),
                format!(
                    "no column `{column}` in the header ({})",
                    shown(&headers.join(", "))
                ),
            ));
        }
    }
    sound
}

/// A read error: a row past the bound, bytes that cannot be read at all, or (`what` prefixed)
/// a header that is not CSV.
fn read_error<R: Read>(
    ctx: &Ctx<'_>,
    reader: &csv::Reader<Bounded<R>>,
    e: &csv::Error,
    what: &str,
) -> Issue {
    let line = usize::try_from(reader.position().line())
        .unwrap_or(0)
        .max(1);
    match e.kind() {
        csv::ErrorKind::Io(io) if reader.get_ref().overran => {
            ctx.issue(line, "row", io.to_string())
        }
        csv::ErrorKind::Io(io) => ctx.issue(line, "file", format!("cannot read: {io}")),
        csv::ErrorKind::Utf8 { .. } => ctx.issue(line, "encoding", format!("{what}{e}")),
        _ => ctx.issue(line, "header", format!("{what}{e}")),
    }
}

/// A row the CSV reader refused.
fn row_error(ctx: &Ctx<'_>, e: &csv::Error) -> Issue {
    let line = e
        .position()
        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
    let (field, message) = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => (
            "row",
            format!("ragged row: {len} fields where the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { err, .. } => (
            "encoding",
            format!("field {} is not UTF-8", err.field() + 1),
        ),
        _ => ("row", e.to_string()),
    };
    ctx.issue(line, field, message)
}

/// The issue of a quote opened in the last row and never closed, which makes the rest of the
/// file one field (CSV readers take it silently).
pub fn quote_left_open(ctx: &Ctx<'_>, input: &mut Input, tail: &Tail) -> Option<Issue> {
    let (_, mut reader) = input.pass().ok()?;
    io::copy(&mut (&mut reader).take(tail.byte), &mut io::sink()).ok()?;
    let mut raw = Vec::new();
    reader
        .take(MAX_LINE as u64 + READ_AHEAD)
        .read_to_end(&mut raw)
        .ok()?;
    let newlines = open_quote(&raw)?;
    Some(ctx.issue(
        tail.line + newlines,
        "row",
        "a quote opened on this line is never closed: the rest of the file would be one field",
    ))
}

/// Where a quoted field is still open at the end of `raw` (CSV read from a row's start, by the
/// rules of the `csv` crate: a quote opens a field only at its start, `""` is a quote inside
/// one), as the newlines before its opening quote.
fn open_quote(raw: &[u8]) -> Option<usize> {
    let mut newlines = 0;
    let mut field_start = true;
    let mut open = None;
    let mut bytes = raw.iter().peekable();
    while let Some(&b) = bytes.next() {
        if open.is_some() {
            if b == b'"' && bytes.next_if_eq(&&b'"').is_none() {
                open = None;
                field_start = false;
            }
        } else if b == b'"' && field_start {
            open = Some(newlines);
        } else {
            field_start = matches!(b, b',' | b'\n' | b'\r');
        }
        if b == b'\n' {
            newlines += 1;
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::open_quote;

    #[test]
    fn a_quote_left_open_is_found_on_its_line() {
        assert_eq!(open_quote(b"x,A,\"mild\nx,B,severe\n"), Some(0));
        assert_eq!(open_quote(b"\nx,A,mild,\"a\"\"b\nc\n"), Some(1));
        assert_eq!(open_quote(b"x,A,mild,\"two\nlines\"\n"), None);
        assert_eq!(open_quote(b"x,A,mild,\"a\"\"b\"\n"), None);
        // A quote inside an unquoted field is text.
        assert_eq!(open_quote(b"x,A,mild,5\" disk\nmore\n"), None);
    }
}
