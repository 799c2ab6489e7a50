//! `dissent copy`: a whole database into an empty one, an SQLite file or a PostgreSQL database
//! either way.

use std::io::Write;

use anyhow::{Context, Result};

use crate::store::Location;

/// Copies the database at `from` into the empty database `to`, and says how many rows of each
/// table it copied.
pub fn run(from: &Location, to: &Location) -> Result<()> {
    let store = super::open_existing(from)?;
    let copied = store.copy_to(to).with_context(|| from.to_string())?;
    let url = to;
    let total: u64 = copied.iter().map(|(_, n)| n).sum();
    let tables: Vec<String> = copied
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{table} {n}"))
        .collect();
    let mut out = super::plain::stdout(false);
    writeln!(
        out,
        "copied {} into {url}: {}",
        super::counted(total, "row"),
        tables.join(", ")
    )?;
    Ok(())
}
