//! The team's commands: `staff`, `assign`, `assignments`, `claims`.

use std::io::Write;

use anyhow::{Result, bail};
use serde_json::json;

use crate::cli::StaffCommand;
use crate::domain::ids;
use crate::domain::team::Role;
use crate::store::{Assignee, Assignment, QueueFilter, Store};
use crate::text::{inert, pad};

/// `dissent staff add | list | remove`.
pub fn staff(store: &mut Store, action: StaffCommand, actor: &str) -> Result<()> {
    match action {
        StaffCommand::Add { name, role } => {
            named(&name, "the name")?;
            let role = Role::from(role);
            for m in store.add_staff(&name, role, actor, &super::now())? {
                super::say(format_args!("{} is {}", m.name, m.role.spoken()))?;
            }
            Ok(())
        }
        StaffCommand::Remove { name } => {
            let m = store.remove_staff(&name, actor, &super::now())?;
            super::say(format_args!(
                "{} ({}) is no longer on the staff list",
                m.name, m.role
            ))
        }
        StaffCommand::List { json } => {
            let staff = store.staff()?;
            let mut out = super::plain::stdout(json);
            if json {
                let list: Vec<_> = staff
                    .iter()
                    .map(|m| json!({"name": m.name, "role": m.role.as_str(), "added_by": m.added_by, "added_at": m.added_at}))
                    .collect();
                writeln!(out, "{}", serde_json::Value::from(list))?;
            } else if staff.is_empty() {
                writeln!(
                    out,
                    "no staff list: everyone may do everything (`dissent staff add NAME --role qa_lead` starts one)"
                )?;
            } else {
                writeln!(out, "{} {:<16} added by", pad("name", 20), "role")?;
                for m in &staff {
                    writeln!(
                        out,
                        "{} {:<16} {} at {}",
                        pad(&inert(&m.name, false), 20),
                        m.role.as_str(),
                        inert(&m.added_by, false),
                        m.added_at
                    )?;
                }
            }
            out.flush()?;
            Ok(())
        }
    }
}

/// What `dissent assign` was asked.
pub struct AssignRequest<'a> {
    /// Named items, or none for the filter's.
    pub items: &'a [String],
    /// The filter, when no items are named.
    pub filter: QueueFilter,
    /// At most this many.
    pub limit: Option<u64>,
    /// Take items assigned to another too.
    pub reassign: bool,
    /// To whom (`None`: nobody).
    pub to: Option<&'a str>,
}

/// `dissent assign`.
pub fn assign(
    store: &mut Store,
    batch: Option<&str>,
    req: &AssignRequest<'_>,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    if let Some(to) = req.to {
        named(to, "--to")?;
    }
    let what = if req.items.is_empty() {
        Assignment::Filter {
            filter: &req.filter,
            limit: req.limit,
            reassign: req.reassign,
        }
    } else {
        Assignment::Items(req.items)
    };
    let to = req.to.map_or(Assignee::Nobody, Assignee::To);
    let n = store.assign(&batch, what, to, actor, &super::now())?;
    match req.to {
        Some(name) => super::say(format_args!(
            "assigned {} to {name}",
            super::counted(n, "item")
        )),
        None => super::say(format_args!("unassigned {}", super::counted(n, "item"))),
    }
}

/// `dissent assignments`: each assignee's progress.
pub fn assignments(store: &Store, batch: Option<&str>, json: bool) -> Result<()> {
    let batch = store.batch(batch)?;
    let progress = store.progress(&batch)?;
    let mut out = super::plain::stdout(json);
    if json {
        let rows: Vec<_> = progress
            .iter()
            .map(|p| json!({"assignee": p.assignee, "assigned": p.assigned, "pending": p.pending, "rereview": p.rereview, "decided": p.decided}))
            .collect();
        writeln!(out, "{}", serde_json::Value::from(rows))?;
    } else if progress.is_empty() {
        writeln!(out, "no items of batch `{}` are assigned", batch.name)?;
    } else {
        writeln!(
            out,
            "{} {:>8} {:>8} {:>8} {:>8}",
            pad("assignee", 20),
            "assigned",
            "decided",
            "rereview",
            "pending"
        )?;
        for p in &progress {
            writeln!(
                out,
                "{} {:>8} {:>8} {:>8} {:>8}",
                pad(&inert(&p.assignee, false), 20),
                p.assigned,
                p.decided,
                p.rereview,
                p.pending
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `dissent claims [--break ID]`.
pub fn claims(
    store: &mut Store,
    batch: Option<&str>,
    break_item: Option<&str>,
    json: bool,
    actor: &str,
) -> Result<()> {
    let batch = store.batch(batch)?;
    let now = super::now();
    if let Some(item) = break_item {
        let c = store.break_claim(&batch, item, actor, &now)?;
        return super::say(format_args!(
            "broke {}'s claim on {item} (held since {})",
            c.holder, c.since
        ));
    }
    let claims = store.claims(&batch, &now)?;
    let mut out = super::plain::stdout(json);
    if json {
        let rows: Vec<_> = claims
            .iter()
            .map(|c| json!({"item_id": c.item_id, "holder": c.holder, "account": c.account, "since": c.since, "expires": c.expires}))
            .collect();
        writeln!(out, "{}", serde_json::Value::from(rows))?;
    } else if claims.is_empty() {
        writeln!(out, "nobody is deciding an item of batch `{}`", batch.name)?;
    } else {
        writeln!(out, "{} {} since", pad("item_id", 24), pad("holder", 20))?;
        for c in &claims {
            writeln!(
                out,
                "{} {} {}",
                pad(&inert(&c.item_id, false), 24),
                pad(&inert(&c.holder, false), 20),
                c.since
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Refuses a person's name that could be mistaken for another's.
fn named(name: &str, what: &str) -> Result<()> {
    if name.is_empty() {
        bail!("{what}: a name is needed");
    }
    if let Some(problem) = ids::problem(name) {
        bail!("{what}: {problem}");
    }
    Ok(())
}
