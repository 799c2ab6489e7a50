//! Runs the effects `update` asks for against the store and turns each result into an action.

use std::time::{Duration, Instant};

use super::action::{Action, Effect};
use super::app::{App, PAGE};
use crate::domain::decision::DecisionStatus;
use crate::domain::report::Report;
use crate::domain::team::CLAIM_RENEW_SECS;
use crate::store::{Basis, Batch, EventFilter, QueueFilter, SortKey, Store, StoreError};

/// Executes effects. Holds the database, the batch, who is acting, the clock, and the claim the
/// open decision form holds (renewed while it is open).
pub struct Executor {
    store: Store,
    batch: Batch,
    actor: String,
    clock: Box<dyn Fn() -> String + Send>,
    /// The item claimed for the open decision form, and when the claim was last renewed.
    claimed: Option<(String, Instant)>,
    /// The database's `data_version` when last looked at: it moves when another connection
    /// commits.
    seen_version: Option<i64>,
    /// When the database was last looked at (claims lapsed since then are news).
    ticked: Option<String>,
}

impl Executor {
    /// An executor acting as `actor`, stamping decisions with `clock()`.
    #[must_use]
    pub fn new(
        store: Store,
        batch: Batch,
        actor: String,
        clock: Box<dyn Fn() -> String + Send>,
    ) -> Executor {
        // From here on, another process's commit is news: one made while the console loads
        // its first page refreshes it once more, never goes unseen.
        let seen_version = store.data_version().ok();
        Executor {
            store,
            batch,
            actor,
            clock,
            claimed: None,
            seen_version,
            ticked: None,
        }
    }

    /// The batch the console works on.
    #[must_use]
    pub fn batch(&self) -> &Batch {
        &self.batch
    }

    /// The tasks of the batch, for the first action of a session.
    #[must_use]
    pub fn tasks(&self) -> Action {
        match self.store.tasks(&self.batch) {
            Ok(t) => Action::TasksLoaded(t),
            Err(e) => Action::Failed(e.to_string()),
        }
    }

    /// The names of the batch's models, for the first actions of a session.
    #[must_use]
    pub fn models(&self) -> Action {
        match self.store.model_names(&self.batch) {
            Ok(m) => Action::ModelsLoaded(m),
            Err(e) => Action::Failed(e.to_string()),
        }
    }

    /// Where the actor stands and whether items are assigned to them, for the first action
    /// of a session.
    #[must_use]
    pub fn opened(&self) -> Action {
        let mine = QueueFilter {
            assignee: Some(self.actor.clone()),
            status: Some(DecisionStatus::Pending),
            ..QueueFilter::default()
        };
        let facts = self.store.standing(&self.actor).and_then(|standing| {
            let mine = self.store.queue_counts(&self.batch, &mine)?.total > 0;
            Ok(Action::Opened { standing, mine })
        });
        facts.unwrap_or_else(|e| Action::Failed(e.to_string()))
    }

    /// What happened since the last tick: another process's commit shows as
    /// [`Action::Changed`]. Renews the open form's claim when due.
    pub fn tick(&mut self) -> Option<Action> {
        let due = self
            .claimed
            .as_ref()
            .filter(|(_, renewed)| renewed.elapsed() >= Duration::from_secs(CLAIM_RENEW_SECS))
            .map(|(item, _)| item.clone());
        if let Some(item) = due {
            let at = (self.clock)();
            match self.store.renew_claim(&self.batch, &item, &self.actor, &at) {
                Ok(true) => self.claimed = Some((item, Instant::now())),
                Ok(false) => {
                    self.claimed = None;
                    return Some(Action::ClaimLost {
                        message: format!(
                            "your claim on {item} was broken by a QA lead (or lapsed): your \
                             decision is still written only over what you saw in force"
                        ),
                        item_id: item,
                    });
                }
                // Not renewed now (the database busy): tried again at the next tick.
                Err(_) => {}
            }
        }
        let version = self.store.data_version().ok()?;
        let now = (self.clock)();
        // A claim that lapses commits nothing: looked for since the last tick.
        let lapsed = self.ticked.as_deref().is_some_and(|before| {
            self.store
                .claim_lapsed(&self.batch, before, &now)
                .unwrap_or(false)
        });
        let changed = self.seen_version != Some(version) || lapsed;
        self.seen_version = Some(version);
        self.ticked = Some(now);
        if !changed {
            return None;
        }
        // The batch may have been finalized or reopened, the actor's role changed.
        if let Ok(status) = self.store.batch_status(&self.batch) {
            self.batch.status = status;
        }
        Some(Action::Changed {
            standing: self.store.standing(&self.actor).unwrap_or_default(),
            finalized: self.batch.status == crate::store::BatchStatus::Finalized,
        })
    }

    /// Claims `item` for the open form; the refusal, if it is refused.
    fn claim(&mut self, item: String) -> Option<Action> {
        match self
            .store
            .claim(&self.batch, &item, &self.actor, &(self.clock)())
        {
            Ok(_) => {
                self.claimed = Some((item, Instant::now()));
                None
            }
            Err(e) => {
                self.claimed = None;
                Some(Action::ClaimRefused {
                    item_id: item,
                    message: e.to_string(),
                })
            }
        }
    }

    /// Releases the open form's claim, if it holds one (cancel, quit).
    pub fn release(&mut self) {
        if let Some((item, _)) = self.claimed.take() {
            // A claim that cannot be released lapses on its own.
            let _ = self.store.release(&self.batch, &item, &self.actor);
        }
    }

    /// Runs one effect under the queue filter and order it was asked with; what it found,
    /// if anything.
    pub fn run(&mut self, filter: &QueueFilter, sort: SortKey, effect: Effect) -> Option<Action> {
        let failed = |e: StoreError| Action::Failed(e.to_string());
        Some(match effect {
            Effect::LoadPage {
                request,
                anchor,
                direction,
                replace,
                select,
            } => {
                match self.store.queue_page(
                    &self.batch,
                    filter,
                    sort,
                    anchor.as_deref(),
                    direction,
                    PAGE,
                ) {
                    Ok(rows) => Action::PageLoaded {
                        request,
                        direction,
                        replace,
                        select,
                        rows,
                    },
                    Err(e) => failed(e),
                }
            }
            Effect::LoadCounts => self
                .store
                .queue_counts(&self.batch, filter)
                .map_or_else(failed, Action::CountsLoaded),
            Effect::LoadItem { request, item_id } => Action::ItemLoaded {
                request,
                item: self
                    .store
                    .item(&self.batch, &item_id)
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            },
            Effect::LoadHistory(item_id) => Action::HistoryLoaded {
                events: self
                    .store
                    .events(&EventFilter {
                        batch: Some(&self.batch),
                        item: Some(&item_id),
                        ..EventFilter::default()
                    })
                    .map_err(|e| e.to_string()),
                item_id,
            },
            Effect::LoadPrediction { item_id, model } => Action::PredictionLoaded {
                prediction: self
                    .store
                    .prediction(&self.batch, &model, &item_id)
                    .map_err(|e| e.to_string()),
                item_id,
                model,
            },
            Effect::LoadStaff => self.staff(None),
            Effect::LoadQa { request } => self.qa_job(request)(),
            Effect::SetStaff { name, role } => {
                let at = (self.clock)();
                let done = match role {
                    Some(role) => {
                        self.store
                            .add_staff(&name, role, &self.actor, &at)
                            .map(|changed| {
                                changed
                                    .iter()
                                    .map(|m| format!("{} is {}", m.name, m.role.spoken()))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            })
                    }
                    None => self
                        .store
                        .remove_staff(&name, &self.actor, &at)
                        .map(|m| format!("{} is no longer on the staff list", m.name)),
                };
                self.staff(Some(done.unwrap_or_else(|e| e.to_string())))
            }
            Effect::Claim(item_id) => return self.claim(item_id),
            Effect::Release(_) => {
                self.release();
                return None;
            }
            Effect::Decide {
                item_id,
                decision,
                seen,
            } => {
                let written = self.store.decide(
                    &self.batch,
                    &item_id,
                    &decision,
                    Basis::Saw(seen),
                    &self.actor,
                    &(self.clock)(),
                );
                match written {
                    Ok(id) => {
                        // The decision released the claim with it.
                        self.claimed = None;
                        Action::Committed {
                            message: format!(
                                "recorded {} on {item_id} (decision {id})",
                                decision.kind.as_str()
                            ),
                            item_id,
                            advance: true,
                        }
                    }
                    Err(e) => self.refused(item_id, e),
                }
            }
            Effect::Undo { item_id, seen } => {
                match self.store.undo(
                    &self.batch,
                    &item_id,
                    Basis::Saw(seen),
                    &self.actor,
                    &(self.clock)(),
                ) {
                    Ok(reverted) => Action::Committed {
                        message: format!("reverted decision {reverted} on {item_id}"),
                        item_id,
                        advance: false,
                    },
                    Err(e) => self.refused(item_id, e),
                }
            }
        })
    }

    /// The work of computing the QA report of the batch, to run on a thread of its own: it
    /// reads through a second connection, so the console's queries and keys are never held up
    /// while a large batch's report is made. (The demo, in memory, is made here at once.)
    pub fn qa_job(&self, request: u64) -> Box<dyn FnOnce() -> Action + Send> {
        let context = crate::report::context(&self.batch, &self.actor, &(self.clock)());
        let answer = move |report: Result<Report, StoreError>| Action::QaLoaded {
            request,
            report: report.map(Box::new).map_err(|e| e.to_string()),
        };
        match self.store.reader() {
            Some(reader) => {
                let name = self.batch.name.clone();
                Box::new(move || {
                    answer(reader.and_then(|store| {
                        let batch = store.batch(Some(&name))?;
                        crate::report::collect(&store, &batch, None, context)
                    }))
                })
            }
            None => {
                let done = answer(crate::report::collect(
                    &self.store,
                    &self.batch,
                    None,
                    context,
                ));
                Box::new(move || done)
            }
        }
    }

    /// The staff list and where the actor stands, with what was just done.
    fn staff(&self, notice: Option<String>) -> Action {
        match self.store.standing(&self.actor) {
            Ok(standing) => Action::StaffLoaded {
                members: self.store.staff().map_err(|e| e.to_string()),
                notice,
                standing,
            },
            Err(e) => Action::Failed(e.to_string()),
        }
    }

    /// A decision or undo the store refused: a conflict is asked again (the form keeps its
    /// claim); anything else releases the claim and is reported.
    fn refused(&mut self, item_id: String, e: StoreError) -> Action {
        let message = e.to_string();
        if let StoreError::Conflict { now, .. } = e {
            return Action::Conflict {
                item_id,
                message,
                now: now.map(|d| d.id),
            };
        }
        self.release();
        Action::Failed(message)
    }

    /// Applies `action` and every action its effects produce, until nothing is left to do.
    pub fn dispatch(&mut self, app: &mut App, action: Action) {
        let mut queue = std::collections::VecDeque::from([action]);
        while let Some(action) = queue.pop_front() {
            for effect in super::update::update(app, action) {
                queue.extend(self.run(&app.filter, app.sort, effect));
            }
        }
    }
}
