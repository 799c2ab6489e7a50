//! The item view: everything shown of one item, from its stored record and the rubric. The
//! console's panel and `dissent show` both draw this struct.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::domain::decision::{Decision, DecisionKind, DecisionStatus};
use crate::domain::model::{DisagreementClass, ItemRecord, Judgment, Panel, Round};
use crate::domain::rubric::Rubric;
use crate::domain::triage::summarize;
use crate::store::StoredItem;
use crate::text::{inert, width};

/// One item as shown. Strings from data are inert; multi-line ones keep their newlines.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemView {
    /// Item id (one line).
    pub item_id: String,
    /// Task (one line).
    pub task: String,
    /// Status of the decision in force.
    pub status: DecisionStatus,
    /// Disagreement class.
    pub class: DisagreementClass,
    /// Payload fields, in source order: (key, value); values may hold newlines.
    pub payload: Vec<(String, String)>,
    /// Gold label of a gold item.
    pub gold: Option<String>,
    /// Number of judgments.
    pub reviewer_count: u64,
    /// One row per rubric label, in rubric order.
    pub distribution: Vec<Share>,
    /// Entropy, mean confidence and class in one line.
    pub headline: String,
    /// Flags raised: (name, explanation).
    pub flags: Vec<(&'static str, String)>,
    /// One row per reviewer; `None` for an item imported as label counts.
    pub reviewers: Option<Vec<ReviewerRow>>,
    /// Every decision, in the order recorded.
    pub decisions: Vec<DecisionRow>,
    /// Who it is assigned to and who is deciding it now, when anyone is.
    pub team: Option<String>,
    /// The round shown (1 for the first panel) and the rubric version it was judged under.
    pub round: RoundTag,
    /// The rounds before the one shown, oldest first: the item's history of re-reviews.
    pub earlier: Vec<RoundRow>,
}

/// Which round of judgments, under which rubric version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundTag {
    /// 1 for the first panel, 2 after the first re-review, …
    pub number: i64,
    /// The rubric version the round was judged under.
    pub rubric_version: u32,
}

impl std::fmt::Display for RoundTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "round {} · rubric v{}", self.number, self.rubric_version)
    }
}

/// An earlier round, in brief.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRow {
    /// Which round, under which rubric version.
    pub tag: RoundTag,
    /// Its figures: reviewers, entropy, mean confidence, class (one line).
    pub headline: String,
    /// What the panel said (one line): `A moderate · B severe`, or the label counts.
    pub votes: String,
}

/// One label of the distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// Rubric label.
    pub label: String,
    /// Share of judgments.
    pub share: f64,
    /// Number of judgments.
    pub count: u64,
}

impl Share {
    /// The bar of this share `cells` wide: (filled part, empty part).
    #[must_use]
    pub fn bar(&self, cells: usize) -> (String, String) {
        let full = ((self.share * cells as f64).round() as usize).min(cells);
        ("█".repeat(full), "░".repeat(cells - full))
    }

    /// The figures after the bar: `0.25 (1)`.
    #[must_use]
    pub fn figures(&self) -> String {
        format!("{:.2} ({})", self.share, self.count)
    }
}

/// One reviewer's judgment as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewerRow {
    /// Reviewer id (one line).
    pub reviewer: String,
    /// The label chosen.
    pub label: String,
    /// Confidence in [0, 1], when reported.
    pub confidence: Option<f64>,
    /// The reviewer's own fields, `k=v · k=v` (one line); empty when there are none.
    pub attributes: String,
    /// The rationale; may hold newlines.
    pub evidence: Option<String>,
    /// What the rubric says of the chosen label.
    pub anchors: Vec<Anchor>,
}

/// A rubric anchor of a label: from a criterion (`criteria[].anchors[label]`) or, in a rubric
/// without criteria, one of the label's own anchors.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// The criterion it comes from; `None` for the label's own anchors.
    pub criterion: Option<String>,
    /// The anchor text (one line).
    pub text: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.criterion {
            Some(c) => write!(f, "{c}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// One decision of the item's history.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    /// Store id.
    pub id: i64,
    /// When, in UTC.
    pub at: DateTime<Utc>,
    /// Who decided (one line).
    pub actor: String,
    /// What was decided: `hard label moderate [reviewer_error]`, `keep soft`, `undo of #3`.
    pub what: String,
    /// The reviewers named as having erred.
    pub erring: Vec<String>,
    /// The reason text (none for an undo); may hold newlines.
    pub text: Option<String>,
    /// The round it was made on.
    pub round: i64,
}

fn line(s: &str) -> String {
    inert(s, false).into_owned()
}

fn lines(s: &str) -> String {
    inert(s, true).into_owned()
}

/// A JSON value as text: strings bare, anything else as JSON.
fn value_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// The anchors of `label` under `rubric`: the criteria's when the rubric has criteria, else the
/// label's own.
fn anchors(rubric: &Rubric, label: &str) -> Vec<Anchor> {
    if rubric.criteria.is_empty() {
        return rubric
            .labels
            .iter()
            .find(|l| l.id == label)
            .map(|l| {
                l.anchors
                    .iter()
                    .map(|a| Anchor {
                        criterion: None,
                        text: line(a),
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    rubric
        .criteria
        .iter()
        .filter_map(|c| {
            let (_, text) = c.anchors.iter().find(|(l, _)| l == label)?;
            Some(Anchor {
                criterion: Some(line(&c.id)),
                text: line(text),
            })
        })
        .collect()
}

fn reviewer_row(j: &Judgment, rubric: &Rubric) -> ReviewerRow {
    ReviewerRow {
        reviewer: line(&j.reviewer),
        label: line(&j.label),
        confidence: j.confidence,
        attributes: line(
            &j.attributes
                .iter()
                .map(|(k, v)| format!("{k}={}", value_text(v)))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        evidence: j.evidence.as_deref().map(lines),
        anchors: anchors(rubric, &j.label),
    }
}

/// Who an item is assigned to and who is deciding it now, when anyone is.
fn team(item: &StoredItem) -> Option<String> {
    let mut team = Vec::new();
    if let Some(a) = &item.assignee {
        team.push(format!("assigned to {}", line(a)));
    }
    if let Some(c) = &item.claim {
        team.push(format!(
            "being decided by {} since {}",
            line(&c.holder),
            c.since
        ));
    }
    (!team.is_empty()).then(|| team.join(" · "))
}

fn decision_row(d: &Decision) -> DecisionRow {
    let what = match d.kind {
        DecisionKind::HardLabel => format!(
            "hard label {} [{}]",
            line(d.label.as_deref().unwrap_or("?")),
            line(d.reason_code.as_deref().unwrap_or(""))
        ),
        DecisionKind::Revert => format!("undo of #{}", d.reverts.unwrap_or(0)),
        k => k.as_str().replace('_', " "),
    };
    DecisionRow {
        id: d.id,
        at: d.at,
        actor: line(&d.actor),
        what,
        erring: d.erring.iter().map(|r| line(r)).collect(),
        text: (d.kind != DecisionKind::Revert).then(|| lines(&d.text)),
        round: d.round,
    }
}

fn round_row(r: &Round, rubric: &Rubric, gold: Option<&str>) -> RoundRow {
    let s = summarize(&r.panel, rubric, gold);
    let votes = match &r.panel {
        Panel::Judgments(js) => js
            .iter()
            .map(|j| format!("{} {}", j.reviewer, j.label))
            .collect::<Vec<_>>()
            .join(" · "),
        Panel::Counts(_) => rubric
            .labels
            .iter()
            .zip(&s.counts)
            .map(|(l, c)| format!("{} {c}", l.id))
            .collect::<Vec<_>>()
            .join(" · "),
    };
    RoundRow {
        tag: RoundTag {
            number: r.number,
            rubric_version: r.rubric_version,
        },
        headline: format!("{} reviewers · {}", s.figures.reviewer_count, s.headline()),
        votes: line(&votes),
    }
}

impl ItemView {
    /// The view of a stored item under its batch's `rubric`: its latest round, with the rounds
    /// before it as history.
    #[must_use]
    pub fn stored(item: &StoredItem, rubric: &Rubric) -> ItemView {
        let gold = item.record.gold_label.as_deref();
        ItemView {
            round: RoundTag {
                number: item.round,
                rubric_version: item.rubric_version,
            },
            earlier: item
                .earlier
                .iter()
                .map(|r| round_row(r, rubric, gold))
                .collect(),
            team: team(item),
            ..ItemView::new(&item.record, item.status, &item.decisions, rubric)
        }
    }

    /// The view of an item's first round with its status and decision history, under `rubric`.
    #[must_use]
    pub fn new(
        record: &ItemRecord,
        status: DecisionStatus,
        decisions: &[Decision],
        rubric: &Rubric,
    ) -> ItemView {
        let s = summarize(&record.panel, rubric, record.gold_label.as_deref());
        ItemView {
            item_id: line(&record.item_id),
            task: line(&record.task),
            status,
            class: s.figures.class,
            payload: record
                .payload
                .iter()
                .map(|(k, v)| (line(k), lines(&value_text(v))))
                .collect(),
            gold: record.gold_label.as_deref().map(line),
            reviewer_count: s.figures.reviewer_count,
            distribution: rubric
                .labels
                .iter()
                .zip(&s.figures.shares)
                .zip(&s.counts)
                .map(|((l, &share), &count)| Share {
                    label: line(&l.id),
                    share,
                    count,
                })
                .collect(),
            headline: s.headline(),
            flags: s
                .flags
                .iter()
                .map(|f| (f.kind.as_str(), line(&f.explanation)))
                .collect(),
            reviewers: match &record.panel {
                Panel::Judgments(js) => Some(js.iter().map(|j| reviewer_row(j, rubric)).collect()),
                Panel::Counts(_) => None,
            },
            decisions: decisions.iter().map(decision_row).collect(),
            team: None,
            round: RoundTag {
                number: 1,
                rubric_version: rubric.version,
            },
            earlier: Vec::new(),
        }
    }

    /// Display cells of the widest label, to align the distribution's bars.
    #[must_use]
    pub fn label_width(&self) -> usize {
        self.distribution
            .iter()
            .map(|s| width(&s.label))
            .max()
            .unwrap_or(0)
    }

    /// Display cells of the widest figures after a bar.
    #[must_use]
    pub fn figures_width(&self) -> usize {
        self.distribution
            .iter()
            .map(|s| width(&s.figures()))
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::{Anchor, ItemView};
    use crate::domain::decision::{Decision, DecisionKind, DecisionStatus};
    use crate::domain::model::{ItemRecord, Judgment, Panel};
    use crate::domain::rubric::Rubric;

    const RUBRIC: &str = include_str!("../../rubrics/tumor_severity_grade.yaml");
    const BAD: &str = "\u{1b}[2J\u{7}\u{202e}";

    fn hostile() -> (ItemRecord, Vec<Decision>) {
        let mut attributes = serde_json::Map::new();
        attributes.insert(format!("age{BAD}"), json!(format!("40{BAD}")));
        let mut payload = serde_json::Map::new();
        payload.insert(format!("key{BAD}"), json!(format!("line 1\nline 2{BAD}")));
        payload.insert("n".into(), json!({"x": BAD}));
        let record = ItemRecord {
            item_id: format!("id{BAD}"),
            task: format!("task{BAD}"),
            payload,
            gold_label: Some(format!("gold{BAD}")),
            panel: Panel::Judgments(vec![Judgment {
                reviewer: format!("A{BAD}"),
                label: "moderate".into(),
                raw_confidence: None,
                confidence: None,
                evidence: Some(format!("why\n{BAD}")),
                attributes,
            }]),
        };
        let decision = Decision {
            id: 1,
            kind: DecisionKind::HardLabel,
            label: Some("moderate".into()),
            reason_code: Some("reviewer_error".into()),
            erring: vec![format!("A{BAD}")],
            text: format!("because\n{BAD}"),
            actor: format!("bob{BAD}"),
            at: chrono::Utc.timestamp_opt(0, 0).single().expect("time"),
            reverts: None,
            round: 1,
        };
        (record, vec![decision])
    }

    #[test]
    fn every_string_from_data_is_inert() {
        let rubric = Rubric::parse(RUBRIC).expect("rubric");
        let (record, decisions) = hostile();
        let v = ItemView::new(&record, DecisionStatus::HardLabel, &decisions, &rubric);
        let shown = format!("{v:?}");
        for bad in ["\\u{1b}", "\\u{7}", "\\u{202e}"] {
            assert!(!shown.contains(bad), "{bad} reached the view: {shown}");
        }
        assert_eq!(v.payload[0].1, "line 1\nline 2␛[2J␇⟨U+202E⟩");
        assert!(v.payload[1].1.contains("\\u001b"), "JSON keeps its escapes");
        assert_eq!(v.decisions[0].erring, ["A␛[2J␇⟨U+202E⟩"]);
    }

    #[test]
    fn anchors_come_from_the_criteria_else_from_the_label() {
        let (record, _) = hostile();
        let with_criteria = Rubric::parse(RUBRIC).expect("rubric");
        let v = ItemView::new(&record, DecisionStatus::Pending, &[], &with_criteria);
        let anchors = &v.reviewers.as_ref().expect("judgments")[0].anchors;
        let shown: Vec<String> = anchors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["lesion_size: 15–30 mm", "edema: confined to the margin"]
        );
        let labels_only =
            Rubric::parse(&RUBRIC[..RUBRIC.find("criteria:").expect("criteria")]).expect("rubric");
        let v = ItemView::new(&record, DecisionStatus::Pending, &[], &labels_only);
        assert_eq!(
            v.reviewers.expect("judgments")[0].anchors,
            [
                Anchor {
                    criterion: None,
                    text: "15–30 mm on the standard view".into()
                },
                Anchor {
                    criterion: None,
                    text: "no edema beyond the margin".into()
                }
            ]
        );
    }
}
