//! What can happen in the console: actions (input and results, applied by `update`) and
//! effects (the I/O that `update` asks for, run by the executor).

use super::app::Selection;
use crate::domain::decision::NewDecision;
use crate::domain::report::Report;
use crate::domain::team::Role;
use crate::store::{Direction, Event, Member, QueueCounts, QueueRow, Standing, StoredItem};

/// Something the user did, or the result of an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move the selection by this many rows (negative: up).
    Move(i64),
    /// Move by half a screen down / up.
    HalfPageDown,
    /// Move by half a screen up.
    HalfPageUp,
    /// Move by a screen down.
    PageDown,
    /// Move by a screen up.
    PageUp,
    /// Jump to the first item.
    Top,
    /// Jump to the last item.
    Bottom,
    /// Select the row at this screen line of the queue (mouse click).
    ClickRow(usize),
    /// Switch focus between queue and panel.
    SwitchPane,
    /// Focus the panel (Enter on the queue).
    FocusPanel,
    /// Scroll the panel by lines.
    ScrollPanel(i32),
    /// Cycle the flag filter.
    CycleFlag,
    /// Cycle the class filter.
    CycleClass,
    /// Cycle the status filter.
    CycleStatus,
    /// Cycle the task filter.
    CycleTask,
    /// Cycle the sort order.
    CycleSort,
    /// Cycle the model whose prediction the panel shows (through each, then none).
    CycleModel,
    /// Clear every filter and the search.
    ClearFilters,
    /// Open the search prompt.
    OpenSearch,
    /// Start adjudicating the selected item to a hard label.
    HardLabel,
    /// Start recording keep-soft on the selected item.
    KeepSoft,
    /// Start sending the selected item to re-review.
    Rereview,
    /// Ask to undo the decision in force on the selected item.
    Undo,
    /// Open the help.
    OpenHelp,
    /// Quit.
    Quit,
    /// A key press, read through the keymap in the context of the moment it is applied.
    Key(crate::tui::keymap::Key),
    /// A key for the open popup (search text, form navigation, reason text).
    PopupKey(crate::tui::keymap::Key),
    /// The terminal is now this size.
    Resize(ratatui::layout::Rect),
    /// A page of the queue arrived.
    PageLoaded {
        /// The request answered.
        request: u64,
        /// Which way it was fetched.
        direction: Direction,
        /// Whether it replaces the window (a new filter, sort, or jump).
        replace: bool,
        /// Which row to select when it replaces the window.
        select: Selection,
        /// The rows.
        rows: Vec<QueueRow>,
    },
    /// The header counts arrived.
    CountsLoaded(QueueCounts),
    /// The selected item's panel arrived, or could not be read.
    ItemLoaded {
        /// The request answered.
        request: u64,
        /// The item, or what went wrong.
        item: Result<Box<StoredItem>, String>,
    },
    /// A decision or undo was committed; the message says what.
    Committed {
        /// The item decided on.
        item_id: String,
        /// What to tell the user.
        message: String,
        /// Move on to the next item (decide-and-advance).
        advance: bool,
    },
    /// Something failed; tell the user.
    Failed(String),
    /// The task list of the batch arrived.
    TasksLoaded(Vec<String>),
    /// The names of the batch's models arrived.
    ModelsLoaded(Vec<String>),
    /// A model's prediction of an item arrived (`None`: it predicts none), or could not be
    /// read.
    PredictionLoaded {
        /// The item asked about.
        item_id: String,
        /// The model asked about.
        model: String,
        /// Its distribution (rubric order) and KL(panel ‖ model).
        prediction: Result<Option<(Vec<f64>, f64)>, String>,
    },
    /// The console opened: where the actor stands, and whether items are assigned to them
    /// (then the queue opens on theirs).
    Opened {
        /// Their role on the staff list.
        standing: Standing,
        /// Items are assigned to them.
        mine: bool,
    },
    /// The claim on the item just opened for a decision was refused: someone else holds it.
    ClaimRefused {
        /// The item.
        item_id: String,
        /// Who holds it, as the user is told.
        message: String,
    },
    /// The open form's claim was broken by a QA lead (or lapsed) and is not taken back.
    ClaimLost {
        /// The item.
        item_id: String,
        /// What to tell the user.
        message: String,
    },
    /// The decision was not written: the item's decision in force changed since it was seen.
    Conflict {
        /// The item.
        item_id: String,
        /// What changed, as the user is told.
        message: String,
        /// The decision in force now.
        now: Option<i64>,
    },
    /// Another process changed the database (a decision, a claim, an assignment, the staff
    /// list, the batch's status), or a claim lapsed.
    Changed {
        /// Where the actor stands now.
        standing: Standing,
        /// The batch is finalized now.
        finalized: bool,
    },
    /// Show only the items assigned to the actor, or all again.
    ToggleMine,
    /// Open the selected item's history (its events).
    OpenHistory,
    /// Open the staff list.
    OpenStaff,
    /// Open the QA view of the batch.
    OpenQa,
    /// The QA report of the batch arrived, or could not be made.
    QaLoaded {
        /// The request answered.
        request: u64,
        /// The report, or what went wrong.
        report: Result<Box<Report>, String>,
    },
    /// The staff list arrived (with what was just done, if anything), or could not be read.
    StaffLoaded {
        /// The members, or what went wrong.
        members: Result<Vec<Member>, String>,
        /// What the change just made did, or why it was refused.
        notice: Option<String>,
        /// Where the actor stands now.
        standing: Standing,
    },
    /// The history of an item arrived, or could not be read.
    HistoryLoaded {
        /// The item.
        item_id: String,
        /// Its events, oldest first.
        events: Result<Vec<Event>, String>,
    },
}

/// I/O that `update` asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Fetch a page of the queue.
    LoadPage {
        /// Tag of the request, returned with its answer.
        request: u64,
        /// Rows after (Forward) or before (Backward) this one; `None` from an end.
        anchor: Option<Box<QueueRow>>,
        /// Which way.
        direction: Direction,
        /// Replace the window.
        replace: bool,
        /// Which row to select once loaded.
        select: Selection,
    },
    /// Fetch the header counts for the current filter.
    LoadCounts,
    /// Fetch an item's panel.
    LoadItem {
        /// Tag of the request, returned with its answer.
        request: u64,
        /// Item id.
        item_id: String,
    },
    /// Record a decision.
    Decide {
        /// Item id.
        item_id: String,
        /// The decision.
        decision: NewDecision,
        /// The decision in force it is made over, as the reviewer saw it.
        seen: Option<i64>,
    },
    /// Claim an item for a decision (or renew the claim).
    Claim(String),
    /// Release the actor's claim on an item.
    Release(String),
    /// Fetch an item's events.
    LoadHistory(String),
    /// Fetch a model's prediction of an item.
    LoadPrediction {
        /// Item id.
        item_id: String,
        /// Model name.
        model: String,
    },
    /// Fetch the staff list.
    LoadStaff,
    /// Compute the QA report of the batch (off the database thread when it can be).
    LoadQa {
        /// Tag of the request, returned with its answer.
        request: u64,
    },
    /// Add someone to the staff list with a role, change their role, or (`None`) remove them.
    SetStaff {
        /// Who.
        name: String,
        /// Their role, or `None` to remove them.
        role: Option<Role>,
    },
    /// Undo the decision in force on an item.
    Undo {
        /// Item id.
        item_id: String,
        /// The decision in force, as the reviewer saw it.
        seen: Option<i64>,
    },
}
