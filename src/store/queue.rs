//! The triage queue: filtered, sorted pages by keyset over indexed columns (never OFFSET), and
//! the per-class / per-flag counts of the queue header.

use super::batches::Batch;
use super::db::{self, FromDb, Row, Value, ValueRef, params};
use super::{Result, Store, StoreError};
use crate::domain::decision::DecisionStatus;
use crate::domain::model::{DisagreementClass, FlagKind, FlagSet};

/// Which items the queue shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFilter {
    /// Only items carrying at least one flag.
    pub flagged_only: bool,
    /// Only items carrying this flag.
    pub flag: Option<FlagKind>,
    /// Only items of this class.
    pub class: Option<DisagreementClass>,
    /// Only items with this decision status.
    pub status: Option<DecisionStatus>,
    /// Only items of this task.
    pub task: Option<String>,
    /// Only items whose id or payload text contains this (case-insensitive for ASCII).
    pub search: Option<String>,
    /// Only items assigned to this reviewer.
    pub assignee: Option<String>,
    /// The model (the version in force) whose KL the queue shows and [`SortKey::Kl`] orders by.
    pub model: Option<String>,
}

/// Queue order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    /// Flagged items first, then highest entropy first (the default view).
    #[default]
    Triage,
    /// Highest entropy first.
    Entropy,
    /// Lowest mean confidence first; unreported last.
    Confidence,
    /// Most contested class first (major, unresolved, minor, agreement), then entropy.
    Class,
    /// By item id.
    Id,
    /// Where the model of [`QueueFilter::model`] parts most from the panel first: its KL at
    /// import, highest first (items it does not predict are left out).
    Kl,
}

impl SortKey {
    /// Every order, in the order the console cycles through them.
    pub const ALL: [SortKey; 5] = [
        SortKey::Triage,
        SortKey::Entropy,
        SortKey::Confidence,
        SortKey::Class,
        SortKey::Id,
    ];

    /// The name used in the CLI and the console.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Triage => "triage",
            SortKey::Entropy => "entropy",
            SortKey::Confidence => "confidence",
            SortKey::Class => "class",
            SortKey::Id => "id",
            SortKey::Kl => "kl",
        }
    }

    /// Parses the name used in the CLI.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .chain([SortKey::Kl])
            .find(|k| k.as_str() == s)
    }

    /// The items table walked through this order's index.
    fn table(self) -> &'static str {
        match self {
            SortKey::Triage => "items INDEXED BY items_queue_default",
            SortKey::Entropy => "items INDEXED BY items_queue_entropy",
            SortKey::Confidence => "items INDEXED BY items_queue_confidence",
            SortKey::Class => "items INDEXED BY items_queue_class",
            SortKey::Id | SortKey::Kl => "items INDEXED BY sqlite_autoindex_items_1",
        }
    }

    /// The ascending key columns of this order; the last is always the unique `item_key`.
    fn columns(self) -> &'static [&'static str] {
        match self {
            SortKey::Triage => &["unflagged", "neg_entropy", "item_key"],
            SortKey::Entropy => &["neg_entropy", "item_key"],
            SortKey::Confidence => &["conf_key", "item_key"],
            SortKey::Class => &["class_rank", "neg_entropy", "item_key"],
            SortKey::Id | SortKey::Kl => &["item_key"],
        }
    }
}

/// Which way to page from a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Rows after the anchor (or from the start).
    Forward,
    /// Rows before the anchor (or from the end), returned in queue order.
    Backward,
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    /// Item id.
    pub item_id: String,
    /// Task.
    pub task: String,
    /// Number of judgments.
    pub reviewer_count: u64,
    /// Plurality label.
    pub top_label: Option<String>,
    /// Share of the plurality label.
    pub top_share: f64,
    /// Entropy in bits.
    pub entropy_bits: f64,
    /// Entropy as a fraction of the maximum.
    pub normalized_entropy: f64,
    /// Mean reported confidence.
    pub mean_confidence: Option<f64>,
    /// Disagreement class.
    pub class: DisagreementClass,
    /// Flags.
    pub flags: FlagSet,
    /// Decision status.
    pub status: DecisionStatus,
    /// Who is deciding it now (a live claim), if anyone.
    pub claimed_by: Option<String>,
    /// The KL of [`QueueFilter::model`] at its import, with the item's rowid (the order of
    /// [`SortKey::Kl`]), when the queue was read with a model that predicts the item.
    pub kl: Option<(f64, i64)>,
    /// Sort key values (unflagged, neg_entropy, conf_key, class_rank), for keyset paging.
    keys: [SortValue; 4],
}

/// One sort-key value of a queue row, as the store compares it when paging from that row.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    /// A whole number.
    Int(i64),
    /// A real number.
    Real(f64),
    /// Text.
    Text(String),
    /// No value.
    Null,
}

impl FromDb for SortValue {
    fn from_db(value: ValueRef<'_>) -> std::result::Result<SortValue, String> {
        Ok(match Value::from_db(value)? {
            Value::Int(i) => SortValue::Int(i),
            Value::Real(r) => SortValue::Real(r),
            Value::Text(t) => SortValue::Text(t),
            Value::Null => SortValue::Null,
            Value::Blob(_) => return Err("a blob where a sort key is kept".into()),
        })
    }
}

impl From<&SortValue> for Value {
    fn from(v: &SortValue) -> Value {
        match v {
            SortValue::Int(i) => Value::Int(*i),
            SortValue::Real(r) => Value::Real(*r),
            SortValue::Text(t) => Value::Text(t.clone()),
            SortValue::Null => Value::Null,
        }
    }
}

/// Counts of the items a filter shows, by class, flag and status.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueCounts {
    /// Items shown.
    pub total: u64,
    /// Items per class, in [`DisagreementClass::ALL`] order.
    pub by_class: [u64; 4],
    /// Items per flag, in [`FlagKind::ALL`] order.
    pub by_flag: [u64; 5],
    /// Items per status, in [`DecisionStatus::ALL`] order.
    pub by_status: [u64; 4],
    /// Items carrying any flag.
    pub flagged: u64,
}

impl QueueCounts {
    fn add(&mut self, class: DisagreementClass, flags: FlagSet, status: DecisionStatus, n: u64) {
        self.total += n;
        if let Some(i) = DisagreementClass::ALL.iter().position(|c| *c == class) {
            self.by_class[i] += n;
        }
        for (i, f) in FlagKind::ALL.iter().enumerate() {
            if flags.contains(*f) {
                self.by_flag[i] += n;
            }
        }
        if let Some(i) = DecisionStatus::ALL.iter().position(|s| *s == status) {
            self.by_status[i] += n;
        }
        if !flags.is_empty() {
            self.flagged += n;
        }
    }
}

const ROW_COLUMNS: &str = "item_key, task, reviewer_count, top_label, top_share, entropy, norm_entropy, \
     mean_confidence, class, flags, status, unflagged, neg_entropy, conf_key, class_rank";

fn row_from(r: &Row<'_>) -> Result<QueueRow> {
    let class: String = r.get(8)?;
    let status: String = r.get(10)?;
    let flags: i64 = r.get(9)?;
    Ok(QueueRow {
        item_id: r.get(0)?,
        task: r.get(1)?,
        reviewer_count: u64::try_from(r.get::<i64>(2)?).unwrap_or(0),
        top_label: r.get(3)?,
        top_share: r.get(4)?,
        entropy_bits: r.get(5)?,
        normalized_entropy: r.get(6)?,
        mean_confidence: r.get(7)?,
        class: DisagreementClass::parse(&class).unwrap_or(DisagreementClass::Unresolved),
        flags: FlagSet(u8::try_from(flags).unwrap_or(0)),
        status: DecisionStatus::parse(&status).unwrap_or(DecisionStatus::Pending),
        keys: [r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?],
        claimed_by: None,
        kl: None,
    })
}

impl QueueRow {
    fn key_value(&self, column: &str) -> Value {
        match column {
            "unflagged" => Value::from(&self.keys[0]),
            "neg_entropy" => Value::from(&self.keys[1]),
            "conf_key" => Value::from(&self.keys[2]),
            "class_rank" => Value::from(&self.keys[3]),
            _ => Value::Text(self.item_id.clone()),
        }
    }
}

/// How a search is answered.
enum Search {
    /// No search.
    None,
    /// A substring scan (`LIKE` pattern) — for searches of fewer than three characters.
    Like(String),
    /// The trigram index; `few` when it matches few enough items to drive the query.
    Index {
        /// The search as an FTS5 phrase.
        phrase: String,
        /// Few matches: read them through the index and sort them, rather than walk the
        /// sort index looking for them.
        few: bool,
    },
    /// PostgreSQL: a case-blind `ILIKE` pattern, answered through the trigram indexes (of 3
    /// characters or more); `few` as above.
    Trigram {
        /// The `ILIKE` pattern.
        pattern: String,
        /// Few matches.
        few: bool,
    },
}

/// The condition of a search on `items_search` on PostgreSQL, its pattern bound as `?n`.
fn trigram_match(n: usize) -> String {
    format!("item_key ILIKE ?{n} ESCAPE '\\' OR body ILIKE ?{n} ESCAPE '\\'")
}

/// The items table when few rows match: no index may be used but the rowid.
const FEW_TABLE: &str = "items NOT INDEXED";

/// Matches up to this many are read through the search index and sorted.
const FEW_MATCHES: i64 = 20_000;
/// Items indexed for search per transaction, so other writers wait at most one chunk.
const SEARCH_CHUNK: i64 = 50_000;

/// The WHERE conditions of a filter (after `batch_id = ?`), with their bound values.
fn filter_sql(filter: &QueueFilter, search: &Search, sql: &mut String, args: &mut Vec<Value>) {
    if filter.flagged_only {
        sql.push_str(" AND unflagged = 0");
    }
    if let Some(f) = filter.flag {
        args.push(Value::Int(i64::from(f.bit())));
        sql.push_str(&format!(" AND (flags & ?{}) != 0", args.len()));
    }
    if let Some(c) = filter.class {
        args.push(Value::Text(c.as_str().into()));
        sql.push_str(&format!(" AND class = ?{}", args.len()));
    }
    if let Some(s) = filter.status {
        args.push(Value::Text(s.as_str().into()));
        sql.push_str(&format!(" AND status = ?{}", args.len()));
    }
    if let Some(t) = &filter.task {
        args.push(Value::Text(t.clone()));
        sql.push_str(&format!(" AND task = ?{}", args.len()));
    }
    if let Some(a) = &filter.assignee {
        args.push(Value::Text(a.clone()));
        sql.push_str(&format!(
            " AND id IN (SELECT item_id FROM assignments WHERE assignee = ?{})",
            args.len()
        ));
    }
    match search {
        Search::None => {}
        Search::Like(pattern) => {
            args.push(Value::Text(pattern.clone()));
            let n = args.len();
            sql.push_str(&format!(
                " AND id IN (SELECT rowid FROM items_search \
                 WHERE item_key LIKE ?{n} ESCAPE '\\' OR body LIKE ?{n} ESCAPE '\\')"
            ));
        }
        Search::Index { phrase, .. } => {
            args.push(Value::Text(phrase.clone()));
            sql.push_str(&format!(
                " AND id IN (SELECT rowid FROM items_search WHERE items_search MATCH ?{})",
                args.len()
            ));
        }
        // Few matches: found first, through the trigram indexes, once (an `ARRAY` subquery is
        // run before the rest), then read by id and sorted — the planner, left to choose, would
        // walk the batch in the page's order probing the search table for each item.
        Search::Trigram { pattern, few } => {
            args.push(Value::Text(pattern.clone()));
            let matching = if *few {
                "id = ANY (ARRAY(SELECT item_id FROM items_search WHERE {}))"
            } else {
                "id IN (SELECT item_id FROM items_search WHERE {})"
            };
            sql.push_str(" AND ");
            sql.push_str(&matching.replace("{}", &trigram_match(args.len())));
        }
    }
}

/// The WHERE conditions of a filter with no search (after `batch_id = ?`).
pub(super) fn plain_filter_sql(filter: &QueueFilter, sql: &mut String, args: &mut Vec<Value>) {
    filter_sql(filter, &Search::None, sql, args);
}

impl Store {
    /// Up to `limit` queue rows after (or before) `anchor` in `sort` order.
    pub fn queue_page(
        &self,
        batch: &Batch,
        filter: &QueueFilter,
        sort: SortKey,
        anchor: Option<&QueueRow>,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<QueueRow>> {
        let mut rows = match (sort, &filter.model) {
            (SortKey::Kl, Some(name)) => {
                let model = self.model(batch, name)?.id;
                self.kl_page(batch, filter, model, anchor, direction, limit)?
            }
            (SortKey::Kl, None) => return Err(StoreError::KlWithoutModel),
            _ => {
                let mut rows = self.sorted_page(batch, filter, sort, anchor, direction, limit)?;
                if let Some(name) = &filter.model {
                    self.mark_kl(batch, name, &mut rows)?;
                }
                rows
            }
        };
        // Who is deciding what: the few live claims of the batch, marked on the page.
        let claims = super::claims::live_in(&self.conn, batch, chrono::Utc::now().timestamp())?;
        if !claims.is_empty() {
            for row in &mut rows {
                row.claimed_by = claims
                    .iter()
                    .find(|c| c.item_id == row.item_id)
                    .map(|c| c.holder.clone());
            }
        }
        Ok(rows)
    }

    /// A page of the queue in `model`'s KL order, highest first: the KL index walked from the
    /// anchor, each item read by its rowid.
    fn kl_page(
        &self,
        batch: &Batch,
        filter: &QueueFilter,
        model: i64,
        anchor: Option<&QueueRow>,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<QueueRow>> {
        let mut args = vec![Value::Int(batch.id), Value::Int(model)];
        let mut sql = format!(
            "SELECT {ROW_COLUMNS}, p.kl, p.item_id
             FROM predictions p INDEXED BY predictions_by_kl CROSS JOIN items ON items.id = p.item_id
             WHERE p.model_id = ?2 AND batch_id = ?1"
        );
        self.sync_search_index(filter)?;
        let search = self.search_plan(filter)?;
        filter_sql(filter, &search, &mut sql, &mut args);
        let (cmp, order) = match direction {
            Direction::Forward => ("<", "DESC"),
            Direction::Backward => (">", "ASC"),
        };
        if let Some((kl, id)) = anchor.and_then(|a| a.kl) {
            args.push(Value::Real(kl));
            args.push(Value::Int(id));
            let n = args.len();
            sql.push_str(&format!(" AND (p.kl, p.item_id) {cmp} (?{}, ?{n})", n - 1));
        }
        sql.push_str(&format!(
            " ORDER BY p.kl {order}, p.item_id {order} LIMIT {limit}"
        ));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map(&db::args(&args), |r| {
            let mut row = row_from(r)?;
            row.kl = Some((r.get(15)?, r.get(16)?));
            Ok(row)
        })?;
        if direction == Direction::Backward {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Marks each row with model `name`'s stored KL (against the item's latest round), where it predicts the item: one query
    /// for the page.
    fn mark_kl(&self, batch: &Batch, name: &str, rows: &mut [QueueRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let model = self.model(batch, name)?.id;
        let marks = vec!["?"; rows.len()].join(", ");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT i.item_key, p.kl, p.item_id FROM items i CROSS JOIN predictions p
             ON p.model_id = ?1 AND p.item_id = i.id
             WHERE i.batch_id = ?2 AND i.item_key IN ({marks})"
        ))?;
        let args: Vec<Value> = [Value::Int(model), Value::Int(batch.id)]
            .into_iter()
            .chain(rows.iter().map(|r| Value::Text(r.item_id.clone())))
            .collect();
        let found: std::collections::HashMap<String, (f64, i64)> = stmt
            .query_map(&db::args(&args), |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
            })?
            .into_iter()
            .collect();
        for row in rows {
            row.kl = found.get(&row.item_id).copied();
        }
        Ok(())
    }

    /// A page of the queue in one of the items' own orders.
    fn sorted_page(
        &self,
        batch: &Batch,
        filter: &QueueFilter,
        sort: SortKey,
        anchor: Option<&QueueRow>,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<QueueRow>> {
        // A filter that matches nothing would scan every row to find so: the maintained counts
        // say so at once.
        let narrowed = filter.flag.is_some()
            || filter.class.is_some()
            || filter.status.is_some()
            || filter.task.is_some();
        if narrowed && filter.search.is_none() && self.queue_counts(batch, filter)?.total == 0 {
            return Ok(Vec::new());
        }
        self.sync_search_index(filter)?;
        let search = self.search_plan(filter)?;
        // Name the index that walks this order under this filter, so the planner never trades
        // it for an equality index and a sort of a million rows.
        let table = match (self.few(filter, &search)?, sort) {
            (true, _) => FEW_TABLE,
            (_, SortKey::Triage) if filter.class.is_some() => {
                "items INDEXED BY items_triage_by_class"
            }
            (_, SortKey::Triage) if filter.status.is_some() => {
                "items INDEXED BY items_triage_by_status"
            }
            (_, sort) => sort.table(),
        };
        let mut args = vec![Value::Int(batch.id)];
        let mut sql = format!("SELECT {ROW_COLUMNS} FROM {table} WHERE batch_id = ?1");
        filter_sql(filter, &search, &mut sql, &mut args);
        let cols = sort.columns();
        let (cmp, order) = match direction {
            Direction::Forward => (">", "ASC"),
            Direction::Backward => ("<", "DESC"),
        };
        if let Some(a) = anchor {
            let mut marks = Vec::with_capacity(cols.len());
            for c in cols {
                args.push(a.key_value(c));
                marks.push(format!("?{}", args.len()));
            }
            sql.push_str(&format!(
                " AND ({}) {cmp} ({})",
                cols.join(", "),
                marks.join(", ")
            ));
        }
        let order_by: Vec<String> = cols.iter().map(|c| format!("{c} {order}")).collect();
        sql.push_str(&format!(" ORDER BY {} LIMIT {limit}", order_by.join(", ")));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query_map(&db::args(&args), row_from)?;
        if direction == Direction::Backward {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Counts of the items `filter` shows. Without a search these come from the maintained
    /// `queue_counts` table, so they cost nothing at a million items.
    pub fn queue_counts(&self, batch: &Batch, filter: &QueueFilter) -> Result<QueueCounts> {
        let mut args = vec![Value::Int(batch.id)];
        let mut sql = String::new();
        self.sync_search_index(filter)?;
        let search = self.search_plan(filter)?;
        let table = if matches!(search, Search::None) && filter.assignee.is_none() {
            let plain = QueueFilter {
                flagged_only: false,
                ..filter.clone()
            };
            filter_sql(&plain, &Search::None, &mut sql, &mut args);
            if filter.flagged_only {
                sql.push_str(" AND flags != 0");
            }
            format!(
                "SELECT class, flags, status, CAST(sum(n) AS BIGINT) FROM queue_counts WHERE batch_id = ?1{sql} GROUP BY class, flags, status"
            )
        } else {
            filter_sql(filter, &search, &mut sql, &mut args);
            let table = if self.few(filter, &search)? {
                FEW_TABLE
            } else {
                "items"
            };
            format!(
                "SELECT class, flags, status, count(*) FROM {table} WHERE batch_id = ?1{sql} GROUP BY class, flags, status"
            )
        };
        let mut stmt = self.conn.prepare_cached(&table)?;
        let mut rows = stmt.query(&db::args(&args))?;
        let mut counts = QueueCounts::default();
        while let Some(r) = rows.next()? {
            let class: String = r.get(0)?;
            let flags: i64 = r.get(1)?;
            let status: String = r.get(2)?;
            let n: i64 = r.get(3)?;
            counts.add(
                DisagreementClass::parse(&class).unwrap_or(DisagreementClass::Unresolved),
                FlagSet(u8::try_from(flags).unwrap_or(0)),
                DecisionStatus::parse(&status).unwrap_or(DecisionStatus::Pending),
                u64::try_from(n).unwrap_or(0),
            );
        }
        Ok(counts)
    }

    /// Whether `filter` matches few enough items (by its search, or its assignee) to read them
    /// by rowid and sort them, rather than walk a sort index looking for them.
    fn few(&self, filter: &QueueFilter, search: &Search) -> Result<bool> {
        if matches!(
            search,
            Search::Index { few: true, .. } | Search::Trigram { few: true, .. }
        ) {
            return Ok(true);
        }
        let Some(a) = &filter.assignee else {
            return Ok(false);
        };
        let assigned: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM assignments WHERE assignee = ?1 LIMIT ?2) a",
            )?
            .query_row(params![a, FEW_MATCHES + 1], |r| r.get(0))?;
        Ok(assigned <= FEW_MATCHES)
    }

    /// How `filter`'s search is answered (after [`Store::sync_search_index`]); reads only.
    fn search_plan(&self, filter: &QueueFilter) -> Result<Search> {
        let Some(q) = filter.search.as_deref().filter(|q| !q.trim().is_empty()) else {
            return Ok(Search::None);
        };
        let short = q.chars().count() < 3;
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        if self.conn.is_pg() {
            let few = !short && {
                // The limit written in: the server's plan for any pattern under a bound limit
                // scanned the search table (0.5 s against 10 ms at 200k items).
                let matches: i64 = self
                    .conn
                    .prepare_cached(&format!(
                        "SELECT count(*) FROM (SELECT 1 FROM items_search WHERE {} LIMIT {}) m",
                        trigram_match(1),
                        FEW_MATCHES + 1
                    ))?
                    .query_row(params![&pattern], |r| r.get(0))?;
                matches <= FEW_MATCHES
            };
            return Ok(Search::Trigram { pattern, few });
        }
        if short {
            return Ok(Search::Like(pattern));
        }
        let phrase = format!("\"{}\"", q.replace('"', "\"\""));
        let matches: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM items_search WHERE items_search MATCH ?1")?
            .query_row(params![&phrase], |r| r.get(0))?;
        Ok(Search::Index {
            phrase,
            few: matches <= FEW_MATCHES,
        })
    }

    /// When `filter` searches, indexes the items imported since the last search, in chunks so
    /// that other writers are held up at most one chunk. What is searched is each item's id,
    /// the values of its payload (never the field names) and its reviewers' evidence: the
    /// text a user reads on the panel (trigram FTS5).
    fn sync_search_index(&self, filter: &QueueFilter) -> Result<()> {
        if filter.search.as_deref().is_none_or(|q| q.trim().is_empty()) {
            return Ok(());
        }
        let mut indexed = 0;
        loop {
            let tx = self.conn.write_tx()?;
            let (last, newest): (i64, i64) = tx.query_row(
                "SELECT last_id, (SELECT coalesce(max(id), 0) FROM items) FROM search_indexed",
                params![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if newest <= last {
                drop(tx);
                return self.conn.analyze("items_search", indexed);
            }
            let upto = newest.min(last + SEARCH_CHUNK);
            tx.execute(
                if tx.is_pg() {
                    "INSERT INTO items_search (item_id, item_key, body)
                     SELECT i.id, i.item_key, concat_ws(chr(10),
                         (SELECT string_agg(v #>> '{}', chr(10))
                          FROM jsonb_path_query(i.payload::jsonb, 'strict $.**') v
                          WHERE jsonb_typeof(v) NOT IN ('object', 'array')),
                         (SELECT string_agg(j.evidence, chr(10)) FROM judgments j
                          WHERE j.item_id = i.id))
                     FROM items i WHERE i.id > ?1 AND i.id <= ?2"
                } else {
                    "INSERT INTO items_search (rowid, item_key, body)
                     SELECT i.id, i.item_key, concat_ws(char(10),
                         (SELECT group_concat(v.value, char(10)) FROM json_tree(i.payload) v
                          WHERE v.type NOT IN ('object', 'array')),
                         (SELECT group_concat(j.evidence, char(10)) FROM judgments j
                          WHERE j.item_id = i.id))
                     FROM items i WHERE i.id > ?1 AND i.id <= ?2"
                },
                params![last, upto],
            )?;
            tx.execute("UPDATE search_indexed SET last_id = ?1", params![upto])?;
            tx.commit()?;
            indexed += u64::try_from(upto - last).unwrap_or(0);
        }
    }

    /// The tasks present in a batch.
    pub fn tasks(&self, batch: &Batch) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT task FROM queue_counts WHERE batch_id = ?1 ORDER BY task",
        )?;
        let tasks = stmt.query_map(params![batch.id], |r| r.get(0))?;
        Ok(tasks)
    }
}
