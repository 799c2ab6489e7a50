//! `keys.toml`: a user's bindings over the defaults, and every problem found in them.

use std::fmt;
use std::path::Path;

use super::{Command, Key, Keymap};

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
                let Some(command) = Command::all().find(|c| c.id() == id) else {
                    let names: Vec<&str> = Command::all().map(Command::id).collect();
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
                given.push((line, command, parsed));
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
