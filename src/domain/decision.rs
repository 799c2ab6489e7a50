//! Adjudication decisions (seed §7): kinds, validation, the current decision of an item and the
//! `adjudication_reason` an export line carries.

use chrono::{DateTime, Utc};

use super::model::DisagreementClass;
use super::rubric::{REVIEWER_ERROR, Rubric};

/// What a decision does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionKind {
    /// Collapse the panel to one adjudicated label (the panel record is kept).
    HardLabel,
    /// Honest disagreement: keep the distribution.
    KeepSoft,
    /// Rubric problem: send the item back to the panel.
    Rereview,
    /// Undo: reverts an earlier decision.
    Revert,
}

impl DecisionKind {
    /// The name used in the database and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::HardLabel => "hard_label",
            DecisionKind::KeepSoft => "keep_soft",
            DecisionKind::Rereview => "rereview",
            DecisionKind::Revert => "revert",
        }
    }

    /// Parses the name used in the database and the CLI.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [
            DecisionKind::HardLabel,
            DecisionKind::KeepSoft,
            DecisionKind::Rereview,
            DecisionKind::Revert,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// An item's standing in the adjudication queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionStatus {
    /// No decision in force.
    Pending,
    /// Adjudicated to a hard label.
    HardLabel,
    /// Kept soft.
    KeepSoft,
    /// Sent back for re-review.
    Rereview,
}

impl DecisionStatus {
    /// Every status, in display order.
    pub const ALL: [DecisionStatus; 4] = [
        DecisionStatus::Pending,
        DecisionStatus::HardLabel,
        DecisionStatus::KeepSoft,
        DecisionStatus::Rereview,
    ];

    /// The name used in the database and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Pending => "pending",
            DecisionStatus::HardLabel => "hard_label",
            DecisionStatus::KeepSoft => "keep_soft",
            DecisionStatus::Rereview => "rereview",
        }
    }

    /// Parses the name used in the CLI.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A decision someone asks to record, before it is validated and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecision {
    /// Hard label, keep soft or re-review (reverts are made by undo).
    pub kind: DecisionKind,
    /// The adjudicated label (hard label only).
    pub label: Option<String>,
    /// A reason code of the rubric (hard label only).
    pub reason_code: Option<String>,
    /// Reviewers who erred (with `reviewer_error` only).
    pub erring: Vec<String>,
    /// Free-text reason; required.
    pub text: String,
}

/// A decision an input line carries (a soft-label line read back from an export), with who
/// recorded it and when, where the line says.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDecision {
    /// What was decided.
    pub decision: NewDecision,
    /// Who recorded it, and when (RFC 3339): kept as the line gives them; without them the
    /// importer is credited, now.
    pub credit: Option<(String, String)>,
}

/// What one reviewer on a panel chose: the part of a judgment a decision is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// Reviewer id.
    pub reviewer: String,
    /// The label they chose.
    pub label: String,
}

/// Why a decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    /// No reason text.
    #[error("a decision needs a reason text")]
    NoReason,
    /// A hard label without a label.
    #[error("a hard label needs a label")]
    NoLabel,
    /// A label the rubric does not have.
    #[error("label `{label}` is not in the rubric ({})", labels.join(", "))]
    UnknownLabel {
        /// The label given.
        label: String,
        /// The rubric's labels.
        labels: Vec<String>,
    },
    /// A hard label without a reason code.
    #[error("a hard label needs a reason code")]
    NoReasonCode,
    /// A reason code the rubric does not have.
    #[error("reason code `{code}` is not in the rubric ({})", codes.join(", "))]
    UnknownReasonCode {
        /// The code given.
        code: String,
        /// The rubric's codes.
        codes: Vec<String>,
    },
    /// `reviewer_error` naming nobody.
    #[error("reviewer_error needs the reviewer(s) who erred")]
    NoErring,
    /// Erring reviewers under another reason code.
    #[error("erring reviewers go with reason code reviewer_error only")]
    ErringWithoutReviewerError,
    /// An erring reviewer who is not on the panel.
    #[error("reviewer `{0}` is not on this item's panel")]
    NotOnPanel(String),
    /// An erring reviewer who chose the label given.
    #[error(
        "reviewer `{reviewer}` chose `{label}`, the label given: a reviewer who chose it did not err"
    )]
    ChoseTheLabel {
        /// The reviewer.
        reviewer: String,
        /// The label given.
        label: String,
    },
    /// Erring reviewers on an item imported as counts.
    #[error("this item was imported as counts: no reviewer can be named")]
    CountsOnly,
    /// A label, code or reviewers on keep-soft or re-review.
    #[error("{0} takes no label, reason code or erring reviewers")]
    NotAHardLabel(&'static str),
    /// A revert made directly.
    #[error("reverts are made by undo")]
    RevertByUndo,
}

impl NewDecision {
    /// Checks the decision against the rubric and the votes on the item's panel
    /// (`None` for an item imported as counts).
    pub fn validate(&self, rubric: &Rubric, panel: Option<&[Vote]>) -> Result<(), DecisionError> {
        if self.text.trim().is_empty() {
            return Err(DecisionError::NoReason);
        }
        match self.kind {
            DecisionKind::HardLabel => {
                let label = self.label.as_deref().ok_or(DecisionError::NoLabel)?;
                if rubric.label_index(label).is_none() {
                    return Err(DecisionError::UnknownLabel {
                        label: label.into(),
                        labels: rubric.label_ids().map(str::to_string).collect(),
                    });
                }
                let code = self
                    .reason_code
                    .as_deref()
                    .ok_or(DecisionError::NoReasonCode)?;
                if !rubric.has_reason_code(code) {
                    return Err(DecisionError::UnknownReasonCode {
                        code: code.into(),
                        codes: rubric.reason_codes.clone(),
                    });
                }
                if code == REVIEWER_ERROR && self.erring.is_empty() {
                    return Err(DecisionError::NoErring);
                }
                if code != REVIEWER_ERROR && !self.erring.is_empty() {
                    return Err(DecisionError::ErringWithoutReviewerError);
                }
                if let Some(panel) = panel {
                    for r in &self.erring {
                        match panel.iter().find(|v| &v.reviewer == r) {
                            None => return Err(DecisionError::NotOnPanel(r.clone())),
                            Some(v) if v.label == label => {
                                return Err(DecisionError::ChoseTheLabel {
                                    reviewer: r.clone(),
                                    label: label.into(),
                                });
                            }
                            Some(_) => {}
                        }
                    }
                } else if !self.erring.is_empty() {
                    return Err(DecisionError::CountsOnly);
                }
            }
            DecisionKind::KeepSoft | DecisionKind::Rereview => {
                if self.label.is_some() || self.reason_code.is_some() || !self.erring.is_empty() {
                    return Err(DecisionError::NotAHardLabel(self.kind.as_str()));
                }
            }
            DecisionKind::Revert => return Err(DecisionError::RevertByUndo),
        }
        Ok(())
    }
}

/// A stored decision. Append-only: undo appends a [`DecisionKind::Revert`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Store id.
    pub id: i64,
    /// What was decided.
    pub kind: DecisionKind,
    /// Adjudicated label of a hard label.
    pub label: Option<String>,
    /// Reason code of a hard label.
    pub reason_code: Option<String>,
    /// Reviewers who erred.
    pub erring: Vec<String>,
    /// Free-text reason.
    pub text: String,
    /// Who decided.
    pub actor: String,
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// The decision this one reverts (reverts only).
    pub reverts: Option<i64>,
    /// The round of judgments it was made on (1 for the first panel).
    pub round: i64,
}

/// The decision in force on an item whose latest round is `round`: the latest decision of that
/// round that is not a revert and has not been reverted (a new round answers the decisions of
/// the rounds before it). `history` is in the order recorded.
#[must_use]
pub fn current_decision(history: &[Decision], round: i64) -> Option<&Decision> {
    let reverted: std::collections::HashSet<i64> =
        history.iter().filter_map(|d| d.reverts).collect();
    history
        .iter()
        .rev()
        .find(|d| d.round == round && d.kind != DecisionKind::Revert && !reverted.contains(&d.id))
}

/// The `adjudication_reason` of an item whose panel was not collapsed and carries no recorded
/// keep-soft reason.
#[must_use]
pub fn default_reason(class: DisagreementClass) -> &'static str {
    match class {
        DisagreementClass::Agreement => "panel agreed; no adjudication needed",
        _ => "honest disagreement; not collapsed by default",
    }
}

/// The start of the `adjudication_reason` of an item sent for re-review and not yet answered
/// by a new round.
pub const AWAITING_REREVIEW: &str = "awaiting re-review: ";

/// The start of the `adjudication_reason` of an earlier round in an export line's history: the
/// re-review that sent it back, answered by the next round.
pub const SENT_BACK: &str = "sent back for re-review: ";

/// The `adjudication_reason` of an item sent for re-review with `reason`, not yet answered.
#[must_use]
pub fn awaiting_rereview_reason(reason: &str) -> String {
    format!("{AWAITING_REREVIEW}{reason}")
}

/// A decision's time as an export line carries it (RFC 3339 UTC, fractions only when there
/// are any), so that an export read back and written again keeps it to the byte.
#[must_use]
pub fn decision_time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The `adjudication_reason` of a hard label: `CODE: TEXT`, or
/// `reviewer_error (A, B): TEXT` naming who erred.
#[must_use]
pub fn hard_label_reason(code: &str, erring: &[String], text: &str) -> String {
    if erring.is_empty() {
        format!("{code}: {text}")
    } else {
        format!("{code} ({}): {text}", erring.join(", "))
    }
}

/// Splits a hard label's `adjudication_reason` back into reason code, erring reviewers and text,
/// given the rubric's codes and the reviewers on the panel. The inverse of
/// [`hard_label_reason`], even where reviewer ids hold `, `, `): ` or `: `: the names are read
/// as panel reviewers, the longest first. Without a panel (an item of counts) they split at `, `.
#[must_use]
pub fn parse_hard_label_reason(
    reason: &str,
    rubric: &Rubric,
    panel: &[String],
) -> Option<(String, Vec<String>, String)> {
    rubric.reason_codes.iter().find_map(|code| {
        let rest = reason.strip_prefix(code.as_str())?;
        if let Some(text) = rest.strip_prefix(": ") {
            return Some((code.clone(), Vec::new(), text.to_string()));
        }
        let rest = rest.strip_prefix(" (")?;
        rest.match_indices("): ").find_map(|(end, _)| {
            let erring = panel_names(&rest[..end], panel)?;
            Some((code.clone(), erring, rest[end + 3..].to_string()))
        })
    })
}

/// `names` (joined by `, `) as reviewers of `panel`, each the longest that fits; `None` if
/// some part names nobody on it. Without a panel, the parts between the commas.
fn panel_names(names: &str, panel: &[String]) -> Option<Vec<String>> {
    let parts: Vec<&str> = names.split(", ").collect();
    if panel.is_empty() {
        return Some(parts.iter().map(|p| (*p).to_string()).collect());
    }
    let mut found = Vec::new();
    let mut at = 0;
    while at < parts.len() {
        let name = (at + 1..=parts.len())
            .rev()
            .map(|end| (end, parts[at..end].join(", ")))
            .find(|(_, name)| panel.contains(name))?;
        at = name.0;
        found.push(name.1);
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(id: i64, kind: DecisionKind, reverts: Option<i64>) -> Decision {
        Decision {
            id,
            kind,
            label: None,
            reason_code: None,
            erring: vec![],
            text: "t".into(),
            actor: "a".into(),
            at: DateTime::<Utc>::UNIX_EPOCH,
            reverts,
            round: 1,
        }
    }

    #[test]
    fn undo_restores_the_decision_before() {
        let mut h = vec![decision(1, DecisionKind::KeepSoft, None)];
        assert_eq!(current_decision(&h, 1).map(|d| d.id), Some(1));
        h.push(decision(2, DecisionKind::HardLabel, None));
        assert_eq!(current_decision(&h, 1).map(|d| d.id), Some(2));
        h.push(decision(3, DecisionKind::Revert, Some(2)));
        assert_eq!(current_decision(&h, 1).map(|d| d.id), Some(1));
        h.push(decision(4, DecisionKind::Revert, Some(1)));
        assert_eq!(current_decision(&h, 1), None);
    }

    #[test]
    fn a_new_round_answers_the_decisions_before_it() {
        let h = vec![decision(1, DecisionKind::Rereview, None)];
        assert_eq!(current_decision(&h, 1).map(|d| d.id), Some(1));
        assert_eq!(current_decision(&h, 2), None, "round 2 is pending");
        let mut later = decision(2, DecisionKind::KeepSoft, None);
        later.round = 2;
        let h = [h, vec![later]].concat();
        assert_eq!(current_decision(&h, 2).map(|d| d.id), Some(2));
    }

    #[test]
    fn hard_label_reason_round_trips() {
        let rubric = Rubric::parse("task: t\nversion: 1\nlabels: [{id: a}, {id: b}]\n").unwrap();
        for (code, erring) in [
            ("verifiable_answer", vec![]),
            (REVIEWER_ERROR, vec!["A".to_string(), "D".to_string()]),
        ] {
            let s = hard_label_reason(code, &erring, "misread: the scale");
            assert_eq!(
                parse_hard_label_reason(&s, &rubric, &[]),
                Some((code.to_string(), erring, "misread: the scale".to_string()))
            );
        }
        assert_eq!(parse_hard_label_reason("made_up: x", &rubric, &[]), None);
    }

    #[test]
    fn erring_reviewers_are_read_as_the_panel_names_them() {
        let rubric = Rubric::parse("task: t\nversion: 1\nlabels: [{id: a}, {id: b}]\n").unwrap();
        let panel: Vec<String> = ["A, B", "C", "Dr. E): lead", "A"]
            .into_iter()
            .map(String::from)
            .collect();
        for erring in [
            vec!["C", "A, B"],
            vec!["A, B"],
            vec!["A", "C"],
            vec!["Dr. E): lead", "A, B"],
        ] {
            let erring: Vec<String> = erring.into_iter().map(String::from).collect();
            let s = hard_label_reason(REVIEWER_ERROR, &erring, "x: y");
            assert_eq!(
                parse_hard_label_reason(&s, &rubric, &panel),
                Some((REVIEWER_ERROR.to_string(), erring, "x: y".to_string())),
                "{s}"
            );
        }
        assert_eq!(
            parse_hard_label_reason("reviewer_error (Z): x", &rubric, &panel),
            None,
            "nobody on the panel is called Z"
        );
    }

    #[test]
    fn a_reviewer_who_chose_the_hard_label_did_not_err() {
        let rubric = Rubric::parse("task: t\nversion: 1\nlabels: [{id: a}, {id: b}]\n").unwrap();
        let votes = [("A", "a"), ("B", "b")].map(|(reviewer, label)| Vote {
            reviewer: reviewer.into(),
            label: label.into(),
        });
        let hard = |erring: &str| NewDecision {
            kind: DecisionKind::HardLabel,
            label: Some("a".into()),
            reason_code: Some(REVIEWER_ERROR.into()),
            erring: vec![erring.into()],
            text: "misread".into(),
        };
        assert_eq!(hard("B").validate(&rubric, Some(&votes)), Ok(()));
        assert_eq!(
            hard("A").validate(&rubric, Some(&votes)),
            Err(DecisionError::ChoseTheLabel {
                reviewer: "A".into(),
                label: "a".into()
            })
        );
        assert_eq!(
            hard("C").validate(&rubric, Some(&votes)),
            Err(DecisionError::NotOnPanel("C".into()))
        );
    }
}
