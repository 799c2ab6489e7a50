//! `dissent review` and the bare `dissent`: open the console.

use std::path::Path;

use anyhow::Result;

use crate::store::Store;
use crate::tui::keymap::Keymap;
use crate::tui::{Executor, Options};

/// Opens the console on `batch` of `store`.
pub fn open(store: Store, batch: Option<&str>, actor: &str, mouse: bool, demo: bool) -> Result<()> {
    let keymap = Keymap::load_user()?;
    let batch = store.batch(batch)?;
    let executor = Executor::new(store, batch, actor.to_string(), Box::new(super::now));
    crate::tui::run(
        executor,
        &Options {
            actor: actor.to_string(),
            mouse,
            demo,
            keymap,
        },
    )
}

/// Bare `dissent`: the database at `db` when it exists, else the embedded demo in memory.
pub fn open_default(db: &Path) -> Result<()> {
    let who = super::actor(&crate::cli::ActorArg::default());
    if db.exists() {
        return open(super::open_existing(db)?, None, &who, true, false);
    }
    let (store, batch) = crate::demo::open(&who, &super::now())?;
    open(store, Some(&batch.name), &who, true, true)
}
