//! Per-reviewer figures, streamed: each judgment is set against the plurality of the rest of
//! its panel (leave-one-out), which also scores the reviewer's stated confidence.

use serde::Serialize;

use super::{Proportion, build::Vote};
use crate::domain::coincidence::Figure;

/// The reliability table's confidence bins: [0, 0.2), [0.2, 0.4), … [0.8, 1].
const BINS: [(f64, f64); 5] = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)];

/// A reviewer whose mean stated confidence exceeds their leave-one-out agreement by more than
/// this is marked overconfident.
pub const OVERCONFIDENCE_MARGIN: f64 = 0.2;

/// How a reviewer's judgments compare with the plurality of the rest of each panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaveOneOut {
    /// Judgments whose label is the rest's sole plurality label.
    pub agree: u64,
    /// Judgments whose label is not.
    pub disagree: u64,
    /// Judgments where the rest's top label is tied (counted apart, in neither rate).
    pub tied: u64,
    /// `agree / (agree + disagree)`.
    pub rate: Option<f64>,
    /// Cohen-style κ with the rest: (p_o − p_e) / (1 − p_e), p_e from the reviewer's label
    /// shares and the rest's plurality shares on the same judgments.
    pub kappa: Figure,
}

/// One bin of the reliability table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower end of the bin (inclusive).
    pub low: f64,
    /// Upper end (exclusive, but 1 is in the last bin).
    pub high: f64,
    /// Judgments with a stated confidence in the bin and an untied rest.
    pub judgments: u64,
    /// Their mean stated confidence.
    pub mean_confidence: Option<f64>,
    /// Their leave-one-out agreement.
    pub agreement: Option<f64>,
}

/// One reviewer's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewerRow {
    /// Reviewer identity.
    pub reviewer: String,
    /// Items they labelled.
    pub items: u64,
    /// Agreement with the rest of each panel.
    pub leave_one_out: LeaveOneOut,
    /// Mean stated confidence (mapped to [0, 1]) over the judgments that state one.
    pub mean_confidence: Option<f64>,
    /// Mean of (confidence − agreed)² over judgments with a confidence and an untied rest.
    pub brier: Option<f64>,
    /// Agreement per confidence bin.
    pub reliability: Vec<ReliabilityBin>,
    /// Mean confidence above leave-one-out agreement by more than [`OVERCONFIDENCE_MARGIN`].
    pub overconfident: bool,
    /// Dawid–Skene estimated accuracy: Σ_k prior_k · confusion[k][k].
    pub estimated_accuracy: Option<f64>,
    /// Dawid–Skene confusion, `[true class][label given]`, rubric order.
    pub confusion: Option<Vec<Vec<f64>>>,
    /// Hard labels in force with reason `reviewer_error` that name this reviewer.
    pub errors_attributed: u64,
    /// Gold pass rate.
    pub gold: Proportion,
}

/// The plurality of the rest of a panel, once one judgment (label `own`) is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rest {
    /// The judgment is the only one.
    Alone,
    /// The rest's top label is tied.
    Tied,
    /// The rest's one most chosen label.
    Sole(usize),
}

/// The plurality of `counts` (rubric order, the left-out judgment included) without one `own`.
pub(super) fn rest_plurality(own: usize, counts: &[u64]) -> Rest {
    let rest = |j: usize| counts[j] - u64::from(j == own);
    let top = (0..counts.len()).map(rest).max().unwrap_or(0);
    if top == 0 {
        return Rest::Alone;
    }
    let mut tops = (0..counts.len()).filter(|&j| rest(j) == top);
    match (tops.next(), tops.next()) {
        (Some(p), None) => Rest::Sole(p),
        _ => Rest::Tied,
    }
}

/// What is summed for one reviewer.
#[derive(Debug, Clone)]
pub(super) struct ReviewerAcc {
    items: u64,
    pub(super) gold_passed: u64,
    pub(super) gold_total: u64,
    agree: u64,
    disagree: u64,
    tied: u64,
    /// Their labels, and the rest's plurality labels, over untied judgments.
    own: Vec<u64>,
    rest: Vec<u64>,
    confidence: (f64, u64),
    brier: (f64, u64),
    bins: [(u64, f64, u64); BINS.len()],
    pub(super) errors: u64,
}

impl ReviewerAcc {
    pub(super) fn new(k: usize) -> Self {
        ReviewerAcc {
            items: 0,
            gold_passed: 0,
            gold_total: 0,
            agree: 0,
            disagree: 0,
            tied: 0,
            own: vec![0; k],
            rest: vec![0; k],
            confidence: (0.0, 0),
            brier: (0.0, 0),
            bins: [(0, 0.0, 0); BINS.len()],
            errors: 0,
        }
    }

    /// Adds judgment `vote` of an item whose label counts are `counts` (the vote included).
    pub(super) fn add(&mut self, vote: &Vote<'_>, counts: &[u64]) {
        self.items += 1;
        if let Some(c) = vote.confidence {
            self.confidence.0 += c;
            self.confidence.1 += 1;
        }
        let plurality = match rest_plurality(vote.label, counts) {
            Rest::Alone => return,
            Rest::Tied => {
                self.tied += 1;
                return;
            }
            Rest::Sole(p) => p,
        };
        let agreed = vote.label == plurality;
        if agreed {
            self.agree += 1;
        } else {
            self.disagree += 1;
        }
        self.own[vote.label] += 1;
        self.rest[plurality] += 1;
        if let Some(c) = vote.confidence {
            let hit = f64::from(u8::from(agreed));
            self.brier.0 += (c - hit).powi(2);
            self.brier.1 += 1;
            let bin = BINS
                .iter()
                .position(|&(_, high)| c < high)
                .unwrap_or(BINS.len() - 1);
            let b = &mut self.bins[bin];
            b.0 += 1;
            b.1 += c;
            b.2 += u64::from(agreed);
        }
    }

    /// The row, with the reviewer's Dawid–Skene accuracy and confusion when estimated.
    pub(super) fn row(
        &self,
        reviewer: String,
        dawid_skene: Option<(f64, Vec<Vec<f64>>)>,
    ) -> ReviewerRow {
        let (estimated_accuracy, confusion) = dawid_skene.unzip();
        let ratio = |a: f64, n: u64| (n > 0).then(|| a / n as f64);
        let untied = self.agree + self.disagree;
        let rate = ratio(self.agree as f64, untied);
        let mean_confidence = ratio(self.confidence.0, self.confidence.1);
        ReviewerRow {
            reviewer,
            items: self.items,
            leave_one_out: LeaveOneOut {
                agree: self.agree,
                disagree: self.disagree,
                tied: self.tied,
                rate,
                kappa: self.kappa(),
            },
            mean_confidence,
            brier: ratio(self.brier.0, self.brier.1),
            reliability: BINS
                .iter()
                .zip(&self.bins)
                .map(|(&(low, high), &(n, conf, agreed))| ReliabilityBin {
                    low,
                    high,
                    judgments: n,
                    mean_confidence: ratio(conf, n),
                    agreement: ratio(agreed as f64, n),
                })
                .collect(),
            overconfident: matches!((mean_confidence, rate), (Some(c), Some(r)) if c - r > OVERCONFIDENCE_MARGIN),
            estimated_accuracy,
            confusion,
            errors_attributed: self.errors,
            gold: Proportion::of(self.gold_passed, self.gold_total),
        }
    }

    fn kappa(&self) -> Figure {
        let n = (self.agree + self.disagree) as f64;
        if n == 0.0 {
            return Figure::undefined("no judgment with an untied rest of the panel");
        }
        let p_o = self.agree as f64 / n;
        let p_e: f64 = self
            .own
            .iter()
            .zip(&self.rest)
            .map(|(&a, &b)| (a as f64 / n) * (b as f64 / n))
            .sum();
        if (1.0 - p_e).abs() < f64::EPSILON {
            return Figure::undefined("the reviewer and the rest used one label only");
        }
        Figure::of((p_o - p_e) / (1.0 - p_e))
    }
}
