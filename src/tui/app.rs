//! The console's state: plain data, changed only by `update`, read by the renderers.

use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::action::Action;
use super::keymap::{Context, Keymap};
use crate::domain::decision::DecisionKind;
use crate::domain::report::Report;
use crate::domain::rubric::Rubric;
use crate::store::{
    Event, Member, QueueCounts, QueueFilter, QueueRow, SortKey, Standing, StoredItem,
};

/// Rows fetched per page.
pub const PAGE: usize = 200;
/// Rows kept in the window before the far end is dropped.
pub const MAX_WINDOW: usize = 3 * PAGE;
/// Fetch the next page when the selection comes this close to the window's edge.
pub const PREFETCH: usize = 50;

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The item list.
    Queue,
    /// The selected item's panel.
    Panel,
}

/// Which row to select when a page replaces the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The first row.
    First,
    /// The last row (jump to end).
    Last,
    /// This item if present, else the first row.
    Item(String),
    /// The row after this item (decide-and-advance), or the first row if it left the queue.
    After(String),
}

/// The steps of the decision form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    /// Pick the hard label.
    Label,
    /// Pick the reason code.
    ReasonCode,
    /// Mark the reviewers who erred (reason code `reviewer_error`).
    Erring,
    /// Write the reason.
    Reason,
    /// Confirm before committing.
    Confirm,
}

/// A reviewer on the panel, as the erring-reviewer step shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewer {
    /// Reviewer id.
    pub id: String,
    /// The label they chose.
    pub label: String,
    /// Their confidence on [0, 1] (as the panel shows it), if they gave one.
    pub confidence: Option<f64>,
    /// Marked as having erred.
    pub erred: bool,
}

/// The decision being recorded in the adjudication popup.
#[derive(Debug, Clone)]
pub struct DecisionForm {
    /// The item decided on.
    pub item_id: String,
    /// Hard label, keep soft or re-review.
    pub kind: DecisionKind,
    /// Current step.
    pub step: FormStep,
    /// Highlighted entry of the current list.
    pub cursor: usize,
    /// Chosen label (index into the rubric's labels).
    pub label: Option<usize>,
    /// The reason codes offered for the chosen label (filled when it is chosen).
    pub codes: Vec<String>,
    /// Why `reviewer_error` is not among them, when it is not.
    pub withheld: Option<String>,
    /// Chosen reason code (index into `codes`).
    pub code: Option<usize>,
    /// Reviewers on the panel, in its order (none when it records counts only).
    pub reviewers: Vec<Reviewer>,
    /// The reason text.
    pub reason: TextArea<'static>,
    /// What the form has to say about the last key (a refusal), shown inside it.
    pub notice: Option<String>,
    /// The decision in force when the form opened (or when a conflict was shown): the
    /// decision is written only over this one.
    pub seen: Option<i64>,
}

/// Asking to undo the decision in force on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoAsk {
    /// The item.
    pub item_id: String,
    /// The decision in force shown: only this one is undone.
    pub seen: Option<i64>,
    /// That decision as the question names it: "alice's keep soft (decision 8)".
    pub what: String,
}

/// The search prompt.
#[derive(Debug, Clone)]
pub struct SearchPrompt {
    /// What is typed.
    pub input: TextArea<'static>,
    /// The earlier search shown, as an index into the history.
    pub history_at: Option<usize>,
}

/// An open popup.
#[derive(Debug, Clone)]
pub enum Popup {
    /// The key help, over the popup it was opened from (the QA view), if any.
    Help(Box<HelpView>),
    /// The search prompt.
    Search(Box<SearchPrompt>),
    /// The adjudication form.
    Decide(Box<DecisionForm>),
    /// Asking to undo the decision in force on an item.
    ConfirmUndo(UndoAsk),
    /// The selected item's history: its events, oldest first.
    History(Box<History>),
    /// The staff list (a QA lead changes it here).
    Staff(Box<StaffView>),
    /// The QA view of the batch: the report's figures, refreshed after each decision.
    Qa(Box<QaScreen>),
}

/// An item's history, as the history popup shows it.
#[derive(Debug, Clone)]
pub struct History {
    /// The item.
    pub item_id: String,
    /// Its events, oldest first; `None` until they arrive.
    pub events: Option<Vec<Event>>,
}

/// The help: what it was opened over, shown again when it closes.
#[derive(Debug, Clone)]
pub struct HelpView {
    /// Its first line shown, when it scrolls.
    pub top: usize,
    /// The popup under it.
    pub over: Option<Popup>,
}

/// The QA view.
#[derive(Debug, Clone)]
pub struct QaScreen {
    /// The first reviewer shown in the reviewer table.
    pub top: usize,
    /// The report shown, once one has arrived.
    pub report: Option<Box<Report>>,
    /// The request whose answer is awaited, while one is (the report shown is then being
    /// brought up to date).
    pub awaiting: Option<u64>,
    /// The database changed again while a report was being made: one more is asked for when it
    /// arrives (never two made at once).
    pub stale: bool,
}

/// The staff popup.
#[derive(Debug, Clone)]
pub struct StaffView {
    /// The members, by name; `None` until they arrive.
    pub members: Option<Vec<Member>>,
    /// Highlighted entry: a member, or (one past the last) "add someone".
    pub cursor: usize,
    /// Where in a change the popup is.
    pub step: StaffStep,
    /// What the popup has to say (a refusal, or what was done).
    pub notice: Option<String>,
}

/// The steps of a change to the staff list.
#[derive(Debug, Clone)]
pub enum StaffStep {
    /// Choosing a member, or "add someone".
    List,
    /// Typing the name of someone to add.
    Name(Box<TextArea<'static>>),
    /// Choosing the role for `name` (or, for a member, removing them).
    Role {
        /// Who.
        name: String,
        /// Highlighted entry: a role in [`Role::ALL`] order, then "remove" for a member.
        cursor: usize,
        /// They are on the list already (so they can be removed).
        member: bool,
    },
}

/// What the title bar shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// Batch name.
    pub batch: String,
    /// Whether the batch is finalized.
    pub finalized: bool,
    /// Acting reviewer.
    pub actor: String,
    /// The embedded demo, in memory.
    pub demo: bool,
}

/// The whole state of the console.
#[derive(Debug, Clone)]
pub struct App {
    /// Title bar facts.
    pub title: Title,
    /// The batch's rubric.
    pub rubric: Rubric,
    /// Key bindings.
    pub keymap: Keymap,
    /// Which items the queue shows.
    pub filter: QueueFilter,
    /// Queue order.
    pub sort: SortKey,
    /// Tasks of the batch, for the task filter.
    pub tasks: Vec<String>,
    /// Models of the batch, for the model shown beside the panel.
    pub models: Vec<String>,
    /// The model shown beside the panel, if one is.
    pub model: Option<String>,
    /// Its prediction of the selected item, once loaded.
    pub prediction: Option<Prediction>,
    /// The window of queue rows held.
    pub rows: Vec<QueueRow>,
    /// Selected row (index into `rows`).
    pub selected: usize,
    /// First visible row (index into `rows`).
    pub scroll: usize,
    /// The window starts at the queue's first row.
    pub at_start: bool,
    /// The window ends at the queue's last row.
    pub at_end: bool,
    /// A page fetch is under way.
    pub loading: bool,
    /// Requests asked for so far; each load is tagged with the count at its asking.
    pub requests: u64,
    /// The page request whose answer is awaited; other pages are stale and dropped.
    pub page_request: u64,
    /// The item request whose answer is awaited, while one is; other items are stale and
    /// dropped.
    pub item_request: Option<u64>,
    /// A page that replaces the window is awaited (the selection will move).
    pub replacing: bool,
    /// A decision or undo is being written (the queue will reload after it).
    pub writing: bool,
    /// Input that needs the selected item, and all input after it, held while the selection
    /// settles; replayed in order once it has.
    pub held: Vec<Action>,
    /// Searches run, oldest first.
    pub search_history: Vec<String>,
    /// Rows the queue area shows.
    pub view_rows: usize,
    /// The terminal's size: the help and the QA view scroll by the pages it shows.
    pub screen: Rect,
    /// Header counts for the filter.
    pub counts: QueueCounts,
    /// The selected item's panel, once loaded.
    pub item: Option<StoredItem>,
    /// Which pane has the keys.
    pub focus: Focus,
    /// Panel scroll, in lines from its top (or from its end, after a jump there).
    pub panel_scroll: u16,
    /// `panel_scroll` counts from the panel's end.
    pub panel_from_end: bool,
    /// Open popup.
    pub popup: Option<Popup>,
    /// The form whose decision is being written: asked again if the item changed meanwhile.
    pub pending: Option<Box<DecisionForm>>,
    /// The actor's role on the staff list.
    pub standing: Standing,
    /// Last message for the status bar.
    pub message: Option<String>,
    /// The console should close.
    pub quit: bool,
    /// Styles.
    pub theme: super::theme::Theme,
}

/// A model's prediction of an item, as the panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The item.
    pub item_id: String,
    /// The model.
    pub model: String,
    /// Its distribution (rubric order) and KL(panel ‖ model); `None` when it predicts none.
    pub shares: Option<(Vec<f64>, f64)>,
}

impl App {
    /// A console on a batch, before anything is loaded.
    #[must_use]
    pub fn new(title: Title, rubric: Rubric, keymap: Keymap) -> App {
        App {
            title,
            rubric,
            keymap,
            filter: QueueFilter::default(),
            sort: SortKey::Triage,
            tasks: Vec::new(),
            models: Vec::new(),
            model: None,
            prediction: None,
            rows: Vec::new(),
            selected: 0,
            scroll: 0,
            at_start: true,
            at_end: true,
            loading: false,
            requests: 0,
            page_request: 0,
            item_request: None,
            replacing: false,
            writing: false,
            held: Vec::new(),
            search_history: Vec::new(),
            view_rows: 20,
            screen: Rect::new(0, 0, 120, 40),
            counts: QueueCounts::default(),
            item: None,
            focus: Focus::Queue,
            panel_scroll: 0,
            panel_from_end: false,
            popup: None,
            pending: None,
            standing: Standing::default(),
            message: None,
            quit: false,
            theme: super::theme::Theme::colored(),
        }
    }

    /// The selected queue row.
    #[must_use]
    pub fn selected_row(&self) -> Option<&QueueRow> {
        self.rows.get(self.selected)
    }

    /// The panel's item, if it is the selected one.
    #[must_use]
    pub fn selected_item(&self) -> Option<&StoredItem> {
        let id = &self.selected_row()?.item_id;
        self.item.as_ref().filter(|i| &i.record.item_id == id)
    }

    /// The shown model's prediction of the selected item, once loaded.
    #[must_use]
    pub fn selected_prediction(&self) -> Option<&Prediction> {
        let item = self.selected_item()?;
        self.prediction
            .as_ref()
            .filter(|p| p.item_id == item.record.item_id && Some(&p.model) == self.model.as_ref())
    }

    /// The first panel line shown, for a panel that scrolls at most `max` lines.
    #[must_use]
    pub fn panel_offset(&self, max: u16) -> u16 {
        if self.panel_from_end {
            max.saturating_sub(self.panel_scroll)
        } else {
            self.panel_scroll.min(max)
        }
    }

    /// The row on screen, or its item, is about to change: a decision is being written, the
    /// window is being replaced, or the selected row's item is on its way.
    #[must_use]
    pub fn settling(&self) -> bool {
        self.writing || self.replacing || self.item_request.is_some()
    }

    /// The QA view, open or under the help.
    pub fn qa_mut(&mut self) -> Option<&mut QaScreen> {
        match &mut self.popup {
            Some(Popup::Qa(qa)) => Some(qa),
            Some(Popup::Help(help)) => match &mut help.over {
                Some(Popup::Qa(qa)) => Some(qa),
                _ => None,
            },
            _ => None,
        }
    }

    /// Where keys are read now.
    #[must_use]
    pub fn context(&self) -> Context {
        match &self.popup {
            None => Context::Main,
            Some(Popup::Help(_)) => Context::Help,
            Some(Popup::Qa(_)) => Context::Qa,
            Some(Popup::History(_)) => Context::History,
            Some(Popup::Staff(view)) => match view.step {
                StaffStep::Name(_) => Context::Prompt,
                StaffStep::List | StaffStep::Role { .. } => Context::List,
            },
            Some(Popup::Search(_)) => Context::Prompt,
            Some(Popup::ConfirmUndo(_)) => Context::Confirm,
            Some(Popup::Decide(form)) => match form.step {
                FormStep::Label | FormStep::ReasonCode => Context::List,
                FormStep::Erring => Context::Checklist,
                FormStep::Reason => Context::Text,
                FormStep::Confirm => Context::Confirm,
            },
        }
    }
}
