//! Semantic styles: colour by role, and a monochrome theme when `NO_COLOR` is set.

use ratatui::style::{Color, Modifier, Style};

/// Styles by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Title bar.
    pub title: Style,
    /// Column headers, labels.
    pub header: Style,
    /// The selected row.
    pub selected: Style,
    /// Secondary text.
    pub dim: Style,
    /// Flags and errors: needs attention.
    pub alert: Style,
    /// Decisions and agreement.
    pub good: Style,
    /// Keys in hints and help.
    pub key: Style,
    /// Filled part of a distribution bar.
    pub bar: Style,
    /// Border of the pane with focus.
    pub focus: Style,
}

impl Theme {
    /// The colour theme.
    #[must_use]
    pub fn colored() -> Theme {
        Theme {
            title: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::Gray),
            alert: Style::new().fg(Color::Yellow),
            good: Style::new().fg(Color::Green),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            bar: Style::new().fg(Color::Blue),
            focus: Style::new().fg(Color::Cyan),
        }
    }

    /// No colour at all: emphasis by bold, reverse and underline only.
    #[must_use]
    pub fn mono() -> Theme {
        Theme {
            title: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new(),
            alert: Style::new().add_modifier(Modifier::BOLD),
            good: Style::new(),
            key: Style::new().add_modifier(Modifier::BOLD),
            bar: Style::new(),
            focus: Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// [`Theme::mono`] when `NO_COLOR` is set to anything non-empty (no-color.org), else colour.
    #[must_use]
    pub fn for_no_color(no_color: Option<&str>) -> Theme {
        if no_color.is_some_and(|v| !v.is_empty()) {
            Theme::mono()
        } else {
            Theme::colored()
        }
    }
}
