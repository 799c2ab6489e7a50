//! Decisions on an item: `adjudicate` and `undo`.

use anyhow::Result;

use crate::domain::decision::NewDecision;
use crate::store::{Basis, Store};

/// `dissent adjudicate`.
pub fn adjudicate(
    store: &mut Store,
    batch: Option<&str>,
    item_id: &str,
    d: &NewDecision,
    supersede: bool,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    let id = store.decide(
        &batch,
        item_id,
        d,
        Basis::Current { supersede },
        actor,
        &super::now(),
    )?;
    super::say(format_args!(
        "recorded decision {id} on {item_id}: {}",
        d.kind.as_str()
    ))
}

/// `dissent undo`.
pub fn undo(
    store: &mut Store,
    batch: Option<&str>,
    item_id: &str,
    supersede: bool,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    let reverted = store.undo(
        &batch,
        item_id,
        Basis::Current { supersede },
        actor,
        &super::now(),
    )?;
    super::say(format_args!("reverted decision {reverted} on {item_id}"))
}
