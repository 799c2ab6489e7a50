//! The one keymap: every binding with its description. The status-bar hints and the help are
//! generated from it, and a user's `keys.toml` remaps it.

use std::fmt;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key press, normalised (the shift of a character is in the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl and Alt (Shift only for non-character keys).
    pub modifiers: KeyModifiers,
}

impl Key {
    /// A key without modifiers.
    #[must_use]
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    /// Ctrl + a character.
    #[must_use]
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    /// Parses `j`, `G`, `?`, `down`, `pgdn`, `ctrl-d`, `f1`, `enter`, `esc`, `tab`, `space`.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                modifiers |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                modifiers |= KeyModifiers::ALT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            other => {
                return Err(format!(
                    "`{other}` is not a key (try j, G, ?, down, pgdn, ctrl-d, f1, enter)"
                ));
            }
        };
        Ok(Key { code, modifiers })
    }
}

impl From<KeyEvent> for Key {
    fn from(e: KeyEvent) -> Key {
        let mut modifiers =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(e.code, KeyCode::Char(_)) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Key {
            code: e.code,
            modifiers,
        }
    }
}

impl From<Key> for KeyEvent {
    fn from(k: Key) -> KeyEvent {
        KeyEvent::new(k.code, k.modifiers)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            write!(f, "Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            write!(f, "Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Up => write!(f, "↑"),
            KeyCode::Down => write!(f, "↓"),
            KeyCode::Left => write!(f, "←"),
            KeyCode::Right => write!(f, "→"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            KeyCode::Home => write!(f, "Home"),
            KeyCode::End => write!(f, "End"),
            KeyCode::Enter => write!(f, "Enter"),
            KeyCode::Esc => write!(f, "Esc"),
            KeyCode::Tab => write!(f, "Tab"),
            KeyCode::BackTab => write!(f, "Shift-Tab"),
            KeyCode::Backspace => write!(f, "Backspace"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// What a binding does. Names are the kebab-case ids used in `keys.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// Next item (or scroll the panel down).
    MoveDown,
    /// Previous item (or scroll the panel up).
    MoveUp,
    /// Half a screen down.
    HalfPageDown,
    /// Half a screen up.
    HalfPageUp,
    /// A screen down.
    PageDown,
    /// A screen up.
    PageUp,
    /// First item.
    Top,
    /// Last item.
    Bottom,
    /// Switch between queue and panel.
    SwitchPane,
    /// Read the selected item in the panel.
    FocusPanel,
    /// Adjudicate to a hard label.
    HardLabel,
    /// Keep the panel soft.
    KeepSoft,
    /// Send back for re-review.
    Rereview,
    /// Undo the decision in force.
    Undo,
    /// Search item ids and payload text.
    Search,
    /// Cycle the flag filter.
    FilterFlag,
    /// Cycle the class filter.
    FilterClass,
    /// Cycle the decision-status filter.
    FilterStatus,
    /// Cycle the task filter.
    FilterTask,
    /// Cycle the sort order.
    Sort,
    /// Clear filters and search.
    ClearFilters,
    /// This help.
    Help,
    /// Quit.
    Quit,
}

/// Every command with its id, description and default keys, in help order.
const DEFAULTS: &[(Command, &str, &str, &[&str])] = &[
    (
        Command::MoveDown,
        "move-down",
        "next item (panel: scroll down)",
        &["j", "down"],
    ),
    (
        Command::MoveUp,
        "move-up",
        "previous item (panel: scroll up)",
        &["k", "up"],
    ),
    (
        Command::HalfPageDown,
        "half-page-down",
        "half a screen down",
        &["ctrl-d"],
    ),
    (
        Command::HalfPageUp,
        "half-page-up",
        "half a screen up",
        &["ctrl-u"],
    ),
    (Command::PageDown, "page-down", "a screen down", &["pgdn"]),
    (Command::PageUp, "page-up", "a screen up", &["pgup"]),
    (Command::Top, "top", "first item", &["g", "home"]),
    (Command::Bottom, "bottom", "last item", &["G", "end"]),
    (
        Command::SwitchPane,
        "switch-pane",
        "switch between queue and panel",
        &["tab"],
    ),
    (
        Command::FocusPanel,
        "focus-panel",
        "read the item in the panel",
        &["enter"],
    ),
    (
        Command::HardLabel,
        "hard-label",
        "adjudicate to a hard label",
        &["a"],
    ),
    (
        Command::KeepSoft,
        "keep-soft",
        "keep soft (honest disagreement)",
        &["s"],
    ),
    (
        Command::Rereview,
        "rereview",
        "send back for re-review",
        &["r"],
    ),
    (Command::Undo, "undo", "undo the decision in force", &["u"]),
    (
        Command::Search,
        "search",
        "search ids and payload text",
        &["/"],
    ),
    (
        Command::FilterFlag,
        "filter-flag",
        "filter: cycle flag",
        &["f"],
    ),
    (
        Command::FilterClass,
        "filter-class",
        "filter: cycle class",
        &["c"],
    ),
    (
        Command::FilterStatus,
        "filter-status",
        "filter: cycle decision status",
        &["d"],
    ),
    (
        Command::FilterTask,
        "filter-task",
        "filter: cycle task",
        &["t"],
    ),
    (Command::Sort, "sort", "cycle sort order", &["o"]),
    (
        Command::ClearFilters,
        "clear-filters",
        "clear filters and search",
        &["x"],
    ),
    (Command::Help, "help", "help", &["?", "f1"]),
    (Command::Quit, "quit", "quit", &["q"]),
];

/// Commands shown in the status bar, in order, when the queue or panel has focus.
const HINTS: &[Command] = &[
    Command::MoveDown,
    Command::HardLabel,
    Command::KeepSoft,
    Command::Rereview,
    Command::Undo,
    Command::Search,
    Command::FilterFlag,
    Command::Sort,
    Command::Help,
    Command::Quit,
];

/// Keys of popups; fixed, shown in their hints and in the help.
pub const POPUP_KEYS: &[(&str, &str)] = &[
    ("j/k ↑/↓", "choose"),
    ("Space", "mark an erring reviewer"),
    ("Enter", "next step / confirm"),
    ("Ctrl-s", "finish the reason text"),
    ("Esc", "back / close"),
];

/// Bindings: command → keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<(Command, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|(c, _, _, keys)| {
                    (*c, keys.iter().filter_map(|k| Key::parse(k).ok()).collect())
                })
                .collect(),
        }
    }
}

/// A `keys.toml` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct KeymapError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Keymap {
    /// The command bound to `key`.
    #[must_use]
    pub fn command(&self, key: Key) -> Option<Command> {
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(c, _)| *c)
    }

    /// The keys of `command`.
    #[must_use]
    pub fn keys(&self, command: Command) -> &[Key] {
        self.bindings
            .iter()
            .find(|(c, _)| *c == command)
            .map_or(&[], |(_, k)| k.as_slice())
    }

    /// The keys of `command` as shown to the user, e.g. `j/↓`.
    #[must_use]
    pub fn label(&self, command: Command) -> String {
        self.keys(command)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every binding with its keys and description, in help order.
    #[must_use]
    pub fn help(&self) -> Vec<(String, &'static str)> {
        DEFAULTS
            .iter()
            .map(|(c, _, desc, _)| (self.label(*c), *desc))
            .collect()
    }

    /// The status-bar hints: (first key, command id).
    #[must_use]
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        HINTS
            .iter()
            .filter_map(|c| {
                let desc = DEFAULTS
                    .iter()
                    .find(|(d, ..)| d == c)
                    .map(|(_, id, ..)| *id)?;
                let first = self.keys(*c).first()?;
                Some((first.to_string(), desc))
            })
            .collect()
    }

    /// Applies the `[keys]` table of a `keys.toml` (`command-id = "key"` or `["key", …]`) over
    /// the defaults. A remapped key is taken from any command that had it.
    pub fn from_toml(text: &str, path: &str) -> Result<Keymap, KeymapError> {
        let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let err = |line: usize, message: String| KeymapError {
            path: path.to_string(),
            line,
            message,
        };
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map_or(1, |s| line_at(s.start));
            err(line, e.message().to_string())
        })?;
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(needle))
                .map_or(1, |i| i + 1)
        };
        let mut map = Keymap::default();
        for (section, value) in &doc {
            if section != "keys" {
                return Err(err(
                    line_of(&format!("[{section}")),
                    format!("unknown section `{section}` (only [keys])"),
                ));
            }
            let Some(table) = value.as_table() else {
                return Err(err(line_of(section), "`keys` must be a table".into()));
            };
            for (id, keys) in table {
                let line = line_of(id);
                let Some(&(command, ..)) = DEFAULTS.iter().find(|(_, name, ..)| name == id) else {
                    let names: Vec<&str> = DEFAULTS.iter().map(|(_, n, ..)| *n).collect();
                    return Err(err(
                        line,
                        format!("unknown command `{id}` (one of {})", names.join(", ")),
                    ));
                };
                let list: Vec<&str> = match keys {
                    toml::Value::String(s) => vec![s.as_str()],
                    toml::Value::Array(a) => a.iter().filter_map(toml::Value::as_str).collect(),
                    _ => {
                        return Err(err(
                            line,
                            format!("`{id}`: expected a key or a list of keys"),
                        ));
                    }
                };
                let parsed: Vec<Key> = list
                    .iter()
                    .map(|k| Key::parse(k).map_err(|m| err(line, m)))
                    .collect::<Result<_, _>>()?;
                for (_, keys) in &mut map.bindings {
                    keys.retain(|k| !parsed.contains(k));
                }
                if let Some((_, keys)) = map.bindings.iter_mut().find(|(c, _)| *c == command) {
                    *keys = parsed;
                }
            }
        }
        Ok(map)
    }

    /// Loads `keys.toml` from the platform's config directory (`…/dissent/keys.toml`), or the
    /// defaults when there is none.
    pub fn load_user() -> Result<Keymap, KeymapError> {
        let Some(path) = dirs::config_dir().map(|d| d.join("dissent").join("keys.toml")) else {
            return Ok(Keymap::default());
        };
        Self::load(&path)
    }

    /// Loads a keymap file, or the defaults when it does not exist.
    pub fn load(path: &Path) -> Result<Keymap, KeymapError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Keymap::from_toml(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default()),
            Err(e) => Err(KeymapError {
                path: path.display().to_string(),
                line: 0,
                message: e.to_string(),
            }),
        }
    }
}
