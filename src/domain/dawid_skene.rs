//! Dawid & Skene (1979): each reviewer's confusion matrix and the classes' priors by EM,
//! following crowd-kit's `DawidSkene` step for step (initialised from the vote shares, errors
//! clipped at machine epsilon, stopped when the evidence lower bound per judgment gains less
//! than the tolerance), with one addition: a gold item's class is its gold label, fixed.
//!
//! Items are held as distinct vote patterns (who chose what, and the gold label) with their
//! number of items, so that a large batch of a few fixed panels is a few hundred patterns.

use std::collections::BTreeMap;

/// Most EM iterations (crowd-kit's default).
pub const MAX_ITERATIONS: u32 = 100;
/// Stop once the evidence lower bound per judgment gains less than this (crowd-kit's default).
pub const TOLERANCE: f64 = 1e-5;

/// Items by vote pattern: `[gold + 1 or 0, reviewer · k + label, …]` with votes sorted.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    k: usize,
    groups: BTreeMap<Vec<u32>, u64>,
    key: Vec<u32>,
}

/// What EM found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DawidSkene {
    /// Iterations run.
    pub iterations: u32,
    /// The cap on iterations.
    pub max_iterations: u32,
    /// The stopping tolerance on the evidence lower bound per judgment.
    pub tolerance: f64,
    /// Whether it stopped on the tolerance rather than the cap.
    pub converged: bool,
    /// Gold items, whose class is fixed to their gold label.
    pub gold_items: u64,
    /// Estimated share of each class, rubric order.
    pub priors: Vec<f64>,
    /// Per reviewer (by index), `confusion[true][given]`: the chance of giving label `given` to
    /// an item of class `true` (rows of classes the reviewer never met are all zero).
    #[serde(skip)]
    pub confusion: Vec<Vec<Vec<f64>>>,
}

impl DawidSkene {
    /// Estimated accuracy of reviewer `r`: Σ_k prior_k · confusion[k][k].
    #[must_use]
    pub fn accuracy(&self, r: usize) -> f64 {
        self.priors
            .iter()
            .enumerate()
            .map(|(k, p)| p * self.confusion[r][k][k])
            .sum()
    }
}

impl Patterns {
    /// No items yet, `k` labels.
    #[must_use]
    pub fn new(k: usize) -> Patterns {
        Patterns {
            k,
            ..Patterns::default()
        }
    }

    /// Adds an item's votes as (reviewer index, label index), with its gold label index.
    pub fn add(&mut self, votes: impl Iterator<Item = (usize, usize)>, gold: Option<usize>) {
        let k = self.k;
        let code = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        self.key.clear();
        self.key.push(gold.map_or(0, |g| code(g + 1)));
        self.key.extend(votes.map(|(r, l)| code(r * k + l)));
        self.key[1..].sort_unstable();
        if self.key.len() == 1 {
            return; // no votes: nothing to learn from
        }
        if let Some(n) = self.groups.get_mut(self.key.as_slice()) {
            *n += 1;
        } else {
            self.groups.insert(self.key.clone(), 1);
        }
    }

    /// Runs EM for `reviewers` reviewers; `None` when no item has a vote.
    #[must_use]
    pub fn fit(&self, reviewers: usize) -> Option<DawidSkene> {
        if self.groups.is_empty() {
            return None;
        }
        let k = self.k;
        let items: Vec<Pattern> = self
            .groups
            .iter()
            .map(|(key, &n)| Pattern {
                n: n as f64,
                gold: (key[0] > 0).then(|| key[0] as usize - 1),
                votes: key[1..]
                    .iter()
                    .map(|&v| (v as usize / k, v as usize % k))
                    .collect(),
            })
            .collect();
        let judgments: f64 = items.iter().map(|p| p.n * p.votes.len() as f64).sum();
        // Initial posteriors: the vote shares (crowd-kit's majority-vote probabilities).
        let mut post: Vec<Vec<f64>> = items
            .iter()
            .map(|p| {
                let mut t = vec![0.0; k];
                p.votes.iter().for_each(|&(_, l)| t[l] += 1.0);
                let m = p.votes.len() as f64;
                t.iter_mut().for_each(|x| *x /= m);
                p.anchor(&mut t);
                t
            })
            .collect();
        let mut priors = priors_of(&items, &post, k);
        let mut errors = m_step(&items, &post, reviewers, k);
        let mut loss = f64::NEG_INFINITY;
        let (mut iterations, mut converged) = (0, false);
        while iterations < MAX_ITERATIONS {
            iterations += 1;
            e_step(&items, &mut post, &priors, &errors);
            priors = priors_of(&items, &post, k);
            errors = m_step(&items, &post, reviewers, k);
            let new_loss = elbo(&items, &post, &priors, &errors) / judgments;
            if new_loss - loss < TOLERANCE {
                converged = true;
                break;
            }
            loss = new_loss;
        }
        Some(DawidSkene {
            iterations,
            max_iterations: MAX_ITERATIONS,
            tolerance: TOLERANCE,
            converged,
            gold_items: items
                .iter()
                .filter(|p| p.gold.is_some())
                .map(|p| p.n as u64)
                .sum(),
            priors,
            confusion: errors
                .into_iter()
                .map(|e| {
                    // errors[given][true] → confusion[true][given]
                    (0..k).map(|t| (0..k).map(|g| e[g][t]).collect()).collect()
                })
                .collect(),
        })
    }
}

struct Pattern {
    n: f64,
    gold: Option<usize>,
    votes: Vec<(usize, usize)>,
}

impl Pattern {
    /// A gold item's posterior is its gold label.
    fn anchor(&self, t: &mut [f64]) {
        if let Some(g) = self.gold {
            t.iter_mut()
                .enumerate()
                .for_each(|(c, x)| *x = f64::from(u8::from(c == g)));
        }
    }
}

/// Class shares: the item-weighted mean of the posteriors.
fn priors_of(items: &[Pattern], post: &[Vec<f64>], k: usize) -> Vec<f64> {
    let n: f64 = items.iter().map(|p| p.n).sum();
    let mut pri = vec![0.0; k];
    for (p, t) in items.iter().zip(post) {
        pri.iter_mut().zip(t).for_each(|(a, x)| *a += p.n * x / n);
    }
    pri
}

/// `errors[r][given][true]`: per reviewer, the posterior mass behind each label they gave,
/// clipped at machine epsilon where they gave it, normalised over the labels they gave.
fn m_step(items: &[Pattern], post: &[Vec<f64>], reviewers: usize, k: usize) -> Vec<Vec<Vec<f64>>> {
    let mut e = vec![vec![vec![0.0; k]; k]; reviewers];
    let mut given = vec![vec![false; k]; reviewers];
    for (p, t) in items.iter().zip(post) {
        for &(r, l) in &p.votes {
            given[r][l] = true;
            e[r][l].iter_mut().zip(t).for_each(|(a, x)| *a += p.n * x);
        }
    }
    for (er, gr) in e.iter_mut().zip(&given) {
        for (row, _) in er.iter_mut().zip(gr).filter(|(_, g)| **g) {
            row.iter_mut().for_each(|x| *x = x.max(f64::EPSILON));
        }
        for c in 0..k {
            let sum: f64 = er.iter().map(|row| row[c]).sum();
            if sum > 0.0 {
                er.iter_mut().for_each(|row| row[c] /= sum);
            }
        }
    }
    e
}

/// Posteriors from the priors and errors, in log space scaled to the row's maximum.
fn e_step(items: &[Pattern], post: &mut [Vec<f64>], priors: &[f64], errors: &[Vec<Vec<f64>>]) {
    for (p, t) in items.iter().zip(post.iter_mut()) {
        if p.gold.is_some() {
            continue;
        }
        for (c, x) in t.iter_mut().enumerate() {
            *x = priors[c].log2()
                + p.votes
                    .iter()
                    .map(|&(r, l)| errors[r][l][c].log2())
                    .sum::<f64>();
        }
        let max = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        t.iter_mut().for_each(|x| *x = (*x - max).exp2());
        let sum: f64 = t.iter().sum();
        t.iter_mut().for_each(|x| *x /= sum);
    }
}

/// crowd-kit's evidence lower bound: Σ over judgments of Σ_k T_k (ln errors + ln prior_k),
/// plus the posteriors' entropy (terms with T_k = 0 left out, as pandas skips NaN).
fn elbo(items: &[Pattern], post: &[Vec<f64>], priors: &[f64], errors: &[Vec<Vec<f64>>]) -> f64 {
    let mut total = 0.0;
    for (p, t) in items.iter().zip(post) {
        for &(r, l) in &p.votes {
            for (c, &x) in t.iter().enumerate().filter(|(_, x)| **x > 0.0) {
                total += p.n * x * (errors[r][l][c].ln() + priors[c].ln());
            }
        }
        total -= p.n
            * t.iter()
                .filter(|&&x| x > 0.0)
                .map(|&x| x * x.ln())
                .sum::<f64>();
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every item gold, the posteriors are the gold labels from the start: the priors are
    /// the gold shares and each confusion row the reviewer's label shares on that class,
    /// worked by hand.
    #[test]
    fn gold_items_anchor_the_classes() {
        let mut p = Patterns::new(2);
        // Class 0 twice: reviewer 0 says 0, 0; reviewer 1 says 0, 1. Class 1 once: both say 1.
        p.add([(0, 0), (1, 0)].into_iter(), Some(0));
        p.add([(0, 0), (1, 1)].into_iter(), Some(0));
        p.add([(0, 1), (1, 1)].into_iter(), Some(1));
        let ds = p.fit(2).expect("fitted");
        assert_eq!(ds.gold_items, 3);
        assert!((ds.priors[0] - 2.0 / 3.0).abs() < 1e-12);
        let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // Reviewer 0 never gave label 1 to class 0: clipped at ε, then normalised.
        assert!(near(
            ds.confusion[0][0][0],
            1.0 / (1.0 + f64::EPSILON / 2.0)
        ));
        assert!(near(ds.confusion[1][0][0], 0.5) && near(ds.confusion[1][0][1], 0.5));
        assert!(near(ds.confusion[1][1][1], 1.0 / (1.0 + f64::EPSILON)));
        assert!(near(ds.accuracy(1), 2.0 / 3.0 * 0.5 + 1.0 / 3.0));
        assert!(ds.converged && ds.iterations <= 2);
    }

    #[test]
    fn no_votes_no_estimate() {
        assert_eq!(Patterns::new(3).fit(0), None);
    }
}
