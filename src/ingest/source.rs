//! Reading an input: a file, or a stream (`-` for stdin, a pipe, a FIFO, a device) that is read
//! once and spooled so that both passes see it. Lines are bounded in length, UTF-8 checked one
//! at a time, BOM stripped, CRLF accepted; the whole input is never held in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use super::{Issue, Issues};

/// The longest line (or CSV row) read, in bytes; a longer one stops the reading of its file.
pub const MAX_LINE: usize = 16 << 20;
/// [`MAX_LINE`] as messages say it.
pub const MAX_LINE_TEXT: &str = "16 MiB";

/// The extensions of JSONL input.
const JSONL: [&str; 3] = ["jsonl", "ndjson", "json"];

const BOM: &[u8] = b"\xef\xbb\xbf";

/// What a name ending in neither `.csv` nor `.jsonl` means.
#[derive(Debug, Clone, Copy)]
pub enum OtherExtension {
    /// Refused, with what to do instead.
    Refused(&'static str),
    /// Read by its content, as a name without an extension is (an explicit `--format`).
    ByContent,
}

/// One input named on the command line, opened once.
pub struct Input {
    /// Its name in issues: the path as given, or `<stdin>` for `-`.
    pub name: String,
    /// Whether it holds CSV, once known.
    csv: Option<bool>,
    body: Body,
}

enum Body {
    /// A regular file, opened afresh by each pass.
    File(PathBuf),
    /// A stream: what has been read of it is in `spool`; each pass replays that, then reads on
    /// (and spools what it reads).
    Stream {
        stream: Box<dyn Read>,
        spool: tempfile::NamedTempFile,
    },
}

/// Writes what it reads from the stream into the spool.
struct Tee<'a> {
    stream: &'a mut dyn Read,
    spool: &'a mut File,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stream.read(buf)?;
        self.spool.write_all(&buf[..n])?;
        Ok(n)
    }
}

fn cannot_read(name: &str, e: &io::Error) -> Issue {
    Issue::new(name, 0, "file", format!("cannot read: {e}"))
}

impl Input {
    /// Opens `path`; `-` is stdin. Anything but a regular file is spooled as it is read. A
    /// regular file named with neither `.csv` nor `.jsonl` (`.ndjson`, `.json`) is refused before
    /// it is read, or read as a name without an extension is, as `other` says; a stream (a FIFO,
    /// a device) always is.
    pub fn open(path: &Path, other: OtherExtension) -> Result<Input, Issue> {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let regular = !stdin
            && std::fs::metadata(path)
                .map_err(|e| cannot_read(&name, &e))?
                .is_file();
        let csv = match path.extension().map(|e| e.to_string_lossy().to_lowercase()) {
            None => None,
            Some(e) if e == "csv" => Some(true),
            Some(e) if JSONL.contains(&e.as_str()) => Some(false),
            Some(_) if !regular => None,
            Some(e) => match other {
                OtherExtension::ByContent => None,
                OtherExtension::Refused(instead) => {
                    return Err(Issue::new(
                        &name,
                        0,
                        "file",
                        format!(".{e} is not a format dissent reads; {instead}"),
                    ));
                }
            },
        };
        let body = if regular {
            Body::File(path.to_path_buf())
        } else {
            let stream: Box<dyn Read> = if stdin {
                Box::new(io::stdin())
            } else {
                Box::new(File::open(path).map_err(|e| cannot_read(&name, &e))?)
            };
            let spool = tempfile::NamedTempFile::new().map_err(|e| {
                Issue::new(
                    &name,
                    0,
                    "file",
                    format!("cannot spool to a temp file: {e}"),
                )
            })?;
            Body::Stream { stream, spool }
        };
        Ok(Input { name, csv, body })
    }

    /// A reader over the whole input from its start, and whether it holds CSV (by its
    /// extension; for a name without one, a pipe or `-`, by whether its first line is a
    /// header: commas, and not a JSON object).
    pub fn pass(&mut self) -> Result<(bool, BufReader<Box<dyn Read + '_>>), Issue> {
        let Input { name, csv, body } = self;
        let inner: Box<dyn Read + '_> = match body {
            Body::File(path) => Box::new(File::open(path).map_err(|e| cannot_read(name, &e))?),
            Body::Stream { stream, spool } => {
                let replay = spool.reopen().map_err(|e| cannot_read(name, &e))?;
                Box::new(replay.chain(Tee {
                    stream: stream.as_mut(),
                    spool: spool.as_file_mut(),
                }))
            }
        };
        let mut reader = BufReader::with_capacity(1 << 16, inner);
        let csv = *csv.get_or_insert_with(|| first_line_is_a_header(&mut reader));
        Ok((csv, reader))
    }
}

fn first_line_is_a_header(reader: &mut impl BufRead) -> bool {
    let Ok(buf) = reader.fill_buf() else {
        return false;
    };
    let buf = buf.strip_prefix(BOM).unwrap_or(buf);
    let first = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    !first.trim_ascii_start().starts_with(b"{") && first.contains(&b',')
}

/// One line of an input file.
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The text, without its line ending.
    pub text: &'a str,
    /// Whether this is the last line and the file ends without a newline.
    pub unterminated: bool,
}

/// Calls `f` with every non-blank line until it returns false or `issues` is full. Lines that
/// are not UTF-8 become issues, as does a file with no line at all; a line longer than
/// [`MAX_LINE`] ends the reading. `progress` is told the bytes read.
pub fn for_each_line(
    mut reader: impl BufRead,
    file: &str,
    issues: &mut Issues,
    progress: &mut dyn FnMut(u64),
    mut f: impl FnMut(Line<'_>, &mut Issues) -> bool,
) {
    // The longest line and its CRLF ending.
    let limit = MAX_LINE as u64 + 2;
    let mut buf = Vec::with_capacity(1024);
    let mut number = 0;
    let mut any = false;
    while !issues.full() {
        buf.clear();
        let n = match (&mut reader).take(limit).read_until(b'\n', &mut buf) {
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
            bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        }
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.len() > MAX_LINE || (unterminated && n as u64 == limit) {
            issues.push(Issue::new(
                file,
                number,
                "line",
                format!("longer than {MAX_LINE_TEXT}"),
            ));
            return;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                any = true;
                let at = e.valid_up_to();
                issues.push(Issue::new(
                    file,
                    number,
                    "encoding",
                    format!("byte 0x{:02x} at column {} is not UTF-8", bytes[at], at + 1),
                ));
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
        issues.push(Issue::new(file, 1, "file", "no items: the file is empty"));
    }
}
