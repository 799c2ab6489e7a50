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

/// Where keys are read. The queue and panel share one context; each popup, or step of the
/// decision form, has its own, and reads only the commands declared for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// The queue or the panel has the keys.
    Main,
    /// A list to choose from (the label and reason-code steps).
    List,
    /// A list to mark entries of (the erring-reviewer step).
    Checklist,
    /// Free text (the reason); keys bound to nothing here are typed.
    Text,
    /// The search prompt; keys bound to nothing here are typed.
    Prompt,
    /// A yes/no question (commit a decision, undo one).
    Confirm,
    /// The help.
    Help,
}

impl Context {
    /// Every context.
    pub const ALL: [Context; 7] = [
        Context::Main,
        Context::List,
        Context::Checklist,
        Context::Text,
        Context::Prompt,
        Context::Confirm,
        Context::Help,
    ];
}

/// What a binding does. Names are the kebab-case ids used in `keys.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// Next item, scroll the panel down, or the next entry of a list.
    MoveDown,
    /// Previous item, scroll the panel up, or the previous entry of a list.
    MoveUp,
    /// Half a screen down.
    HalfPageDown,
    /// Half a screen up.
    HalfPageUp,
    /// A screen down.
    PageDown,
    /// A screen up.
    PageUp,
    /// First item (panel: its top).
    Top,
    /// Last item (panel: its end).
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
    /// Open or close the help.
    Help,
    /// Quit.
    Quit,
    /// Quit from anywhere, a popup included.
    QuitNow,
    /// Take the highlighted entry and go on, or run the search.
    Choose,
    /// Mark or unmark the highlighted reviewer as one who erred.
    Mark,
    /// Finish the reason text.
    Finish,
    /// Answer yes: commit the decision, or undo.
    Yes,
    /// Answer no.
    No,
    /// Step back, or close the popup.
    Back,
    /// The search before this one.
    Earlier,
    /// The search after this one.
    Later,
}

use Context::{Checklist, Confirm, Help, List, Main, Prompt, Text};

/// A command's id, description, the contexts it is read in and its default keys.
struct Binding {
    command: Command,
    id: &'static str,
    desc: &'static str,
    contexts: &'static [Context],
    keys: &'static [&'static str],
}

const fn bind(
    command: Command,
    id: &'static str,
    desc: &'static str,
    contexts: &'static [Context],
    keys: &'static [&'static str],
) -> Binding {
    Binding {
        command,
        id,
        desc,
        contexts,
        keys,
    }
}

/// Every command, once, in help order.
const DEFAULTS: &[Binding] = &[
    bind(
        Command::MoveDown,
        "move-down",
        "next item (panel: scroll down; list: next entry)",
        &[Main, List, Checklist],
        &["j", "down"],
    ),
    bind(
        Command::MoveUp,
        "move-up",
        "previous item (panel: scroll up; list: previous entry)",
        &[Main, List, Checklist],
        &["k", "up"],
    ),
    bind(
        Command::HalfPageDown,
        "half-page-down",
        "half a screen down",
        &[Main],
        &["ctrl-d"],
    ),
    bind(
        Command::HalfPageUp,
        "half-page-up",
        "half a screen up",
        &[Main],
        &["ctrl-u"],
    ),
    bind(
        Command::PageDown,
        "page-down",
        "a screen down",
        &[Main],
        &["pgdn"],
    ),
    bind(
        Command::PageUp,
        "page-up",
        "a screen up",
        &[Main],
        &["pgup"],
    ),
    bind(
        Command::Top,
        "top",
        "first item (panel: its top)",
        &[Main],
        &["g", "home"],
    ),
    bind(
        Command::Bottom,
        "bottom",
        "last item (panel: its end)",
        &[Main],
        &["G", "end"],
    ),
    bind(
        Command::SwitchPane,
        "switch-pane",
        "switch between queue and panel",
        &[Main],
        &["tab"],
    ),
    bind(
        Command::FocusPanel,
        "focus-panel",
        "read the item in the panel",
        &[Main],
        &["enter"],
    ),
    bind(
        Command::HardLabel,
        "hard-label",
        "adjudicate to a hard label",
        &[Main],
        &["a"],
    ),
    bind(
        Command::KeepSoft,
        "keep-soft",
        "keep soft (honest disagreement)",
        &[Main],
        &["s"],
    ),
    bind(
        Command::Rereview,
        "rereview",
        "send back for re-review",
        &[Main],
        &["r"],
    ),
    bind(
        Command::Undo,
        "undo",
        "undo the decision in force",
        &[Main],
        &["u"],
    ),
    bind(
        Command::Search,
        "search",
        "search ids and payload text",
        &[Main],
        &["/"],
    ),
    bind(
        Command::FilterFlag,
        "filter-flag",
        "filter: cycle flag",
        &[Main],
        &["f"],
    ),
    bind(
        Command::FilterClass,
        "filter-class",
        "filter: cycle class",
        &[Main],
        &["c"],
    ),
    bind(
        Command::FilterStatus,
        "filter-status",
        "filter: cycle decision status",
        &[Main],
        &["d"],
    ),
    bind(
        Command::FilterTask,
        "filter-task",
        "filter: cycle task",
        &[Main],
        &["t"],
    ),
    bind(Command::Sort, "sort", "cycle sort order", &[Main], &["o"]),
    bind(
        Command::ClearFilters,
        "clear-filters",
        "clear filters and search",
        &[Main],
        &["x"],
    ),
    bind(
        Command::Help,
        "help",
        "open or close this help",
        &[Main, Help],
        &["?", "f1"],
    ),
    bind(Command::Quit, "quit", "quit", &[Main], &["q"]),
    bind(
        Command::QuitNow,
        "quit-now",
        "quit from anywhere, a popup included",
        &[Main, List, Checklist, Text, Prompt, Confirm, Help],
        &["ctrl-c"],
    ),
    bind(
        Command::Choose,
        "choose",
        "take the highlighted entry and go on; run the search",
        &[List, Checklist, Prompt],
        &["enter"],
    ),
    bind(
        Command::Mark,
        "mark",
        "mark or unmark a reviewer who erred",
        &[Checklist],
        &["space"],
    ),
    bind(
        Command::Finish,
        "finish",
        "finish the reason text",
        &[Text],
        &["ctrl-s"],
    ),
    bind(
        Command::Yes,
        "yes",
        "yes: commit the decision, or undo",
        &[Confirm],
        &["y", "enter"],
    ),
    bind(Command::No, "no", "no", &[Confirm], &["n"]),
    bind(
        Command::Back,
        "back",
        "step back, or close the popup",
        &[List, Checklist, Text, Prompt, Confirm, Help],
        &["esc"],
    ),
    bind(
        Command::Earlier,
        "earlier",
        "search: the query before",
        &[Prompt],
        &["up"],
    ),
    bind(
        Command::Later,
        "later",
        "search: the query after",
        &[Prompt],
        &["down"],
    ),
];

/// Commands hinted in the status bar when the queue or panel has the keys, in order.
const MAIN_HINTS: &[Command] = &[
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

fn binding(command: Command) -> &'static Binding {
    DEFAULTS
        .iter()
        .find(|b| b.command == command)
        .unwrap_or(&DEFAULTS[0])
}

impl Command {
    /// The id used in `keys.toml`.
    #[must_use]
    pub fn id(self) -> &'static str {
        binding(self).id
    }

    /// What it does, for the help.
    #[must_use]
    pub fn desc(self) -> &'static str {
        binding(self).desc
    }

    /// Where it is read.
    #[must_use]
    pub fn contexts(self) -> &'static [Context] {
        binding(self).contexts
    }

    /// Every command, in help order.
    pub fn all() -> impl Iterator<Item = Command> {
        DEFAULTS.iter().map(|b| b.command)
    }

    /// Whether `self` and `other` are read in a context in common.
    fn meets(self, other: Command) -> bool {
        self.contexts().iter().any(|c| other.contexts().contains(c))
    }
}

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
                .map(|b| {
                    (
                        b.command,
                        b.keys.iter().filter_map(|k| Key::parse(k).ok()).collect(),
                    )
                })
                .collect(),
        }
    }
}

/// One thing wrong in a `keys.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line; `None` when the file as a whole is at fault (it cannot be read).
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// A `keys.toml` that cannot be used: every problem found, each as `FILE:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct KeymapError {
    /// The file.
    pub path: String,
    /// What is wrong, in the order of the file.
    pub problems: Vec<Problem>,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.line {
                Some(line) => write!(f, "{}:{line}: {}", self.path, p.message)?,
                None => write!(f, "{}: {}", self.path, p.message)?,
            }
        }
        Ok(())
    }
}

impl Keymap {
    /// The command bound to `key` in `context`.
    #[must_use]
    pub fn command(&self, context: Context, key: Key) -> Option<Command> {
        self.bindings
            .iter()
            .find(|(c, keys)| c.contexts().contains(&context) && keys.contains(&key))
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

    /// The commands read in `context` with their keys and descriptions, in help order.
    #[must_use]
    pub fn help(&self, context: Context) -> Vec<(String, &'static str)> {
        DEFAULTS
            .iter()
            .filter(|b| b.contexts.contains(&context))
            .map(|b| (self.label(b.command), b.desc))
            .collect()
    }

    /// The status-bar hints of `context`: (keys, command id). The queue and panel show a
    /// chosen few by their first key; a popup shows all it reads but quit-now.
    #[must_use]
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        if context == Context::Main {
            return MAIN_HINTS
                .iter()
                .filter_map(|c| Some((self.keys(*c).first()?.to_string(), c.id())))
                .collect();
        }
        DEFAULTS
            .iter()
            .filter(|b| b.contexts.contains(&context) && b.command != Command::QuitNow)
            .filter(|b| !self.keys(b.command).is_empty())
            .map(|b| (self.label(b.command), b.id))
            .collect()
    }

    /// Applies the `[keys]` table of a `keys.toml` (`command-id = "key"` or `["key", …]`) over
    /// the defaults. A key given to a command leaves the default commands it shares a context
    /// with. Every problem is reported: unknown sections and commands, bad keys, a command left
    /// with no key, two commands given one key where both are read.
    pub fn from_toml(text: &str, path: &str) -> Result<Keymap, KeymapError> {
        let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let fail = |problems: Vec<Problem>| KeymapError {
            path: path.to_string(),
            problems,
        };
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map_or(1, |s| line_at(s.start));
            fail(vec![Problem {
                line: Some(line),
                message: e.message().trim().to_string(),
            }])
        })?;
        let line_of = |name: &str| {
            text.lines()
                .position(|l| {
                    let l = l.trim_start();
                    let rest = l
                        .strip_prefix(name)
                        .or_else(|| l.strip_prefix(&format!("\"{name}\"")));
                    rest.is_some_and(|r| r.trim_start().starts_with('='))
                })
                .map_or(1, |i| i + 1)
        };
        let mut problems = Vec::new();
        let mut problem = |line: usize, message: String| {
            problems.push(Problem {
                line: Some(line),
                message,
            });
        };
        // (line, command, keys) as the file gives them.
        let mut given: Vec<(usize, Command, Vec<Key>)> = Vec::new();
        for (section, value) in &doc {
            let section_line = text
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("[{section}")))
                .map_or_else(|| line_of(section), |i| i + 1);
            let Some(table) = value.as_table().filter(|_| section == "keys") else {
                problem(
                    section_line,
                    format!("unknown section `{section}` (only [keys])"),
                );
                continue;
            };
            for (id, keys) in table {
                let line = line_of(id);
                let Some(b) = DEFAULTS.iter().find(|b| b.id == id) else {
                    let names: Vec<&str> = DEFAULTS.iter().map(|b| b.id).collect();
                    problem(
                        line,
                        format!("unknown command `{id}` (one of {})", names.join(", ")),
                    );
                    continue;
                };
                let list: Vec<&toml::Value> = match keys {
                    toml::Value::Array(a) => a.iter().collect(),
                    one => vec![one],
                };
                let mut parsed = Vec::new();
                for k in list {
                    match k.as_str().map(Key::parse) {
                        Some(Ok(key)) => parsed.push(key),
                        Some(Err(m)) => problem(line, format!("`{id}`: {m}")),
                        None => {
                            problem(line, format!("`{id}`: expected a key or a list of keys"));
                        }
                    }
                }
                if parsed.is_empty() {
                    if matches!(keys, toml::Value::Array(a) if a.is_empty()) {
                        problem(
                            line,
                            format!("`{id}` is given no key: give it at least one"),
                        );
                    }
                    continue;
                }
                given.push((line, b.command, parsed));
            }
        }
        given.sort_by_key(|(line, ..)| *line);
        let mut map = Keymap::default();
        for (line, command, keys) in &given {
            for (other, had) in &mut map.bindings {
                if given.iter().any(|(_, c, _)| c == other) || !command.meets(*other) {
                    continue;
                }
                let before = had.len();
                had.retain(|k| !keys.contains(k));
                if had.is_empty() && before > 0 {
                    problem(
                        *line,
                        format!(
                            "`{}` takes every key of `{}`, which would be left with none: give `{}` a key too",
                            command.id(),
                            other.id(),
                            other.id()
                        ),
                    );
                }
            }
        }
        for (i, (line, command, keys)) in given.iter().enumerate() {
            for (_, other, theirs) in &given[..i] {
                if command.meets(*other) {
                    for k in keys.iter().filter(|k| theirs.contains(k)) {
                        problem(
                            *line,
                            format!(
                                "`{k}` is given to both `{}` and `{}`, which are read in the same place",
                                other.id(),
                                command.id()
                            ),
                        );
                    }
                }
            }
            if let Some((_, mine)) = map.bindings.iter_mut().find(|(c, _)| c == command) {
                mine.clone_from(keys);
            }
        }
        problems.sort_by_key(|p| p.line);
        if problems.is_empty() {
            Ok(map)
        } else {
            Err(fail(problems))
        }
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
                problems: vec![Problem {
                    line: None,
                    message: e.to_string(),
                }],
            }),
        }
    }
}
