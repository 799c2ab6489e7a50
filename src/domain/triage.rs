//! Disagreement class and flags from a panel and a rubric (DESIGN "Domain rules").

use super::metrics::{entropy_bits, normalized_entropy, shares};
use super::model::{DisagreementClass, Flag, FlagKind, FlagSet, Panel};
use super::rubric::Rubric;

/// Shares closer than this to a threshold count as meeting it (guards against 9/10 ≠ 0.9).
const EPS: f64 = 1e-12;

/// Everything derived from one item's panel: what the queue sorts on and the panel view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Judgments per rubric label, in rubric order.
    pub counts: Vec<u64>,
    /// Shares, entropy, plurality and class.
    pub figures: Classification,
    /// Mean confidence over reviewers who reported one.
    pub mean_confidence: Option<f64>,
    /// Flags with their explanations, in display order.
    pub flags: Vec<Flag>,
}

impl Summary {
    /// One line of the headline figures: `H 1.50 bits (0.95 of max) · mean confidence 0.76 · major`.
    #[must_use]
    pub fn headline(&self) -> String {
        format!(
            "H {:.2} bits ({:.2} of max) · mean confidence {} · {}",
            self.figures.entropy_bits,
            self.figures.normalized_entropy,
            self.mean_confidence
                .map_or("not reported".into(), |c| format!("{c:.2}")),
            self.figures.class.as_str()
        )
    }

    /// The flags as a set.
    #[must_use]
    pub fn flag_set(&self) -> FlagSet {
        self.flags.iter().map(|f| f.kind).collect()
    }
}

/// Label counts of a panel in rubric order. Labels not in the rubric are ignored here: the
/// importer refuses them before a panel is built.
#[must_use]
pub fn panel_counts(panel: &Panel, rubric: &Rubric) -> Vec<u64> {
    match panel {
        Panel::Counts(c) => c.clone(),
        Panel::Judgments(js) => {
            let mut counts = vec![0; rubric.labels.len()];
            for j in js {
                if let Some(i) = rubric.label_index(&j.label) {
                    counts[i] += 1;
                }
            }
            counts
        }
    }
}

/// Mean of the reported confidences of a panel; `None` when nobody reported one.
#[must_use]
pub fn mean_confidence(panel: &Panel) -> Option<f64> {
    let Panel::Judgments(js) = panel else {
        return None;
    };
    let mut reported: Vec<f64> = js.iter().filter_map(|j| j.confidence).collect();
    // Summed in ascending order, so the mean does not depend on the order of the reviewers.
    reported.sort_by(f64::total_cmp);
    (!reported.is_empty()).then(|| reported.iter().sum::<f64>() / reported.len() as f64)
}

/// Derives the summary of a panel under `rubric`; `gold_label` marks a gold item.
#[must_use]
pub fn summarize(panel: &Panel, rubric: &Rubric, gold_label: Option<&str>) -> Summary {
    let counts = panel_counts(panel, rubric);
    summarize_counts(counts, mean_confidence(panel), rubric, gold_label)
}

/// The figures that follow from label counts alone: shares, entropy, plurality and class.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// Share per rubric label, in rubric order.
    pub shares: Vec<f64>,
    /// Number of judgments.
    pub reviewer_count: u64,
    /// Index of the plurality label (the first in rubric order when tied); `None` when empty.
    pub top: Option<usize>,
    /// Whether two or more labels share the top count.
    pub tied: bool,
    /// Share of the plurality label.
    pub top_share: f64,
    /// Shannon entropy in bits.
    pub entropy_bits: f64,
    /// Entropy as a fraction of log2 K.
    pub normalized_entropy: f64,
    /// Disagreement class.
    pub class: DisagreementClass,
}

/// Classifies label counts (rubric order) under the rubric's thresholds.
#[must_use]
pub fn classify(counts: &[u64], rubric: &Rubric) -> Classification {
    let reviewer_count: u64 = counts.iter().sum();
    let shares = shares(counts);
    let max = counts.iter().copied().max().unwrap_or(0);
    let top = (reviewer_count > 0)
        .then(|| counts.iter().position(|&c| c == max))
        .flatten();
    let tied = reviewer_count > 0 && counts.iter().filter(|&&c| c == max).count() > 1;
    let top_share = top.map_or(0.0, |i| shares[i]);
    let entropy = entropy_bits(&shares);
    let d = rubric.disagreement;
    let class = if reviewer_count < u64::from(d.min_reviewers) || tied {
        DisagreementClass::Unresolved
    } else if top_share + EPS >= d.agreement_min_share {
        DisagreementClass::Agreement
    } else if top_share + EPS >= d.minor_min_share {
        DisagreementClass::Minor
    } else {
        DisagreementClass::Major
    };
    Classification {
        normalized_entropy: normalized_entropy(entropy, counts.len()),
        shares,
        reviewer_count,
        top,
        tied,
        top_share,
        entropy_bits: entropy,
        class,
    }
}

/// Derives the summary from label counts and a mean confidence.
#[must_use]
pub fn summarize_counts(
    counts: Vec<u64>,
    mean_confidence: Option<f64>,
    rubric: &Rubric,
    gold_label: Option<&str>,
) -> Summary {
    let figures = classify(&counts, rubric);
    let (reviewer_count, top, tied, top_share, norm) = (
        figures.reviewer_count,
        figures.top,
        figures.tied,
        figures.top_share,
        figures.normalized_entropy,
    );
    let d = rubric.disagreement;
    let mut flags = Vec::new();
    let t = rubric.flags;
    if norm + EPS >= t.high_entropy {
        flags.push(match mean_confidence {
            Some(c) if c + EPS < t.low_confidence => Flag {
                kind: FlagKind::RubricProblem,
                explanation: format!(
                    "H {norm:.2} of max, mean confidence {c:.2} < {}: likely a rubric problem",
                    t.low_confidence
                ),
            },
            Some(c) => Flag {
                kind: FlagKind::GenuineAmbiguity,
                explanation: format!(
                    "H {norm:.2} of max, mean confidence {c:.2} ≥ {}: genuine ambiguity",
                    t.low_confidence
                ),
            },
            None => Flag {
                kind: FlagKind::HighEntropy,
                explanation: format!(
                    "H {norm:.2} of max ≥ {}, no confidence reported: the cause needs a person",
                    t.high_entropy
                ),
            },
        });
    }
    if let Some(gold) = gold_label {
        let gold_is_sole_top = !tied && top.is_some_and(|i| rubric.labels[i].id == gold);
        if !gold_is_sole_top {
            let plurality = match top {
                None => "no judgments".to_string(),
                Some(_) if tied => "a tied plurality".to_string(),
                Some(i) => format!("plurality {} ({top_share:.2})", rubric.labels[i].id),
            };
            flags.push(Flag {
                kind: FlagKind::GoldMiss,
                explanation: format!("gold item: {plurality} ≠ gold {gold}"),
            });
        }
    }
    if reviewer_count < u64::from(d.min_reviewers) {
        flags.push(Flag {
            kind: FlagKind::LowCoverage,
            explanation: format!(
                "{reviewer_count} reviewer(s) < {} required",
                d.min_reviewers
            ),
        });
    }
    Summary {
        counts,
        figures,
        mean_confidence,
        flags,
    }
}
