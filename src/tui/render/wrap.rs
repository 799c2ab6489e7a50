//! Fitting styled text to a width in display cells: word-wrapping with a hanging indent, so that
//! a wrapped rationale or anchor stays under its own indent rather than falling back to column
//! 0, and cutting a line with `…` where wrapping has no room.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::text::{cut_end, width};

/// `line` within `cells` display cells, its end replaced by `…` when it is cut.
#[must_use]
pub fn cut_line(line: Line<'static>, cells: usize) -> Line<'static> {
    let mut left = cells;
    let mut spans = Vec::new();
    let total: usize = line.spans.iter().map(|s| width(&s.content)).sum();
    for span in line.spans {
        if left == 0 {
            break;
        }
        let w = width(&span.content);
        let fits = w <= left && (total <= cells || w < left);
        let text = if fits {
            span.content.into_owned()
        } else {
            cut_end(&format!("{}…", span.content), left).into_owned()
        };
        left = left.saturating_sub(width(&text));
        spans.push(Span::styled(text, span.style));
    }
    Line::from(spans).style(line.style)
}

/// Lines being filled: styled runs of the current line and its width so far.
struct Filler {
    cells: usize,
    hang: usize,
    lines: Vec<Line<'static>>,
    line: Vec<Span<'static>>,
    used: usize,
    /// Whether the current line holds text past its indent.
    filled: bool,
}

impl Filler {
    fn push(&mut self, text: &str, style: Style) {
        self.used += width(text);
        match self.line.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(text),
            _ => self.line.push(Span::styled(text.to_string(), style)),
        }
    }

    fn break_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.lines.push(Line::from(line));
        self.used = 0;
        self.filled = false;
        if self.hang > 0 {
            self.push(&" ".repeat(self.hang), Style::new());
        }
    }

    /// Adds a word, breaking the line before it when it does not fit, and breaking the word
    /// itself when it is wider than a whole line.
    fn word(&mut self, word: &str, space: Option<(&str, Style)>, style: Style) {
        let space_w = space.map_or(0, |(s, _)| width(s));
        if self.filled && self.used + space_w + width(word) > self.cells {
            self.break_line();
        } else if let Some((s, st)) = space {
            self.push(s, st);
        }
        let mut rest = word;
        while self.used + width(rest) > self.cells && self.cells > self.used {
            let room = self.cells - self.used;
            let mut cut = 0;
            let mut w = 0;
            for (i, c) in rest.char_indices() {
                w += c.width().unwrap_or(0);
                if w > room {
                    break;
                }
                cut = i + c.len_utf8();
            }
            if cut == 0 && self.filled {
                self.break_line();
                continue;
            }
            let cut = if cut == 0 {
                rest.chars().next().map_or(0, char::len_utf8)
            } else {
                cut
            };
            self.push(&rest[..cut], style);
            rest = &rest[cut..];
            self.filled = true;
            if rest.is_empty() {
                return;
            }
            self.break_line();
        }
        if !rest.is_empty() {
            self.push(rest, style);
            self.filled = true;
        }
    }
}

/// `spans` as one logical line wrapped at spaces to `cells` display cells; continuation lines
/// start with `hang` spaces. Leading spaces of the first line are kept, trailing ones dropped.
#[must_use]
pub fn wrap(spans: Vec<Span<'static>>, cells: usize, hang: usize) -> Vec<Line<'static>> {
    let cells = cells.max(1);
    let mut f = Filler {
        cells,
        hang: hang.min(cells / 2),
        lines: Vec::new(),
        line: Vec::new(),
        used: 0,
        filled: false,
    };
    let mut space: Option<(String, Style)> = None;
    for span in &spans {
        let text = span.content.as_ref();
        let mut start = 0;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            let at_end = i == text.len();
            if c == ' ' || at_end {
                if start < i {
                    let pending = space.take();
                    f.word(
                        &text[start..i],
                        pending.as_ref().map(|(s, st)| (s.as_str(), *st)),
                        span.style,
                    );
                }
                if !at_end {
                    if f.filled {
                        space
                            .get_or_insert_with(|| (String::new(), span.style))
                            .0
                            .push(' ');
                    } else {
                        f.push(" ", span.style);
                    }
                }
                start = i + 1;
            }
        }
    }
    let line = std::mem::take(&mut f.line);
    f.lines.push(Line::from(line));
    f.lines
}

#[cfg(test)]
mod tests {
    use ratatui::text::{Line, Span};

    use super::{cut_line, wrap};

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_cut_line_ends_in_an_ellipsis_and_keeps_its_styles() {
        let line = Line::from(vec![
            Span::raw(" Ctrl-d   "),
            Span::raw("half a screen down"),
        ]);
        assert_eq!(
            cut_line(line.clone(), 20).to_string(),
            " Ctrl-d   half a sc…"
        );
        assert_eq!(
            cut_line(line.clone(), 28).to_string(),
            " Ctrl-d   half a screen down"
        );
        assert_eq!(cut_line(line, 5).to_string(), " Ctr…");
    }

    #[test]
    fn continuation_lines_hang_under_the_indent() {
        let lines = wrap(
            vec![Span::raw("    anchors · the hypothesis adds information")],
            20,
            6,
        );
        assert_eq!(
            plain(&lines),
            [
                "    anchors · the",
                "      hypothesis",
                "      adds",
                "      information"
            ]
        );
    }

    #[test]
    fn styles_survive_and_long_words_are_broken_in_cells() {
        let lines = wrap(
            vec![Span::raw("key: "), Span::raw("日本語の前提日本語の前提")],
            10,
            2,
        );
        // a word wider than a line starts on a line of its own and is cut in cells
        assert_eq!(
            plain(&lines),
            ["key:", "  日本語の", "  前提日本", "  語の前提"]
        );
        let short = wrap(vec![Span::raw("  a  b ")], 40, 0);
        assert_eq!(plain(&short), ["  a  b"]);
    }
}
