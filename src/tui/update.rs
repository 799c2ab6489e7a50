//! `update`: applies an action to the state and returns the I/O to do. No I/O here.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui_textarea::TextArea;

use super::action::{Action, Effect};
use super::app::{App, DecisionForm, FormStep, MAX_WINDOW, PAGE, PREFETCH, Popup, Selection};
use super::keymap::Key;
use crate::domain::decision::DecisionStatus;
use crate::domain::decision::{DecisionKind, NewDecision};
use crate::domain::model::{DisagreementClass, FlagKind, Panel};
use crate::domain::rubric::REVIEWER_ERROR;
use crate::store::{Direction, SortKey};

/// Applies `action` to `app`; returns the effects to run.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Move(n) => move_by(app, n),
        Action::HalfPageDown => move_by(app, (app.view_rows / 2).max(1) as i64),
        Action::HalfPageUp => move_by(app, -((app.view_rows / 2).max(1) as i64)),
        Action::PageDown => move_by(app, app.view_rows.max(1) as i64),
        Action::PageUp => move_by(app, -(app.view_rows.max(1) as i64)),
        Action::Top => vec![page_from_end(Direction::Forward)],
        Action::Bottom => vec![page_from_end(Direction::Backward)],
        Action::ClickRow(line) => {
            app.focus = super::app::Focus::Queue;
            let target = app.scroll + line;
            if target < app.rows.len() {
                move_by(app, target as i64 - app.selected as i64)
            } else {
                Vec::new()
            }
        }
        Action::SwitchPane => {
            app.focus = match app.focus {
                super::app::Focus::Queue => super::app::Focus::Panel,
                super::app::Focus::Panel => super::app::Focus::Queue,
            };
            Vec::new()
        }
        Action::FocusPanel => {
            app.focus = super::app::Focus::Panel;
            Vec::new()
        }
        Action::ScrollPanel(n) => {
            app.panel_scroll = app
                .panel_scroll
                .saturating_add_signed(i16::try_from(n).unwrap_or(0));
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
        Action::CycleSort => {
            let i = SortKey::ALL
                .iter()
                .position(|s| *s == app.sort)
                .unwrap_or(0);
            app.sort = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
            reload(app)
        }
        Action::ClearFilters => {
            app.filter = crate::store::QueueFilter::default();
            reload(app)
        }
        Action::OpenSearch => {
            app.popup = Some(Popup::Search(app.filter.search.clone().unwrap_or_default()));
            Vec::new()
        }
        Action::HardLabel => open_form(app, DecisionKind::HardLabel),
        Action::KeepSoft => open_form(app, DecisionKind::KeepSoft),
        Action::Rereview => open_form(app, DecisionKind::Rereview),
        Action::Undo => {
            match app.selected_item() {
                Some(item) if item.status != DecisionStatus::Pending => {
                    app.popup = Some(Popup::ConfirmUndo(item.record.item_id.clone()));
                }
                Some(_) => app.message = Some("no decision to undo on this item".into()),
                None => {}
            }
            Vec::new()
        }
        Action::OpenHelp => {
            app.popup = Some(Popup::Help);
            Vec::new()
        }
        Action::Close => {
            app.popup = None;
            Vec::new()
        }
        Action::Quit => {
            app.quit = true;
            Vec::new()
        }
        Action::PopupKey(key) => popup_key(app, key),
        Action::Resize(rows) => {
            app.view_rows = rows.max(1);
            keep_visible(app);
            Vec::new()
        }
        Action::PageLoaded {
            direction,
            replace,
            select,
            rows,
        } => page_loaded(app, direction, replace, select, rows),
        Action::CountsLoaded(counts) => {
            app.counts = counts;
            Vec::new()
        }
        Action::ItemLoaded(item) => {
            if app
                .selected_row()
                .is_some_and(|r| r.item_id == item.record.item_id)
            {
                app.item = Some(*item);
            }
            Vec::new()
        }
        Action::TasksLoaded(tasks) => {
            app.tasks = tasks;
            Vec::new()
        }
        Action::Committed {
            item_id,
            message,
            advance,
        } => {
            app.message = Some(message);
            app.popup = None;
            let select = if advance {
                Selection::After(item_id)
            } else {
                Selection::Item(item_id)
            };
            let anchor = app
                .selected
                .checked_sub(1)
                .and_then(|i| app.rows.get(i))
                .cloned()
                .map(Box::new);
            app.loading = true;
            vec![
                Effect::LoadPage {
                    anchor: anchor.clone(),
                    direction: Direction::Forward,
                    replace: true,
                    select,
                },
                Effect::LoadCounts,
            ]
        }
        Action::Failed(message) => {
            app.message = Some(message);
            app.loading = false;
            Vec::new()
        }
    }
}

fn cycle<T: Clone + PartialEq>(options: &[T], now: Option<T>) -> Option<T> {
    match now.and_then(|n| options.iter().position(|o| *o == n)) {
        None => options.first().cloned(),
        Some(i) => options.get(i + 1).cloned(),
    }
}

fn page_from_end(direction: Direction) -> Effect {
    let select = if direction == Direction::Forward {
        Selection::First
    } else {
        Selection::Last
    };
    Effect::LoadPage {
        anchor: None,
        direction,
        replace: true,
        select,
    }
}

/// A new filter or sort: the queue starts again from the top.
fn reload(app: &mut App) -> Vec<Effect> {
    app.loading = true;
    app.message = None;
    vec![page_from_end(Direction::Forward), Effect::LoadCounts]
}

fn keep_visible(app: &mut App) {
    if app.selected < app.scroll {
        app.scroll = app.selected;
    } else if app.selected >= app.scroll + app.view_rows {
        app.scroll = app.selected + 1 - app.view_rows;
    }
}

fn move_by(app: &mut App, n: i64) -> Vec<Effect> {
    if app.focus == super::app::Focus::Panel && app.popup.is_none() {
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
        app.panel_scroll = 0;
        effects.push(Effect::LoadItem(app.rows[target].item_id.clone()));
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
    let anchor = anchor.cloned().map(Box::new);
    app.loading = true;
    Some(Effect::LoadPage {
        anchor,
        direction,
        replace: false,
        select: Selection::First,
    })
}

fn page_loaded(
    app: &mut App,
    direction: Direction,
    replace: bool,
    select: Selection,
    rows: Vec<crate::store::QueueRow>,
) -> Vec<Effect> {
    app.loading = false;
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
        app.selected = match &select {
            Selection::First => 0,
            Selection::Last => rows.len().saturating_sub(1),
            Selection::Item(id) => rows.iter().position(|r| &r.item_id == id).unwrap_or(0),
            Selection::After(id) => match rows.iter().position(|r| &r.item_id == id) {
                Some(i) => (i + 1).min(rows.len().saturating_sub(1)),
                None => 0,
            },
        };
        app.rows = rows;
        app.scroll = app.selected.saturating_sub(app.view_rows / 3);
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
            app.panel_scroll = 0;
            effects.push(Effect::LoadItem(id));
        }
        None => app.item = None,
        _ => {}
    }
    effects
}

fn open_form(app: &mut App, kind: DecisionKind) -> Vec<Effect> {
    let Some(item) = app.selected_item() else {
        return Vec::new();
    };
    let reviewers: Vec<String> = match &item.record.panel {
        Panel::Judgments(js) => js.iter().map(|j| j.reviewer.clone()).collect(),
        Panel::Counts(_) => Vec::new(),
    };
    let mut reason = TextArea::default();
    reason.set_placeholder_text("why (required)");
    app.popup = Some(Popup::Decide(Box::new(DecisionForm {
        item_id: item.record.item_id.clone(),
        kind,
        step: if kind == DecisionKind::HardLabel {
            FormStep::Label
        } else {
            FormStep::Reason
        },
        cursor: 0,
        label: None,
        code: None,
        erring: vec![false; reviewers.len()],
        reviewers,
        reason,
    })));
    Vec::new()
}

fn popup_key(app: &mut App, key: Key) -> Vec<Effect> {
    match app.popup.take() {
        None => Vec::new(),
        Some(Popup::Help) => {
            if !matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('q' | '?') | KeyCode::F(1) | KeyCode::Enter
            ) {
                app.popup = Some(Popup::Help);
            }
            Vec::new()
        }
        Some(Popup::Search(mut text)) => match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => {
                app.filter.search = (!text.trim().is_empty()).then(|| text.trim().to_string());
                reload(app)
            }
            KeyCode::Backspace => {
                text.pop();
                app.popup = Some(Popup::Search(text));
                Vec::new()
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                text.push(c);
                app.popup = Some(Popup::Search(text));
                Vec::new()
            }
            _ => {
                app.popup = Some(Popup::Search(text));
                Vec::new()
            }
        },
        Some(Popup::ConfirmUndo(item_id)) => match key.code {
            KeyCode::Enter | KeyCode::Char('y') => vec![Effect::Undo(item_id)],
            KeyCode::Esc | KeyCode::Char('n') => Vec::new(),
            _ => {
                app.popup = Some(Popup::ConfirmUndo(item_id));
                Vec::new()
            }
        },
        Some(Popup::Decide(mut form)) => {
            let effects = form_key(app, &mut form, key);
            if effects.is_empty() && !form_closed(&form, key) {
                app.popup = Some(Popup::Decide(form));
            }
            effects
        }
    }
}

/// Esc on the first step closes the form.
fn form_closed(form: &DecisionForm, key: Key) -> bool {
    key.code == KeyCode::Esc && first_step(form.kind) == form.step
}

fn first_step(kind: DecisionKind) -> FormStep {
    if kind == DecisionKind::HardLabel {
        FormStep::Label
    } else {
        FormStep::Reason
    }
}

/// The step before `step` in this form.
fn previous_step(form: &DecisionForm) -> FormStep {
    match form.step {
        FormStep::Label | FormStep::ReasonCode => FormStep::Label,
        FormStep::Erring => FormStep::ReasonCode,
        FormStep::Reason if form.kind != DecisionKind::HardLabel => FormStep::Reason,
        FormStep::Reason if form.erring.iter().any(|e| *e) => FormStep::Erring,
        FormStep::Reason => FormStep::ReasonCode,
        FormStep::Confirm => FormStep::Reason,
    }
}

fn form_key(app: &mut App, form: &mut DecisionForm, key: Key) -> Vec<Effect> {
    let list_len = match form.step {
        FormStep::Label => app.rubric.labels.len(),
        FormStep::ReasonCode => app.rubric.reason_codes.len(),
        FormStep::Erring => form.reviewers.len(),
        FormStep::Reason | FormStep::Confirm => 0,
    };
    if key.code == KeyCode::Esc {
        form.step = previous_step(form);
        form.cursor = 0;
        return Vec::new();
    }
    match form.step {
        FormStep::Reason => {
            if key == Key::ctrl('s') {
                if form.reason.lines().iter().all(|l| l.trim().is_empty()) {
                    app.message = Some("a decision needs a reason".into());
                } else {
                    form.step = FormStep::Confirm;
                }
            } else {
                form.reason
                    .input(ratatui::crossterm::event::KeyEvent::from(key));
            }
            Vec::new()
        }
        FormStep::Confirm => match key.code {
            KeyCode::Enter | KeyCode::Char('y') => {
                let decision = NewDecision {
                    kind: form.kind,
                    label: form.label.map(|i| app.rubric.labels[i].id.clone()),
                    reason_code: form.code.map(|i| app.rubric.reason_codes[i].clone()),
                    erring: form
                        .reviewers
                        .iter()
                        .zip(&form.erring)
                        .filter(|(_, e)| **e)
                        .map(|(r, _)| r.clone())
                        .collect(),
                    text: form.reason.lines().join("\n").trim().to_string(),
                };
                vec![Effect::Decide {
                    item_id: form.item_id.clone(),
                    decision,
                }]
            }
            _ => Vec::new(),
        },
        FormStep::Label | FormStep::ReasonCode | FormStep::Erring => {
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    form.cursor = (form.cursor + 1).min(list_len.saturating_sub(1))
                }
                KeyCode::Char('k') | KeyCode::Up => form.cursor = form.cursor.saturating_sub(1),
                KeyCode::Char(' ') if form.step == FormStep::Erring => {
                    if let Some(e) = form.erring.get_mut(form.cursor) {
                        *e = !*e;
                    }
                }
                KeyCode::Enter => match form.step {
                    FormStep::Label => {
                        form.label = Some(form.cursor);
                        form.step = FormStep::ReasonCode;
                        form.cursor = 0;
                    }
                    FormStep::ReasonCode => {
                        form.code = Some(form.cursor);
                        let erring_needed = app.rubric.reason_codes[form.cursor] == REVIEWER_ERROR;
                        if !erring_needed {
                            form.erring.iter_mut().for_each(|e| *e = false);
                        }
                        form.step = if erring_needed {
                            FormStep::Erring
                        } else {
                            FormStep::Reason
                        };
                        form.cursor = 0;
                    }
                    _ => {
                        if form.erring.iter().any(|e| *e) {
                            form.step = FormStep::Reason;
                        } else {
                            app.message =
                                Some("mark at least one reviewer who erred (Space)".into());
                        }
                    }
                },
                _ => {}
            }
            Vec::new()
        }
    }
}
