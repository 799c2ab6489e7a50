//! Reading an input file into lines: UTF-8 checked per line, BOM stripped, CRLF accepted.

use std::path::Path;

use super::Issue;

/// One line of an input file.
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The text, without its line ending.
    pub text: &'a str,
    /// Whether this is the last line and the file ends without a newline.
    pub unterminated: bool,
}

/// Reads `path` whole. Fails with an issue naming the file when it cannot be read, and with one
/// per line holding a byte that is not UTF-8.
pub fn read(path: &Path, file: &str) -> Result<String, Vec<Issue>> {
    let bytes = std::fs::read(path).map_err(|e| vec![Issue::new(file, 0, "file", format!("cannot read: {e}"))])?;
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            if text.trim().is_empty() {
                return Err(vec![Issue::new(file, 1, "file", "the file is empty")]);
            }
            Ok(text)
        }
        Err(e) => {
            let bytes = e.into_bytes();
            let mut issues = Vec::new();
            for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if let Err(err) = std::str::from_utf8(line) {
                    let at = err.valid_up_to();
                    issues.push(Issue::new(
                        file,
                        i + 1,
                        "encoding",
                        format!("byte 0x{:02x} at column {} is not UTF-8", line[at], at + 1),
                    ));
                }
            }
            Err(issues)
        }
    }
}

/// The non-blank lines of `text` with their numbers.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let ends_with_newline = text.ends_with('\n');
    let count = text.lines().count();
    text.lines().enumerate().filter_map(move |(i, raw)| {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        (!line.trim().is_empty()).then_some(Line {
            number: i + 1,
            text: line,
            unterminated: i + 1 == count && !ends_with_newline,
        })
    })
}
