//! Runs the effects `update` asks for against the store and turns each result into an action.

use super::action::{Action, Effect};
use super::app::{App, PAGE};
use crate::store::{Basis, Batch, QueueFilter, SortKey, Store};

/// Executes effects. Holds the database, the batch, who is acting and the clock.
pub struct Executor {
    store: Store,
    batch: Batch,
    actor: String,
    clock: Box<dyn Fn() -> String + Send>,
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
        Executor {
            store,
            batch,
            actor,
            clock,
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

    /// Runs one effect under the queue filter and order it was asked with.
    pub fn run(&mut self, filter: &QueueFilter, sort: SortKey, effect: Effect) -> Action {
        let failed = |e: crate::store::StoreError| Action::Failed(e.to_string());
        match effect {
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
            Effect::Decide {
                item_id,
                decision,
                seen,
            } => {
                match self.store.decide(
                    &self.batch,
                    &item_id,
                    &decision,
                    Basis::Saw(seen),
                    &self.actor,
                    &(self.clock)(),
                ) {
                    Ok(id) => Action::Committed {
                        message: format!(
                            "recorded {} on {item_id} (decision {id})",
                            decision.kind.as_str()
                        ),
                        item_id,
                        advance: true,
                    },
                    Err(e) => failed(e),
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
                    Err(e) => failed(e),
                }
            }
        }
    }

    /// Applies `action` and every action its effects produce, until nothing is left to do.
    pub fn dispatch(&mut self, app: &mut App, action: Action) {
        let mut queue = std::collections::VecDeque::from([action]);
        while let Some(action) = queue.pop_front() {
            for effect in super::update::update(app, action) {
                queue.push_back(self.run(&app.filter, app.sort, effect));
            }
        }
    }
}
