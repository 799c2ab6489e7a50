//! The staff list: who holds which role, and the check every write makes against it.

use super::db::{Db, Optional, params};
use super::events::{NewEvent, append};
use super::{Result, Store, StoreError};
use crate::domain::team::{self, Act, Role};

/// A member of the staff list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The name they act under (their OS account, or `--as`).
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Who added them (or last changed their role).
    pub added_by: String,
    /// When, RFC 3339 UTC.
    pub added_at: String,
}

/// Where someone stands: whether the database has a staff list, and their role on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// The database has a staff list (otherwise everyone may do everything).
    pub staffed: bool,
    /// Their role, when they are on it.
    pub role: Option<Role>,
}

impl Standing {
    /// Whether they may do `act`.
    #[must_use]
    pub fn may(self, act: Act) -> bool {
        !self.staffed || self.role.is_some_and(|r| r.may(act))
    }
}

/// Where `who` stands, read inside the caller's transaction.
pub(super) fn standing(conn: &Db, who: &str) -> Result<Standing> {
    let (members, role): (i64, Option<String>) = conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM staff), (SELECT role FROM staff WHERE name = ?1)",
        )?
        .query_row(params![who], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Standing {
        staffed: members > 0,
        role: role.as_deref().and_then(Role::parse),
    })
}

/// Refuses `act` to `who` unless their role allows it; read inside the write transaction, so
/// a role changed meanwhile is the one that counts.
pub(super) fn require(conn: &Db, who: &str, act: Act) -> Result<()> {
    let s = standing(conn, who)?;
    team::check(who, s.staffed, s.role, act).map_err(StoreError::from)
}

impl Store {
    /// The staff list, by name.
    pub fn staff(&self) -> Result<Vec<Member>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, added_by, added_at FROM staff ORDER BY name")?;
        let rows = stmt.query_map(&[], |r| {
            let role: String = r.get(1)?;
            Ok(Member {
                name: r.get(0)?,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
                added_by: r.get(2)?,
                added_at: r.get(3)?,
            })
        })?;
        Ok(rows)
    }

    /// Where `who` stands.
    pub fn standing(&self, who: &str) -> Result<Standing> {
        standing(&self.conn, who)
    }

    /// Adds `name` with `role`, or changes their role. On a database with no staff list yet,
    /// whoever adds the first member becomes its first QA lead (so the list never starts
    /// without one). Returns the members added or changed, in order.
    pub fn add_staff(
        &mut self,
        name: &str,
        role: Role,
        actor: &str,
        at: &str,
    ) -> Result<Vec<Member>> {
        let tx = self.conn.write_tx()?;
        let mut changed = Vec::new();
        if !standing(&tx, actor)?.staffed {
            if name != actor {
                changed.push(put(
                    &tx,
                    actor,
                    Role::QaLead,
                    actor,
                    at,
                    self.account.as_deref(),
                    0,
                )?);
            } else if role != Role::QaLead {
                return Err(StoreError::FirstMember(name.into()));
            }
        }
        require(&tx, actor, Act::Staff)?;
        let before = standing(&tx, name)?.role;
        if before == Some(Role::QaLead) && role != Role::QaLead {
            last_lead_stays(&tx, name)?;
        }
        // Someone who may no longer decide holds no items: they return to every reviewer.
        let released = if role.may(Act::Decide) {
            0
        } else {
            release_assignments(&tx, name)?
        };
        changed.push(put(
            &tx,
            name,
            role,
            actor,
            at,
            self.account.as_deref(),
            released,
        )?);
        tx.commit()?;
        Ok(changed)
    }

    /// Removes `name` from the staff list. The last QA lead stays.
    pub fn remove_staff(&mut self, name: &str, actor: &str, at: &str) -> Result<Member> {
        let tx = self.conn.write_tx()?;
        require(&tx, actor, Act::Staff)?;
        let member = tx
            .query_row(
                "SELECT role, added_by, added_at FROM staff WHERE name = ?1",
                params![name],
                |r| {
                    Ok(Member {
                        name: name.to_string(),
                        role: Role::parse(&r.get::<String>(0)?).unwrap_or(Role::Viewer),
                        added_by: r.get(1)?,
                        added_at: r.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotStaff(name.into()))?;
        if member.role == Role::QaLead {
            last_lead_stays(&tx, name)?;
        }
        tx.execute("DELETE FROM staff WHERE name = ?1", params![name])?;
        let released = release_assignments(&tx, name)?;
        staff_event(
            &tx,
            actor,
            self.account.as_deref(),
            at,
            &serde_json::json!({"remove": name, "role": member.role.as_str(), "unassigned": released}),
        )?;
        tx.commit()?;
        Ok(member)
    }
}

/// The first member of the staff list (by name) who is not what the staff log adds up to — a
/// role, or a member at all, that no logged change made — as `verify` names them.
pub(super) fn unlogged_member(conn: &Db) -> Result<Option<String>> {
    let mut logged: std::collections::BTreeMap<String, String> = Default::default();
    let mut stmt = conn.prepare("SELECT details FROM events WHERE action = 'staff' ORDER BY id")?;
    let mut rows = stmt.query(&[])?;
    while let Some(r) = rows.next()? {
        let details: serde_json::Value = serde_json::from_str(r.str(0)?).unwrap_or_default();
        match (details["add"].as_str(), details["remove"].as_str()) {
            (Some(name), _) => {
                let role = details["role"].as_str().unwrap_or_default();
                logged.insert(name.to_string(), role.to_string());
            }
            (None, Some(name)) => {
                logged.remove(name);
            }
            (None, None) => {}
        }
    }
    let stored: std::collections::BTreeMap<String, String> = conn
        .prepare("SELECT name, role FROM staff")?
        .query_map(&[], |r| Ok((r.get(0)?, r.get(1)?)))?
        .into_iter()
        .collect();
    let names: std::collections::BTreeSet<&String> = logged.keys().chain(stored.keys()).collect();
    Ok(names
        .into_iter()
        .find(|n| logged.get(*n) != stored.get(*n))
        .map(|n| format!("member `{}`", crate::text::shown(n))))
}

/// Unassigns every item assigned to `name`; how many.
fn release_assignments(conn: &Db, name: &str) -> Result<u64> {
    let n = conn.execute("DELETE FROM assignments WHERE assignee = ?1", params![name])?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Refuses to take the QA lead role from `name` when nobody else holds it: a list with no QA
/// lead could never be changed again.
fn last_lead_stays(conn: &Db, name: &str) -> Result<()> {
    let others: i64 = conn.query_row(
        "SELECT count(*) FROM staff WHERE role = 'qa_lead' AND name != ?1",
        params![name],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(StoreError::LastQaLead(name.into()));
    }
    Ok(())
}

/// Writes one member (new, or with a new role) and logs it.
fn put(
    conn: &Db,
    name: &str,
    role: Role,
    actor: &str,
    at: &str,
    account: Option<&str>,
    released: u64,
) -> Result<Member> {
    conn.execute(
        "INSERT INTO staff (name, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET role = ?2, added_by = ?3, added_at = ?4",
        params![name, role.as_str(), actor, at],
    )?;
    staff_event(
        conn,
        actor,
        account,
        at,
        &serde_json::json!({"add": name, "role": role.as_str(), "unassigned": released}),
    )?;
    Ok(Member {
        name: name.to_string(),
        role,
        added_by: actor.to_string(),
        added_at: at.to_string(),
    })
}

fn staff_event(
    conn: &Db,
    actor: &str,
    account: Option<&str>,
    at: &str,
    details: &serde_json::Value,
) -> Result<()> {
    append(
        conn,
        &NewEvent {
            batch_id: None,
            item: None,
            actor,
            account,
            at,
            action: "staff",
            details,
        },
    )
}
