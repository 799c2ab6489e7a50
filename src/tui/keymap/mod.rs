//! The one keymap: every binding with its description and the contexts it is read in. The
//! status-bar hints, the help and the popups' prompts are generated from it, and a user's
//! `keys.toml` remaps it.

mod commands;
mod file;
mod key;

pub use commands::{Command, Context};
use commands::{DEFAULTS, MAIN_HINTS, SCROLL_HINT};
pub use file::{KeymapError, Problem};
pub use key::Key;

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
    /// chosen few by their first key; a popup shows all it reads but quit-now, and one that
    /// scrolls shows its scroll keys as one hint, by their first key.
    #[must_use]
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        if context == Context::Main {
            return MAIN_HINTS
                .iter()
                .filter_map(|c| Some((self.keys(*c).first()?.to_string(), c.id())))
                .collect();
        }
        let scrolls = matches!(context, Context::Help | Context::Qa);
        let mut hints: Vec<(String, &'static str)> = Vec::new();
        if scrolls {
            let keys: Vec<String> = SCROLL_HINT
                .iter()
                .filter_map(|c| Some(self.keys(*c).first()?.to_string()))
                .collect();
            hints.push((keys.join("/"), "scroll"));
        }
        hints.extend(
            DEFAULTS
                .iter()
                .filter(|b| b.contexts.contains(&context) && b.command != Command::QuitNow)
                .filter(|b| !(scrolls && SCROLL_HINT.contains(&b.command)))
                .filter(|b| !self.keys(b.command).is_empty())
                .map(|b| (self.label(b.command), b.id)),
        );
        hints
    }
}
