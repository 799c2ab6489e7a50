//! Making outside text (payload, evidence, reasons) inert before it reaches a terminal, and
//! fitting text to a width measured in display cells (CJK and emoji take two).

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Replaces every control character and bidirectional override in `s` with a visible stand-in,
/// so that text from a data file can never set the window title, clear or move the screen, ring
/// the bell or reorder what is shown. Newlines are kept when `keep_newlines` is set (wrapped
/// text); otherwise they become `↵`.
#[must_use]
pub fn inert(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push('↵'),
            '\t' => out.push_str("    "),
            // C0 controls have Unicode "control pictures": ESC → ␛, BEL → ␇, CR → ␍.
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
            '\u{7f}' => out.push('␡'),
            c if needs_escape(c, keep_newlines) => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `n` and `noun`, plural unless `n` is 1: "1 item", "3 items".
#[must_use]
pub fn counted(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// How many display columns of a value from a data file an error message echoes.
pub const SHOWN_WIDTH: usize = 80;

/// `s` as an error message echoes it: made [`inert`] and cut to [`SHOWN_WIDTH`] display columns,
/// ending in `…` where cut, so that a megabyte-long value makes a one-line message.
#[must_use]
pub fn shown(s: &str) -> Cow<'_, str> {
    match inert(s, false) {
        Cow::Borrowed(safe) => cut_end(safe, SHOWN_WIDTH),
        Cow::Owned(safe) => Cow::Owned(cut_end(&safe, SHOWN_WIDTH).into_owned()),
    }
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' => !keep_newlines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // bidi embeddings, overrides and isolates
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// Display cells `s` takes in a terminal.
#[must_use]
pub fn width(s: &str) -> usize {
    s.width()
}

/// `s` padded with spaces to `cells` display cells (never cut).
#[must_use]
pub fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s))))
}

/// The longest start of `s` within `cells` display cells.
fn head(s: &str, cells: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > cells {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` within `cells` display cells.
fn tail(s: &str, cells: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > cells {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// `s` within `cells` display cells, its end replaced by `…` when it is cut.
#[must_use]
pub fn cut_end(s: &str, cells: usize) -> Cow<'_, str> {
    if width(s) <= cells {
        return Cow::Borrowed(s);
    }
    if cells == 0 {
        return Cow::Borrowed("");
    }
    Cow::Owned(format!("{}…", head(s, cells - 1)))
}

/// `s` within `cells` display cells, its middle replaced by `…` when it is cut: ids that share
/// a prefix differ at the end, so both ends stay (`varierr-1…-042`).
#[must_use]
pub fn cut_middle(s: &str, cells: usize) -> Cow<'_, str> {
    if width(s) <= cells {
        return Cow::Borrowed(s);
    }
    if cells < 3 {
        return cut_end(s, cells);
    }
    let end = tail(s, (cells - 1) / 2);
    let start = head(s, cells - 1 - width(end));
    Cow::Owned(format!("{start}…{end}"))
}

/// The parts of a line joined by `sep` within `cells`: when they do not all fit, parts are left
/// out whole, lowest `rank` first (display order is kept); a sole part that still does not fit is
/// cut at its end. `parts` are (rank, text); a higher rank stays longer.
#[must_use]
pub fn fit_parts(parts: &[(u8, String)], sep: &str, cells: usize) -> String {
    let mut kept: Vec<&(u8, String)> = parts.iter().collect();
    let total = |kept: &[&(u8, String)]| {
        kept.iter().map(|(_, p)| width(p)).sum::<usize>()
            + width(sep) * kept.len().saturating_sub(1)
    };
    while kept.len() > 1 && total(&kept) > cells {
        let lowest = kept
            .iter()
            .enumerate()
            .min_by_key(|(i, (rank, _))| (*rank, std::cmp::Reverse(*i)))
            .map_or(0, |(i, _)| i);
        kept.remove(lowest);
    }
    let line = kept
        .iter()
        .map(|(_, p)| p.as_str())
        .collect::<Vec<_>>()
        .join(sep);
    cut_end(&line, cells).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{SHOWN_WIDTH, cut_end, cut_middle, fit_parts, inert, pad, shown, width};

    #[test]
    fn widths_are_display_cells() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("🦀x"), 3);
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn long_ids_keep_both_ends() {
        assert_eq!(cut_middle("varierr-1234-042", 14), "varierr…34-042");
        assert_eq!(cut_middle("short", 14), "short");
        assert_eq!(cut_middle("cifar10-test-00042", 12), "cifar1…00042");
        // wide characters are never split: the cut leaves a cell short rather than over
        let cut = cut_middle("標本-日本語-データ-0042", 12);
        assert!(width(&cut) <= 12, "{cut}");
        assert!(cut.ends_with("0042") && cut.starts_with("標本"), "{cut}");
        assert_eq!(cut_middle("abcdef", 2), "a…");
        assert_eq!(cut_end("日本語", 5), "日本…");
        assert_eq!(cut_end("日本語", 4), "日…");
        assert_eq!(cut_end("abc", 0), "");
    }

    #[test]
    fn parts_are_dropped_whole_by_rank() {
        let parts = [
            (9, "dissent".to_string()),
            (1, "as alice".to_string()),
            (5, "pilot".to_string()),
            (1, "39 items".to_string()),
        ];
        assert_eq!(
            fit_parts(&parts, " · ", 80),
            "dissent · as alice · pilot · 39 items"
        );
        // equal ranks: the later part goes first
        assert_eq!(fit_parts(&parts, " · ", 30), "dissent · as alice · pilot");
        assert_eq!(fit_parts(&parts, " · ", 16), "dissent · pilot");
        assert_eq!(fit_parts(&parts, " · ", 5), "diss…");
    }

    #[test]
    fn escape_sequences_become_visible_text() {
        let hostile = "\x1b]0;pwned\x07 a\x1b[2J\x1b[H b\r c\u{9b}31m \u{202e}x";
        let safe = inert(hostile, false);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert_eq!(safe, "␛]0;pwned␇ a␛[2J␛[H b␍ c⟨U+009B⟩31m ⟨U+202E⟩x");
    }

    #[test]
    fn plain_text_is_borrowed_and_newlines_kept_on_request() {
        assert!(matches!(
            inert("plain", false),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(inert("a\nb", true), "a\nb");
        assert_eq!(inert("a\nb", false), "a↵b");
    }

    #[test]
    fn shown_values_are_cut_to_a_readable_width() {
        assert_eq!(shown("short"), "short");
        let exact = "x".repeat(SHOWN_WIDTH);
        assert_eq!(shown(&exact), exact);
        let long = "é".repeat(1 << 20);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), SHOWN_WIDTH);
        assert!(cut.ends_with("é…"), "{cut}");
        // Wide characters count two columns.
        let wide = "界".repeat(100);
        assert_eq!(shown(&wide).chars().count(), SHOWN_WIDTH / 2);
        assert_eq!(shown("a\x1b[2Jb"), "a␛[2Jb");
    }
}
