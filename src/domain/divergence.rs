//! A model's predicted distributions held against the panel's (seed 2: "Soft-Label Training
//! Preserves Epistemic Uncertainty"): per item KL(panel ‖ model), Jensen–Shannon, total
//! variation and cross-entropy; over items their means, the model's top-label accuracy against
//! the panel's plurality, and the correlation of panel entropy with model entropy; and a paired
//! item bootstrap on the difference of each figure between two models.
//!
//! **Zero model probabilities.** KL(P ‖ Q) and the cross-entropy are infinite where the panel
//! gives a label weight and the model gives it none. Every model probability is therefore
//! clipped from below at [`EPSILON`] (1e-12) and the clipped distribution renormalized before
//! either is computed — what `scipy.stats.entropy(p, np.clip(q, 1e-12, None))` computes, since
//! scipy normalizes its arguments. One clipped label costs at most ln(1e12) ≈ 27.6 nats, so a
//! single overconfident miss shows as a large but finite KL rather than hiding the mean behind
//! an infinity. The items where clipping changed the figure (a label the panel chose that the
//! model gave less than [`EPSILON`]) are counted, so a reader knows how many KLs rest on it.
//! Jensen–Shannon and total variation are finite as they stand and are not clipped.

use serde::Serialize;

use super::coincidence::{Interval, SplitMix64};
use super::metrics::entropy_bits;
use super::model::DisagreementClass;

/// The floor of a model probability in KL and cross-entropy (see the module's notes).
pub const EPSILON: f64 = 1e-12;

/// One item: how far the model's distribution lies from the panel's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ItemDivergence {
    /// KL(panel ‖ model) in nats, model clipped at [`EPSILON`].
    pub kl_nats: f64,
    /// Jensen–Shannon divergence in bits, in [0, 1].
    pub js_bits: f64,
    /// Total variation distance, ½ Σ |p − q|, in [0, 1].
    pub total_variation: f64,
    /// Cross-entropy −Σ p ln q in nats, model clipped as for KL.
    pub cross_entropy_nats: f64,
    /// Entropy of the model's distribution in bits.
    pub model_entropy_bits: f64,
    /// Whether clipping changed the KL: a label the panel gave weight had model probability
    /// below [`EPSILON`].
    pub clipped: bool,
}

/// The model's distribution clipped at [`EPSILON`] and renormalized, and whether a label the
/// panel gave weight was clipped.
fn clipped(panel: &[f64], model: &[f64]) -> (Vec<f64>, bool) {
    let mut q: Vec<f64> = model.iter().map(|&q| q.max(EPSILON)).collect();
    let total: f64 = q.iter().sum();
    q.iter_mut().for_each(|x| *x /= total);
    let hit = panel
        .iter()
        .zip(model)
        .any(|(&p, &q)| p > 0.0 && q < EPSILON);
    (q, hit)
}

/// Σ p ln(p / q) over the labels with p > 0 (0 · ln 0 = 0).
fn kl(p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|(p, _)| **p > 0.0)
        .map(|(&p, &q)| p * (p / q).ln())
        .sum()
}

/// Jensen–Shannon divergence in bits: ½ KL(P ‖ M) + ½ KL(Q ‖ M), M = (P + Q) / 2. The square
/// of scipy's `jensenshannon(p, q, base=2)`, which is the distance.
#[must_use]
pub fn js_bits(p: &[f64], q: &[f64]) -> f64 {
    let m: Vec<f64> = p.iter().zip(q).map(|(a, b)| (a + b) / 2.0).collect();
    let js = (kl(p, &m) + kl(q, &m)) / 2.0 / std::f64::consts::LN_2;
    // Rounding can leave −1e-17 where P = Q, or a hair over 1 bit.
    js.clamp(0.0, 1.0)
}

/// Total variation distance ½ Σ |p − q|.
#[must_use]
pub fn total_variation(p: &[f64], q: &[f64]) -> f64 {
    let tv = p.iter().zip(q).map(|(a, b)| (a - b).abs()).sum::<f64>() / 2.0;
    tv.clamp(0.0, 1.0)
}

/// Compares the model's distribution with the panel's (both in rubric order, same length).
#[must_use]
pub fn compare(panel: &[f64], model: &[f64]) -> ItemDivergence {
    let (q, clipped) = clipped(panel, model);
    // Gibbs: KL ≥ 0; only rounding takes it below.
    let kl_nats = kl(panel, &q).max(0.0);
    let cross_entropy_nats = -panel
        .iter()
        .zip(&q)
        .filter(|(p, _)| **p > 0.0)
        .map(|(&p, &q)| p * q.ln())
        .sum::<f64>();
    ItemDivergence {
        kl_nats,
        js_bits: js_bits(panel, model),
        total_variation: total_variation(panel, model),
        cross_entropy_nats: cross_entropy_nats.max(0.0),
        model_entropy_bits: entropy_bits(model),
        clipped,
    }
}

/// The softmax of `logits`: exp(x − max) normalized, so large logits do not overflow.
#[must_use]
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = logits.iter().map(|x| (x - max).exp()).collect();
    let total: f64 = exp.iter().sum();
    exp.iter().map(|e| e / total).collect()
}

/// The index of the largest value, `None` when the largest is shared (a tie) or there is none.
#[must_use]
pub fn top_label(values: &[f64]) -> Option<usize> {
    let (i, &max) = values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    (values.iter().filter(|&&v| v == max).count() == 1).then_some(i)
}

/// Whether the model's top label is the panel's plurality; `None` when either is tied.
fn hit(panel: &[f64], model: &[f64]) -> Option<bool> {
    Some(top_label(panel)? == top_label(model)?)
}

/// A model's comparison with the panel over the items it predicts, held column by column so
/// that the bootstrap can weigh items without copying them. Items are added in a fixed order
/// (the store's item order), which pairs two models' items.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    items: Vec<i64>,
    kl: Vec<f64>,
    js: Vec<f64>,
    tv: Vec<f64>,
    ce: Vec<f64>,
    panel_h: Vec<f64>,
    model_h: Vec<f64>,
    /// Top-label agreement: `Some(hit)`, or `None` when a top label is tied.
    hit: Vec<Option<bool>>,
    clipped: Vec<bool>,
    class: Vec<DisagreementClass>,
}

/// Every figure of a model over a set of items. A figure is `None` when it is undefined: no
/// items, a correlation of a constant, accuracy with every item tied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Items compared.
    pub items: u64,
    /// Mean KL(panel ‖ model), nats.
    pub kl_mean: Option<f64>,
    /// Sample standard deviation (n − 1) of the KL, nats.
    pub kl_sd: Option<f64>,
    /// Items whose KL rests on clipping a model probability at [`EPSILON`].
    pub clipped_items: u64,
    /// Mean Jensen–Shannon divergence, bits.
    pub js_mean: Option<f64>,
    /// Mean total variation distance.
    pub tv_mean: Option<f64>,
    /// Mean cross-entropy, nats.
    pub cross_entropy_mean: Option<f64>,
    /// Share of items whose model top label is the panel's plurality, over the untied items.
    pub accuracy: Option<f64>,
    /// Items the accuracy is over (neither top label tied).
    pub accuracy_items: u64,
    /// Items left out of the accuracy because the panel's plurality or the model's top label
    /// is tied.
    pub tied_items: u64,
    /// Pearson correlation of panel entropy with model entropy.
    pub pearson: Option<f64>,
    /// Spearman rank correlation of the same (average ranks for ties).
    pub spearman: Option<f64>,
}

/// The figures that the paired bootstrap compares, by name, in the order tables show them.
pub const COMPARED: [&str; 7] = [
    "kl_mean",
    "js_mean",
    "tv_mean",
    "cross_entropy_mean",
    "accuracy",
    "pearson",
    "spearman",
];

/// How tables name each figure (`dissent eval`, the report).
#[must_use]
pub fn caption(figure: &str) -> &'static str {
    match figure {
        "kl_mean" => "KL mean (nats)",
        "kl_sd" => "KL sd",
        "js_mean" => "JS mean (bits)",
        "tv_mean" => "TV mean",
        "cross_entropy_mean" => "cross-entropy (nats)",
        "accuracy" => "top-label accuracy",
        "pearson" => "Pearson r, entropies",
        "spearman" => "Spearman ρ, entropies",
        _ => "?",
    }
}

impl Figures {
    /// The compared figures in [`COMPARED`] order.
    #[must_use]
    pub fn compared(&self) -> [Option<f64>; 7] {
        [
            self.kl_mean,
            self.js_mean,
            self.tv_mean,
            self.cross_entropy_mean,
            self.accuracy,
            self.pearson,
            self.spearman,
        ]
    }
}

impl Scores {
    /// Adds item `item` (a store id; increasing across calls) with its panel distribution,
    /// class and the model's distribution.
    pub fn add(&mut self, item: i64, class: DisagreementClass, panel: &[f64], model: &[f64]) {
        let d = compare(panel, model);
        self.items.push(item);
        self.kl.push(d.kl_nats);
        self.js.push(d.js_bits);
        self.tv.push(d.total_variation);
        self.ce.push(d.cross_entropy_nats);
        self.panel_h.push(entropy_bits(panel));
        self.model_h.push(d.model_entropy_bits);
        self.hit.push(hit(panel, model));
        self.clipped.push(d.clipped);
        self.class.push(class);
    }

    /// Each item's panel and model entropy, bits, in the order added.
    pub fn entropies(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.panel_h
            .iter()
            .copied()
            .zip(self.model_h.iter().copied())
    }

    /// Items added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no item was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The figures over every item.
    #[must_use]
    pub fn figures(&self) -> Figures {
        let weights = vec![1; self.len()];
        self.figures_of(&weights, &self.orders())
    }

    /// The figures over the items of each class, in [`DisagreementClass::ALL`] order.
    #[must_use]
    pub fn by_class(&self) -> Vec<(DisagreementClass, Figures)> {
        let orders = self.orders();
        DisagreementClass::ALL
            .iter()
            .map(|&c| {
                let weights: Vec<u32> = self.class.iter().map(|&k| u32::from(k == c)).collect();
                (c, self.figures_of(&weights, &orders))
            })
            .collect()
    }

    /// The figures with item `i` counted `weights[i]` times, ranks computed afresh.
    fn figures_of(&self, weights: &[u32], orders: &Orders) -> Figures {
        let (mut panel, mut model) = (vec![0.0; self.len()], vec![0.0; self.len()]);
        orders.panel.ranks(weights, &mut panel);
        orders.model.ranks(weights, &mut model);
        self.weighted(weights, &panel, &model)
    }

    /// Whether both predict the very same items (then [`Scores::paired`] is not needed).
    #[must_use]
    pub fn same_items(&self, other: &Scores) -> bool {
        self.items == other.items
    }

    /// Both models restricted to the items both predict, in the same order.
    #[must_use]
    pub fn paired(a: &Scores, b: &Scores) -> (Scores, Scores) {
        let (mut i, mut j) = (0, 0);
        let (mut keep_a, mut keep_b) = (Vec::new(), Vec::new());
        while i < a.len() && j < b.len() {
            match a.items[i].cmp(&b.items[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    keep_a.push(i);
                    keep_b.push(j);
                    i += 1;
                    j += 1;
                }
            }
        }
        (a.select(&keep_a), b.select(&keep_b))
    }

    fn select(&self, rows: &[usize]) -> Scores {
        let pick = |v: &[f64]| rows.iter().map(|&r| v[r]).collect();
        Scores {
            items: rows.iter().map(|&r| self.items[r]).collect(),
            kl: pick(&self.kl),
            js: pick(&self.js),
            tv: pick(&self.tv),
            ce: pick(&self.ce),
            panel_h: pick(&self.panel_h),
            model_h: pick(&self.model_h),
            hit: rows.iter().map(|&r| self.hit[r]).collect(),
            clipped: rows.iter().map(|&r| self.clipped[r]).collect(),
            class: rows.iter().map(|&r| self.class[r]).collect(),
        }
    }

    /// The items in ascending order of panel entropy and of model entropy (for ranks).
    fn orders(&self) -> Orders {
        Orders {
            panel: Ranking::of(&self.panel_h),
            model: Ranking::of(&self.model_h),
        }
    }

    /// The figures with item `i` counted `weights[i]` times (a bootstrap resample, or one
    /// class), given each item's rank of panel and of model entropy among the items counted.
    /// Two passes over the items: sums, then sums of squares about the means.
    fn weighted(&self, weights: &[u32], panel_ranks: &[f64], model_ranks: &[f64]) -> Figures {
        let (mut n, mut kl, mut js, mut tv, mut ce) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut ph, mut mh, mut pr, mut mr) = (0.0, 0.0, 0.0, 0.0);
        let (mut hits, mut untied, mut tied, mut clipped) = (0u64, 0u64, 0u64, 0u64);
        for (i, &w) in weights.iter().enumerate() {
            if w == 0 {
                continue;
            }
            let f = f64::from(w);
            n += f;
            kl += f * self.kl[i];
            js += f * self.js[i];
            tv += f * self.tv[i];
            ce += f * self.ce[i];
            ph += f * self.panel_h[i];
            mh += f * self.model_h[i];
            pr += f * panel_ranks[i];
            mr += f * model_ranks[i];
            let w = u64::from(w);
            match self.hit[i] {
                Some(h) => {
                    untied += w;
                    hits += w * u64::from(h);
                }
                None => tied += w,
            }
            clipped += w * u64::from(self.clipped[i]);
        }
        let mean = |sum: f64| (n > 0.0).then(|| sum / n);
        let (kl_mean, mx, my, rx, ry) = (kl / n, ph / n, mh / n, pr / n, mr / n);
        let mut ss = [0.0f64; 7];
        for (i, &w) in weights.iter().enumerate() {
            if w == 0 {
                continue;
            }
            let f = f64::from(w);
            let (k, x, y) = (
                self.kl[i] - kl_mean,
                self.panel_h[i] - mx,
                self.model_h[i] - my,
            );
            let (u, v) = (panel_ranks[i] - rx, model_ranks[i] - ry);
            ss[0] += f * k * k;
            ss[1] += f * x * x;
            ss[2] += f * y * y;
            ss[3] += f * x * y;
            ss[4] += f * u * u;
            ss[5] += f * v * v;
            ss[6] += f * u * v;
        }
        Figures {
            items: n as u64,
            kl_mean: mean(kl),
            kl_sd: (n > 1.0).then(|| (ss[0] / (n - 1.0)).sqrt()),
            clipped_items: clipped,
            js_mean: mean(js),
            tv_mean: mean(tv),
            cross_entropy_mean: mean(ce),
            accuracy: (untied > 0).then(|| hits as f64 / untied as f64),
            accuracy_items: untied,
            tied_items: tied,
            pearson: correlation(n, (ss[1], mx), (ss[2], my), ss[3]),
            spearman: correlation(n, (ss[4], rx), (ss[5], ry), ss[6]),
        }
    }
}

/// Sort orders of the two entropy columns.
struct Orders {
    panel: Ranking,
    model: Ranking,
}

/// Entropies within this much (relative, or absolute below 1) of the first of a run are tied
/// for Spearman's ranks: two models' outputs that are equal on paper (the same probabilities on
/// other labels) differ in their last bits, and ranking that rounding noise would make ρ
/// depend on it.
pub const RANK_TIE: f64 = 1e-12;

/// A column's items in ascending order, cut into runs of tied values (within [`RANK_TIE`] of
/// the run's first), sorted once and ranked for any weights.
struct Ranking {
    order: Vec<u32>,
    /// Where each run ends in `order`.
    ends: Vec<u32>,
}

impl Ranking {
    fn of(values: &[f64]) -> Ranking {
        let mut order: Vec<u32> = (0..values.len() as u32).collect();
        order.sort_by(|&a, &b| values[a as usize].total_cmp(&values[b as usize]));
        let mut ends = Vec::new();
        let mut first = None;
        for (at, &i) in order.iter().enumerate() {
            let v = values[i as usize];
            match first {
                Some(f) if v - f <= RANK_TIE * f64::abs(f).max(1.0) => {}
                Some(_) => {
                    ends.push(at as u32);
                    first = Some(v);
                }
                None => first = Some(v),
            }
        }
        if !order.is_empty() {
            ends.push(order.len() as u32);
        }
        Ranking { order, ends }
    }

    /// Writes into `out` the rank of every item counted `weights` times (1-based, ties given
    /// the average of the ranks they span; an item counted w times takes w consecutive ranks,
    /// all tied). Items counted 0 times are left as they are.
    fn ranks(&self, weights: &[u32], out: &mut [f64]) {
        let (mut taken, mut start) = (0u64, 0usize);
        for &end in &self.ends {
            let run = &self.order[start..end as usize];
            let group: u64 = run.iter().map(|&i| u64::from(weights[i as usize])).sum();
            if group > 0 {
                let rank = taken as f64 + (group as f64 + 1.0) / 2.0;
                for &i in run {
                    out[i as usize] = rank;
                }
            }
            taken += group;
            start = end as usize;
        }
    }
}

/// Pearson's r from `n` counted items, each column's sum of squares about its mean (with the
/// mean) and the sum of cross-products; `None` when fewer than two items are counted or either
/// column is constant (its spread is rounding only).
fn correlation(n: f64, (sxx, mx): (f64, f64), (syy, my): (f64, f64), sxy: f64) -> Option<f64> {
    let tiny = |s: f64, m: f64| s <= n * (m.abs().max(1.0) * 1e-12).powi(2);
    if n < 2.0 || tiny(sxx, mx) || tiny(syy, my) {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// One compared figure of two models over the items both predict: each value, the difference
/// (second − first), the relative change and a 95% paired-bootstrap interval on the difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// The figure (one of [`COMPARED`]).
    pub figure: &'static str,
    /// The first model's value.
    pub first: Option<f64>,
    /// The second model's value.
    pub second: Option<f64>,
    /// second − first.
    pub difference: Option<f64>,
    /// (second − first) / |first|; `None` when the first is 0 or undefined.
    pub relative_change: Option<f64>,
    /// 95% percentile interval of the difference over item resamples.
    pub interval: Interval,
}

/// The differences of the compared figures (second − first) on one resample, drawn as indexes
/// into the paired items (`draws` below their number; [`Scores::paired`] first).
#[must_use]
pub fn differences_of_draws(first: &Scores, second: &Scores, draws: &[u64]) -> [Option<f64>; 7] {
    let mut weights = vec![0u32; first.len()];
    for &d in draws {
        weights[d as usize] += 1;
    }
    let paired = Paired::new(first, second);
    paired.differences(&weights, &mut paired.buffers())
}

/// Two models over the same items, with the rankings a resample needs.
struct Paired<'a> {
    first: &'a Scores,
    second: &'a Scores,
    panel: Ranking,
    first_model: Ranking,
    second_model: Ranking,
}

/// Rank buffers of one resample: panel entropy (the same items for both models), each model's.
type RankBuffers = [Vec<f64>; 3];

impl<'a> Paired<'a> {
    fn new(first: &'a Scores, second: &'a Scores) -> Paired<'a> {
        assert!(first.same_items(second), "pair the models first");
        Paired {
            first,
            second,
            panel: Ranking::of(&first.panel_h),
            first_model: Ranking::of(&first.model_h),
            second_model: Ranking::of(&second.model_h),
        }
    }

    fn buffers(&self) -> RankBuffers {
        let n = self.first.len();
        [vec![0.0; n], vec![0.0; n], vec![0.0; n]]
    }

    fn differences(&self, weights: &[u32], ranks: &mut RankBuffers) -> [Option<f64>; 7] {
        let [panel, a, b] = ranks;
        self.panel.ranks(weights, panel);
        self.first_model.ranks(weights, a);
        self.second_model.ranks(weights, b);
        let a = self.first.weighted(weights, panel, a).compared();
        let b = self.second.weighted(weights, panel, b).compared();
        std::array::from_fn(|i| Some(b[i]? - a[i]?))
    }

    /// The differences of resamples `range`, resample r drawn from where a sequential run of
    /// the generator would be after r × n draws: the same values on any number of threads.
    fn resamples(&self, range: std::ops::Range<u64>, seed: u64) -> Vec<[Option<f64>; 7]> {
        let n = self.first.len() as u64;
        let mut weights = vec![0u32; self.first.len()];
        let mut ranks = self.buffers();
        range
            .map(|r| {
                let mut rng = SplitMix64::after(seed, r.wrapping_mul(n));
                weights.iter_mut().for_each(|w| *w = 0);
                for _ in 0..n {
                    weights[rng.below(n) as usize] += 1;
                }
                self.differences(&weights, &mut ranks)
            })
            .collect()
    }
}

/// Compares two models on the items both predict ([`Scores::paired`] first): each figure, the
/// difference, and its 95% interval from `resamples` item resamples with replacement (the same
/// items for both models in each), drawn by SplitMix64 seeded with `seed`. The resamples are
/// shared among the machine's cores; the result does not depend on how many there are.
#[must_use]
pub fn paired_differences(
    first: &Scores,
    second: &Scores,
    resamples: u32,
    seed: u64,
) -> Vec<Difference> {
    let (a, b) = (first.figures().compared(), second.figures().compared());
    let paired = Paired::new(first, second);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8) as u64;
    let total = u64::from(resamples);
    let per = total.div_ceil(threads).max(1);
    let drawn: Vec<[Option<f64>; 7]> = std::thread::scope(|scope| {
        let paired = &paired;
        let handles: Vec<_> = (0..total)
            .step_by(per as usize)
            .map(|start| {
                scope.spawn(move || paired.resamples(start..(start + per).min(total), seed))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut values = vec![Vec::with_capacity(resamples as usize); COMPARED.len()];
    for d in drawn {
        for (v, d) in values.iter_mut().zip(d) {
            if let Some(d) = d {
                v.push(d);
            }
        }
    }
    COMPARED
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (&figure, v))| {
            let difference = a[i].zip(b[i]).map(|(a, b)| b - a);
            Difference {
                figure,
                first: a[i],
                second: b[i],
                difference,
                relative_change: difference
                    .zip(a[i])
                    .filter(|(_, a)| *a != 0.0)
                    .map(|(d, a)| d / a.abs()),
                interval: Interval::of(v, resamples, seed),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn hand_worked_kl_js_tv_and_cross_entropy() {
        // P = (1/2, 1/2, 0), Q = (1/4, 1/2, 1/4).
        // KL = ½ ln(2) + ½ ln(1) = 0.34657359…
        // M = (3/8, 1/2, 1/8): JS = ½[½ log2(4/3)] + ½[¼ log2(2/3) + ¼ log2(2)] = 0.2075187…
        // TV = ½(¼ + 0 + ¼) = ¼; H(P, Q) = −½ ln ¼ − ½ ln ½ = 1.0397208…
        let d = compare(&[0.5, 0.5, 0.0], &[0.25, 0.5, 0.25]);
        close(d.kl_nats, 0.5 * 2f64.ln());
        close(
            d.js_bits,
            0.5 * (0.5 * (4.0f64 / 3.0).log2()) + 0.5 * (0.25 * (2.0f64 / 3.0).log2() + 0.25),
        );
        close(d.total_variation, 0.25);
        close(
            d.cross_entropy_nats,
            -0.5 * 0.25f64.ln() - 0.5 * 0.5f64.ln(),
        );
        close(d.model_entropy_bits, 1.5);
        assert!(!d.clipped);
    }

    #[test]
    fn a_zero_where_the_panel_has_weight_is_clipped_and_counted() {
        // scipy.stats.entropy([0.5, 0.5], np.clip([1.0, 0.0], 1e-12, None)) = 13.122363377404328
        let d = compare(&[0.5, 0.5], &[1.0, 0.0]);
        assert!(d.clipped);
        assert!(
            (d.kl_nats - 13.122_363_377_404_328).abs() < 1e-9,
            "{}",
            d.kl_nats
        );
        // M = (3/4, 1/4): JS = ½[½ log2(2/3) + ½ log2(2)] + ½ log2(4/3), not clipped
        close(
            d.js_bits,
            0.5 * (0.5 * (2.0f64 / 3.0).log2() + 0.5) + 0.5 * (4.0f64 / 3.0).log2(),
        );
        // a zero where the panel has none is no clipping
        assert!(!compare(&[1.0, 0.0], &[1.0, 0.0]).clipped);
    }

    #[test]
    fn softmax_matches_scipy_and_survives_large_logits() {
        // scipy.special.softmax([1, 2, 3]) = [0.09003057, 0.24472847, 0.66524096]
        let s = softmax(&[1.0, 2.0, 3.0]);
        for (a, b) in s.iter().zip([
            0.090_030_573_170_380_46,
            0.244_728_471_054_797_64,
            0.665_240_955_774_821_9,
        ]) {
            close(*a, b);
        }
        assert_eq!(softmax(&[1000.0, 1000.0]), vec![0.5, 0.5]);
    }

    #[test]
    fn resamples_do_not_depend_on_how_they_are_split() {
        let mut s = Scores::default();
        for i in 0..30 {
            let p = [f64::from(i % 3) / 4.0, 0.25, 0.75 - f64::from(i % 3) / 4.0];
            s.add(i.into(), DisagreementClass::Major, &p, &[0.2, 0.3, 0.5]);
        }
        let mut t = Scores::default();
        for i in 0..30 {
            let p = [f64::from(i % 3) / 4.0, 0.25, 0.75 - f64::from(i % 3) / 4.0];
            let q = if i % 2 == 0 {
                [0.6, 0.2, 0.2]
            } else {
                [0.1, 0.1, 0.8]
            };
            t.add(i.into(), DisagreementClass::Major, &p, &q);
        }
        let paired = Paired::new(&s, &t);
        let whole = paired.resamples(0..40, 7);
        let mut split = paired.resamples(0..13, 7);
        split.extend(paired.resamples(13..40, 7));
        assert_eq!(whole, split);
    }

    #[test]
    fn top_labels_and_ties() {
        assert_eq!(top_label(&[0.2, 0.5, 0.3]), Some(1));
        assert_eq!(top_label(&[0.4, 0.4, 0.2]), None);
        assert_eq!(top_label(&[]), None);
    }

    #[test]
    fn ranks_average_ties_and_span_repeated_items() {
        let r = Ranking::of(&[3.0, 1.0, 3.0 + 1e-15, 2.0]);
        let mut out = vec![0.0; 4];
        r.ranks(&[1, 1, 1, 1], &mut out);
        assert_eq!(out, vec![3.5, 1.0, 3.5, 2.0]);
        // item 1 counted twice takes ranks 1 and 2 (1.5 each); item 3, left out, takes none
        let mut out = vec![0.0; 4];
        r.ranks(&[1, 2, 1, 0], &mut out);
        assert_eq!(out, vec![3.5, 1.5, 3.5, 0.0]);
    }
}
