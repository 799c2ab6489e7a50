//! The soft-label JSONL writer (seed §5; key order and rules of the design).

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::ExportError;
use super::target::{Staged, Target};
use crate::domain::decision::{
    DecisionKind, DecisionStatus, SENT_BACK, awaiting_rereview_reason, current_decision,
    decision_time, default_reason, hard_label_reason,
};
use crate::domain::rubric::Rubric;
use crate::domain::triage::classify;
use crate::store::{Batch, EarlierJudgment, EarlierRound, ItemRef, Model, PackedItems, Store};

/// One export line, borrowing from the packed item.
#[derive(Serialize)]
pub struct ExportLine<'a> {
    item_id: &'a str,
    task: &'a str,
    distribution: LabelShares<'a>,
    reviewer_count: u64,
    entropy_bits: f64,
    confidence: ReviewerConfidence<'a>,
    disagreement_class: &'static str,
    rationales: Rationales<'a>,
    adjudicated_label: Option<&'a str>,
    adjudication_reason: Cow<'a, str>,
    /// The rubric version the judgments were made under.
    rubric_version: u32,
    /// Who recorded the decision in force (none: no decision in force).
    #[serde(skip_serializing_if = "Option::is_none")]
    adjudicated_by: Option<&'a str>,
    /// When it was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    adjudicated_at: Option<String>,
    /// The rounds before this one, oldest first, each with the re-review that sent it back
    /// (none: the item was never sent back and answered).
    #[serde(skip_serializing_if = "Option::is_none")]
    rounds: Option<Vec<RoundLine<'a>>>,
    /// Only with `--with-model`, and only on items the model predicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<ModelLine<'a>>,
}

/// A model's prediction of the item: `{name, distribution, kl}`.
#[derive(Serialize)]
struct ModelLine<'a> {
    name: &'a str,
    distribution: LabelShares<'a>,
    kl: f64,
}

/// An earlier round as a line's history gives it: the keys of a line that describe a panel, and
/// the re-review that sent it back.
#[derive(Serialize)]
struct RoundLine<'a> {
    round: i64,
    rubric_version: u32,
    distribution: LabelShares<'a>,
    reviewer_count: u64,
    entropy_bits: f64,
    confidence: ReviewerConfidence<'a>,
    disagreement_class: &'static str,
    rationales: Rationales<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjudication_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjudicated_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjudicated_at: Option<String>,
}

impl<'a> RoundLine<'a> {
    fn new(e: &'a EarlierRound, rubric: &'a Rubric) -> RoundLine<'a> {
        let summary = classify(&e.counts, rubric);
        let judged = Judged::Earlier(&e.judgments);
        RoundLine {
            round: e.round,
            rubric_version: e.rubric_version,
            distribution: LabelShares(rubric, summary.shares),
            reviewer_count: summary.reviewer_count,
            entropy_bits: summary.entropy_bits,
            confidence: ReviewerConfidence(judged),
            disagreement_class: summary.class.as_str(),
            rationales: Rationales(judged),
            adjudication_reason: e
                .sent_back
                .as_ref()
                .map(|d| format!("{SENT_BACK}{}", d.text)),
            adjudicated_by: e.sent_back.as_ref().map(|d| d.actor.as_str()),
            adjudicated_at: e.sent_back.as_ref().map(|d| decision_time(&d.at)),
        }
    }
}

/// The judgments of a panel a line describes: an item's latest round, or an earlier one.
#[derive(Clone, Copy)]
enum Judged<'a> {
    Item(ItemRef<'a>),
    Earlier(&'a [EarlierJudgment]),
}

impl<'a> Judged<'a> {
    /// Calls `f` with each judgment as its rationale, in panel order, until it fails.
    fn each<E>(self, mut f: impl FnMut(Rationale<'a>) -> Result<(), E>) -> Result<(), E> {
        match self {
            Judged::Item(item) => item.judgments().try_for_each(|j| {
                f(Rationale {
                    reviewer: j.reviewer,
                    label: j.label,
                    evidence: j.evidence,
                    confidence: j.confidence,
                })
            }),
            Judged::Earlier(js) => js.iter().try_for_each(|j| {
                f(Rationale {
                    reviewer: &j.reviewer,
                    label: &j.label,
                    evidence: j.evidence.as_deref(),
                    confidence: j.confidence,
                })
            }),
        }
    }
}

/// label → share over every rubric label, in rubric order.
struct LabelShares<'a>(&'a Rubric, Vec<f64>);

impl Serialize for LabelShares<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.1.len()))?;
        for (label, share) in self.0.labels.iter().zip(&self.1) {
            map.serialize_entry(&label.id, share)?;
        }
        map.end()
    }
}

/// reviewer → confidence, for reviewers who reported one, in panel order.
struct ReviewerConfidence<'a>(Judged<'a>);

impl Serialize for ReviewerConfidence<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        self.0.each(|j| match j.confidence {
            Some(c) => map.serialize_entry(j.reviewer, &c),
            None => Ok(()),
        })?;
        map.end()
    }
}

/// One rationale per judgment, in panel order.
struct Rationales<'a>(Judged<'a>);

impl Serialize for Rationales<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        self.0.each(|j| seq.serialize_element(&j))?;
        seq.end()
    }
}

#[derive(Serialize)]
struct Rationale<'a> {
    reviewer: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<f64>,
}

impl<'a> ExportLine<'a> {
    /// The export line of `item` under `rubric`; with the prediction of `model` (its name)
    /// when the item was read with one.
    #[must_use]
    pub fn new(item: ItemRef<'a>, rubric: &'a Rubric, model: Option<&'a str>) -> ExportLine<'a> {
        let summary = classify(item.counts(), rubric);
        let decision = current_decision(item.decisions(), item.round());
        let (adjudicated_label, adjudication_reason) = match decision {
            Some(d) if d.kind == DecisionKind::HardLabel => (
                d.label.as_deref(),
                Cow::Owned(hard_label_reason(
                    d.reason_code.as_deref().unwrap_or_default(),
                    &d.erring,
                    &d.text,
                )),
            ),
            Some(d) if d.kind == DecisionKind::KeepSoft => (None, Cow::Borrowed(d.text.as_str())),
            Some(d) if d.kind == DecisionKind::Rereview => {
                (None, Cow::Owned(awaiting_rereview_reason(&d.text)))
            }
            _ => (None, Cow::Borrowed(default_reason(summary.class))),
        };
        // KL against the panel exported: the item's latest round.
        let model = model.zip(item.prediction()).map(|(name, dist)| ModelLine {
            name,
            distribution: LabelShares(rubric, dist.to_vec()),
            kl: crate::domain::divergence::compare(&summary.shares, dist).kl_nats,
        });
        ExportLine {
            item_id: item.item_id(),
            task: item.task(),
            reviewer_count: summary.reviewer_count,
            entropy_bits: summary.entropy_bits,
            disagreement_class: summary.class.as_str(),
            distribution: LabelShares(rubric, summary.shares),
            confidence: ReviewerConfidence(Judged::Item(item)),
            rationales: Rationales(Judged::Item(item)),
            adjudicated_label,
            adjudication_reason,
            rubric_version: item.rubric_version(),
            adjudicated_by: decision.map(|d| d.actor.as_str()),
            adjudicated_at: decision.map(|d| decision_time(&d.at)),
            rounds: (!item.earlier().is_empty()).then(|| {
                item.earlier()
                    .iter()
                    .map(|e| RoundLine::new(e, rubric))
                    .collect()
            }),
            model,
        }
    }
}

/// Which items an export writes, and what their lines carry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Only items of these decision statuses (none: every item).
    pub only: &'a [DecisionStatus],
    /// Each line carries this model's prediction of its item (`--with-model`).
    pub model: Option<&'a Model>,
}

/// Items per hand-over from the reading thread to the writing one.
const EXPORT_CHUNK: usize = 1024;

/// What an export wrote: the lines, the head of the record they were read from, and for a file
/// the temp file to put in place.
#[derive(Debug)]
pub struct Written {
    /// Lines written.
    pub lines: u64,
    /// The batch's head hash in the snapshot the lines were read from.
    pub head: String,
    /// The file export, written and waiting for [`Staged::persist`]; `None` for stdout.
    pub staged: Option<Staged>,
}

/// Writes every item of `batch` to `target` in `item_id` order. A file is written to a temp
/// file beside it (see [`Staged`]), which the caller puts in place, so a failed or refused
/// export leaves the previous file as it was. Stops with [`ExportError::Interrupted`] once
/// `stop` is set (by SIGINT or SIGTERM), the temp file removed.
pub fn export_batch(
    store: &Store,
    batch: &Batch,
    target: &Target,
    scope: Scope<'_>,
    stop: &AtomicBool,
) -> Result<Written, ExportError> {
    let lines = Lines {
        store,
        batch,
        scope,
    };
    match target {
        Target::Stdout => {
            let (lines, head) = lines.write(std::io::stdout(), Path::new("-"), stop)?;
            Ok(Written {
                lines,
                head,
                staged: None,
            })
        }
        Target::File(out) => {
            let staged = Staged::create(out)?;
            let (lines, head) = lines.write(staged.file(), out, stop)?;
            Ok(Written {
                lines,
                head,
                staged: Some(staged),
            })
        }
    }
}

/// The lines of a batch to write: every item's, or those of the decision statuses `only` names.
struct Lines<'a> {
    store: &'a Store,
    batch: &'a Batch,
    scope: Scope<'a>,
}

impl Lines<'_> {
    /// Writes the lines to `sink` (named `path` in errors); returns how many, and the head of the
    /// snapshot read. The database is read on this thread while a second one serializes and writes.
    fn write<W>(
        &self,
        sink: W,
        path: &Path,
        stop: &AtomicBool,
    ) -> Result<(u64, String), ExportError>
    where
        W: Write + Send,
    {
        let Lines {
            store,
            batch,
            scope: Scope { only, model },
        } = *self;
        let io = |source| ExportError::Io {
            path: path.into(),
            source,
        };
        let rubric = &batch.rubric;
        let name = model.map(|m| m.name.as_str());
        let (send, receive) = std::sync::mpsc::sync_channel::<PackedItems>(2);
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| -> Result<u64, ExportError> {
                let mut w = BufWriter::with_capacity(1 << 16, sink);
                let mut lines = 0u64;
                for packed in receive {
                    for item in packed.iter() {
                        if !only.is_empty() && !only.contains(&item.status()) {
                            continue;
                        }
                        serde_json::to_writer(&mut w, &ExportLine::new(item, rubric, name))?;
                        w.write_all(b"\n").map_err(io)?;
                        lines += 1;
                    }
                }
                w.flush().map_err(io)?;
                Ok(lines)
            });
            // A send fails only when the writer stopped on an error, which its join reports.
            let mut interrupted = false;
            let read = store.for_each_packed_with(batch, model, EXPORT_CHUNK, |packed| {
                interrupted = stop.load(Ordering::Relaxed);
                if interrupted {
                    return ControlFlow::Break(());
                }
                let _ = send.send(packed);
                ControlFlow::Continue(())
            });
            drop(send);
            let written = writer.join().map_err(|_| ExportError::WriterPanicked)?;
            let head = read?;
            if interrupted {
                return Err(ExportError::Interrupted);
            }
            Ok((written?, head))
        })
    }
}
