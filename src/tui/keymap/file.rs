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

/// A binding as the file gives it.
struct Entry {
    line: usize,
    command: Command,
    keys: Vec<Key>,
}

/// Problems found so far.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, line: usize, message: String) {
        self.0.push(Problem {
            line: Some(line),
            message,
        });
    }
}

/// The 1-based line that sets `name` (`name = …` or `"name" = …`), else 1.
fn line_of(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let rest = l
                .strip_prefix(name)
                .or_else(|| l.strip_prefix(&format!("\"{name}\"")));
            rest.is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

/// The bindings of the `[keys]` table, in the order of the file; what cannot be read is a
/// problem.
fn entries(text: &str, doc: &toml::Table, problems: &mut Problems) -> Vec<Entry> {
    let mut given = Vec::new();
    for (section, value) in doc {
        let Some(table) = value.as_table().filter(|_| section == "keys") else {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("[{section}")))
                .map_or_else(|| line_of(text, section), |i| i + 1);
            problems.add(line, format!("unknown section `{section}` (only [keys])"));
            continue;
        };
        for (id, keys) in table {
            let line = line_of(text, id);
            let Some(command) = Command::all().find(|c| c.id() == id) else {
                let names: Vec<&str> = Command::all().map(Command::id).collect();
                problems.add(
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
            let mut bad = false;
            for k in list {
                match k.as_str().filter(|k| !k.is_empty()).map(Key::parse) {
                    Some(Ok(key)) => parsed.push(key),
                    Some(Err(m)) => {
                        bad = true;
                        problems.add(line, format!("`{id}`: {m}"));
                    }
                    None if k.as_str().is_some() => {}
                    None => {
                        bad = true;
                        problems.add(line, format!("`{id}`: expected a key or a list of keys"));
                    }
                }
            }
            if parsed.is_empty() && !bad {
                problems.add(
                    line,
                    format!("`{id}` is given no key: give it at least one"),
                );
            } else if !bad {
                given.push(Entry {
                    line,
                    command,
                    keys: parsed,
                });
            }
        }
    }
    // A table's keys come sorted by name, not in the file's order.
    given.sort_by_key(|e| e.line);
    given
}

/// The defaults with `given` over them. A key given to a command leaves the default commands
/// read where it is; a default left with no key, and one key given to two commands read in the
/// same place, are problems.
fn bind(given: &[Entry], problems: &mut Problems) -> Keymap {
    let mut map = Keymap::default();
    for e in given {
        for (other, had) in &mut map.bindings {
            if given.iter().any(|g| g.command == *other) || !e.command.meets(*other) {
                continue;
            }
            let before = had.len();
            had.retain(|k| !e.keys.contains(k));
            if had.is_empty() && before > 0 {
                problems.add(
                    e.line,
                    format!(
                        "`{}` takes every key of `{}`, which would be left with none: give `{}` a key too",
                        e.command.id(),
                        other.id(),
                        other.id()
                    ),
                );
            }
        }
    }
    for (i, e) in given.iter().enumerate() {
        for earlier in given[..i].iter().filter(|g| e.command.meets(g.command)) {
            for k in e.keys.iter().filter(|k| earlier.keys.contains(k)) {
                problems.add(
                    e.line,
                    format!(
                        "`{k}` is given to both `{}` and `{}`, which are read in the same place",
                        earlier.command.id(),
                        e.command.id()
                    ),
                );
            }
        }
        if let Some((_, mine)) = map.bindings.iter_mut().find(|(c, _)| *c == e.command) {
            mine.clone_from(&e.keys);
        }
    }
    map
}

impl Keymap {
    /// Applies the `[keys]` table of a `keys.toml` (`command-id = "key"` or `["key", …]`) over
    /// the defaults. Every problem is reported: unknown sections and commands, bad keys, a
    /// command given or left with no key, one key given to two commands read in the same place.
    pub fn from_toml(text: &str, path: &str) -> Result<Keymap, KeymapError> {
        let fail = |problems: Vec<Problem>| KeymapError {
            path: path.to_string(),
            problems,
        };
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            fail(vec![Problem {
                line: Some(text[..at].matches('\n').count() + 1),
                message: e.message().trim().to_string(),
            }])
        })?;
        let mut problems = Problems::default();
        let given = entries(text, &doc, &mut problems);
        let map = bind(&given, &mut problems);
        let mut problems = problems.0;
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
