//! Making outside text (payload, evidence, reasons) inert before it reaches a terminal.

use std::borrow::Cow;

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

/// How many display columns of a value from a data file an error message echoes.
pub const SHOWN_WIDTH: usize = 80;

/// `s` as an error message echoes it: made [`inert`] and cut to [`SHOWN_WIDTH`] display columns,
/// ending in `…` where cut, so that a megabyte-long value makes a one-line message.
#[must_use]
pub fn shown(s: &str) -> Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let safe = inert(s, false);
    if safe.width() <= SHOWN_WIDTH {
        return safe;
    }
    let mut width = 0;
    let end = safe
        .char_indices()
        .find(|(_, c)| {
            width += c.width().unwrap_or(0);
            width >= SHOWN_WIDTH
        })
        .map_or(safe.len(), |(i, _)| i);
    Cow::Owned(format!("{}…", &safe[..end]))
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

#[cfg(test)]
mod tests {
    use super::{SHOWN_WIDTH, inert, shown};

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
