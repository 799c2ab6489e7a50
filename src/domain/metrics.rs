//! Distribution, entropy and batch agreement metrics. Pure functions over label counts.

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

/// Streams items' label counts into the batch agreement figures in O(K) memory, so a million
/// items never have to be held at once.
#[derive(Debug, Clone)]
pub struct AgreementAccumulator {
    /// Judgments per label over pairable items (n_c).
    label_totals: Vec<f64>,
    /// Σ over items of Σ_c n_uc(n_uc − 1) / (m_u − 1): the diagonal of the coincidence matrix.
    coincident: f64,
    /// Pairs of reviewers that agree, and all pairs, pooled over items.
    agreeing_pairs: f64,
    all_pairs: f64,
    pairable_items: u64,
    /// Reviewer count shared by every item so far; `None` once two items differ.
    common_m: Option<u64>,
    uneven: bool,
    /// Σ over items of per-item agreement P_i (for Fleiss' κ).
    fleiss_p_sum: f64,
    items: u64,
}

impl AgreementAccumulator {
    /// An empty accumulator for `k` labels.
    #[must_use]
    pub fn new(k: usize) -> Self {
        AgreementAccumulator {
            label_totals: vec![0.0; k],
            coincident: 0.0,
            agreeing_pairs: 0.0,
            all_pairs: 0.0,
            pairable_items: 0,
            common_m: None,
            uneven: false,
            fleiss_p_sum: 0.0,
            items: 0,
        }
    }

    /// Adds one item's label counts (rubric order, length `k`).
    pub fn add_unit(&mut self, counts: &[u64]) {
        let m: u64 = counts.iter().sum();
        self.items += 1;
        match self.common_m {
            None if self.items == 1 => self.common_m = Some(m),
            Some(c) if c != m => self.uneven = true,
            _ => {}
        }
        if m < 2 {
            return;
        }
        self.pairable_items += 1;
        let mf = m as f64;
        let same: f64 = counts.iter().map(|&c| (c as f64) * (c as f64 - 1.0)).sum();
        for (total, &c) in self.label_totals.iter_mut().zip(counts) {
            *total += c as f64;
        }
        self.coincident += same / (mf - 1.0);
        self.agreeing_pairs += same;
        self.all_pairs += mf * (mf - 1.0);
        self.fleiss_p_sum += same / (mf * (mf - 1.0));
    }

    /// The figures for every item added so far.
    #[must_use]
    pub fn finish(&self) -> Agreement {
        let (krippendorff_alpha, krippendorff_alpha_reason) = self.alpha();
        let (fleiss_kappa, fleiss_kappa_reason) = self.kappa();
        Agreement {
            krippendorff_alpha,
            krippendorff_alpha_reason,
            fleiss_kappa,
            fleiss_kappa_reason,
            percent_agreement: (self.all_pairs > 0.0).then(|| self.agreeing_pairs / self.all_pairs),
            pairable_items: self.pairable_items,
        }
    }

    /// α = 1 − (n − 1)·D_o / D_e over the coincidence matrix, computed from its diagonal and
    /// margins: Σ_{c≠k} o_ck = n − Σ_c o_cc and Σ_{c≠k} n_c·n_k = n² − Σ_c n_c².
    fn alpha(&self) -> (Option<f64>, Option<String>) {
        let n: f64 = self.label_totals.iter().sum();
        if n < 2.0 {
            return (None, Some("fewer than two pairable judgments".into()));
        }
        let expected = n * n - self.label_totals.iter().map(|c| c * c).sum::<f64>();
        if expected <= 0.0 {
            return (
                None,
                Some("every judgment has the same label: no variation to measure against".into()),
            );
        }
        let observed = n - self.coincident;
        (Some(1.0 - (n - 1.0) * observed / expected), None)
    }

    /// κ = (P̄ − P_e) / (1 − P_e), defined when every item has the same m ≥ 2 reviewers.
    fn kappa(&self) -> (Option<f64>, Option<String>) {
        if self.items == 0 {
            return (None, Some("no items".into()));
        }
        if self.uneven {
            return (
                None,
                Some("items have unequal reviewer counts; Fleiss' κ needs the same count on every item".into()),
            );
        }
        if self.common_m.unwrap_or(0) < 2 {
            return (None, Some("fewer than two reviewers per item".into()));
        }
        let n: f64 = self.label_totals.iter().sum();
        let p_bar = self.fleiss_p_sum / self.items as f64;
        let p_e: f64 = self.label_totals.iter().map(|c| (c / n).powi(2)).sum();
        if (1.0 - p_e).abs() < f64::EPSILON {
            return (
                None,
                Some("every judgment has the same label: chance agreement is 1".into()),
            );
        }
        (Some((p_bar - p_e) / (1.0 - p_e)), None)
    }
}
