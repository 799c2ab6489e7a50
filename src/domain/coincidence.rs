//! Agreement figures of a batch from its panel shapes. An item's share in Krippendorff's α,
//! Fleiss' κ and pooled agreement depends only on its label counts, so a batch is held as the
//! distinct count vectors with the number of items of each: a million items in a few hundred
//! entries, which the item bootstrap resamples without going back to the items.

use std::collections::BTreeMap;

use super::rubric::Level;

/// Items grouped by their label counts (rubric order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panels {
    k: usize,
    groups: BTreeMap<Vec<u64>, u64>,
}

/// A figure, or the reason it is undefined.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Figure {
    /// The value, when defined.
    pub value: Option<f64>,
    /// Why it is undefined, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Figure {
    pub(crate) fn of(value: f64) -> Figure {
        Figure {
            value: Some(value),
            reason: None,
        }
    }

    pub(crate) fn undefined(reason: &str) -> Figure {
        Figure {
            value: None,
            reason: Some(reason.into()),
        }
    }
}

/// How far apart two labels are: Krippendorff's squared difference function of a level.
#[derive(Debug, Clone, PartialEq)]
pub enum Distance {
    /// 0 for the same label, 1 otherwise.
    Nominal,
    /// Ranks in rubric order, weighted by how many values lie between (from the marginals).
    Ordinal,
    /// Squared difference of the labels' numbers.
    Interval(Vec<f64>),
}

impl Distance {
    /// The distance of `level`, with the label numbers of an interval rubric.
    #[must_use]
    pub fn of(level: Level, values: Option<Vec<f64>>) -> Distance {
        match (level, values) {
            (Level::Ordinal, _) => Distance::Ordinal,
            (Level::Interval, Some(v)) => Distance::Interval(v),
            _ => Distance::Nominal,
        }
    }

    /// δ² for every label pair, given the coincidence marginals `n_c`.
    fn matrix(&self, marginals: &[f64]) -> Vec<Vec<f64>> {
        let k = marginals.len();
        (0..k)
            .map(|c| {
                (0..k)
                    .map(|d| match self {
                        Distance::Nominal => f64::from(u8::from(c != d)),
                        Distance::Ordinal => {
                            let (lo, hi) = (c.min(d), c.max(d));
                            let between: f64 = marginals[lo..=hi].iter().sum();
                            (between - (marginals[c] + marginals[d]) / 2.0).powi(2)
                        }
                        Distance::Interval(v) => (v[c] - v[d]).powi(2),
                    })
                    .collect()
            })
            .collect()
    }
}

/// A 95% percentile interval from an item bootstrap, with how it was drawn.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Interval {
    /// 2.5th percentile of the resampled values.
    pub low: Option<f64>,
    /// 97.5th percentile.
    pub high: Option<f64>,
    /// Resamples drawn.
    pub resamples: u32,
    /// Seed of the generator (SplitMix64), so two runs agree.
    pub seed: u64,
    /// Resamples where the figure was undefined (left out of the percentiles).
    pub undefined: u32,
}

impl Interval {
    /// The 95% percentile interval of the `values` a bootstrap of `resamples` resamples drawn
    /// from `seed` found defined (the rest counted as undefined).
    pub(crate) fn of(mut values: Vec<f64>, resamples: u32, seed: u64) -> Interval {
        values.sort_by(f64::total_cmp);
        Interval {
            low: percentile(&values, 0.025),
            high: percentile(&values, 0.975),
            resamples,
            seed,
            undefined: resamples - u32::try_from(values.len()).unwrap_or(resamples),
        }
    }
}

impl Panels {
    /// No items yet, `k` labels.
    #[must_use]
    pub fn new(k: usize) -> Panels {
        Panels {
            k,
            groups: BTreeMap::new(),
        }
    }

    /// Adds one item's label counts.
    pub fn add(&mut self, counts: &[u64]) {
        if let Some(n) = self.groups.get_mut(counts) {
            *n += 1;
        } else {
            self.groups.insert(counts.to_vec(), 1);
        }
    }

    /// Items added.
    #[must_use]
    pub fn items(&self) -> u64 {
        self.groups.values().sum()
    }

    /// Items with at least two judgments: the ones the figures use.
    #[must_use]
    pub fn pairable_items(&self) -> u64 {
        self.pairable().map(|(_, n)| n).sum()
    }

    fn pairable(&self) -> impl Iterator<Item = (&[u64], u64)> {
        self.groups
            .iter()
            .filter(|(c, _)| c.iter().sum::<u64>() >= 2)
            .map(|(c, &n)| (c.as_slice(), n))
    }

    /// The label × label coincidence matrix: o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1) over
    /// pairable items. Symmetric; its total is the number of pairable values.
    #[must_use]
    pub fn coincidence(&self) -> Vec<Vec<f64>> {
        coincidence(self.k, self.pairable())
    }

    /// Krippendorff's α at the level of `distance`.
    #[must_use]
    pub fn alpha(&self, distance: &Distance) -> Figure {
        alpha(&self.coincidence(), distance)
    }

    /// Pooled pairwise agreement: Σ_u Σ_c n_uc(n_uc − 1) / Σ_u m_u(m_u − 1).
    #[must_use]
    pub fn percent_agreement(&self) -> Figure {
        let (mut same, mut all) = (0.0, 0.0);
        for (c, n) in self.pairable() {
            let m = c.iter().sum::<u64>() as f64;
            same += n as f64
                * c.iter()
                    .map(|&x| (x * x.saturating_sub(1)) as f64)
                    .sum::<f64>();
            all += n as f64 * m * (m - 1.0);
        }
        if all > 0.0 {
            Figure::of(same / all)
        } else {
            Figure::undefined("no item has two judgments")
        }
    }

    /// The reviewer count shared by every item, or why there is none (Fleiss' κ needs one).
    fn common_m(&self) -> Result<f64, Figure> {
        let mut ms = self.groups.keys().map(|c| c.iter().sum::<u64>());
        let Some(m) = ms.next() else {
            return Err(Figure::undefined("no items"));
        };
        if ms.any(|x| x != m) {
            return Err(Figure::undefined(
                "items have unequal reviewer counts; Fleiss' κ needs the same count on every item",
            ));
        }
        if m < 2 {
            return Err(Figure::undefined("fewer than two reviewers per item"));
        }
        Ok(m as f64)
    }

    /// Fleiss' κ = (P̄ − P_e) / (1 − P_e), defined when every item has the same m ≥ 2.
    #[must_use]
    pub fn fleiss_kappa(&self) -> Figure {
        let m = match self.common_m() {
            Ok(m) => m,
            Err(why) => return why,
        };
        let items = self.items() as f64;
        let p_bar = self
            .groups
            .iter()
            .map(|(c, &n)| {
                n as f64
                    * c.iter()
                        .map(|&x| (x as f64) * (x as f64 - 1.0))
                        .sum::<f64>()
                    / (m * (m - 1.0))
            })
            .sum::<f64>()
            / items;
        let p_e: f64 = self
            .label_totals()
            .iter()
            .map(|t| (t / (items * m)).powi(2))
            .sum();
        if (1.0 - p_e).abs() < f64::EPSILON {
            return Figure::undefined("every judgment has the same label: chance agreement is 1");
        }
        Figure::of((p_bar - p_e) / (1.0 - p_e))
    }

    /// Fleiss' per-category κ_j = 1 − Σ_i n_ij(m − n_ij) / (N m (m − 1) p_j q_j), label by label.
    #[must_use]
    pub fn category_kappas(&self) -> Vec<Figure> {
        let m = match self.common_m() {
            Ok(m) => m,
            Err(why) => return vec![why; self.k],
        };
        let items = self.items() as f64;
        let totals = self.label_totals();
        (0..self.k)
            .map(|j| {
                let p = totals[j] / (items * m);
                if p <= 0.0 || p >= 1.0 {
                    return Figure::undefined(if p <= 0.0 {
                        "label never chosen"
                    } else {
                        "the only label chosen"
                    });
                }
                let split: f64 = self
                    .groups
                    .iter()
                    .map(|(c, &n)| n as f64 * c[j] as f64 * (m - c[j] as f64))
                    .sum();
                Figure::of(1.0 - split / (items * m * (m - 1.0) * p * (1.0 - p)))
            })
            .collect()
    }

    /// Judgments per label over every item.
    #[must_use]
    pub fn label_totals(&self) -> Vec<f64> {
        let mut t = vec![0.0; self.k];
        for (c, &n) in &self.groups {
            for (t, &x) in t.iter_mut().zip(c) {
                *t += (n * x) as f64;
            }
        }
        t
    }

    /// α of one resample, drawn as indexes into the pairable items in count-vector order
    /// (`draws` must lie below [`Panels::pairable_items`]).
    #[must_use]
    pub fn alpha_of_draws(&self, distance: &Distance, draws: &[u64]) -> Figure {
        let shapes = Shapes::of(self);
        let mut weights = vec![0u64; shapes.counts.len()];
        for &d in draws {
            weights[shapes.group_of(d)] += 1;
        }
        alpha(&shapes.coincidence(&weights), distance)
    }

    /// 95% intervals for α at each of `distances` by resampling the pairable items with
    /// replacement, `resamples` times, from a generator seeded with `seed`. The levels share
    /// their resamples.
    #[must_use]
    pub fn alpha_intervals(
        &self,
        distances: &[&Distance],
        resamples: u32,
        seed: u64,
    ) -> Vec<Interval> {
        let shapes = Shapes::of(self);
        let n = self.pairable_items();
        let mut rng = SplitMix64(seed);
        let mut weights = vec![0u64; shapes.counts.len()];
        let mut values = vec![Vec::with_capacity(resamples as usize); distances.len()];
        for _ in 0..resamples {
            weights.iter_mut().for_each(|w| *w = 0);
            for _ in 0..n {
                weights[shapes.group_of(rng.below(n))] += 1;
            }
            let o = shapes.coincidence(&weights);
            for (d, v) in distances.iter().zip(&mut values) {
                if let Some(a) = alpha(&o, d).value {
                    v.push(a);
                }
            }
        }
        values
            .into_iter()
            .map(|v| Interval::of(v, resamples, seed))
            .collect()
    }
}

/// The pairable shapes with where each one's items end in count-vector order, and a guide
/// table that finds an item's shape in a step or two.
struct Shapes<'a> {
    k: usize,
    counts: Vec<&'a [u64]>,
    ends: Vec<u64>,
    /// For each of `guide.len()` equal slices of the items, the shape of its first item.
    guide: Vec<usize>,
    per_slice: u64,
}

impl<'a> Shapes<'a> {
    fn of(panels: &'a Panels) -> Shapes<'a> {
        let (counts, sizes): (Vec<&[u64]>, Vec<u64>) = panels.pairable().unzip();
        let ends: Vec<u64> = sizes
            .iter()
            .scan(0, |end, n| {
                *end += n;
                Some(*end)
            })
            .collect();
        let total = ends.last().copied().unwrap_or(0);
        let slices = (counts.len() as u64 * 4).clamp(1, total.max(1));
        let per_slice = total.div_ceil(slices).max(1);
        let guide = (0..slices)
            .map(|s| ends.partition_point(|&e| e <= s * per_slice))
            .collect();
        Shapes {
            k: panels.k,
            counts,
            ends,
            guide,
            per_slice,
        }
    }

    /// The shape of item `i` (in count-vector order).
    fn group_of(&self, i: u64) -> usize {
        let mut g = self.guide[usize::try_from(i / self.per_slice).unwrap_or(0)];
        while self.ends[g] <= i {
            g += 1;
        }
        g
    }

    /// The coincidence matrix of the shapes taken `weights` times each.
    fn coincidence(&self, weights: &[u64]) -> Vec<Vec<f64>> {
        let taken = self.counts.iter().zip(weights).filter(|(_, w)| **w > 0);
        coincidence(self.k, taken.map(|(c, w)| (*c, *w)))
    }
}

fn coincidence<'a>(k: usize, groups: impl Iterator<Item = (&'a [u64], u64)>) -> Vec<Vec<f64>> {
    let mut o = vec![vec![0.0; k]; k];
    for (c, n) in groups {
        let m = c.iter().sum::<u64>() as f64;
        let w = n as f64 / (m - 1.0);
        for (a, &x) in c.iter().enumerate().filter(|(_, x)| **x > 0) {
            for (b, &y) in c.iter().enumerate() {
                let pairs = if a == b { x * (x - 1) } else { x * y };
                o[a][b] += w * pairs as f64;
            }
        }
    }
    o
}

/// α = 1 − D_o / D_e over a coincidence matrix: D_o = Σ o_ck δ²_ck, D_e = Σ n_c n_k δ²_ck / (n − 1).
fn alpha(o: &[Vec<f64>], distance: &Distance) -> Figure {
    let marginals: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = marginals.iter().sum();
    if n < 2.0 {
        return Figure::undefined("fewer than two pairable judgments");
    }
    let delta = distance.matrix(&marginals);
    let (mut observed, mut expected) = (0.0, 0.0);
    for (c, row) in o.iter().enumerate() {
        for (k, &o_ck) in row.iter().enumerate() {
            observed += o_ck * delta[c][k];
            expected += marginals[c] * marginals[k] * delta[c][k];
        }
    }
    if expected <= 0.0 {
        return Figure::undefined(
            "every judgment has the same label: no variation to measure against",
        );
    }
    Figure::of(1.0 - (n - 1.0) * observed / expected)
}

/// The `q` quantile of sorted `values`, interpolated linearly between ranks (numpy's default).
fn percentile(values: &[f64], q: f64) -> Option<f64> {
    let last = values.len().checked_sub(1)?;
    let rank = q * last as f64;
    let (lo, frac) = (rank.floor() as usize, rank.fract());
    let hi = (lo + 1).min(last);
    Some(values[lo] + (values[hi] - values[lo]) * frac)
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, and fixed here so that a seed gives the
/// same resamples in every build. The one resampler of the crate's bootstraps.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    /// The generator seeded with `seed` as it stands after `k` draws: its state only counts,
    /// so a resample can start where a sequential run would have been, on any thread.
    pub(crate) fn after(seed: u64, k: u64) -> SplitMix64 {
        SplitMix64(seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below n / 2⁶⁴).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_its_published_sequence() {
        // First outputs for seed 1234567 (the reference C implementation by Vigna).
        let mut r = SplitMix64(1_234_567);
        assert_eq!(r.next(), 6_457_827_717_110_365_317);
        assert_eq!(r.next(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn a_generator_jumps_to_where_a_sequential_run_would_be() {
        let mut r = SplitMix64(42);
        for _ in 0..5 {
            r.next();
        }
        assert_eq!(SplitMix64::after(42, 5).next(), r.next());
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), Some(2.5));
        assert_eq!(percentile(&v, 0.025), Some(1.075));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
