//! The report's model section: each model's figures against the panel (the seed paper's
//! measures), by disagreement class too, and the panel's entropy against the model's as a joint
//! histogram — the same figures as `dissent eval`, from the same [`Scores`].

use serde::Serialize;

use super::axes::{BINS, bin};
use crate::domain::divergence::{Figures, Scores};

/// One model held against the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSection {
    /// The model's name.
    pub name: String,
    /// The version in force.
    pub version: i64,
    /// Its figures over every item it predicts.
    pub figures: Figures,
    /// The same per disagreement class.
    pub by_class: Vec<ClassFigures>,
    /// `entropy[panel bin][model bin]`: items by normalized panel entropy and normalized model
    /// entropy ([`BINS`] equal bins over [0, 1] each).
    pub entropy: Vec<Vec<u64>>,
}

/// A model's figures over the items of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassFigures {
    /// The class.
    pub class: &'static str,
    /// The figures.
    pub figures: Figures,
}

impl ModelSection {
    /// The section of model `name` (`version`) from its scores, with `labels` rubric labels
    /// (entropies are normalized by log2 of it).
    #[must_use]
    pub fn new(name: &str, version: i64, scores: &Scores, labels: usize) -> ModelSection {
        let most = (labels.max(2) as f64).log2();
        let mut entropy = vec![vec![0; BINS]; BINS];
        for (panel, model) in scores.entropies() {
            entropy[bin(panel / most)][bin(model / most)] += 1;
        }
        ModelSection {
            name: name.to_string(),
            version,
            figures: scores.figures(),
            by_class: scores
                .by_class()
                .into_iter()
                .map(|(class, figures)| ClassFigures {
                    class: class.as_str(),
                    figures,
                })
                .collect(),
            entropy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::DisagreementClass;

    #[test]
    fn the_joint_histogram_places_each_item_by_both_entropies() {
        let mut s = Scores::default();
        // A sharp panel and a sharp model; a flat panel (1 bit of 1 over 2 labels) and a flat
        // model.
        s.add(1, DisagreementClass::Agreement, &[1.0, 0.0], &[1.0, 0.0]);
        s.add(2, DisagreementClass::Major, &[0.5, 0.5], &[0.5, 0.5]);
        let m = ModelSection::new("m", 1, &s, 2);
        assert_eq!(m.entropy[0][0], 1);
        assert_eq!(m.entropy[BINS - 1][BINS - 1], 1);
        assert_eq!(m.entropy.iter().flatten().sum::<u64>(), 2);
        assert_eq!(m.figures.items, 2);
        assert_eq!(m.by_class.len(), 4);
        assert_eq!(m.by_class[0].class, "agreement");
        assert_eq!(m.by_class[0].figures.items, 1);
    }
}
