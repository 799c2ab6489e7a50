//! What a panel said about an item, and the derived view of it.

use serde_json::{Map, Value};

/// One reviewer's judgment of one item. Part of the panel record: never edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgment {
    /// Reviewer identity as it appears in the source data.
    pub reviewer: String,
    /// The rubric label the reviewer chose.
    pub label: String,
    /// Confidence as reported, on the rubric's scale.
    pub raw_confidence: Option<f64>,
    /// Confidence mapped to [0, 1] by the rubric's scale; absent when not reported.
    pub confidence: Option<f64>,
    /// The reviewer's rationale.
    pub evidence: Option<String>,
    /// Fields of the reviewer rather than the item (e.g. demographics), as imported.
    pub attributes: Map<String, Value>,
}

/// The panel record of an item: per-reviewer judgments, or label counts when a dataset was
/// published as counts only.
#[derive(Debug, Clone, PartialEq)]
pub enum Panel {
    /// One judgment per reviewer.
    Judgments(Vec<Judgment>),
    /// Number of judgments per rubric label, in rubric order; no per-reviewer record exists.
    Counts(Vec<u64>),
}

impl Panel {
    /// Short name of the panel's shape, as stored.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Panel::Judgments(_) => "judgments",
            Panel::Counts(_) => "counts",
        }
    }
}

/// One round of an item's panel: the first as imported, a later one after a re-review.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// 1 for the first panel, 2 for the one after the first re-review, …
    pub number: i64,
    /// The rubric version it was judged under.
    pub rubric_version: u32,
    /// What the panel said in that round.
    pub panel: Panel,
}

/// An item as imported: identity, payload, gold label and the panel record.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRecord {
    /// Stable identifier of the item within its batch.
    pub item_id: String,
    /// Task name; matches the rubric's `task`.
    pub task: String,
    /// Every other field of the source, shown to reviewers; key order kept.
    pub payload: Map<String, Value>,
    /// The known answer of a gold item.
    pub gold_label: Option<String>,
    /// What the panel said.
    pub panel: Panel,
}

/// Coarse taxonomy of why (or whether) a panel is split (seed §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DisagreementClass {
    /// Top share at or above the agreement threshold.
    Agreement,
    /// Top share at or above the minor threshold.
    Minor,
    /// Top share below the minor threshold.
    Major,
    /// Too few reviewers, or the top label is tied.
    Unresolved,
}

impl DisagreementClass {
    /// Every class, in display order.
    pub const ALL: [DisagreementClass; 4] = [
        DisagreementClass::Agreement,
        DisagreementClass::Minor,
        DisagreementClass::Major,
        DisagreementClass::Unresolved,
    ];

    /// The name used in exports, the database and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DisagreementClass::Agreement => "agreement",
            DisagreementClass::Minor => "minor",
            DisagreementClass::Major => "major",
            DisagreementClass::Unresolved => "unresolved",
        }
    }

    /// Parses the name used in exports and the CLI.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A reason an item needs a person's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlagKind {
    /// High entropy and low mean confidence: the rubric likely needs fixing.
    RubricProblem,
    /// High entropy and high mean confidence: honest disagreement.
    GenuineAmbiguity,
    /// High entropy where no reviewer reported a confidence.
    HighEntropy,
    /// A gold item whose plurality label is not the gold label.
    GoldMiss,
    /// Fewer reviewers than the rubric requires.
    LowCoverage,
}

impl FlagKind {
    /// Every flag, in display order.
    pub const ALL: [FlagKind; 5] = [
        FlagKind::RubricProblem,
        FlagKind::GenuineAmbiguity,
        FlagKind::HighEntropy,
        FlagKind::GoldMiss,
        FlagKind::LowCoverage,
    ];

    /// The name used in the database and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::RubricProblem => "rubric_problem",
            FlagKind::GenuineAmbiguity => "genuine_ambiguity",
            FlagKind::HighEntropy => "high_entropy",
            FlagKind::GoldMiss => "gold_miss",
            FlagKind::LowCoverage => "low_coverage",
        }
    }

    /// Parses the name used in the CLI.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The bit of this flag in a [`FlagSet`].
    #[must_use]
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of flags, stored as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct FlagSet(pub u8);

impl FlagSet {
    /// Whether the set holds `flag`.
    #[must_use]
    pub fn contains(self, flag: FlagKind) -> bool {
        self.0 & flag.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The flags of the set, in display order.
    pub fn iter(self) -> impl Iterator<Item = FlagKind> {
        FlagKind::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

impl FromIterator<FlagKind> for FlagSet {
    fn from_iter<I: IntoIterator<Item = FlagKind>>(iter: I) -> Self {
        FlagSet(iter.into_iter().fold(0, |acc, f| acc | f.bit()))
    }
}

/// A flag with the one-line explanation of the numbers that raised it.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// Which flag.
    pub kind: FlagKind,
    /// Human explanation, e.g. "H 0.95 of max, mean confidence 0.45 < 0.6: likely a rubric problem".
    pub explanation: String,
}
