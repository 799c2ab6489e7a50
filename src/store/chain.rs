//! The record's chains in the store: the link each new row gets, recomputing every link of a
//! batch (`dissent verify`), and linking the rows of a database made before schema 4.

use std::ops::ControlFlow;

use super::batches::{Batch, CURRENT_RUBRIC};
use super::db::{Db, Optional, Row, params};
use super::{Result, Store, StoreError};
use crate::domain::chain::{
    self, DecisionFields, ItemFields, JudgmentFields, Link, RoundFields, START,
};
use crate::domain::rubric::sha256_hex;

/// The triggers schema 4 restores once the old rows are linked: a link, like the rest of the
/// row, is never changed.
const LINK_TRIGGERS: &str = "
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: undo appends a revert'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER items_record_fixed BEFORE UPDATE OF
    id, batch_id, item_key, task, payload, gold_label, panel_kind, counts, reviewer_count,
    top_label, top_share, entropy, norm_entropy, mean_confidence, class, flags,
    unflagged, neg_entropy, conf_key, class_rank, chain ON items
BEGIN SELECT RAISE(ABORT, 'an item''s panel record is never changed'); END;
";

/// One of a batch's three chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    /// Items with their judgments, by rowid.
    Items,
    /// Decisions on the batch's items, by id.
    Decisions,
    /// Events of the batch, by id.
    Events,
    /// Later rounds of the batch's items (2, 3, …) with their judgments, by id.
    Rounds,
}

impl Chain {
    /// The last link of this chain in `batch_id` (events: `None` for events of no batch).
    /// Decisions and rounds are few beside a batch's items: `CROSS JOIN` keeps them the outer
    /// loop (read from the last back), where the planner would walk every item of the batch.
    pub(super) fn last(self, conn: &Db, batch_id: Option<i64>) -> Result<Link> {
        let sql = match self {
            // the batch's last rowid from an index alone, then its row: ordering the batch's
            // rows by rowid would read and sort every one of them
            Chain::Items => {
                "SELECT chain FROM items WHERE id = (SELECT max(id) FROM items WHERE batch_id = ?1)"
            }
            Chain::Decisions => {
                "SELECT d.chain FROM decisions d CROSS JOIN items i ON i.id = d.item_id
                 WHERE i.batch_id = ?1 ORDER BY d.id DESC LIMIT 1"
            }
            // `= ?1` or `IS NULL`, never `IS NOT DISTINCT FROM ?1`, which PostgreSQL cannot
            // answer from the index
            Chain::Events if batch_id.is_some() => {
                "SELECT chain FROM events WHERE batch_id = ?1 ORDER BY id DESC LIMIT 1"
            }
            Chain::Events => {
                "SELECT chain FROM events WHERE batch_id IS NULL AND CAST(?1 AS BIGINT) IS NULL
                 ORDER BY id DESC LIMIT 1"
            }
            Chain::Rounds => {
                "SELECT r.chain FROM rounds r CROSS JOIN items i ON i.id = r.item_id
                 WHERE i.batch_id = ?1 ORDER BY r.id DESC LIMIT 1"
            }
        };
        let link: Option<Option<Vec<u8>>> = conn
            .prepare_cached(sql)?
            .query_row(params![batch_id], |r| r.get(0))
            .optional()?;
        Ok(link
            .flatten()
            .and_then(|l| l.try_into().ok())
            .unwrap_or(START))
    }
}

impl Chain {
    /// The chain's name, as `verify` reports it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Chain::Items => "items",
            Chain::Decisions => "decisions",
            Chain::Events => "events",
            Chain::Rounds => "rounds",
        }
    }
}

/// A row whose stored link is not the one its content and predecessors give, or a rubric whose
/// text is not the one its sha256 names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Which part of the record: a chain's name, or "rubric".
    pub part: &'static str,
    /// The row, as a person names it: "item `x`", "decision 7", "event 12".
    pub row: String,
}

/// What recomputing a batch's chains found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Items checked.
    pub items: u64,
    /// Decisions checked.
    pub decisions: u64,
    /// Events checked.
    pub events: u64,
    /// Model versions whose predictions were checked against the digest their import logged.
    pub models: u64,
    /// Later rounds checked.
    pub rounds: u64,
    /// The first row of each chain that does not match, in chain order.
    pub breaks: Vec<Break>,
    /// The head as stored (the last links joined).
    pub head: String,
}

/// A value read from a row, or `None` when it is not of the type dissent wrote (the row was
/// changed outside dissent: a break to report, not an error that stops the walk).
fn readable<T>(value: Result<T>) -> Result<Option<T>> {
    match value {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::Column { .. } | StoreError::Corrupt(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What a row that does not read back hashes to: never a stored link.
fn unreadable() -> chain::Content {
    chain::Content::default().text("a row that does not read back")
}

/// The schema a chain is walked in: schema 4's hook links the rows written before it, when
/// judgments and decisions had no round yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    /// Schema 4, before rounds.
    BeforeRounds,
    /// This build's.
    Current,
}

/// Adds to `content` the judgment in columns `at..at + 6` of `r` (reviewer, label, raw
/// confidence, confidence, evidence, attributes), if the join found one; a judgment that does
/// not read back makes the content unreadable.
fn add_judgment(content: &mut chain::Content, r: &Row<'_>, at: usize) -> Result<()> {
    let judgment = readable((|| {
        let Some(reviewer) = r.str_opt(at)? else {
            return Ok(None);
        };
        Ok(Some(JudgmentFields {
            reviewer,
            label: r.str(at + 1)?,
            raw_confidence: r.get(at + 2)?,
            confidence: r.get(at + 3)?,
            evidence: r.str_opt(at + 4)?,
            attributes: r.str(at + 5)?,
        }))
    })())?;
    match judgment {
        Some(Some(j)) => *content = chain::judgment(std::mem::take(content), &j),
        Some(None) => {}
        None => *content = unreadable(),
    }
    Ok(())
}

/// What a walk is told of each row: (row id, its name, computed link, stored link).
type Visit<'a> = dyn FnMut(i64, &dyn Fn() -> String, Link, Option<Vec<u8>>) + 'a;

/// Calls `each(row id, name, computed link, stored link)` for every row of `chain` in `batch_id`,
/// in chain order.
fn walk(
    conn: &Db,
    chain: Chain,
    batch_id: Option<i64>,
    schema: Schema,
    mut each: impl FnMut(i64, &dyn Fn() -> String, Link, Option<Vec<u8>>),
) -> Result<()> {
    let mut prev = START;
    let (first_round, decision_round, rubric_version) = match schema {
        Schema::BeforeRounds => ("", "1", "NULL"),
        Schema::Current => (
            "AND j.round = 1",
            "d.round",
            "(SELECT v.version FROM item_rubric_versions v WHERE v.item_id = i.id AND v.round = 1)",
        ),
    };
    match chain {
        Chain::Items => {
            // An item's link covers its first round; later ones are chained as rounds.
            let mut stmt = conn.prepare(&format!(
                "SELECT i.id, i.item_key, i.task, i.payload, i.gold_label, i.panel_kind, i.counts,
                        i.chain, j.reviewer, j.label, j.raw_confidence, j.confidence, j.evidence,
                        j.attributes, {rubric_version}
                 FROM items i LEFT JOIN judgments j ON j.item_id = i.id {first_round}
                 WHERE i.batch_id = ?1 ORDER BY i.id, j.seq"
            ))?;
            // the item being hashed: (id, key, content so far, stored link)
            let mut open: Option<(i64, String, chain::Content, Option<Vec<u8>>)> = None;
            let mut close = |open: Option<(i64, String, chain::Content, Option<Vec<u8>>)>,
                             prev: &mut Link| {
                if let Some((id, key, content, stored)) = open {
                    *prev = chain::link(prev, &content.digest());
                    each(id, &|| format!("item `{key}`"), *prev, stored);
                }
            };
            stmt.for_each(params![batch_id], |r| {
                let id: i64 = r.get(0)?;
                if open.as_ref().is_none_or(|o| o.0 != id) {
                    close(open.take(), &mut prev);
                    let content = readable((|| {
                        Ok(chain::item(&ItemFields {
                            key: r.str(1)?,
                            task: r.str(2)?,
                            payload: r.str(3)?,
                            gold_label: r.str_opt(4)?,
                            panel_kind: r.str(5)?,
                            counts: r.str(6)?,
                            rubric_version: r.get(14)?,
                        }))
                    })())?
                    .unwrap_or_else(unreadable);
                    let key = readable(r.get(1))?.unwrap_or_else(|| format!("at rowid {id}"));
                    open = Some((id, key, content, readable(r.get(7))?.flatten()));
                }
                if let Some(o) = open.as_mut() {
                    add_judgment(&mut o.2, r, 8)?;
                }
                Ok(ControlFlow::Continue(()))
            })?;
            close(open, &mut prev);
        }
        Chain::Decisions => {
            let mut stmt = conn.prepare(&format!(
                "SELECT d.id, i.item_key, d.kind, d.label, d.reason_code, d.erring, d.text,
                        d.actor, d.at, d.reverts, d.chain, {decision_round}
                 FROM decisions d JOIN items i ON i.id = d.item_id
                 WHERE i.batch_id = ?1 ORDER BY d.id"
            ))?;
            stmt.for_each(params![batch_id], |r| {
                let id: i64 = r.get(0)?;
                let digest = readable((|| {
                    Ok(chain::decision(&DecisionFields {
                        item_key: r.str(1)?,
                        kind: r.str(2)?,
                        label: r.str_opt(3)?,
                        reason_code: r.str_opt(4)?,
                        erring: r.str(5)?,
                        text: r.str(6)?,
                        actor: r.str(7)?,
                        at: r.str(8)?,
                        reverts: r.get(9)?,
                        round: r.get(11)?,
                    }))
                })())?
                .unwrap_or_else(|| unreadable().digest());
                prev = chain::link(&prev, &digest);
                let stored = readable(r.get(10))?.flatten();
                each(id, &|| format!("decision {id}"), prev, stored);
                Ok(ControlFlow::Continue(()))
            })?;
        }
        Chain::Events => {
            // `= ?1` or `IS NULL`, as in [`Chain::last`]
            let mut stmt = conn.prepare(if batch_id.is_some() {
                "SELECT e.id, i.item_key, e.actor, e.at, e.action, e.details, e.chain, e.account
                 FROM events e LEFT JOIN items i ON i.id = e.item_id
                 WHERE e.batch_id = ?1 ORDER BY e.id"
            } else {
                "SELECT e.id, i.item_key, e.actor, e.at, e.action, e.details, e.chain, e.account
                 FROM events e LEFT JOIN items i ON i.id = e.item_id
                 WHERE e.batch_id IS NULL AND CAST(?1 AS BIGINT) IS NULL ORDER BY e.id"
            })?;
            stmt.for_each(params![batch_id], |r| {
                let id: i64 = r.get(0)?;
                let digest = readable((|| {
                    Ok(chain::event(
                        r.str_opt(1)?,
                        r.str(2)?,
                        r.str_opt(7)?,
                        r.str(3)?,
                        r.str(4)?,
                        r.str(5)?,
                    ))
                })())?
                .unwrap_or_else(|| unreadable().digest());
                prev = chain::link(&prev, &digest);
                let stored = readable(r.get(6))?.flatten();
                each(id, &|| format!("event {id}"), prev, stored);
                Ok(ControlFlow::Continue(()))
            })?;
        }
        Chain::Rounds => walk_rounds(conn, batch_id, &mut each)?,
    }
    Ok(())
}

/// [`walk`] over the later rounds of a batch's items, each with its judgments.
fn walk_rounds(conn: &Db, batch_id: Option<i64>, each: &mut Visit<'_>) -> Result<()> {
    let mut prev = START;
    let mut stmt = conn.prepare(
        "SELECT r.id, i.item_key, r.round, r.panel_kind, r.counts, ru.sha256, r.answers,
                r.actor, r.at, r.chain, j.reviewer, j.label, j.raw_confidence, j.confidence,
                j.evidence, j.attributes,
                (SELECT v.version FROM item_rubric_versions v
                 WHERE v.item_id = r.item_id AND v.round = r.round)
         FROM rounds r JOIN items i ON i.id = r.item_id JOIN rubrics ru ON ru.id = r.rubric_id
         LEFT JOIN judgments j ON j.item_id = r.item_id AND j.round = r.round
         WHERE i.batch_id = ?1 ORDER BY r.id, j.seq",
    )?;
    // the round being hashed: (id, item key, round, content so far, stored link)
    type Open = (i64, String, i64, chain::Content, Option<Vec<u8>>);
    let mut open: Option<Open> = None;
    let mut close = |open: Option<Open>, prev: &mut Link| {
        if let Some((id, key, round, content, stored)) = open {
            *prev = chain::link(prev, &content.digest());
            each(
                id,
                &|| format!("round {round} of item `{key}`"),
                *prev,
                stored,
            );
        }
    };
    stmt.for_each(params![batch_id], |r| {
        let id: i64 = r.get(0)?;
        if open.as_ref().is_none_or(|o| o.0 != id) {
            close(open.take(), &mut prev);
            let round = readable(r.get(2))?.unwrap_or(0);
            let content = readable((|| {
                Ok(chain::round(&RoundFields {
                    item_key: r.str(1)?,
                    round,
                    panel_kind: r.str(3)?,
                    counts: r.str(4)?,
                    rubric_sha256: r.str(5)?,
                    named_version: r.get(16)?,
                    answers: r.get(6)?,
                    actor: r.str(7)?,
                    at: r.str(8)?,
                }))
            })())?
            .unwrap_or_else(unreadable);
            let key = readable(r.get(1))?.unwrap_or_else(|| format!("at rowid {id}"));
            open = Some((id, key, round, content, readable(r.get(9))?.flatten()));
        }
        if let Some(o) = open.as_mut() {
            add_judgment(&mut o.3, r, 10)?;
        }
        Ok(ControlFlow::Continue(()))
    })?;
    close(open, &mut prev);
    Ok(())
}

/// The head of a batch's record as its rows now stand (name, rubric and last stored links).
pub(super) fn head(conn: &Db, batch_id: i64) -> Result<String> {
    let (name, sha): (String, String) = conn
        .prepare_cached(&format!(
            "SELECT b.name, r.sha256 FROM batches b JOIN rubrics r ON r.id = {CURRENT_RUBRIC}
             WHERE b.id = ?1"
        ))?
        .query_row(params![batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let has_rounds: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM rounds r CROSS JOIN items i ON i.id = r.item_id
                            WHERE i.batch_id = ?1)",
        )?
        .query_row(params![batch_id], |r| r.get(0))?;
    let rounds = if has_rounds {
        Some(Chain::Rounds.last(conn, Some(batch_id))?)
    } else {
        None
    };
    Ok(chain::head(
        &name,
        &sha,
        &Chain::Items.last(conn, Some(batch_id))?,
        &Chain::Decisions.last(conn, Some(batch_id))?,
        rounds.as_ref(),
    ))
}

impl Store {
    /// Recomputes every link of `batch` from its rows and names the first row of each chain
    /// whose stored link differs: a row changed, removed or inserted after it was written.
    pub fn verify(&self, batch: &Batch) -> Result<Verification> {
        let mut rows = [0u64; 4];
        let mut breaks = Vec::new();
        // every version of the batch's rubric, the one it was imported under first
        let rubrics: Vec<(u32, String, String)> = self
            .conn
            .prepare(
                "SELECT r.version, r.yaml, r.sha256 FROM batches b JOIN rubrics r ON r.id = b.rubric_id
                 WHERE b.id = ?1
                 UNION ALL
                 SELECT r.version, r.yaml, r.sha256 FROM batch_rubrics br
                 JOIN rubrics r ON r.id = br.rubric_id WHERE br.batch_id = ?1",
            )?
            .query_map(params![batch.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if let Some((version, _, _)) = rubrics
            .iter()
            .find(|(_, yaml, sha)| sha256_hex(yaml.as_bytes()) != *sha)
        {
            breaks.push(Break {
                part: "rubric",
                row: format!("the rubric of batch `{}` (version {version})", batch.name),
            });
        }
        for (n, chain) in [Chain::Items, Chain::Decisions, Chain::Events, Chain::Rounds]
            .into_iter()
            .enumerate()
        {
            let mut first: Option<String> = None;
            walk(
                &self.conn,
                chain,
                Some(batch.id),
                Schema::Current,
                |_, name, computed, stored| {
                    rows[n] += 1;
                    if first.is_none() && stored.as_deref() != Some(&computed[..]) {
                        first = Some(name());
                    }
                },
            )?;
            breaks.extend(first.map(|row| Break {
                part: chain.name(),
                row,
            }));
        }
        let [items, decisions, events, rounds] = rows;
        // The database's own events (the staff list's changes) are a chain of their own, and
        // the staff list must be what they add up to.
        let mut first: Option<String> = None;
        walk(
            &self.conn,
            Chain::Events,
            None,
            Schema::Current,
            |_, name, computed, stored| {
                if first.is_none() && stored.as_deref() != Some(&computed[..]) {
                    first = Some(name());
                }
            },
        )?;
        breaks.extend(first.map(|row| Break {
            part: "events of no batch",
            row,
        }));
        breaks.extend(
            super::staff::unlogged_member(&self.conn)?.map(|row| Break { part: "staff", row }),
        );
        let models = self.models(batch)?.len() as u64;
        breaks.extend(
            self.changed_models(batch)?
                .into_iter()
                .map(|(name, version)| Break {
                    part: "predictions",
                    row: format!("the predictions of model `{name}` v{version}"),
                }),
        );
        Ok(Verification {
            items,
            decisions,
            events,
            models,
            rounds,
            breaks,
            head: head(&self.conn, batch.id)?,
        })
    }
}

/// Schema 4's hook: links the rows written before it, then restores the triggers.
pub(super) fn link_old_rows(tx: &Db) -> Result<()> {
    let batches: Vec<Option<i64>> = tx
        .prepare("SELECT id FROM batches UNION ALL SELECT NULL")?
        .query_map(&[], |r| r.get(0))?;
    // (schema 4 had no rounds)
    let chains = [
        (Chain::Items, "UPDATE items SET chain = ?2 WHERE id = ?1"),
        (
            Chain::Decisions,
            "UPDATE decisions SET chain = ?2 WHERE id = ?1",
        ),
        (Chain::Events, "UPDATE events SET chain = ?2 WHERE id = ?1"),
    ];
    for batch in batches {
        for (chain, sql) in chains {
            let mut links = Vec::new();
            walk(
                tx,
                chain,
                batch,
                Schema::BeforeRounds,
                |id, _, computed, _| links.push((id, computed)),
            )?;
            let mut update = tx.prepare(sql)?;
            for (id, link) in links {
                update.execute(params![id, &link[..]])?;
            }
        }
    }
    tx.execute_batch(LINK_TRIGGERS)
}
