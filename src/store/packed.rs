//! Items packed for export: many items' text in one buffer, so that a million items stream
//! without an allocation per string and cross threads in a few large moves.

use std::collections::HashMap;
use std::ops::{ControlFlow, Range};

use super::batches::{Batch, RubricVersions};
use super::db::{Db, params};
use super::decisions::decision_from_row;
use super::{LATEST_COUNTS, LATEST_ROUND, Model, Result, Store, stored};
use crate::domain::decision::{Decision, DecisionStatus};
use crate::domain::model::{DisagreementClass, FlagSet};

/// A run of consecutive items (in `item_id` order) with their panels and decisions.
#[derive(Debug, Default)]
pub struct PackedItems {
    text: String,
    items: Vec<PackedItem>,
    judgments: Vec<PackedJudgment>,
    counts: Vec<u64>,
    decisions: Vec<Decision>,
    /// The model's distributions of the items it predicts, when a model was asked for.
    predicted: Vec<f64>,
    earlier: Vec<EarlierRound>,
}

/// A round before an item's latest, as an export line's history gives it.
#[derive(Debug, Clone)]
pub struct EarlierRound {
    /// 1, 2, …
    pub round: i64,
    /// The rubric version it was judged under.
    pub rubric_version: u32,
    /// Judgments per rubric label, in rubric order.
    pub counts: Vec<u64>,
    /// Its judgments in panel order; none for an item of counts.
    pub judgments: Vec<EarlierJudgment>,
    /// The re-review that sent it back: the decision the next round answers.
    pub sent_back: Option<Decision>,
}

/// One judgment of an earlier round.
#[derive(Debug, Clone)]
pub struct EarlierJudgment {
    /// Reviewer identity.
    pub reviewer: String,
    /// The label chosen.
    pub label: String,
    /// The reviewer's rationale.
    pub evidence: Option<String>,
    /// Confidence in [0, 1], when reported.
    pub confidence: Option<f64>,
}

#[derive(Debug)]
struct PackedItem {
    item_id: Range<usize>,
    task: Range<usize>,
    counts: Range<usize>,
    judgments: Range<usize>,
    decisions: Range<usize>,
    gold_label: Option<Range<usize>>,
    counts_only: bool,
    norm_entropy: f64,
    mean_confidence: Option<f64>,
    class: DisagreementClass,
    flags: FlagSet,
    status: DecisionStatus,
    /// The model's distribution (in `predicted`), when it predicts the item.
    prediction: Option<Range<usize>>,
    round: i64,
    rubric_version: u32,
    earlier: Range<usize>,
}

#[derive(Debug)]
struct PackedJudgment {
    reviewer: Range<usize>,
    label: Range<usize>,
    evidence: Option<Range<usize>>,
    confidence: Option<f64>,
}

/// One packed item, borrowed from its [`PackedItems`].
#[derive(Clone, Copy)]
pub struct ItemRef<'a> {
    packed: &'a PackedItems,
    item: &'a PackedItem,
}

/// One judgment of a packed item.
pub struct JudgmentRef<'a> {
    /// Reviewer identity.
    pub reviewer: &'a str,
    /// The label chosen.
    pub label: &'a str,
    /// The reviewer's rationale.
    pub evidence: Option<&'a str>,
    /// Confidence in [0, 1], when reported.
    pub confidence: Option<f64>,
}

impl PackedItems {
    /// The items, in `item_id` order.
    pub fn iter(&self) -> impl Iterator<Item = ItemRef<'_>> {
        self.items.iter().map(|item| ItemRef { packed: self, item })
    }

    /// Number of items.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn push_text(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }
}

impl<'a> ItemRef<'a> {
    /// Stable identifier of the item within its batch.
    #[must_use]
    pub fn item_id(&self) -> &'a str {
        &self.packed.text[self.item.item_id.clone()]
    }

    /// Task name.
    #[must_use]
    pub fn task(&self) -> &'a str {
        &self.packed.text[self.item.task.clone()]
    }

    /// Judgments per rubric label, in rubric order.
    #[must_use]
    pub fn counts(&self) -> &'a [u64] {
        &self.packed.counts[self.item.counts.clone()]
    }

    /// The judgments in panel order; none for an item imported as counts.
    pub fn judgments(&self) -> impl Iterator<Item = JudgmentRef<'a>> + 'a {
        let packed = self.packed;
        packed.judgments[self.item.judgments.clone()]
            .iter()
            .map(move |j| JudgmentRef {
                reviewer: &packed.text[j.reviewer.clone()],
                label: &packed.text[j.label.clone()],
                evidence: j.evidence.clone().map(|e| &packed.text[e]),
                confidence: j.confidence,
            })
    }

    /// The gold label of a gold item.
    #[must_use]
    pub fn gold_label(&self) -> Option<&'a str> {
        self.item.gold_label.clone().map(|g| &self.packed.text[g])
    }

    /// Whether the panel was imported as label counts (no per-reviewer record).
    #[must_use]
    pub fn counts_only(&self) -> bool {
        self.item.counts_only
    }

    /// Normalized entropy of the label distribution.
    #[must_use]
    pub fn norm_entropy(&self) -> f64 {
        self.item.norm_entropy
    }

    /// Mean stated confidence in [0, 1], when some reviewer stated one.
    #[must_use]
    pub fn mean_confidence(&self) -> Option<f64> {
        self.item.mean_confidence
    }

    /// Disagreement class.
    #[must_use]
    pub fn class(&self) -> DisagreementClass {
        self.item.class
    }

    /// Flags.
    #[must_use]
    pub fn flags(&self) -> FlagSet {
        self.item.flags
    }

    /// Status of the decision in force.
    #[must_use]
    pub fn status(&self) -> DecisionStatus {
        self.item.status
    }

    /// Every decision on the item, in the order recorded.
    #[must_use]
    pub fn decisions(&self) -> &'a [Decision] {
        &self.packed.decisions[self.item.decisions.clone()]
    }

    /// The model's distribution (rubric order), when items were read with a model that
    /// predicts this one.
    #[must_use]
    pub fn prediction(&self) -> Option<&'a [f64]> {
        Some(&self.packed.predicted[self.item.prediction.clone()?])
    }

    /// The item's latest round (1 for the first panel): its counts and judgments are that
    /// round's.
    #[must_use]
    pub fn round(&self) -> i64 {
        self.item.round
    }

    /// The rubric version the latest round was judged under.
    #[must_use]
    pub fn rubric_version(&self) -> u32 {
        self.item.rubric_version
    }

    /// The rounds before the latest, oldest first.
    #[must_use]
    pub fn earlier(&self) -> &'a [EarlierRound] {
        &self.packed.earlier[self.item.earlier.clone()]
    }
}

impl Store {
    /// Calls `f` with the items of the batch in `item_id` order, `per_chunk` at a time, all
    /// read from one snapshot of the database, until `f` breaks. Returns the batch's head hash
    /// in that snapshot: the record the items describe.
    pub fn for_each_packed(
        &self,
        batch: &Batch,
        per_chunk: usize,
        f: impl FnMut(PackedItems) -> ControlFlow<()>,
    ) -> Result<String> {
        self.for_each_packed_with(batch, None, per_chunk, f)
    }

    /// [`Store::for_each_packed`], each item with `model`'s prediction when there is one
    /// ([`ItemRef::prediction`]).
    pub fn for_each_packed_with(
        &self,
        batch: &Batch,
        model: Option<&Model>,
        per_chunk: usize,
        mut f: impl FnMut(PackedItems) -> ControlFlow<()>,
    ) -> Result<String> {
        let snapshot = self.conn.snapshot()?;
        let head = super::chain::head(&snapshot, batch.id)?;
        let versions = RubricVersions::load(&snapshot, batch.id)?;
        // Decisions and rounds are few beside the items: `CROSS JOIN` keeps them the outer loop.
        let mut decisions: HashMap<i64, Vec<Decision>> = HashMap::new();
        {
            let mut stmt = snapshot.prepare(
                "SELECT d.id, d.kind, d.label, d.reason_code, d.erring, d.text, d.actor, d.at, d.reverts,
                        d.round, d.item_id
                 FROM decisions d CROSS JOIN items i ON i.id = d.item_id WHERE i.batch_id = ?1
                 ORDER BY d.id",
            )?;
            stmt.for_each(params![batch.id], |r| {
                decisions
                    .entry(r.get(10)?)
                    .or_default()
                    .push(decision_from_row(r)?);
                Ok(ControlFlow::Continue(()))
            })?;
        }
        // An item's latest round: the counts of its row (round 1) or of its latest round's, and
        // its judgments from that round's first on (a range of their key; the round is looked
        // up only for an item past its first, and in a batch with later rounds).
        let later_rounds: bool = snapshot.query_row(
            "SELECT EXISTS (SELECT 1 FROM rounds r CROSS JOIN items i ON i.id = r.item_id
                            WHERE i.batch_id = ?1)",
            params![batch.id],
            |r| r.get(0),
        )?;
        let mut earlier = if later_rounds {
            earlier_rounds(&snapshot, batch.id, &versions, &decisions)?
        } else {
            HashMap::new()
        };
        let (counts, round, rounds, from) = if later_rounds {
            (
                LATEST_COUNTS,
                "i.round, r.rubric_id",
                LATEST_ROUND,
                "AND j.seq >= coalesce(r.first_seq, 0)",
            )
        } else {
            ("i.counts", "1, NULL", "", "")
        };
        // The model's join only when asked for: a probe per row costs an export without one.
        let (columns, join) = match model {
            Some(_) => (
                "p.distribution",
                "LEFT JOIN predictions p ON p.item_id = i.id AND p.model_id = ?2",
            ),
            None => ("NULL", ""),
        };
        let mut stmt = snapshot.prepare(&format!(
            "SELECT i.id, i.item_key, i.task, {counts}, j.reviewer, j.label, j.confidence,
                    j.evidence, i.gold_label, i.panel_kind, i.class, i.flags, i.status,
                    i.norm_entropy, i.mean_confidence, {round}, {columns}
             FROM items i {rounds} LEFT JOIN judgments j ON j.item_id = i.id {from} {join}
             WHERE i.batch_id = ?1 ORDER BY i.item_key, j.seq"
        ))?;
        let k = batch.rubric.labels.len();
        let args = match model {
            Some(m) => params![batch.id, m.id],
            None => params![batch.id],
        };
        let mut packed = PackedItems::default();
        let mut current = None;
        let mut stopped = false;
        // Streamed: a million rows are never held at once, on either database.
        stmt.for_each(args, |r| {
            let id: i64 = r.get(0)?;
            if current != Some(id) {
                if packed.items.len() == per_chunk && f(std::mem::take(&mut packed)).is_break() {
                    stopped = true;
                    return Ok(ControlFlow::Break(()));
                }
                current = Some(id);
                let item_id = packed.push_text(r.str(1)?);
                let task = packed.push_text(r.str(2)?);
                let start = packed.counts.len();
                let key = || format!("item `{}`", &packed.text[item_id.clone()]);
                stored::counts(key, r.str(3)?, &mut packed.counts)?;
                let counts = start..packed.counts.len();
                let first_earlier = packed.earlier.len();
                packed
                    .earlier
                    .extend(earlier.remove(&id).unwrap_or_default());
                let first_decision = packed.decisions.len();
                packed
                    .decisions
                    .extend(decisions.remove(&id).unwrap_or_default());
                let at = packed.judgments.len();
                let row = || format!("item `{}`", r.str(1).unwrap_or("?"));
                let class = r.str(10)?;
                let class = DisagreementClass::parse(class)
                    .ok_or_else(|| stored::corrupt(row(), "class", class, "not a class"))?;
                let status = r.str(12)?;
                let status = DecisionStatus::parse(status).ok_or_else(|| {
                    stored::corrupt(row(), "status", status, "not a decision status")
                })?;
                let gold_label = r.str_opt(8)?.map(|g| packed.push_text(g));
                let prediction = match r.blob_opt(17)? {
                    Some(blob) => {
                        let start = packed.predicted.len();
                        let name = model.map_or("", |m| m.name.as_str());
                        let of = || format!("prediction of {} by `{name}`", row());
                        super::predictions::unpack(of, blob, k, &mut packed.predicted)?;
                        Some(start..packed.predicted.len())
                    }
                    None => None,
                };
                packed.items.push(PackedItem {
                    prediction,
                    gold_label,
                    counts_only: r.str(9)? == "counts",
                    norm_entropy: r.get(13)?,
                    mean_confidence: r.get(14)?,
                    class,
                    flags: FlagSet(r.get(11)?),
                    status,
                    round: r.get(15)?,
                    rubric_version: match r.get::<Option<i64>>(16)? {
                        Some(rubric_id) => versions.later_round(id, r.get(15)?, rubric_id),
                        None => versions.first_round(id),
                    },
                    item_id,
                    task,
                    counts,
                    judgments: at..at,
                    decisions: first_decision..packed.decisions.len(),
                    earlier: first_earlier..packed.earlier.len(),
                });
            }
            let Some(reviewer) = r.str_opt(4)? else {
                return Ok(ControlFlow::Continue(()));
            };
            let reviewer = packed.push_text(reviewer);
            let label = packed.push_text(r.str(5)?);
            let confidence = r.get(6)?;
            let evidence = r.str_opt(7)?.map(|e| packed.push_text(e));
            packed.judgments.push(PackedJudgment {
                reviewer,
                label,
                evidence,
                confidence,
            });
            if let Some(item) = packed.items.last_mut() {
                item.judgments.end = packed.judgments.len();
            }
            Ok(ControlFlow::Continue(()))
        })?;
        if !stopped && !packed.is_empty() {
            let _ = f(packed);
        }
        Ok(head)
    }
}

/// A later round as [`earlier_rounds`] reads it, with its item's row.
struct LaterRound {
    item: i64,
    round: i64,
    counts: String,
    rubric: i64,
    /// The decision it answers.
    answers: i64,
    /// Round 1's counts (the item row's).
    first_counts: String,
    /// The item's latest round.
    latest: i64,
    key: String,
}

/// The rounds before the latest of every item of the batch that has later rounds, oldest first,
/// each with the re-review that sent it back.
fn earlier_rounds(
    conn: &Db,
    batch_id: i64,
    versions: &RubricVersions,
    decisions: &HashMap<i64, Vec<Decision>>,
) -> Result<HashMap<i64, Vec<EarlierRound>>> {
    // Every later round of the batch, with its item's row (round 1's counts, latest round, id).
    let mut later: Vec<LaterRound> = conn
        .prepare(
            "SELECT r.item_id, r.round, r.counts, r.rubric_id, r.answers, i.counts, i.round,
                    i.item_key
             FROM rounds r CROSS JOIN items i ON i.id = r.item_id
             WHERE i.batch_id = ?1 ORDER BY r.item_id, r.round",
        )?
        .query_map(params![batch_id], |r| {
            Ok(LaterRound {
                item: r.get(0)?,
                round: r.get(1)?,
                counts: r.get(2)?,
                rubric: r.get(3)?,
                answers: r.get(4)?,
                first_counts: r.get(5)?,
                latest: r.get(6)?,
                key: r.get(7)?,
            })
        })?;
    let mut out: HashMap<i64, Vec<EarlierRound>> = HashMap::new();
    let mut judged = conn.prepare(
        "SELECT round, reviewer, label, evidence, confidence FROM judgments
         WHERE item_id = ?1 AND round < ?2 ORDER BY seq",
    )?;
    later.reverse();
    while let Some(id) = later.last().map(|l| l.item) {
        let mut mine = Vec::new();
        while later.last().is_some_and(|l| l.item == id) {
            mine.extend(later.pop());
        }
        let (counts, latest, key) = (&mine[0].first_counts, mine[0].latest, &mine[0].key);
        let answered = |round: i64| {
            let answers = mine
                .iter()
                .find(|l| l.round == round + 1)
                .map(|l| l.answers);
            decisions
                .get(&id)
                .and_then(|ds| ds.iter().find(|d| Some(d.id) == answers))
                .cloned()
        };
        let mut rounds = Vec::new();
        for round in 1..latest {
            let (text, version) = if round == 1 {
                (counts.as_str(), versions.first_round(id))
            } else {
                match mine.iter().find(|l| l.round == round) {
                    Some(l) => (l.counts.as_str(), versions.later_round(id, round, l.rubric)),
                    None => continue,
                }
            };
            let mut parsed = Vec::new();
            stored::counts(|| format!("item `{key}`"), text, &mut parsed)?;
            rounds.push(EarlierRound {
                round,
                rubric_version: version,
                counts: parsed,
                judgments: Vec::new(),
                sent_back: answered(round),
            });
        }
        let mut rows = judged.query(params![id, latest])?;
        while let Some(r) = rows.next()? {
            let r = &r;
            let round: i64 = r.get(0)?;
            if let Some(e) = rounds.iter_mut().find(|e| e.round == round) {
                e.judgments.push(EarlierJudgment {
                    reviewer: r.get(1)?,
                    label: r.get(2)?,
                    evidence: r.get(3)?,
                    confidence: r.get(4)?,
                });
            }
        }
        out.insert(id, rounds);
    }
    Ok(out)
}
