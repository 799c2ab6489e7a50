//! Text from data made safe to place in HTML text and quoted attributes.

use crate::text::inert;

/// `text` made [`inert`] (control characters and bidirectional overrides as visible stand-ins,
/// newlines kept), then with `<`, `>`, `&` and both quotes written as entities.
#[must_use]
pub fn escape(text: &str) -> String {
    let visible = inert(text, true);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_quotes_and_control_characters_come_out_inert() {
        assert_eq!(
            escape("<script>a && \"b\" 'c'</script>"),
            "&lt;script&gt;a &amp;&amp; &quot;b&quot; &#39;c&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("red \u{1b}[31m\u{7f}\u{202e}"), "red ␛[31m␡⟨U+202E⟩");
        assert_eq!(escape("line\nπ"), "line\nπ");
    }
}
