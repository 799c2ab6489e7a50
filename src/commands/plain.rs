//! The plain-text output of the commands. Every byte goes through [`inert`], so whatever a data
//! file holds (labels, ids, reason codes, batch, task and file names) no escape sequence reaches
//! the terminal: an OSC 52 in a label cannot write the clipboard, a CSI cannot move the cursor.
//! `--json` output is not written through it: JSON escapes control characters itself.

use std::io::{self, Write};

use crate::text::inert;

/// A writer that makes what passes through it inert, keeping newlines.
pub struct Plain<W: Write> {
    inner: W,
    /// Bytes of a character split across two writes.
    pending: Vec<u8>,
}

impl<W: Write> Plain<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Plain<W> {
        Plain {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes out the pending bytes up to `upto`, made inert; text with nothing to escape is
    /// written as it is, without a copy.
    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let Plain { inner, pending } = self;
        match std::str::from_utf8(&pending[..upto]) {
            Ok(text) => inner.write_all(inert(text, true).as_bytes())?,
            Err(_) => {
                let text = String::from_utf8_lossy(&pending[..upto]);
                inner.write_all(inert(&text, true).as_bytes())?;
            }
        }
        pending.drain(..upto);
        Ok(())
    }
}

impl<W: Write> Write for Plain<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let upto = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            // a character cut at the end waits for the rest; a bad byte is shown as �
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        self.emit(upto)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let all = self.pending.len();
        self.emit(all)?;
        self.inner.flush()
    }
}

/// Standard output for a command's report: as it is for `--json`, else through [`Plain`].
pub fn stdout(json: bool) -> Box<dyn Write> {
    let out = io::BufWriter::new(io::stdout().lock());
    if json {
        Box::new(out)
    } else {
        Box::new(Plain::new(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_split_across_writes_come_out_inert() {
        let mut out = Plain::new(Vec::new());
        let hostile = "label \x1b]52;c;cHduZWQ=\x07 é\n\x1b[31mred\n";
        for chunk in hostile.as_bytes().chunks(3) {
            out.write_all(chunk).unwrap();
        }
        out.flush().unwrap();
        let text = String::from_utf8(out.inner).unwrap();
        assert_eq!(text, "label ␛]52;c;cHduZWQ=␇ é\n␛[31mred\n");
    }
}
