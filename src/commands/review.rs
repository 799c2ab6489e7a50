//! `dissent review` and the bare `dissent`: open the console.

use std::io::IsTerminal;

use anyhow::Result;

use crate::cli::ConsoleArgs;
use crate::store::{Location, Store};
use crate::tui::keymap::Keymap;
use crate::tui::{Executor, Options};

/// `dissent review`: the console on `batch` of the database at `db`.
pub fn open_db(
    db: &Location,
    batch: Option<&str>,
    actor: &str,
    console: ConsoleArgs,
) -> Result<()> {
    open(super::open_existing(db)?, batch, actor, console, false)
}

/// Bare `dissent`: the database at `db` when there is one (or a file there this account may not
/// read: it is told so), else the embedded demo in memory.
pub fn open_default(
    db: &Location,
    batch: Option<&str>,
    actor: &str,
    console: ConsoleArgs,
) -> Result<()> {
    let Location::Sqlite(path) = db else {
        return open_db(db, batch, actor, console);
    };
    if !std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return open_db(db, batch, actor, console);
    }
    let (mut store, demo) = crate::demo::open(actor, &super::now())?;
    store.set_account(super::account_name());
    open(store, Some(&demo.name), actor, console, true)
}

/// Opens the console on `batch` of `store`.
fn open(
    store: Store,
    batch: Option<&str>,
    actor: &str,
    console: ConsoleArgs,
    demo: bool,
) -> Result<()> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        anyhow::bail!(
            "the console needs a terminal, and standard input or output is not one; \
             to print instead, use `dissent items`, `dissent show ITEM` or `dissent stats`"
        );
    }
    let keymap = Keymap::load_user()?;
    let batch = store.batch(batch)?;
    let executor = Executor::new(store, batch, actor.to_string(), Box::new(super::now));
    crate::tui::run(
        executor,
        &Options {
            actor: actor.to_string(),
            mouse: !console.no_mouse,
            demo,
            keymap,
        },
    )
}
