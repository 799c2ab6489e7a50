//! What an identifier (an item id, a reviewer) may be. Ids that look the same must be the same,
//! so an id with whitespace around it, an invisible or control character, or in a form other
//! than Unicode NFC is refused, rather than becoming a second item or person.

use unicode_normalization::{UnicodeNormalization, is_nfc};

use crate::text::shown;

/// Why `id` cannot be an identifier, if it cannot.
#[must_use]
pub fn problem(id: &str) -> Option<String> {
    // The common case: printable ASCII with no space at either end.
    if id.bytes().all(|b| (b' '..=b'~').contains(&b)) && !id.starts_with(' ') && !id.ends_with(' ')
    {
        return None;
    }
    if id.starts_with(char::is_whitespace) || id.ends_with(char::is_whitespace) {
        return Some(format!("`{}` has whitespace around it", shown(id)));
    }
    if let Some(c) = id.chars().find(|&c| c.is_control() || invisible(c)) {
        return Some(format!(
            "`{}` holds the invisible character U+{:04X}",
            shown(id),
            u32::from(c)
        ));
    }
    if !is_nfc(id) {
        return Some(format!(
            "`{}` is not in Unicode normalization form C (write it as `{}`)",
            shown(id),
            shown(&id.nfc().collect::<String>())
        ));
    }
    None
}

/// Zero-width and formatting characters: soft hyphen, zero-width space and joiners,
/// direction marks and overrides, word joiner and invisible operators, byte order mark.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn plain_ids_pass_and_lookalikes_are_refused() {
        for fine in ["mri-2031", "study 1", "Zoë", "레이블", "42"] {
            assert_eq!(problem(fine), None, "{fine}");
        }
        for (id, why) in [
            (" x", "whitespace around it"),
            ("x\u{a0}", "whitespace around it"),
            ("x\u{200b}", "U+200B"),
            ("\u{feff}x", "U+FEFF"),
            ("a\u{2060}b", "U+2060"),
            ("a\tb", "U+0009"),
            (
                "Zoe\u{308}",
                "not in Unicode normalization form C (write it as `Zoë`)",
            ),
        ] {
            let p = problem(id).unwrap_or_default();
            assert!(p.contains(why), "{id:?}: {p}");
        }
    }
}
