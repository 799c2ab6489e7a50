//! The three axes of seed §6 as counts for charts: histograms of normalized entropy and of mean
//! confidence, and their joint histogram, with the rubric thresholds that split it into the
//! triage quadrants. Fixed bins, so a million items are a few hundred numbers.

use serde::Serialize;

/// Bins per axis over [0, 1] (the last one holds 1).
pub const BINS: usize = 20;

/// Entropy and confidence as histograms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axes {
    /// Bins per axis, equal widths over [0, 1].
    pub bins: usize,
    /// The rubric's `high_entropy` threshold (normalized entropy).
    pub high_entropy: f64,
    /// The rubric's `low_confidence` threshold (mean confidence).
    pub low_confidence: f64,
    /// Items per normalized-entropy bin.
    pub entropy: Vec<u64>,
    /// Items per mean-confidence bin, over items where some reviewer stated a confidence.
    pub confidence: Vec<u64>,
    /// Items where no reviewer stated a confidence (in `entropy`, not in `confidence`).
    pub no_confidence: u64,
    /// `joint[entropy bin][confidence bin]`: items with a mean confidence.
    pub joint: Vec<Vec<u64>>,
}

impl Axes {
    pub(super) fn new(high_entropy: f64, low_confidence: f64) -> Axes {
        Axes {
            bins: BINS,
            high_entropy,
            low_confidence,
            entropy: vec![0; BINS],
            confidence: vec![0; BINS],
            no_confidence: 0,
            joint: vec![vec![0; BINS]; BINS],
        }
    }

    pub(super) fn add(&mut self, norm_entropy: f64, mean_confidence: Option<f64>) {
        let e = bin(norm_entropy);
        self.entropy[e] += 1;
        match mean_confidence {
            Some(c) => {
                let c = bin(c);
                self.confidence[c] += 1;
                self.joint[e][c] += 1;
            }
            None => self.no_confidence += 1,
        }
    }
}

/// The bin of `x` in [0, 1]; values a rounding error outside land in the end bins.
pub(super) fn bin(x: f64) -> usize {
    ((x * BINS as f64).floor().max(0.0) as usize).min(BINS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_closed_at_one_and_tolerate_rounding() {
        assert_eq!(
            (
                bin(0.0),
                bin(0.049_999),
                bin(0.05),
                bin(1.0),
                bin(1.0 + 1e-15)
            ),
            (0, 0, 1, 19, 19)
        );
        assert_eq!(bin(-1e-15), 0);
        let mut a = Axes::new(0.5, 0.6);
        a.add(0.97, Some(0.3));
        a.add(0.1, None);
        assert_eq!((a.entropy[19], a.entropy[2], a.confidence[6]), (1, 1, 1));
        assert_eq!((a.joint[19][6], a.no_confidence), (1, 1));
    }
}
