//! Reading an input file as a stream of lines: UTF-8 checked per line, BOM stripped, CRLF
//! accepted, the whole file never held in memory.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{Issue, Issues};

/// One line of an input file.
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The text, without its line ending.
    pub text: &'a str,
    /// Whether this is the last line and the file ends without a newline.
    pub unterminated: bool,
}

/// Opens `path` for buffered reading.
pub fn open(path: &Path, file: &str) -> Result<BufReader<File>, Issue> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|e| Issue::new(file, 0, "file", format!("cannot read: {e}")))
}

/// Calls `f` with every non-blank line. Lines that are not UTF-8 become issues, as does a file
/// with no line at all. `progress` is told the bytes read.
pub fn for_each_line(
    mut reader: impl BufRead,
    file: &str,
    issues: &mut Issues,
    progress: &mut dyn FnMut(u64),
    mut f: impl FnMut(Line<'_>, &mut Issues) -> bool,
) {
    let mut buf = Vec::with_capacity(1024);
    let mut number = 0;
    let mut any = false;
    loop {
        buf.clear();
        let n = match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                issues.push(Issue::new(
                    file,
                    number + 1,
                    "file",
                    format!("cannot read: {e}"),
                ));
                return;
            }
        };
        progress(n as u64);
        number += 1;
        let unterminated = buf.last() != Some(&b'\n');
        let mut bytes: &[u8] = &buf;
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.valid_up_to();
                issues.push(Issue::new(
                    file,
                    number,
                    "encoding",
                    format!("byte 0x{:02x} at column {} is not UTF-8", bytes[at], at + 1),
                ));
                any = true;
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        any = true;
        if !f(
            Line {
                number,
                text,
                unterminated,
            },
            issues,
        ) {
            return;
        }
    }
    if !any {
        issues.push(Issue::new(file, 1, "file", "the file is empty"));
    }
}
