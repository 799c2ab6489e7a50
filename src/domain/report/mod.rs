//! The QA report of a batch as plain data: every figure any rendering shows (JSON, CSV, and
//! later HTML and PDF). Filled item by item by [`ReportBuilder`] in one pass over the store.

mod axes;
mod build;
mod models;
mod reviewers;
mod sheet;

use serde::Serialize;

pub use axes::{Axes, BINS};
pub use build::{ItemInput, ReportBuilder, ReportContext, Vote};
pub use models::{ClassFigures, ModelSection};
pub use reviewers::{LeaveOneOut, OVERCONFIDENCE_MARGIN, ReliabilityBin, ReviewerRow};
pub use sheet::{Disagreement, Focus, NamedError, OwnGoldMiss, PanelFigures, Sheet};

use super::coincidence::{Figure, Interval};
use super::dawid_skene::DawidSkene;

/// Resamples of the α bootstrap.
pub const BOOTSTRAP_RESAMPLES: u32 = 1000;
/// Seed of the α bootstrap.
pub const BOOTSTRAP_SEED: u64 = 20_240_611;

/// The QA report of one batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// What the batch is and who made the report when.
    pub header: Header,
    /// Items by class, flag and decision.
    pub counts: Counts,
    /// Batch agreement figures.
    pub agreement: AgreementSection,
    /// Entropy and confidence histograms (seed §6's axes).
    pub axes: Axes,
    /// One row per rubric label.
    pub labels: Vec<LabelRow>,
    /// One row per reviewer, by name; empty for a batch of counts only.
    pub reviewers: Vec<ReviewerRow>,
    /// Why `reviewers` and `pairs` are empty, when they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewers_note: Option<String>,
    /// Reviewer × reviewer agreement on the items each pair shares (pairs that share one).
    pub pairs: Vec<PairRow>,
    /// Dawid–Skene EM over the per-reviewer panels (each reviewer's estimate is in their row);
    /// `None` when there are none.
    pub dawid_skene: Option<DawidSkene>,
    /// Gold items.
    pub gold: GoldSection,
    /// Items to act on.
    pub lists: Lists,
    /// Each model of the batch (the version in force) against the panel; empty when the batch
    /// has none.
    pub models: Vec<ModelSection>,
    /// The lists of one reviewer's sheet, when the report was built for one.
    #[serde(skip)]
    pub focus: Option<Focus>,
}

/// What the batch is and who made the report when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    /// Batch name.
    pub batch: String,
    /// Task name.
    pub task: String,
    /// The rubric the batch was imported under.
    pub rubric: RubricHeader,
    /// `open` or `finalized`.
    pub status: String,
    /// Items in the batch.
    pub items: u64,
    /// Distinct reviewers on per-reviewer panels.
    pub reviewers: u64,
    /// Judgments, counted panels included.
    pub judgments: u64,
    /// Items per panel kind (`judgments`, `counts`).
    pub panels: Tally,
    /// When the report was made (UTC, RFC 3339).
    pub generated_at: String,
    /// `dissent` version.
    pub tool_version: String,
    /// Who made it.
    pub generated_by: String,
    /// What was still open when the batch was finalized with `--force`; `None` when it is
    /// open or was finalized with nothing open.
    pub forced: Option<Forced>,
}

/// The open items of a batch finalized with `--force`, as counted then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Forced {
    /// Pending items that carried a flag.
    pub flagged_pending: u64,
    /// Items awaiting re-review.
    pub awaiting_rereview: u64,
}

impl Header {
    /// What was open at a forced finalize, in words: `none` when the batch was not forced.
    #[must_use]
    pub fn open_at_finalize(&self) -> String {
        self.forced.map_or_else(
            || "none".into(),
            |f| {
                format!(
                    "{} flagged pending, {} awaiting re-review (finalized with --force)",
                    f.flagged_pending, f.awaiting_rereview
                )
            },
        )
    }
}

/// The rubric, as the header names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricHeader {
    /// Human title.
    pub title: Option<String>,
    /// Version.
    pub version: u32,
    /// sha256 of the YAML as stored.
    pub sha256: String,
    /// Level of measurement of the labels.
    pub level: &'static str,
}

/// Named counts in display order, written as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tally(pub Vec<(String, u64)>);

impl Tally {
    fn bump(&mut self, name: &str) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => self.0.push((name.to_string(), 1)),
        }
    }
}

impl Serialize for Tally {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Items by class, flag and decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    /// Items per disagreement class.
    pub classes: Tally,
    /// Items per flag (an item can carry several).
    pub flags: Tally,
    /// Items per decision status.
    pub statuses: Tally,
    /// Decisions in force by kind, each with its reason codes.
    pub decisions: Vec<DecisionCount>,
    /// Per flag, items decided and pending.
    pub flag_progress: Vec<FlagProgress>,
}

/// Decisions in force of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionCount {
    /// `hard_label`, `keep_soft` or `rereview`.
    pub kind: &'static str,
    /// How many.
    pub items: u64,
    /// By reason code (`none` when the decision has none).
    pub reason_codes: Tally,
}

/// Decided and pending items of one flag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagProgress {
    /// The flag.
    pub flag: &'static str,
    /// Items with a decision in force.
    pub decided: u64,
    /// Items without.
    pub pending: u64,
}

/// Batch agreement figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementSection {
    /// The rubric's level of measurement.
    pub level: &'static str,
    /// Items with at least two judgments (the ones the figures use).
    pub pairable_items: u64,
    /// Judgments on those items (the coincidence matrix's total).
    pub pairable_values: f64,
    /// Krippendorff's α, nominal, with its bootstrap interval.
    pub alpha_nominal: Alpha,
    /// α at the rubric's level when it is ordinal or interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_level: Option<Alpha>,
    /// Fleiss' κ (needs the same reviewer count on every item).
    pub fleiss_kappa: Figure,
    /// Pooled pairwise agreement.
    pub percent_agreement: Figure,
    /// The label × label coincidence matrix, rows and columns in rubric order.
    pub coincidence: Vec<Vec<f64>>,
}

/// Krippendorff's α with its 95% item-bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alpha {
    /// The point estimate.
    #[serde(flatten)]
    pub figure: Figure,
    /// The interval.
    pub interval: Interval,
}

/// One rubric label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRow {
    /// Label id.
    pub label: String,
    /// Judgments with this label (counted panels included).
    pub judgments: u64,
    /// Fleiss' per-category κ.
    pub kappa: Figure,
}

/// Agreement of two reviewers on the items both labelled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairRow {
    /// One reviewer (the first by name).
    pub a: String,
    /// The other.
    pub b: String,
    /// Items both labelled.
    pub shared: u64,
    /// Of those, items where they chose the same label.
    pub agreeing: u64,
    /// `agreeing / shared`.
    pub agreement: f64,
}

/// A pass rate with its counts and Wilson 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proportion {
    /// Passed.
    pub passed: u64,
    /// Tried.
    pub total: u64,
    /// `passed / total`, when anything was tried.
    pub rate: Option<f64>,
    /// Wilson 95% interval, low end.
    pub low: Option<f64>,
    /// Wilson 95% interval, high end.
    pub high: Option<f64>,
}

impl Proportion {
    pub(crate) fn of(passed: u64, total: u64) -> Proportion {
        let interval = super::metrics::wilson(passed, total);
        Proportion {
            passed,
            total,
            rate: (total > 0).then(|| passed as f64 / total as f64),
            low: interval.map(|i| i.0),
            high: interval.map(|i| i.1),
        }
    }
}

/// Gold items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldSection {
    /// Gold items whose plurality label is the gold label (no tie).
    pub items: Proportion,
    /// Judgments on gold items that chose the gold label.
    pub judgments: Proportion,
}

/// Items to act on, in `item_id` order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lists {
    /// Items whose decision in force sends them to re-review.
    pub rereview: Vec<RereviewItem>,
    /// Rubric-problem items by the two labels they split on, largest group first.
    pub rubric_problems: Vec<SplitGroup>,
    /// Gold items whose plurality is not the gold label.
    pub gold_misses: Vec<GoldMiss>,
}

/// An item sent to re-review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RereviewItem {
    /// Item id.
    pub item_id: String,
    /// Reason code, when one was given.
    pub reason_code: Option<String>,
    /// The reason.
    pub reason: String,
    /// Who sent it.
    pub by: String,
    /// When (UTC, RFC 3339).
    pub at: String,
}

/// Rubric-problem items that split on the same two labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitGroup {
    /// The two most chosen labels, in rubric order.
    pub labels: [String; 2],
    /// How many items.
    pub count: u64,
    /// Their ids.
    pub items: Vec<String>,
}

/// A gold item the panel missed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldMiss {
    /// Item id.
    pub item_id: String,
    /// The gold label.
    pub gold_label: String,
    /// The most chosen label(s), several on a tie.
    pub plurality: Vec<String>,
}
