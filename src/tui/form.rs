//! The decision form: opening it on the selected item, and its keys, step by step.

use ratatui_textarea::TextArea;

use super::action::Effect;
use super::app::{App, DecisionForm, FormStep, Popup, Reviewer};
use super::keymap::{Command, Key};
use crate::domain::decision::{DecisionKind, NewDecision, current_decision};
use crate::domain::model::Panel;
use crate::domain::rubric::REVIEWER_ERROR;
use crate::domain::team::{self, Act};

/// Why no decision (nor undo) can be made now, if it cannot.
#[must_use]
pub fn refusal(app: &App) -> Option<String> {
    if app.title.finalized {
        return Some(format!(
            "batch {} is finalized: its decisions can no longer change",
            app.title.batch
        ));
    }
    let s = app.standing;
    team::check(&app.title.actor, s.staffed, s.role, Act::Decide)
        .err()
        .map(|e| e.to_string())
}

/// Opens the form for a decision of `kind` on the selected item, or says why not.
pub fn open(app: &mut App, kind: DecisionKind) -> Vec<Effect> {
    // Never over another popup (a form asked again after a conflict, say).
    if app.popup.is_some() {
        return Vec::new();
    }
    if let Some(refusal) = refusal(app) {
        app.message = Some(refusal);
        return Vec::new();
    }
    if kind == DecisionKind::HardLabel {
        let missing = if app.rubric.labels.is_empty() {
            Some("labels")
        } else if app.rubric.reason_codes.is_empty() {
            Some("reason codes")
        } else {
            None
        };
        if let Some(missing) = missing {
            app.message = Some(format!(
                "the rubric lists no {missing}: no hard label can be recorded"
            ));
            return Vec::new();
        }
    }
    let Some(item) = app.selected_item() else {
        return Vec::new();
    };
    let reviewers: Vec<Reviewer> = match &item.record.panel {
        Panel::Judgments(js) => js
            .iter()
            .map(|j| Reviewer {
                id: j.reviewer.clone(),
                label: j.label.clone(),
                confidence: j.confidence,
                erred: false,
            })
            .collect(),
        Panel::Counts(_) => Vec::new(),
    };
    let mut reason = TextArea::default();
    reason.set_placeholder_text("why (required)");
    let item_id = item.record.item_id.clone();
    let seen = current_decision(&item.decisions, item.round).map(|d| d.id);
    app.popup = Some(Popup::Decide(Box::new(DecisionForm {
        item_id: item_id.clone(),
        kind,
        step: first_step(kind),
        cursor: 0,
        label: None,
        codes: Vec::new(),
        withheld: None,
        code: None,
        reviewers,
        reason,
        notice: None,
        seen,
    })));
    vec![Effect::Claim(item_id)]
}

fn first_step(kind: DecisionKind) -> FormStep {
    if kind == DecisionKind::HardLabel {
        FormStep::Label
    } else {
        FormStep::Reason
    }
}

/// The step before the current one.
fn previous_step(form: &DecisionForm) -> FormStep {
    match form.step {
        FormStep::Label | FormStep::ReasonCode => FormStep::Label,
        FormStep::Erring => FormStep::ReasonCode,
        FormStep::Reason if form.kind != DecisionKind::HardLabel => FormStep::Reason,
        FormStep::Reason if form.reviewers.iter().any(|r| r.erred) => FormStep::Erring,
        FormStep::Reason => FormStep::ReasonCode,
        FormStep::Confirm => FormStep::Reason,
    }
}

/// The label chosen, by id.
fn chosen_label<'a>(app: &'a App, form: &DecisionForm) -> Option<&'a str> {
    form.label
        .and_then(|i| app.rubric.labels.get(i))
        .map(|l| l.id.as_str())
}

/// Whether this reviewer may be marked as having erred: not if they chose the label decided on.
#[must_use]
pub fn can_err(reviewer: &Reviewer, label: Option<&str>) -> bool {
    label != Some(reviewer.label.as_str())
}

/// The reason codes offered once `label` is chosen: `reviewer_error` only when some reviewer
/// on the panel chose another label, with the reason when it is left out.
fn offered_codes(app: &App, form: &DecisionForm, label: &str) -> (Vec<String>, Option<String>) {
    let codes = app.rubric.reason_codes.clone();
    if !codes.iter().any(|c| c == REVIEWER_ERROR)
        || form.reviewers.iter().any(|r| can_err(r, Some(label)))
    {
        return (codes, None);
    }
    let why = if form.reviewers.is_empty() {
        format!(
            "{REVIEWER_ERROR} is not offered: this item records label counts, not who chose what"
        )
    } else {
        format!("{REVIEWER_ERROR} is not offered: every reviewer chose {label}")
    };
    (
        codes.into_iter().filter(|c| c != REVIEWER_ERROR).collect(),
        Some(why),
    )
}

/// Applies a key to the open form (bound to `command` in the form's context, if to any).
pub fn key(
    app: &mut App,
    mut form: Box<DecisionForm>,
    command: Option<Command>,
    key: Key,
) -> Vec<Effect> {
    form.notice = None;
    if command == Some(Command::Back) {
        if form.step == first_step(form.kind) {
            return vec![Effect::Release(form.item_id)];
        }
        form.step = previous_step(&form);
        form.cursor = 0;
        app.popup = Some(Popup::Decide(form));
        return Vec::new();
    }
    match form.step {
        FormStep::Reason => {
            if command == Some(Command::Finish) {
                if form.reason.lines().iter().all(|l| l.trim().is_empty()) {
                    form.notice = Some("a decision needs a reason".into());
                } else {
                    form.step = FormStep::Confirm;
                }
            } else {
                form.reason
                    .input(ratatui::crossterm::event::KeyEvent::from(key));
            }
        }
        FormStep::Confirm => match command {
            Some(Command::Yes) => {
                let effect = commit(app, &form);
                app.pending = Some(form);
                return vec![effect];
            }
            Some(Command::No) => form.step = FormStep::Reason,
            _ => {}
        },
        FormStep::Label | FormStep::ReasonCode | FormStep::Erring => {
            list_key(app, &mut form, command);
        }
    }
    app.popup = Some(Popup::Decide(form));
    Vec::new()
}

fn list_key(app: &App, form: &mut DecisionForm, command: Option<Command>) {
    let len = match form.step {
        FormStep::Label => app.rubric.labels.len(),
        FormStep::ReasonCode => form.codes.len(),
        _ => form.reviewers.len(),
    };
    match command {
        Some(Command::MoveDown) => form.cursor = (form.cursor + 1).min(len.saturating_sub(1)),
        Some(Command::MoveUp) => form.cursor = form.cursor.saturating_sub(1),
        Some(Command::Mark) => {
            let label = chosen_label(app, form).map(str::to_string);
            if let Some(r) = form.reviewers.get_mut(form.cursor) {
                if can_err(r, label.as_deref()) {
                    r.erred = !r.erred;
                } else {
                    form.notice = Some(format!(
                        "{} chose {}, the label decided on: they did not err",
                        r.id, r.label
                    ));
                }
            }
        }
        Some(Command::Choose) => choose(app, form),
        _ => {}
    }
}

/// Takes the highlighted entry of the list step and goes on, or says what is missing.
fn choose(app: &App, form: &mut DecisionForm) {
    match form.step {
        FormStep::Label => {
            let Some(label) = app.rubric.labels.get(form.cursor) else {
                return;
            };
            form.label = Some(form.cursor);
            // a reviewer marked under another label may have chosen this one
            for r in &mut form.reviewers {
                r.erred &= can_err(r, Some(&label.id));
            }
            (form.codes, form.withheld) = offered_codes(app, form, &label.id);
            form.step = FormStep::ReasonCode;
            form.cursor = 0;
        }
        FormStep::ReasonCode => {
            let Some(code) = form.codes.get(form.cursor) else {
                form.notice = Some("no reason code can be chosen for this item".into());
                return;
            };
            let erring_needed = code == REVIEWER_ERROR;
            form.code = Some(form.cursor);
            if erring_needed {
                form.step = FormStep::Erring;
                form.cursor = 0;
            } else {
                form.reviewers.iter_mut().for_each(|r| r.erred = false);
                form.step = FormStep::Reason;
            }
        }
        _ => {
            if form.reviewers.iter().any(|r| r.erred) {
                form.step = FormStep::Reason;
            } else {
                form.notice = Some(format!(
                    "mark at least one reviewer who erred ({})",
                    app.keymap.label(Command::Mark)
                ));
            }
        }
    }
}

fn commit(app: &mut App, form: &DecisionForm) -> Effect {
    app.writing = true;
    Effect::Decide {
        item_id: form.item_id.clone(),
        decision: NewDecision {
            kind: form.kind,
            label: chosen_label(app, form).map(str::to_string),
            reason_code: form.code.and_then(|i| form.codes.get(i)).cloned(),
            erring: form
                .reviewers
                .iter()
                .filter(|r| r.erred)
                .map(|r| r.id.clone())
                .collect(),
            text: form.reason.lines().join("\n").trim().to_string(),
        },
        seen: form.seen,
    }
}
