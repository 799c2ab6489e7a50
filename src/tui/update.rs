//! `update`: applies an action to the state and returns the I/O to do. No I/O here.
//!
//! Input that needs the selected item (a decision, undo) waits while the selection settles (the
//! item loads, the window is replaced, a decision is written), and every input after it waits
//! behind it; all of it is applied, in order, once the item is there. So a key is never dropped,
//! and never applied to another item than the one on screen.

use super::action::{Action, Effect};
use super::app::{
    App, Focus, FormStep, HelpView, History, MAX_WINDOW, PAGE, PREFETCH, Popup, Prediction,
    QaScreen, Selection, StaffStep, StaffView, UndoAsk,
};
use super::form;
use super::keymap::{Command, Key};
use super::{scroll, search};
use crate::domain::decision::{DecisionKind, DecisionStatus, current_decision};
use crate::domain::model::{DisagreementClass, FlagKind};
use crate::store::{Direction, QueueRow, SortKey, StoredItem};

/// Applies `action` to `app`; returns the effects to run.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    if is_input(&action) {
        if must_wait(app, &action) {
            app.held.push(action);
            return Vec::new();
        }
        return apply(app, action);
    }
    let mut effects = apply(app, action);
    if !app.held.is_empty() && !app.settling() {
        for held in std::mem::take(&mut app.held) {
            effects.extend(update(app, held));
        }
    }
    effects
}

/// Whether the action comes from the user (and so may have to wait its turn).
fn is_input(action: &Action) -> bool {
    !matches!(
        action,
        Action::Quit
            | Action::Resize(_)
            | Action::PageLoaded { .. }
            | Action::CountsLoaded(_)
            | Action::ItemLoaded { .. }
            | Action::Committed { .. }
            | Action::Failed(_)
            | Action::TasksLoaded(_)
            | Action::ModelsLoaded(_)
            | Action::PredictionLoaded { .. }
            | Action::Opened { .. }
            | Action::ClaimRefused { .. }
            | Action::Conflict { .. }
            | Action::ClaimLost { .. }
            | Action::Changed { .. }
            | Action::HistoryLoaded { .. }
            | Action::StaffLoaded { .. }
            | Action::QaLoaded { .. }
    )
}

/// Input waits behind input already waiting; a decision or undo waits until the selection
/// settles on the item it will act on, and a move until the window it moves in has arrived.
/// Quitting never waits.
fn must_wait(app: &App, action: &Action) -> bool {
    match action {
        Action::Key(key) if app.keymap.command(app.context(), *key) == Some(Command::QuitNow) => {
            false
        }
        Action::HardLabel | Action::KeepSoft | Action::Rereview | Action::Undo => {
            !app.held.is_empty() || (app.popup.is_none() && app.settling())
        }
        Action::Move(_)
        | Action::HalfPageDown
        | Action::HalfPageUp
        | Action::PageDown
        | Action::PageUp
        | Action::ClickRow(_) => !app.held.is_empty() || app.replacing,
        _ => !app.held.is_empty(),
    }
}

fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) => match super::input::key_action(app, key) {
            Some(action) => update(app, action),
            None => Vec::new(),
        },
        Action::Move(n) => move_by(app, n),
        Action::HalfPageDown => move_by(app, (app.view_rows / 2).max(1) as i64),
        Action::HalfPageUp => move_by(app, -((app.view_rows / 2).max(1) as i64)),
        Action::PageDown => move_by(app, app.view_rows.max(1) as i64),
        Action::PageUp => move_by(app, -(app.view_rows.max(1) as i64)),
        Action::Top | Action::Bottom if app.focus == Focus::Panel => {
            app.panel_from_end = action == Action::Bottom;
            app.panel_scroll = 0;
            Vec::new()
        }
        Action::Top => vec![page_from_end(app, Direction::Forward)],
        Action::Bottom => vec![page_from_end(app, Direction::Backward)],
        Action::ClickRow(line) => {
            app.focus = Focus::Queue;
            let target = app.scroll + line;
            if target < app.rows.len() {
                move_by(app, target as i64 - app.selected as i64)
            } else {
                Vec::new()
            }
        }
        Action::SwitchPane => {
            app.focus = match app.focus {
                Focus::Queue => Focus::Panel,
                Focus::Panel => Focus::Queue,
            };
            Vec::new()
        }
        Action::FocusPanel => {
            app.focus = Focus::Panel;
            Vec::new()
        }
        Action::ScrollPanel(n) => {
            let n = i16::try_from(n).unwrap_or(0);
            let by = if app.panel_from_end { -n } else { n };
            app.panel_scroll = app.panel_scroll.saturating_add_signed(by);
            Vec::new()
        }
        Action::CycleFlag => {
            // all → flagged → each flag → all
            let options: Vec<(bool, Option<FlagKind>)> = std::iter::once((false, None))
                .chain(std::iter::once((true, None)))
                .chain(FlagKind::ALL.into_iter().map(|f| (false, Some(f))))
                .collect();
            let now = (app.filter.flagged_only, app.filter.flag);
            let i = options.iter().position(|o| *o == now).unwrap_or(0);
            (app.filter.flagged_only, app.filter.flag) = options[(i + 1) % options.len()];
            reload(app)
        }
        Action::CycleClass => {
            app.filter.class = cycle(&DisagreementClass::ALL, app.filter.class);
            reload(app)
        }
        Action::CycleStatus => {
            app.filter.status = cycle(&DecisionStatus::ALL, app.filter.status);
            reload(app)
        }
        Action::CycleTask => {
            app.filter.task = cycle(&app.tasks, app.filter.task.clone());
            reload(app)
        }
        Action::CycleModel => {
            if app.models.is_empty() {
                app.message = Some(
                    "no model predictions in this batch (`dissent predictions import`)".into(),
                );
                return Vec::new();
            }
            app.model = cycle(&app.models, app.model.clone());
            app.filter.model.clone_from(&app.model);
            app.message = Some(match &app.model {
                Some(m) => format!(
                    "model {m} shown beside the panel ({} orders the queue by its KL too)",
                    app.keymap.label(Command::Sort)
                ),
                None => "no model shown".into(),
            });
            // The queue's KL column follows the model shown; the KL order gives way to the
            // default without one.
            let mut effects = if app.sort == SortKey::Kl {
                if app.model.is_none() {
                    app.sort = SortKey::Triage;
                }
                reload_quietly(app)
            } else {
                refresh(app)
            };
            effects.extend(load_prediction(app));
            effects
        }
        Action::CycleSort => {
            // The model's KL order joins the cycle while a model is shown.
            let orders: Vec<SortKey> = SortKey::ALL
                .into_iter()
                .chain(app.model.as_ref().map(|_| SortKey::Kl))
                .collect();
            let i = orders.iter().position(|s| *s == app.sort).unwrap_or(0);
            app.sort = orders[(i + 1) % orders.len()];
            reload(app)
        }
        Action::ClearFilters => {
            // The model shown is not a filter: its KL column and order stay.
            app.filter = crate::store::QueueFilter {
                model: app.filter.model.take(),
                ..crate::store::QueueFilter::default()
            };
            reload(app)
        }
        Action::OpenSearch => {
            app.popup = Some(Popup::Search(search::prompt()));
            Vec::new()
        }
        Action::HardLabel => form::open(app, DecisionKind::HardLabel),
        Action::KeepSoft => form::open(app, DecisionKind::KeepSoft),
        Action::Rereview => form::open(app, DecisionKind::Rereview),
        Action::Undo if app.popup.is_some() => Vec::new(),
        Action::Undo => {
            if let Some(refusal) = form::refusal(app) {
                app.message = Some(refusal);
            } else if let Some(item) = app.selected_item() {
                if item.status == DecisionStatus::Pending {
                    app.message = Some("no decision to undo on this item".into());
                } else {
                    let in_force = current_decision(&item.decisions, item.round);
                    app.popup = Some(Popup::ConfirmUndo(UndoAsk {
                        item_id: item.record.item_id.clone(),
                        seen: in_force.map(|d| d.id),
                        what: in_force.map_or_else(String::new, |d| {
                            let whose = if d.actor == app.title.actor {
                                "your".to_string()
                            } else {
                                format!("{}'s", d.actor)
                            };
                            format!(
                                "{whose} {} (decision {})",
                                d.kind.as_str().replace('_', " "),
                                d.id
                            )
                        }),
                    }));
                }
            }
            Vec::new()
        }
        Action::OpenHelp => {
            app.popup = Some(Popup::Help(Box::new(HelpView { top: 0, over: None })));
            Vec::new()
        }
        Action::Quit => {
            app.quit = true;
            Vec::new()
        }
        Action::PopupKey(key) => popup_key(app, key),
        Action::Resize(screen) => {
            app.screen = screen;
            app.view_rows = usize::from(super::render::areas(screen).queue_rows.height).max(1);
            keep_visible(app);
            Vec::new()
        }
        Action::PageLoaded {
            request,
            direction,
            replace,
            select,
            rows,
        } => {
            if request == app.page_request {
                page_loaded(app, direction, replace, &select, rows)
            } else {
                Vec::new()
            }
        }
        Action::CountsLoaded(counts) => {
            app.counts = counts;
            Vec::new()
        }
        Action::ItemLoaded { request, item } => {
            if app.item_request == Some(request) {
                item_loaded(app, item);
                return load_prediction(app);
            }
            Vec::new()
        }
        Action::TasksLoaded(tasks) => {
            app.tasks = tasks;
            Vec::new()
        }
        Action::ModelsLoaded(models) => {
            app.models = models;
            Vec::new()
        }
        Action::PredictionLoaded {
            item_id,
            model,
            prediction,
        } => {
            // An answer about an item or model no longer shown is dropped.
            let current = app.selected_item().map(|i| &i.record.item_id) == Some(&item_id)
                && app.model.as_ref() == Some(&model);
            match prediction {
                Ok(shares) if current => {
                    app.prediction = Some(Prediction {
                        item_id,
                        model,
                        shares,
                    });
                }
                Err(e) if current => app.message = Some(e),
                _ => {}
            }
            Vec::new()
        }
        Action::Committed {
            item_id,
            message,
            advance,
        } => {
            app.message = Some(message);
            app.writing = false;
            app.pending = None;
            let select = if advance {
                Selection::After(item_id)
            } else {
                Selection::Item(item_id)
            };
            reload_around(app, select)
        }
        Action::Failed(message) => {
            app.message = Some(message);
            app.loading = false;
            app.replacing = false;
            // Keys typed after a decision that was not written were meant for what follows it.
            if std::mem::take(&mut app.writing) {
                drop_held(app);
            }
            app.pending = None;
            Vec::new()
        }
        Action::Opened { standing, mine } => {
            app.standing = standing;
            if mine {
                app.filter.assignee = Some(app.title.actor.clone());
            }
            reload(app)
        }
        Action::ToggleMine => {
            app.filter.assignee = match app.filter.assignee {
                Some(_) => None,
                None => Some(app.title.actor.clone()),
            };
            reload(app)
        }
        Action::ClaimRefused { item_id, message } => {
            if matches!(&app.popup, Some(Popup::Decide(f)) if f.item_id == item_id) {
                app.popup = None;
            }
            app.message = Some(message);
            Vec::new()
        }
        Action::ClaimLost { item_id, message } => {
            match &mut app.popup {
                Some(Popup::Decide(form)) if form.item_id == item_id => form.notice = Some(message),
                _ => app.message = Some(message),
            }
            Vec::new()
        }
        Action::Conflict {
            item_id,
            message,
            now,
        } => {
            app.writing = false;
            match app.pending.take().filter(|f| f.item_id == item_id) {
                Some(mut form) => {
                    form.seen = now;
                    form.step = FormStep::Confirm;
                    form.notice = Some(format!(
                        "{message}. {} records yours over it · {} goes back",
                        app.keymap.label(Command::Yes),
                        app.keymap.label(Command::No)
                    ));
                    app.popup = Some(Popup::Decide(form));
                }
                None => app.message = Some(message),
            }
            // What was typed after the confirmation was meant for after the decision.
            drop_held(app);
            refresh(app)
        }
        Action::Changed {
            standing,
            finalized,
        } => {
            app.standing = standing;
            app.title.finalized = finalized;
            let mut effects = refresh(app);
            effects.extend(refresh_qa(app));
            if matches!(app.popup, Some(Popup::Staff(_))) {
                effects.push(Effect::LoadStaff);
            }
            effects
        }
        // The popups open at once, so keys typed after them go to them.
        Action::OpenHistory => match app.selected_row() {
            Some(row) => {
                let item_id = row.item_id.clone();
                app.popup = Some(Popup::History(Box::new(History {
                    item_id: item_id.clone(),
                    events: None,
                })));
                vec![Effect::LoadHistory(item_id)]
            }
            None => Vec::new(),
        },
        Action::OpenStaff => {
            app.popup = Some(Popup::Staff(Box::new(StaffView {
                members: None,
                cursor: 0,
                step: StaffStep::List,
                notice: None,
            })));
            vec![Effect::LoadStaff]
        }
        Action::OpenQa => {
            app.popup = Some(Popup::Qa(Box::new(QaScreen {
                top: 0,
                report: None,
                awaiting: None,
                stale: false,
            })));
            refresh_qa(app)
        }
        Action::QaLoaded { request, report } => {
            let Some(qa) = app.qa_mut() else {
                return Vec::new();
            };
            if qa.awaiting != Some(request) {
                return Vec::new();
            }
            qa.awaiting = None;
            let stale = std::mem::take(&mut qa.stale);
            match report {
                Ok(r) => qa.report = Some(r),
                Err(e) => app.message = Some(e),
            }
            if stale {
                return refresh_qa(app);
            }
            Vec::new()
        }
        Action::StaffLoaded {
            members,
            notice,
            standing,
        } => {
            app.standing = standing;
            match members {
                Ok(members) => super::staff::loaded(app, members, notice),
                Err(e) => app.message = Some(e),
            }
            Vec::new()
        }
        Action::HistoryLoaded { item_id, events } => {
            match (&mut app.popup, events) {
                (Some(Popup::History(h)), Ok(events)) if h.item_id == item_id => {
                    h.events = Some(events);
                }
                (Some(Popup::History(h)), Err(e)) if h.item_id == item_id => {
                    app.popup = None;
                    app.message = Some(e);
                }
                _ => {}
            }
            Vec::new()
        }
    }
}

/// Drops the input held for after a decision that was not written, saying so.
fn drop_held(app: &mut App) {
    let dropped = app.held.len();
    if dropped == 0 {
        return;
    }
    app.held.clear();
    let note = format!(
        "{dropped} key{} typed after it not applied",
        if dropped == 1 { "" } else { "s" }
    );
    app.message = Some(match app.message.take() {
        Some(m) => format!("{m} ({note})"),
        None => note,
    });
}

/// Asks for the QA report again when the QA view is open (a decision here or elsewhere); the
/// report shown stays until the new one arrives.
fn refresh_qa(app: &mut App) -> Vec<Effect> {
    let Some(qa) = app.qa_mut() else {
        return Vec::new();
    };
    if qa.awaiting.is_some() {
        qa.stale = true;
        return Vec::new();
    }
    let request = next_request(app);
    if let Some(qa) = app.qa_mut() {
        qa.awaiting = Some(request);
    }
    vec![Effect::LoadQa { request }]
}

/// The database changed under the console: the window is fetched again around the selected
/// row (which stays selected if it is still in the queue), with the counts and the panel.
/// Nothing typed is lost: a popup and its text stay as they are.
fn refresh(app: &mut App) -> Vec<Effect> {
    match app.selected_row() {
        Some(row) => {
            let item_id = row.item_id.clone();
            reload_around(app, Selection::Item(item_id))
        }
        None => reload_quietly(app),
    }
}

/// The window fetched again from the row before the selected one, then `select`ed in it, with
/// the counts.
fn reload_around(app: &mut App, select: Selection) -> Vec<Effect> {
    let anchor = app
        .selected
        .checked_sub(1)
        .and_then(|i| app.rows.get(i))
        .cloned();
    vec![
        load_page(app, anchor, Direction::Forward, true, select),
        Effect::LoadCounts,
    ]
}

/// The queue from the top, keeping the status bar's message.
fn reload_quietly(app: &mut App) -> Vec<Effect> {
    vec![page_from_end(app, Direction::Forward), Effect::LoadCounts]
}

/// The awaited item arrived, or could not be read (then what waited for it is dropped, and
/// the user is told).
fn item_loaded(app: &mut App, item: Result<Box<StoredItem>, String>) {
    app.item_request = None;
    match item {
        Ok(item) => app.item = Some(*item),
        Err(e) => {
            app.item = None;
            let dropped = app.held.len();
            app.held.clear();
            app.message = Some(if dropped == 0 {
                e
            } else {
                format!("{e} ({dropped} keys typed for it were not applied)")
            });
        }
    }
}

fn popup_key(app: &mut App, key: Key) -> Vec<Effect> {
    let command = app.keymap.command(app.context(), key);
    match app.popup.take() {
        None => Vec::new(),
        Some(Popup::Qa(mut qa)) => {
            match command {
                Some(Command::Back) => return Vec::new(),
                // The help opens over the view, and closes back to it.
                Some(Command::Help) => {
                    app.popup = Some(Popup::Help(Box::new(HelpView {
                        top: 0,
                        over: Some(Popup::Qa(qa)),
                    })));
                    return Vec::new();
                }
                _ => {}
            }
            if let (Some(command), Some(report)) = (command, &qa.report) {
                let page = super::render::qa_page(app.screen, report);
                if let Some(top) = scroll::scrolled(qa.top, command, report.reviewers.len(), page) {
                    qa.top = top;
                }
            }
            app.popup = Some(Popup::Qa(qa));
            Vec::new()
        }
        Some(Popup::Help(mut help)) => {
            if matches!(command, Some(Command::Back | Command::Help)) {
                app.popup = help.over;
                return Vec::new();
            }
            if let Some(command) = command {
                let (len, page) = super::render::help_extent(app, app.screen);
                if let Some(top) = scroll::scrolled(help.top, command, len, page) {
                    help.top = top;
                }
            }
            app.popup = Some(Popup::Help(help));
            Vec::new()
        }
        Some(Popup::History(history)) => {
            if command != Some(Command::Back) {
                app.popup = Some(Popup::History(history));
            }
            Vec::new()
        }
        Some(Popup::Search(prompt)) => search::key(app, prompt, command, key),
        Some(Popup::ConfirmUndo(ask)) => match command {
            Some(Command::Yes) => {
                app.writing = true;
                vec![Effect::Undo {
                    item_id: ask.item_id,
                    seen: ask.seen,
                }]
            }
            Some(Command::No | Command::Back) => Vec::new(),
            _ => {
                app.popup = Some(Popup::ConfirmUndo(ask));
                Vec::new()
            }
        },
        Some(Popup::Decide(form)) => form::key(app, form, command, key),
        Some(Popup::Staff(view)) => super::staff::key(app, view, command, key),
    }
}

fn cycle<T: Clone + PartialEq>(options: &[T], now: Option<T>) -> Option<T> {
    match now.and_then(|n| options.iter().position(|o| *o == n)) {
        None => options.first().cloned(),
        Some(i) => options.get(i + 1).cloned(),
    }
}

/// Asks for the shown model's prediction of the selected item, when a model is shown and the
/// item has loaded; the answer names both, so one that comes back after a move is dropped.
fn load_prediction(app: &mut App) -> Vec<Effect> {
    let (Some(model), Some(item)) = (app.model.clone(), app.selected_item()) else {
        return Vec::new();
    };
    let item_id = item.record.item_id.clone();
    if app
        .prediction
        .as_ref()
        .is_some_and(|p| p.item_id == item_id && p.model == model)
    {
        return Vec::new();
    }
    vec![Effect::LoadPrediction { item_id, model }]
}

/// The next request tag.
fn next_request(app: &mut App) -> u64 {
    app.requests += 1;
    app.requests
}

/// Asks for a page; its answer is the only one awaited from now on.
fn load_page(
    app: &mut App,
    anchor: Option<QueueRow>,
    direction: Direction,
    replace: bool,
    select: Selection,
) -> Effect {
    let request = next_request(app);
    app.page_request = request;
    app.loading = true;
    app.replacing = replace;
    Effect::LoadPage {
        request,
        anchor: anchor.map(Box::new),
        direction,
        replace,
        select,
    }
}

/// Asks for the selected row's item; its answer is the only one awaited from now on.
fn load_item(app: &mut App, item_id: String) -> Effect {
    let request = next_request(app);
    app.item_request = Some(request);
    // The same item read again (a change made elsewhere) keeps the place it is read at.
    if app
        .item
        .as_ref()
        .is_none_or(|i| i.record.item_id != item_id)
    {
        app.panel_scroll = 0;
        app.panel_from_end = false;
    }
    Effect::LoadItem { request, item_id }
}

fn page_from_end(app: &mut App, direction: Direction) -> Effect {
    let select = if direction == Direction::Forward {
        Selection::First
    } else {
        Selection::Last
    };
    load_page(app, None, direction, true, select)
}

/// A new filter or sort: the queue starts again from the top.
pub(super) fn reload(app: &mut App) -> Vec<Effect> {
    app.message = None;
    reload_quietly(app)
}

fn keep_visible(app: &mut App) {
    if app.selected < app.scroll {
        app.scroll = app.selected;
    } else if app.selected >= app.scroll + app.view_rows {
        app.scroll = app.selected + 1 - app.view_rows;
    }
}

fn move_by(app: &mut App, n: i64) -> Vec<Effect> {
    if app.focus == Focus::Panel && app.popup.is_none() {
        return update(app, Action::ScrollPanel(i32::try_from(n).unwrap_or(0)));
    }
    if app.rows.is_empty() {
        return Vec::new();
    }
    let last = app.rows.len() as i64 - 1;
    let target = (app.selected as i64 + n).clamp(0, last) as usize;
    let mut effects = Vec::new();
    if target != app.selected {
        app.selected = target;
        effects.push(load_item(app, app.rows[target].item_id.clone()));
    }
    keep_visible(app);
    effects.extend(prefetch(app));
    effects
}

/// Asks for the next page when the selection nears an edge of the window that is not an end
/// of the queue.
fn prefetch(app: &mut App) -> Option<Effect> {
    if app.loading || app.rows.is_empty() {
        return None;
    }
    let (anchor, direction) = if app.selected + PREFETCH >= app.rows.len() && !app.at_end {
        (app.rows.last(), Direction::Forward)
    } else if app.selected < PREFETCH && !app.at_start {
        (app.rows.first(), Direction::Backward)
    } else {
        return None;
    };
    let anchor = anchor.cloned();
    Some(load_page(app, anchor, direction, false, Selection::First))
}

fn page_loaded(
    app: &mut App,
    direction: Direction,
    replace: bool,
    select: &Selection,
    rows: Vec<QueueRow>,
) -> Vec<Effect> {
    app.loading = false;
    app.replacing = false;
    let full = rows.len() >= PAGE;
    let before = app.selected_row().map(|r| r.item_id.clone());
    if replace {
        match direction {
            Direction::Forward => {
                app.at_end = !full;
                // A page from an anchor (after a decision) does not start the queue.
                app.at_start =
                    matches!(select, Selection::First | Selection::Last) || rows.is_empty();
            }
            Direction::Backward => {
                app.at_start = !full;
                app.at_end = true;
            }
        }
        app.selected = match select {
            Selection::First => 0,
            Selection::Last => rows.len().saturating_sub(1),
            Selection::Item(id) => rows.iter().position(|r| &r.item_id == id).unwrap_or(0),
            Selection::After(id) => match rows.iter().position(|r| &r.item_id == id) {
                Some(i) => (i + 1).min(rows.len().saturating_sub(1)),
                None => 0,
            },
        };
        app.rows = rows;
        // A third of the screen above the selection, but no empty lines below the last row.
        app.scroll = app
            .selected
            .saturating_sub(app.view_rows / 3)
            .min(app.rows.len().saturating_sub(app.view_rows));
    } else {
        match direction {
            Direction::Forward => {
                app.at_end = !full;
                app.rows.extend(rows);
                if app.rows.len() > MAX_WINDOW {
                    let drop = app.rows.len() - MAX_WINDOW;
                    app.rows.drain(..drop);
                    app.selected = app.selected.saturating_sub(drop);
                    app.scroll = app.scroll.saturating_sub(drop);
                    app.at_start = false;
                }
            }
            Direction::Backward => {
                app.at_start = !full;
                let added = rows.len();
                app.rows.splice(0..0, rows);
                app.selected += added;
                app.scroll += added;
                if app.rows.len() > MAX_WINDOW {
                    app.rows.truncate(MAX_WINDOW);
                    app.at_end = false;
                }
            }
        }
    }
    keep_visible(app);
    let mut effects: Vec<Effect> = prefetch(app).into_iter().collect();
    let now = app.selected_row().map(|r| r.item_id.clone());
    match now {
        Some(id) if replace || before.as_ref() != Some(&id) || app.item.is_none() => {
            effects.push(load_item(app, id));
        }
        None => {
            app.item = None;
            app.item_request = None;
        }
        _ => {}
    }
    effects
}
