//! Claims: who is deciding an item now. Opening an item for a decision claims it for a limited
//! time; the claim is renewed while the form is open, released on decision, cancel or quit, and
//! lapses on its own after a crash. Nobody else decides a claimed item meanwhile.

use super::batches::{Batch, BatchStatus};
use super::db::{Db, Optional, params};
use super::events::{NewEvent, append};
use super::staff::require;
use super::{ItemAt, Result, Store, StoreError};
use crate::domain::team::{Act, CLAIM_TTL_SECS};

/// A live claim on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The item's id in its batch.
    pub item_id: String,
    /// Who holds it.
    pub holder: String,
    /// The OS account of the process that took it, when known.
    pub account: Option<String>,
    /// When it was taken, RFC 3339 UTC.
    pub since: String,
    /// When it lapses unless renewed, Unix seconds.
    pub expires: i64,
}

/// `at` (RFC 3339) as Unix seconds.
pub(super) fn unix(at: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.timestamp())
        .map_err(|_| StoreError::BadTime(at.into()))
}

/// The live claim on an item at `now` (Unix seconds), if any.
pub(super) fn live(conn: &Db, item: ItemAt<'_>, now: i64) -> Result<Option<Claim>> {
    conn.prepare_cached(
        "SELECT holder, account, since, expires FROM claims WHERE item_id = ?1 AND expires > ?2",
    )?
    .query_row(params![item.id, now], |r| {
        Ok(Claim {
            item_id: item.key.to_string(),
            holder: r.get(0)?,
            account: r.get(1)?,
            since: r.get(2)?,
            expires: r.get(3)?,
        })
    })
    .optional()
}

/// The live claims on a batch's items at `now` (Unix seconds), by item id.
pub(super) fn live_in(conn: &Db, batch: &Batch, now: i64) -> Result<Vec<Claim>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.item_key, c.holder, c.account, c.since, c.expires
         FROM claims c CROSS JOIN items i ON i.id = c.item_id
         WHERE i.batch_id = ?1 AND c.expires > ?2 ORDER BY i.item_key",
    )?;
    let rows = stmt.query_map(params![batch.id, now], |r| {
        Ok(Claim {
            item_id: r.get(0)?,
            holder: r.get(1)?,
            account: r.get(2)?,
            since: r.get(3)?,
            expires: r.get(4)?,
        })
    })?;
    Ok(rows)
}

/// Refuses a write on `item` by `who` while someone else holds a live claim on it.
pub(super) fn not_held_by_another(conn: &Db, item: ItemAt<'_>, who: &str, now: i64) -> Result<()> {
    match live(conn, item, now)? {
        Some(c) if c.holder != who => Err(StoreError::Claimed(Box::new(c))),
        _ => Ok(()),
    }
}

/// Drops `who`'s claim on `item`, if they hold one.
pub(super) fn drop_own(conn: &Db, item_id: i64, who: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM claims WHERE item_id = ?1 AND holder = ?2")?
        .execute(params![item_id, who])?;
    Ok(())
}

impl Store {
    /// Claims an item for `actor` (or renews their claim) until [`CLAIM_TTL_SECS`] after `at`.
    /// Refused while another person's claim on it is live, or when `actor` may not decide.
    pub fn claim(&mut self, batch: &Batch, item_key: &str, actor: &str, at: &str) -> Result<Claim> {
        let now = unix(at)?;
        let item = self.item_at(batch, item_key)?;
        let tx = self.conn.write_tx()?;
        require(&tx, actor, Act::Decide)?;
        // Read under the write lock: a batch finalized meanwhile takes no claim.
        if super::batches::status_of(&tx, batch.id)? == BatchStatus::Finalized {
            return Err(StoreError::Finalized(batch.name.clone()));
        }
        super::assignments::not_reserved_for_another(&tx, item, actor)?;
        not_held_by_another(&tx, item, actor, now)?;
        let since = match live(&tx, item, now)? {
            Some(own) => own.since,
            None => at.to_string(),
        };
        let expires = now + CLAIM_TTL_SECS;
        tx.prepare_cached(
            "INSERT INTO claims (item_id, holder, account, since, expires) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (item_id) DO UPDATE SET holder = ?2, account = ?3, since = ?4, expires = ?5",
        )?
        .execute(params![item.id, actor, self.account, since, expires])?;
        tx.commit()?;
        Ok(Claim {
            item_id: item_key.to_string(),
            holder: actor.to_string(),
            account: self.account.clone(),
            since,
            expires,
        })
    }

    /// Renews `actor`'s live claim on an item until [`CLAIM_TTL_SECS`] after `at`; `false` when
    /// they no longer hold one (a QA lead broke it, or it lapsed): a claim broken is never taken
    /// back behind the QA lead's back.
    pub fn renew_claim(
        &mut self,
        batch: &Batch,
        item_key: &str,
        actor: &str,
        at: &str,
    ) -> Result<bool> {
        let now = unix(at)?;
        let item = self.item_at(batch, item_key)?;
        let tx = self.conn.write_tx()?;
        let renewed = tx
            .prepare_cached(
                "UPDATE claims SET expires = ?1 WHERE item_id = ?2 AND holder = ?3 AND expires > ?4",
            )?
            .execute(params![now + CLAIM_TTL_SECS, item.id, actor, now])?;
        tx.commit()?;
        Ok(renewed == 1)
    }

    /// Releases `actor`'s claim on an item (cancel, quit); nothing if they hold none.
    pub fn release(&mut self, batch: &Batch, item_key: &str, actor: &str) -> Result<()> {
        let item = self.item_at(batch, item_key)?;
        let tx = self.conn.write_tx()?;
        drop_own(&tx, item.id, actor)?;
        tx.commit()?;
        Ok(())
    }

    /// The live claims on a batch's items at `at`, by item id.
    pub fn claims(&self, batch: &Batch, at: &str) -> Result<Vec<Claim>> {
        live_in(&self.conn, batch, unix(at)?)
    }

    /// The live claim on one item at `at`, if any.
    pub fn claim_on(&self, batch: &Batch, item_key: &str, at: &str) -> Result<Option<Claim>> {
        let item = self.item_at(batch, item_key)?;
        live(&self.conn, item, unix(at)?)
    }

    /// Whether a claim on one of the batch's items lapsed after `after` and by `upto` (a lapse
    /// commits nothing, so consoles look for one).
    pub fn claim_lapsed(&self, batch: &Batch, after: &str, upto: &str) -> Result<bool> {
        self.conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM claims c CROSS JOIN items i ON i.id = c.item_id
                            WHERE i.batch_id = ?1 AND c.expires > ?2 AND c.expires <= ?3)",
            )?
            .query_row(params![batch.id, unix(after)?, unix(upto)?], |r| r.get(0))
    }

    /// Breaks the live claim on an item (a QA lead's act, logged with whose claim it was).
    pub fn break_claim(
        &mut self,
        batch: &Batch,
        item_key: &str,
        actor: &str,
        at: &str,
    ) -> Result<Claim> {
        let item = self.item_at(batch, item_key)?;
        let tx = self.conn.write_tx()?;
        require(&tx, actor, Act::BreakClaim)?;
        let claim =
            live(&tx, item, unix(at)?)?.ok_or_else(|| StoreError::NoClaim(item_key.into()))?;
        tx.execute("DELETE FROM claims WHERE item_id = ?1", params![item.id])?;
        append(
            &tx,
            &NewEvent {
                batch_id: Some(batch.id),
                item: Some(item),
                actor,
                account: self.account.as_deref(),
                at,
                action: "break_claim",
                details: &serde_json::json!({"holder": claim.holder, "since": claim.since}),
            },
        )?;
        tx.commit()?;
        Ok(claim)
    }
}
