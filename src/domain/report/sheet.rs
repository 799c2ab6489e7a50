//! One reviewer's feedback sheet (`dissent report --reviewer NAME`): their row beside the
//! panel's figures, and the items a senior reviewer would go through with them.

use serde::Serialize;

use super::build::ItemInput;
use super::reviewers::{Rest, rest_plurality};
use super::{Alpha, Header, Proportion, Report, ReviewerRow};
use crate::domain::coincidence::Figure;
use crate::domain::decision::DecisionKind;
use crate::domain::rubric::{REVIEWER_ERROR, Rubric};

/// The sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    /// The batch, as in the report.
    pub header: Header,
    /// The panel's figures, to read the reviewer's against.
    pub panel: PanelFigures,
    /// The reviewer's row of the report.
    pub reviewer: ReviewerRow,
    /// Items where the rest of the panel (sole plurality) or the hard label in force differs
    /// from their label, in `item_id` order.
    pub disagreements: Vec<Disagreement>,
    /// `reviewer_error` hard labels in force that name them.
    pub errors: Vec<NamedError>,
    /// Gold items where their label is not the gold label.
    pub gold_misses: Vec<OwnGoldMiss>,
}

/// The panel's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelFigures {
    /// Krippendorff's α, nominal.
    pub alpha_nominal: Alpha,
    /// α at the rubric's level, when not nominal.
    pub alpha_level: Option<Alpha>,
    /// Fleiss' κ.
    pub fleiss_kappa: Figure,
    /// Pooled pairwise agreement.
    pub percent_agreement: Figure,
    /// Leave-one-out agreement pooled over every reviewer's untied judgments.
    pub leave_one_out_rate: Option<f64>,
    /// Gold judgments that chose the gold label, every reviewer.
    pub gold: Proportion,
}

/// An item where the reviewer's label is not the panel's or the adjudicator's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// Item id.
    pub item_id: String,
    /// Their label.
    pub label: String,
    /// The rest of the panel's sole plurality label (`None` when tied or alone).
    pub rest_plurality: Option<String>,
    /// The hard label in force, if any.
    pub adjudicated_label: Option<String>,
}

/// A `reviewer_error` decision naming the reviewer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedError {
    /// Item id.
    pub item_id: String,
    /// The adjudicated label.
    pub adjudicated_label: Option<String>,
    /// The reason text.
    pub reason: String,
    /// Who decided.
    pub by: String,
    /// When (UTC, RFC 3339).
    pub at: String,
}

/// A gold item the reviewer missed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnGoldMiss {
    /// Item id.
    pub item_id: String,
    /// Their label.
    pub label: String,
    /// The gold label.
    pub gold_label: String,
}

/// The sheet's lists, gathered item by item for one reviewer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Focus {
    reviewer: String,
    disagreements: Vec<Disagreement>,
    errors: Vec<NamedError>,
    gold_misses: Vec<OwnGoldMiss>,
}

impl Focus {
    pub(super) fn new(reviewer: &str) -> Focus {
        Focus {
            reviewer: reviewer.into(),
            ..Focus::default()
        }
    }

    pub(super) fn add(&mut self, item: &ItemInput<'_>, rubric: &Rubric) {
        let Some(vote) = item.votes.iter().find(|v| v.reviewer == self.reviewer) else {
            return;
        };
        let id = |i: usize| rubric.labels[i].id.clone();
        let label = id(vote.label);
        let hard = item.decision.filter(|d| d.kind == DecisionKind::HardLabel);
        let rest = match rest_plurality(vote.label, item.counts) {
            Rest::Sole(p) => Some(p),
            Rest::Alone | Rest::Tied => None,
        };
        let adjudicated = hard.and_then(|d| d.label.clone());
        if rest.is_some_and(|p| p != vote.label)
            || adjudicated.as_ref().is_some_and(|a| *a != label)
        {
            self.disagreements.push(Disagreement {
                item_id: item.item_id.into(),
                label: label.clone(),
                rest_plurality: rest.map(id),
                adjudicated_label: adjudicated.clone(),
            });
        }
        if let Some(d) = hard.filter(|d| {
            d.reason_code.as_deref() == Some(REVIEWER_ERROR) && d.erring.contains(&self.reviewer)
        }) {
            self.errors.push(NamedError {
                item_id: item.item_id.into(),
                adjudicated_label: adjudicated,
                reason: d.text.clone(),
                by: d.actor.clone(),
                at: d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            });
        }
        if let Some(gold) = item.gold_label.filter(|g| *g != label) {
            self.gold_misses.push(OwnGoldMiss {
                item_id: item.item_id.into(),
                label,
                gold_label: gold.into(),
            });
        }
    }
}

impl Report {
    /// The sheet of the reviewer the report was built to focus on; `None` when it was not, or
    /// when that reviewer has no judgment in the batch.
    #[must_use]
    pub fn sheet(self) -> Option<Sheet> {
        let focus = self.focus?;
        let reviewer = self
            .reviewers
            .iter()
            .find(|r| r.reviewer == focus.reviewer)?
            .clone();
        let (agree, untied) = self.reviewers.iter().fold((0, 0), |(a, n), r| {
            let l = &r.leave_one_out;
            (a + l.agree, n + l.agree + l.disagree)
        });
        Some(Sheet {
            header: self.header,
            panel: PanelFigures {
                alpha_nominal: self.agreement.alpha_nominal,
                alpha_level: self.agreement.alpha_level,
                fleiss_kappa: self.agreement.fleiss_kappa,
                percent_agreement: self.agreement.percent_agreement,
                leave_one_out_rate: (untied > 0).then(|| agree as f64 / untied as f64),
                gold: self.gold.judgments,
            },
            reviewer,
            disagreements: focus.disagreements,
            errors: focus.errors,
            gold_misses: focus.gold_misses,
        })
    }
}
