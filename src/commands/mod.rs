//! What each CLI command does. Errors here are user errors (exit 1); clap handles usage (exit 2).

mod copy;
mod decide;
mod eval;
mod export;
mod finalize;
mod import;
mod inspect;
pub mod pg_setup;
pub mod plain;
mod predictions;
mod report;
mod review;
mod rubric;
mod stats;
mod team;
mod verify;

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::domain::decision::DecisionStatus;
use crate::store::{Location, Store};

/// The database: `--db`, else `$DISSENT_DB` (both via clap), else `./dissent.db`; an SQLite
/// file or a PostgreSQL URL.
#[must_use]
pub fn db_location(cli_db: Option<Location>) -> Location {
    cli_db.unwrap_or_default()
}

/// Who is acting: `--as`, else `$DISSENT_USER`, else the OS user (`$USER`, `$LOGNAME`, else
/// the account of this process's uid, for sessions that set neither).
#[must_use]
pub fn actor(given: Option<&str>) -> String {
    let env = |name: &str| std::env::var(name).ok().and_then(named);
    given
        .map(str::to_string)
        .and_then(named)
        .or_else(|| env("DISSENT_USER"))
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"))
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".into())
}

/// `name` unless it is blank.
fn named(name: String) -> Option<String> {
    Some(name).filter(|n| !n.trim().is_empty())
}

/// The account name of this process's user, from `/etc/passwd` (not the environment, which
/// anyone can set): what every event records beside the actor named.
pub fn account_name() -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        passwd_name(&std::fs::read_to_string("/etc/passwd").ok()?, uid)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The name of `uid` in a passwd file (`name:password:uid:…` per line).
fn passwd_name(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_string()).and_then(named)
    })
}

/// Prints one line of a command's report, made inert ([`plain`]). Unlike `println!`, a closed
/// stdout (`| head`) is an error the caller returns, not a panic.
pub fn say(line: std::fmt::Arguments<'_>) -> Result<()> {
    let mut out = plain::Plain::new(std::io::stdout().lock());
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Prints a note on stderr, made inert; a closed stderr is not worth failing over.
pub fn note(line: std::fmt::Arguments<'_>) {
    let mut err = plain::Plain::new(std::io::stderr().lock());
    let _ = writeln!(err, "{line}");
    let _ = err.flush();
}

pub use crate::text::counted;

/// A progress bar of `total` bytes read, on stderr when it is a terminal.
#[must_use]
pub fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("reading");
        bar
    })
}

/// Now, in UTC, RFC 3339 to the second.
#[must_use]
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Opens the database, which must exist (only `import` creates an SQLite file; a PostgreSQL
/// database is set up on first use).
pub fn open_existing(location: &Location) -> Result<Store> {
    let path = match location {
        Location::Sqlite(path) => path,
        Location::Postgres(url) => {
            let mut store = Store::connect(url)?;
            store.set_account(account_name());
            return Ok(store);
        }
    };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "no database at {} (import a batch first, or pass --db / set DISSENT_DB)",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => anyhow::bail!(
            "{}: permission denied (its folder or file is not open to this account: ask whoever \
             runs the batch to add you to its group)",
            path.display()
        ),
        _ => {}
    }
    let mut store = Store::open_existing(path).with_context(|| format!("{}", path.display()))?;
    store.set_account(account_name());
    Ok(store)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // the commands that name their databases themselves, or need none
    let command = match cli.command {
        Some(Command::Completions { shell }) => return completions(shell),
        Some(Command::Copy { from, to }) => return copy::run(&from, &to),
        Some(Command::PgSetup { action }) => return pg_setup::run(cli.db.as_ref(), action),
        other => other,
    };
    let db = db_location(cli.db);
    let batch = cli.batch.as_deref();
    let who = actor(cli.actor.as_deref());
    let Some(command) = command else {
        return review::open_default(&db, batch, &who, cli.console);
    };
    match command {
        Command::Review { console } => {
            // `dissent --no-mouse review` as well as `dissent review --no-mouse`
            let console = crate::cli::ConsoleArgs {
                no_mouse: console.no_mouse || cli.console.no_mouse,
            };
            review::open_db(&db, batch, &who, console)
        }
        Command::Import {
            files,
            rubric,
            format,
            maps,
        } => import::run(
            &db,
            &import::Request {
                files: &files,
                rubric: &rubric,
                batch,
                format: format.into(),
                maps: &maps,
                actor: &who,
            },
        ),
        Command::Items {
            select,
            assignee,
            model,
            sort,
            limit,
            json,
        } => {
            let store = open_existing(&db)?;
            let filter = crate::store::QueueFilter {
                assignee,
                model,
                ..select.filter()
            };
            inspect::items(&store, batch, &filter, sort.into(), limit, json)
        }
        Command::Show { item_id, json } => {
            inspect::show(&open_existing(&db)?, batch, &item_id, json)
        }
        Command::Stats { json } => stats::run(&open_existing(&db)?, batch, json),
        Command::Adjudicate {
            item_id,
            decision,
            label,
            reason_code,
            erring,
            reason,
            supersede,
        } => {
            let d = crate::domain::decision::NewDecision {
                kind: decision.into(),
                label,
                reason_code,
                erring,
                text: reason,
            };
            decide::adjudicate(
                &mut open_existing(&db)?,
                batch,
                &item_id,
                &d,
                supersede,
                &who,
            )
        }
        Command::Undo { item_id, supersede } => {
            decide::undo(&mut open_existing(&db)?, batch, &item_id, supersede, &who)
        }
        Command::Staff { action } => team::staff(&mut open_existing(&db)?, action, &who),
        Command::Assign {
            items,
            select,
            limit,
            reassign,
            to,
            nobody: _,
        } => team::assign(
            &mut open_existing(&db)?,
            batch,
            &team::AssignRequest {
                items: &items,
                filter: select.filter(),
                limit,
                reassign,
                to: to.as_deref(),
            },
            &who,
        ),
        Command::Assignments { json } => team::assignments(&open_existing(&db)?, batch, json),
        Command::Claims { break_item, json } => team::claims(
            &mut open_existing(&db)?,
            batch,
            break_item.as_deref(),
            json,
            &who,
        ),
        Command::Finalize { force } => finalize::set_status(
            &mut open_existing(&db)?,
            batch,
            crate::store::BatchStatus::Finalized,
            force,
            &who,
        ),
        Command::Reopen {} => finalize::set_status(
            &mut open_existing(&db)?,
            batch,
            crate::store::BatchStatus::Open,
            false,
            &who,
        ),
        Command::Export {
            out,
            bundle,
            draft,
            with_model,
            status,
        } => {
            let store = open_existing(&db)?;
            let only: Vec<DecisionStatus> = status.into_iter().map(Into::into).collect();
            let request = export::Request {
                draft,
                only: &only,
                with_model: with_model.as_deref(),
                actor: &who,
            };
            match (bundle, out) {
                (Some(dir), _) => export::bundle(&store, batch, &dir, &request),
                (None, Some(out)) => export::export(&store, batch, &out, &request),
                (None, None) => anyhow::bail!("name where to export: -o OUT.jsonl or --bundle DIR"),
            }
        }
        Command::Report {
            out,
            json,
            csv,
            reviewer,
        } => report::run(
            &open_existing(&db)?,
            batch,
            &report::Request {
                out: out.as_deref(),
                json,
                csv: csv.as_deref(),
                reviewer: reviewer.as_deref(),
                actor: &who,
            },
        ),
        Command::Predictions { action } => match action {
            crate::cli::PredictionsCommand::Import {
                file,
                model,
                labels,
                maps,
                skip_unknown,
                replace,
            } => predictions::import(
                &mut open_existing(&db)?,
                &predictions::Request {
                    file: &file,
                    batch,
                    model: &model,
                    labels: labels.as_deref(),
                    maps: &maps,
                    skip_unknown,
                    replace,
                    actor: &who,
                },
            ),
            crate::cli::PredictionsCommand::List { json } => {
                predictions::list(&open_existing(&db)?, batch, json)
            }
        },
        Command::Eval { models, json } => eval::run(&open_existing(&db)?, batch, &models, json),
        Command::Verify { json } => verify::run(&open_existing(&db)?, batch, json),
        Command::Log {
            item,
            actor,
            since,
            json,
        } => inspect::log(
            &open_existing(&db)?,
            batch,
            crate::store::EventFilter {
                batch: None,
                item: item.as_deref(),
                actor: actor.as_deref(),
                since: since.as_deref(),
            },
            json,
        ),
        Command::Rubric {
            action: crate::cli::RubricAction::Update { file },
        } => rubric::update(&mut open_existing(&db)?, batch, &file, &who),
        Command::Rubric {
            action: crate::cli::RubricAction::Show { json },
        } => rubric::show(&open_existing(&db)?, batch, json),
        Command::Completions { shell } => completions(shell),
        Command::Copy { from, to } => copy::run(&from, &to),
        Command::PgSetup { .. } => unreachable!("pg-setup runs before a database file is named"),
    }
}

/// Prints the completion script for `shell`: it needs no database.
fn completions(shell: clap_complete::Shell) -> Result<()> {
    // Generated into memory: clap_complete panics on a write error (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "dissent", &mut script);
    std::io::stdout().write_all(&script)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uid_is_named_by_its_passwd_line() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n# a comment\nbroken\nana:x:1000:1000::/home/ana:/bin/sh\n:x:1001:1001::/:/bin/sh\n";
        assert_eq!(passwd_name(passwd, 1000).as_deref(), Some("ana"));
        assert_eq!(passwd_name(passwd, 0).as_deref(), Some("root"));
        assert_eq!(passwd_name(passwd, 1001), None, "a blank name is no name");
        assert_eq!(passwd_name(passwd, 7), None);
    }

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(counted(1, "item"), "1 item");
        assert_eq!(counted(0, "item"), "0 items");
        assert_eq!(counted(4, "judgment"), "4 judgments");
    }

    #[test]
    fn as_names_the_actor_unless_blank() {
        assert_eq!(actor(Some("dr. lee")), "dr. lee");
        assert_ne!(actor(Some("  ")), "  ");
    }
}
