//! `dissent copy`: a whole database from an SQLite file into an empty PostgreSQL database.

use std::io::Write;

use anyhow::{Context, Result, bail};

use crate::store::Location;

/// Copies the SQLite database at `from` into the PostgreSQL database `to`, and says how many
/// rows of each table it copied.
pub fn run(from: &Location, to: &Location) -> Result<()> {
    if !matches!(from, Location::Sqlite(_)) {
        bail!("--from {from}: an SQLite file (a copy from PostgreSQL is not there yet)");
    }
    let Location::Postgres(url) = to else {
        bail!("--to {to}: a postgres:// URL (a copy into an SQLite file is not there yet)");
    };
    let store = super::open_existing(from)?;
    let copied = store
        .copy_to_postgres(url)
        .with_context(|| from.to_string())?;
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
