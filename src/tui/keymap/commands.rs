//! Every command: where it is read, its id in `keys.toml`, its description and default keys.

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
    /// The help (it scrolls when the screen is short).
    Help,
    /// The QA view (its reviewer table scrolls).
    Qa,
    /// An item's history.
    History,
}

impl Context {
    /// Every context.
    pub const ALL: [Context; 9] = [
        Context::Main,
        Context::List,
        Context::Checklist,
        Context::Text,
        Context::Prompt,
        Context::Confirm,
        Context::Help,
        Context::Qa,
        Context::History,
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
    /// Cycle the model whose prediction the panel shows beside the panel's distribution.
    Model,
    /// Clear filters and search.
    ClearFilters,
    /// Show only the items assigned to me, or all.
    Mine,
    /// Show the selected item's history.
    History,
    /// Show the staff list.
    Staff,
    /// Show the QA view.
    Qa,
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
    /// The search after this one. (Last: the keymap's tests count the commands up to it.)
    Later,
}

use Context::{Checklist, Confirm, Help, History, List, Main, Prompt, Qa, Text};

/// A command's id, description, the contexts it is read in and its default keys.
pub(super) struct Binding {
    pub(super) command: Command,
    pub(super) id: &'static str,
    pub(super) desc: &'static str,
    pub(super) contexts: &'static [Context],
    pub(super) keys: &'static [&'static str],
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

/// Every command, once, in the order declared (which is help order).
pub(super) const DEFAULTS: &[Binding] = &[
    bind(
        Command::MoveDown,
        "move-down",
        "next item (panel: scroll down; list: next entry)",
        &[Main, List, Checklist, Help, Qa],
        &["j", "down"],
    ),
    bind(
        Command::MoveUp,
        "move-up",
        "previous item (panel: scroll up; list: previous entry)",
        &[Main, List, Checklist, Help, Qa],
        &["k", "up"],
    ),
    bind(
        Command::HalfPageDown,
        "half-page-down",
        "half a screen down",
        &[Main, Help, Qa],
        &["ctrl-d"],
    ),
    bind(
        Command::HalfPageUp,
        "half-page-up",
        "half a screen up",
        &[Main, Help, Qa],
        &["ctrl-u"],
    ),
    bind(
        Command::PageDown,
        "page-down",
        "a screen down",
        &[Main, Help, Qa],
        &["pgdn"],
    ),
    bind(
        Command::PageUp,
        "page-up",
        "a screen up",
        &[Main, Help, Qa],
        &["pgup"],
    ),
    bind(
        Command::Top,
        "top",
        "first item (panel: its top)",
        &[Main, Help, Qa],
        &["g", "home"],
    ),
    bind(
        Command::Bottom,
        "bottom",
        "last item (panel: its end)",
        &[Main, Help, Qa],
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
        "search ids, payload values and evidence",
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
        Command::Model,
        "model",
        "cycle model in the panel",
        &[Main],
        &["M"],
    ),
    bind(
        Command::ClearFilters,
        "clear-filters",
        "clear filters and search",
        &[Main],
        &["x"],
    ),
    bind(
        Command::Mine,
        "mine",
        "filter: only my items / all",
        &[Main],
        &["m"],
    ),
    bind(
        Command::History,
        "history",
        "the item's history: who did what",
        &[Main],
        &["H"],
    ),
    bind(Command::Staff, "staff", "staff and roles", &[Main], &["S"]),
    bind(Command::Qa, "qa", "QA view of the batch", &[Main], &["Q"]),
    bind(
        Command::Help,
        "help",
        "open or close this help",
        &[Main, Help, Qa],
        &["?", "f1"],
    ),
    bind(Command::Quit, "quit", "quit", &[Main], &["q"]),
    bind(
        Command::QuitNow,
        "quit-now",
        "quit from anywhere, a popup included",
        &[
            Main, List, Checklist, Text, Prompt, Confirm, Help, Qa, History,
        ],
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
        &[List, Checklist, Text, Prompt, Confirm, Help, Qa, History],
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
pub(super) const MAIN_HINTS: &[Command] = &[
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

/// Commands that scroll the help and the QA view, hinted there as one.
pub(super) const SCROLL_HINT: &[Command] = &[
    Command::MoveDown,
    Command::MoveUp,
    Command::HalfPageDown,
    Command::HalfPageUp,
    Command::PageDown,
    Command::PageUp,
    Command::Top,
    Command::Bottom,
];

/// The binding of a command: `DEFAULTS` lists every command once, in the order declared
/// (tested), so it is found by position.
fn binding(command: Command) -> &'static Binding {
    &DEFAULTS[command as usize]
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
    pub(super) fn meets(self, other: Command) -> bool {
        self.contexts().iter().any(|c| other.contexts().contains(c))
    }
}
