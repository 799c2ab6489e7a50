//! Distribution, entropy and batch agreement metrics. Pure functions over label counts.

use super::coincidence::{Distance, Panels};

/// Share of judgments per label, from counts in rubric order. All zeros when `counts` is empty
/// of judgments.
#[must_use]
pub fn shares(counts: &[u64]) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0.0; counts.len()];
    }
    counts.iter().map(|&c| c as f64 / total as f64).collect()
}

/// Shannon entropy in bits, −Σ p·log2 p with 0·log 0 = 0.
#[must_use]
pub fn entropy_bits(shares: &[f64]) -> f64 {
    let h: f64 = shares
        .iter()
        .filter(|&&p| p > 0.0)
        .map(|&p| -p * p.log2())
        .sum();
    // A one-label distribution sums to −0.0: report it as 0 (an export must never say -0.0).
    if h > 0.0 { h } else { 0.0 }
}

/// Entropy as a fraction of its maximum log2 K for `k` labels (0 when `k` < 2).
#[must_use]
pub fn normalized_entropy(entropy_bits: f64, k: usize) -> f64 {
    if k < 2 {
        return 0.0;
    }
    entropy_bits / (k as f64).log2()
}

/// Batch agreement figures. A figure is `None` when it is undefined, with the reason beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Krippendorff's α for nominal data; any number of reviewers per item, missing data allowed.
    pub krippendorff_alpha: Option<f64>,
    /// Why α is undefined, when it is.
    pub krippendorff_alpha_reason: Option<String>,
    /// Fleiss' κ; defined only when every item has the same number (≥ 2) of reviewers.
    pub fleiss_kappa: Option<f64>,
    /// Why κ is undefined, when it is.
    pub fleiss_kappa_reason: Option<String>,
    /// Observed pairwise agreement: agreeing reviewer pairs over all pairs, pooled over items.
    pub percent_agreement: Option<f64>,
    /// Items with at least two judgments (the ones the figures use).
    pub pairable_items: u64,
}

/// Streams items' label counts into the batch agreement figures, holding only the distinct
/// count vectors ([`Panels`]), so a million items never have to be held at once.
#[derive(Debug, Clone)]
pub struct AgreementAccumulator(Panels);

impl AgreementAccumulator {
    /// An empty accumulator for `k` labels.
    #[must_use]
    pub fn new(k: usize) -> Self {
        AgreementAccumulator(Panels::new(k))
    }

    /// Adds one item's label counts (rubric order, length `k`).
    pub fn add_unit(&mut self, counts: &[u64]) {
        self.0.add(counts);
    }

    /// The figures for every item added so far.
    #[must_use]
    pub fn finish(&self) -> Agreement {
        let alpha = self.0.alpha(&Distance::Nominal);
        let kappa = self.0.fleiss_kappa();
        Agreement {
            krippendorff_alpha: alpha.value,
            krippendorff_alpha_reason: alpha.reason,
            fleiss_kappa: kappa.value,
            fleiss_kappa_reason: kappa.reason,
            percent_agreement: self.0.percent_agreement().value,
            pairable_items: self.0.pairable_items(),
        }
    }
}

/// The Wilson score interval of `passed` out of `total` at z = 1.96 (95%); `None` when
/// `total` is 0.
#[must_use]
pub fn wilson(passed: u64, total: u64) -> Option<(f64, f64)> {
    const Z: f64 = 1.959_963_984_540_054;
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p = passed as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // The interval holds its estimate; at 0 or 1 rounding could leave it a hair outside.
    Some(((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0)))
}

#[cfg(test)]
mod tests {
    use super::wilson;

    #[test]
    fn wilson_reaches_zero_and_one_exactly_at_the_ends() {
        // Found by the property test: 35 of 35 gave an upper bound of 0.9999999999999999.
        for n in [1, 35, 999, 9_999] {
            assert_eq!(wilson(n, n).map(|w| w.1), Some(1.0), "{n} of {n}");
            assert_eq!(wilson(0, n).map(|w| w.0), Some(0.0), "0 of {n}");
        }
    }
}
