//! Rubric YAML: load, validate, thresholds, reason codes and the confidence scale.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::ids;

/// The reason codes a rubric gets when it names none (seed §7).
pub const DEFAULT_REASON_CODES: [&str; 4] = [
    "verifiable_answer",
    "reviewer_error",
    "downstream_single_decision",
    "requested_hard_labels",
];

/// The reason code whose hard label names the reviewer(s) who erred.
pub const REVIEWER_ERROR: &str = "reviewer_error";

/// A validated rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Rubric {
    /// Task name; matches `task` in every item and export line.
    pub task: String,
    /// Rubric version.
    pub version: u32,
    /// Human title.
    pub title: Option<String>,
    /// Labels in rubric order.
    pub labels: Vec<Label>,
    /// Optional per-criterion anchors.
    pub criteria: Vec<Criterion>,
    /// How reported confidence maps to [0, 1].
    pub confidence: ConfidenceScale,
    /// Thresholds of the disagreement class.
    pub disagreement: DisagreementThresholds,
    /// Thresholds of the flags.
    pub flags: FlagThresholds,
    /// Reason codes allowed on a hard label.
    pub reason_codes: Vec<String>,
    /// Level of measurement of the labels, for the agreement figures.
    pub level: Level,
    /// The YAML exactly as loaded.
    pub yaml: String,
    /// Hex sha256 of `yaml`.
    pub sha256: String,
}

/// Level of measurement of a rubric's labels (`level:`), which decides how far apart two
/// labels are in Krippendorff's α.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// Labels are names: any two differ equally.
    #[default]
    Nominal,
    /// Labels are ranked in rubric order.
    Ordinal,
    /// Label ids are numbers on an interval scale.
    Interval,
}

impl Level {
    /// The name used in the rubric and the report.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Nominal => "nominal",
            Level::Ordinal => "ordinal",
            Level::Interval => "interval",
        }
    }
}

/// One rubric label.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// The label string used in data (`id: 3` on a Likert rubric is the label "3").
    #[serde(deserialize_with = "scalar_text")]
    pub id: String,
    /// What the label means.
    #[serde(default)]
    pub description: Option<String>,
    /// Concrete anchors: examples of when this label applies.
    #[serde(default)]
    pub anchors: Vec<String>,
}

/// A criterion with an anchor per label.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// Criterion id.
    pub id: String,
    /// What the criterion looks at.
    pub description: Option<String>,
    /// Label → anchor text, in file order.
    pub anchors: Vec<(String, String)>,
}

/// Maps a reported confidence to [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfidenceScale {
    /// A numeric scale such as a 1–5 Likert scale, mapped linearly.
    Range {
        /// Lowest value (maps to 0).
        low: f64,
        /// Highest value (maps to 1).
        high: f64,
    },
    /// Already a probability in [0, 1].
    Probability,
}

impl ConfidenceScale {
    /// Maps `raw` to [0, 1], or says why it is not on the scale.
    pub fn normalize(self, raw: f64) -> Result<f64, String> {
        if !raw.is_finite() {
            return Err(format!("{raw} is not a number"));
        }
        match self {
            ConfidenceScale::Range { low, high } => {
                if raw < low || raw > high {
                    Err(format!("{raw} is outside the rubric scale [{low}, {high}]"))
                } else {
                    // Rounded to 12 decimals so that 4.6 on 1–5 is 0.9, not 0.8999999999999999.
                    Ok(((raw - low) / (high - low) * 1e12).round() / 1e12)
                }
            }
            ConfidenceScale::Probability => {
                if (0.0..=1.0).contains(&raw) {
                    Ok(raw)
                } else {
                    Err(format!(
                        "{raw} is outside the probability scale [0, 1] (for a rating scale, \
                         set `confidence: {{scale: [LOW, HIGH]}}` in the rubric)"
                    ))
                }
            }
        }
    }
}

/// Thresholds of the disagreement class.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisagreementThresholds {
    /// Top share at or above which a panel agrees.
    pub agreement_min_share: f64,
    /// Top share at or above which a split is minor.
    pub minor_min_share: f64,
    /// Fewer reviewers than this leaves an item unresolved.
    pub min_reviewers: u32,
}

impl Default for DisagreementThresholds {
    fn default() -> Self {
        DisagreementThresholds {
            agreement_min_share: 0.9,
            minor_min_share: 0.6,
            min_reviewers: 3,
        }
    }
}

/// Thresholds of the flags.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FlagThresholds {
    /// Normalized entropy at or above which an item is high-entropy.
    pub high_entropy: f64,
    /// Mean confidence below which a high-entropy item is a likely rubric problem.
    pub low_confidence: f64,
}

impl Default for FlagThresholds {
    fn default() -> Self {
        FlagThresholds {
            high_entropy: 0.5,
            low_confidence: 0.6,
        }
    }
}

/// A rubric that failed to load, with the line and key at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{line}: {key}: {message}")]
pub struct RubricError {
    /// 1-based line in the YAML (1 when unknown).
    pub line: usize,
    /// The key at fault.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

/// Every problem found in a rubric (at least one), one per line. A text that is not a
/// rubric's YAML at all (bad syntax, an unknown or missing key) stops at its first problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct RubricErrors(pub Vec<RubricError>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    task: String,
    version: u32,
    #[serde(default)]
    title: Option<String>,
    labels: Vec<Label>,
    #[serde(default)]
    criteria: Vec<RawCriterion>,
    #[serde(default)]
    confidence: Option<RawConfidence>,
    #[serde(default)]
    disagreement: DisagreementThresholds,
    #[serde(default)]
    flags: FlagThresholds,
    #[serde(default)]
    reason_codes: Option<Vec<String>>,
    #[serde(default)]
    level: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    anchors: serde_yaml::Mapping,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfidence {
    scale: RawScale,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawScale {
    Range([f64; 2]),
    Named(String),
}

/// Where a rubric's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// A file given now: every check of this build.
    New,
    /// Stored with a batch by an earlier import.
    Stored {
        /// Stored before confidences defaulted to probabilities.
        legacy_scale: bool,
    },
}

impl Rubric {
    /// Parses and validates rubric YAML. Every key but `task`, `version` and `labels` is
    /// optional and takes the default of the design.
    pub fn parse(yaml: &str) -> Result<Rubric, RubricErrors> {
        Self::read(yaml, Reading::New)
    }

    /// Reads a rubric stored with a batch. Its text passed the checks of the build that stored
    /// it, and the batch must open whatever checks came later; a rubric stored before
    /// confidences defaulted to probabilities (`legacy_scale`) keeps the 1–5 default it was read
    /// with then.
    pub fn parse_stored(yaml: &str, legacy_scale: bool) -> Result<Rubric, RubricErrors> {
        Self::read(yaml, Reading::Stored { legacy_scale })
    }

    fn read(yaml: &str, reading: Reading) -> Result<Rubric, RubricErrors> {
        let new = reading == Reading::New;
        let text = yaml.strip_prefix('\u{feff}').unwrap_or(yaml);
        if let Some(line) = too_deep(text).filter(|_| new) {
            return Err(RubricErrors(vec![RubricError {
                line,
                key: "yaml".into(),
                message: format!("nested deeper than {MAX_DEPTH} levels (a rubric needs five)"),
            }]));
        }
        let raw: RawRubric =
            serde_yaml::from_str(text).map_err(|e| RubricErrors(vec![yaml_error(text, &e)]))?;
        let mut problems = Vec::new();
        let mut err = |key: &str, message: String| {
            problems.push(RubricError {
                line: line_of(text, key),
                key: key.to_string(),
                message,
            });
        };
        // The task, labels and reason codes are ids in data and on screen: one that looks like
        // another, or carries a control character, is refused like an item id.
        if raw.task.trim().is_empty() {
            err("task", "must not be empty".into());
        } else if let Some(why) = ids::problem(&raw.task).filter(|_| new) {
            err("task", why);
        }
        if raw.labels.len() < 2 {
            err("labels", "a rubric needs at least two labels".into());
        }
        let mut seen = std::collections::HashSet::new();
        for label in &raw.labels {
            if label.id.is_empty() {
                err("labels", "a label id must not be empty".into());
            } else if let Some(why) = ids::problem(&label.id).filter(|_| new) {
                err("labels", why);
            }
            if !seen.insert(label.id.as_str()) {
                err("labels", format!("duplicate label `{}`", label.id));
            }
        }
        for (key, value) in [
            ("agreement_min_share", raw.disagreement.agreement_min_share),
            ("minor_min_share", raw.disagreement.minor_min_share),
            ("high_entropy", raw.flags.high_entropy),
            ("low_confidence", raw.flags.low_confidence),
        ] {
            if !(0.0..=1.0).contains(&value) {
                err(key, format!("{value} is outside [0, 1]"));
            }
        }
        if raw.disagreement.minor_min_share > raw.disagreement.agreement_min_share {
            err(
                "minor_min_share",
                "must not exceed agreement_min_share".into(),
            );
        }
        if raw.disagreement.min_reviewers == 0 {
            err("min_reviewers", "must be at least 1".into());
        }
        // Without a `confidence:` key, confidences are read as probabilities: the scale of the
        // export, and the one most datasets publish. A rating scale's bounds cannot be guessed.
        let confidence = match raw.confidence.map(|c| c.scale) {
            None if reading == (Reading::Stored { legacy_scale: true }) => ConfidenceScale::Range {
                low: 1.0,
                high: 5.0,
            },
            None => ConfidenceScale::Probability,
            Some(RawScale::Named(name)) if name == "probability" => ConfidenceScale::Probability,
            Some(RawScale::Named(name)) => {
                err(
                    "scale",
                    format!("`{name}` is not a scale: use [LOW, HIGH] or probability"),
                );
                ConfidenceScale::Probability // never used: the rubric is refused
            }
            Some(RawScale::Range([low, high])) => {
                if !(low.is_finite() && high.is_finite() && low < high) {
                    err(
                        "scale",
                        format!("[{low}, {high}] is not a range LOW < HIGH"),
                    );
                }
                ConfidenceScale::Range { low, high }
            }
        };
        let reason_codes = raw.reason_codes.unwrap_or_else(|| {
            DEFAULT_REASON_CODES
                .iter()
                .map(|s| (*s).to_string())
                .collect()
        });
        if reason_codes.is_empty() && new {
            err(
                "reason_codes",
                "is empty: a hard label needs a reason code (leave the key out for the defaults)"
                    .into(),
            );
        }
        let mut codes = std::collections::HashSet::new();
        for code in &reason_codes {
            if code.trim().is_empty() || !codes.insert(code.as_str()) {
                err("reason_codes", format!("empty or duplicate code `{code}`"));
            } else if let Some(why) = ids::problem(code).filter(|_| new) {
                err("reason_codes", why);
            }
        }
        let level = match raw.level.as_deref() {
            None | Some("nominal") => Level::Nominal,
            Some("ordinal") => Level::Ordinal,
            Some("interval") => {
                for label in &raw.labels {
                    if !label.id.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                        err(
                            "level",
                            format!(
                                "interval reads label ids as numbers, and `{}` is not one \
                                 (use ordinal for ranked labels)",
                                label.id
                            ),
                        );
                    }
                }
                Level::Interval
            }
            Some(other) => {
                err(
                    "level",
                    format!("`{other}` is not a level: use nominal, ordinal or interval"),
                );
                Level::Nominal // never used: the rubric is refused
            }
        };
        let mut criteria = Vec::with_capacity(raw.criteria.len());
        for c in raw.criteria {
            let mut anchors = Vec::new();
            for (k, v) in c.anchors {
                let (Some(k), Some(v)) = (yaml_scalar(&k), yaml_scalar(&v)) else {
                    err(
                        "anchors",
                        format!("criterion `{}`: anchors map label to text", c.id),
                    );
                    continue;
                };
                if !seen.contains(k.as_str()) {
                    err(
                        "anchors",
                        format!("criterion `{}`: `{k}` is not a label", c.id),
                    );
                }
                anchors.push((k, v));
            }
            criteria.push(Criterion {
                id: c.id,
                description: c.description,
                anchors,
            });
        }
        if !problems.is_empty() {
            return Err(RubricErrors(problems));
        }
        Ok(Rubric {
            task: raw.task,
            version: raw.version,
            title: raw.title,
            labels: raw.labels,
            criteria,
            confidence,
            disagreement: raw.disagreement,
            flags: raw.flags,
            reason_codes,
            level,
            sha256: sha256_hex(yaml.as_bytes()),
            yaml: yaml.to_string(),
        })
    }

    /// Position of `label` in rubric order.
    #[must_use]
    pub fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.id == label)
    }

    /// The label ids in rubric order.
    pub fn label_ids(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|l| l.id.as_str())
    }

    /// The label ids read as numbers, in rubric order, for an interval rubric (parse has
    /// checked them); `None` otherwise.
    #[must_use]
    pub fn interval_values(&self) -> Option<Vec<f64>> {
        (self.level == Level::Interval).then(|| {
            self.labels
                .iter()
                .map(|l| l.id.trim().parse().unwrap_or(f64::NAN))
                .collect()
        })
    }

    /// Whether `code` is one of the rubric's reason codes.
    #[must_use]
    pub fn has_reason_code(&self, code: &str) -> bool {
        self.reason_codes.iter().any(|c| c == code)
    }
}

/// What a later version of a batch's rubric may change, and what not without a new batch.
///
/// It may change the title, the labels' descriptions and anchors, the criteria, the level, the
/// thresholds (classes and flags are then recomputed) and the reason codes. It may not change
/// the task, lower or keep the version, change the labels' ids or order (every stored panel
/// counts by them: a label removed would orphan the judgments that chose it, one added would
/// change every item's entropy bound), change the confidence scale (stored confidences were
/// mapped with it), or drop a reason code a decision of the batch uses.
#[must_use]
pub fn update_problems(old: &Rubric, new: &Rubric, codes_used: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if new.task != old.task {
        problems.push(format!(
            "task: `{}` is not the batch's task `{}`: a rubric for another task needs a new batch",
            new.task, old.task
        ));
    }
    if new.version <= old.version {
        problems.push(format!(
            "version: {} is not higher than the batch's version {}",
            new.version, old.version
        ));
    }
    let ids = |r: &Rubric| r.labels.iter().map(|l| l.id.clone()).collect::<Vec<_>>();
    if ids(new) != ids(old) {
        problems.push(format!(
            "labels: {} ≠ {}: a version keeps the labels' ids and order (every stored panel \
             counts by them); changing them needs a new batch",
            ids(new).join(", "),
            ids(old).join(", ")
        ));
    }
    if new.confidence != old.confidence {
        problems.push(
            "confidence: the scale differs from the batch's: stored confidences were mapped \
             with it (state the same `confidence:` scale)"
                .into(),
        );
    }
    for code in codes_used {
        if !new.has_reason_code(code) {
            problems.push(format!(
                "reason_codes: `{code}` is used by a decision of the batch and must stay"
            ));
        }
    }
    problems
}

/// Whether `new`'s thresholds differ from `old`'s: classes and flags must then be recomputed.
#[must_use]
pub fn thresholds_changed(old: &Rubric, new: &Rubric) -> bool {
    old.disagreement != new.disagreement || old.flags != new.flags
}

/// Lower-case hex sha256 of `bytes`.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The deepest nesting a rubric may have. The YAML parser slows down quadratically with flow
/// nesting (`[[[…`), so nesting is bounded before it runs.
const MAX_DEPTH: usize = 32;

/// The first line where `text` nests deeper than [`MAX_DEPTH`], counting block levels (by
/// indentation, `- ` included) and flow brackets outside quotes and comments; an estimate that
/// can only undercount.
fn too_deep(text: &str) -> Option<usize> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (n, line) in text.lines().enumerate() {
        let rest = line.trim_start_matches([' ', '-']);
        if flow == 0 && !rest.is_empty() && !rest.starts_with('#') {
            let indent = line.len() - rest.len();
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut quote = None;
        for c in rest.chars() {
            match (quote, c) {
                (None, '#') => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '[' | '{') => flow += 1,
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
            if indents.len() + flow > MAX_DEPTH {
                return Some(n + 1);
            }
        }
        if indents.len() + flow > MAX_DEPTH {
            return Some(n + 1);
        }
    }
    None
}

/// A YAML scalar (string, number or boolean) as its text.
fn scalar_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_yaml::Value::deserialize(d)?;
    yaml_scalar(&v).ok_or_else(|| serde::de::Error::custom("a label id must be text or a number"))
}

fn yaml_scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The first line that defines `key` (as `key:` not preceded by a word character), for errors
/// found after parsing.
fn line_of(text: &str, key: &str) -> usize {
    let needle = format!("{key}:");
    text.lines()
        .position(|l| {
            l.match_indices(&needle).any(|(i, _)| {
                !l[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map_or(1, |i| i + 1)
}

fn yaml_error(text: &str, e: &serde_yaml::Error) -> RubricError {
    let message = e.to_string();
    let line = e.location().map_or(1, |l| l.line());
    // serde names the field in its message ("unknown field `x`", "missing field `task`").
    let key = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field"))
        .map_or_else(|| "yaml".to_string(), str::to_string);
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let line = if line == 1 && key != "yaml" {
        line_of(text, &key).max(line)
    } else {
        line
    };
    RubricError { line, key, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "task: t\nversion: 1\nlabels:\n  - id: a\n  - id: b\n";

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let flow = format!(
            "{MINIMAL}title: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let e = Rubric::parse(&flow).expect_err("too deep");
        assert_eq!((e.0[0].line, e.0[0].key.as_str()), (6, "yaml"), "{e}");
        assert!(
            e.0[0].message.contains("nested deeper than 32 levels"),
            "{e}"
        );
        let block: String = (0..40)
            .map(|d| format!("{}k{d}:\n", " ".repeat(d)))
            .collect();
        let e = Rubric::parse(&format!("{MINIMAL}{block}")).expect_err("too deep");
        assert_eq!(e.0[0].line, 6 + 32, "{e}");
        // Brackets in quotes and comments are text.
        let quoted = format!(
            "{MINIMAL}title: \"{}\" # {}\n",
            "[".repeat(50),
            "{".repeat(50)
        );
        assert!(Rubric::parse(&quoted).is_ok());
    }

    #[test]
    fn minimal_rubric_takes_the_defaults() {
        let r = Rubric::parse(MINIMAL).unwrap();
        assert_eq!(r.disagreement, DisagreementThresholds::default());
        assert_eq!(r.flags, FlagThresholds::default());
        assert_eq!(r.reason_codes.len(), 4);
        assert_eq!(r.confidence, ConfidenceScale::Probability);
        assert_eq!(r.sha256.len(), 64);
    }

    #[test]
    fn numeric_label_ids_are_their_text() {
        let r = Rubric::parse("task: t\nversion: 1\nlabels: [{id: 1}, {id: 2.5}, {id: \"3.0\"}]\n")
            .unwrap();
        assert_eq!(r.label_ids().collect::<Vec<_>>(), ["1", "2.5", "3.0"]);
    }

    #[test]
    fn likert_scale_maps_linearly() {
        let s = ConfidenceScale::Range {
            low: 1.0,
            high: 5.0,
        };
        assert_eq!(s.normalize(1.0), Ok(0.0));
        assert_eq!(s.normalize(5.0), Ok(1.0));
        assert_eq!(s.normalize(4.2), Ok(0.8));
        assert_eq!(s.normalize(4.6), Ok(0.9));
        assert_eq!(s.normalize(4.8), Ok(0.95));
        assert!(s.normalize(6.0).is_err());
        assert!(s.normalize(f64::NAN).is_err());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let e = Rubric::parse(&format!("{MINIMAL}colour: red\n"))
            .unwrap_err()
            .0
            .remove(0);
        assert_eq!(e.key, "colour");
        assert_eq!(e.line, 6);
        let e =
            Rubric::parse("task: t\nversion: 1\nlabels:\n  - id: a\n    colour: x\n  - id: b\n")
                .unwrap_err()
                .0
                .remove(0);
        assert_eq!(e.key, "colour");
    }

    #[test]
    fn duplicate_labels_are_refused() {
        let e = Rubric::parse("task: t\nversion: 1\nlabels:\n  - id: a\n  - id: a\n")
            .unwrap_err()
            .0
            .remove(0);
        assert_eq!(e.key, "labels");
        assert!(e.message.contains("duplicate label `a`"), "{e}");
    }

    #[test]
    fn thresholds_outside_unit_interval_are_refused() {
        let e = Rubric::parse(&format!("{MINIMAL}flags: {{high_entropy: 1.5}}\n"))
            .unwrap_err()
            .0
            .remove(0);
        assert_eq!(e.key, "high_entropy");
        assert_eq!(e.line, 6);
        let e = Rubric::parse(&format!(
            "{MINIMAL}disagreement:\n  minor_min_share: -0.1\n"
        ))
        .unwrap_err()
        .0
        .remove(0);
        assert_eq!((e.key.as_str(), e.line), ("minor_min_share", 7));
    }

    #[test]
    fn text_that_is_not_yaml_is_refused() {
        let e = Rubric::parse("task: [unclosed\n  version: {")
            .unwrap_err()
            .0
            .remove(0);
        assert_eq!(e.key, "yaml");
        let e = Rubric::parse("just a sentence").unwrap_err().0.remove(0);
        assert!(!e.message.is_empty());
    }

    #[test]
    fn missing_required_key_is_named() {
        let e = Rubric::parse("task: t\nlabels:\n  - id: a\n  - id: b\n")
            .unwrap_err()
            .0
            .remove(0);
        assert_eq!(e.key, "version");
    }

    #[test]
    fn every_problem_of_a_rubric_is_listed() {
        let e = Rubric::parse(
            "task: t\nversion: 1\nlabels: [{id: a}, {id: a}]\nconfidence: {scale: [5, 1]}\nflags: {high_entropy: 2}\nreason_codes: [x, x]\n",
        )
        .unwrap_err();
        let keys: Vec<(&str, usize)> = e.0.iter().map(|p| (p.key.as_str(), p.line)).collect();
        assert_eq!(
            keys,
            [
                ("labels", 3),
                ("high_entropy", 5),
                ("scale", 4),
                ("reason_codes", 6)
            ]
        );
        assert_eq!(e.to_string().lines().count(), 4, "{e}");
    }

    #[test]
    fn level_is_nominal_by_default_and_interval_needs_numbers() {
        assert_eq!(Rubric::parse(MINIMAL).unwrap().level, Level::Nominal);
        let r = Rubric::parse(&format!("{MINIMAL}level: ordinal\n")).unwrap();
        assert_eq!((r.level, r.interval_values()), (Level::Ordinal, None));
        let r = Rubric::parse(
            "task: t\nversion: 1\nlabels: [{id: 1}, {id: \"2.5\"}]\nlevel: interval\n",
        )
        .unwrap();
        assert_eq!(r.interval_values(), Some(vec![1.0, 2.5]));
        let e = Rubric::parse(&format!("{MINIMAL}level: interval\n")).unwrap_err();
        assert_eq!((e.0[0].key.as_str(), e.0[0].line), ("level", 6), "{e}");
        assert!(e.to_string().contains("`a` is not one"), "{e}");
        let e = Rubric::parse(&format!("{MINIMAL}level: ratio\n")).unwrap_err();
        assert!(
            e.to_string().contains("6: level: `ratio` is not a level"),
            "{e}"
        );
    }

    #[test]
    fn an_empty_reason_code_list_is_refused() {
        let e = Rubric::parse(&format!("{MINIMAL}reason_codes: []\n")).unwrap_err();
        assert_eq!(e.0[0].key, "reason_codes");
        assert!(e.to_string().contains("is empty"), "{e}");
    }

    #[test]
    fn without_a_scale_confidences_are_probabilities_and_the_error_says_how_to_set_one() {
        let r = Rubric::parse(MINIMAL).unwrap();
        assert_eq!(r.confidence.normalize(0.7), Ok(0.7));
        let e = r.confidence.normalize(4.0).unwrap_err();
        assert!(e.contains("confidence: {scale: [LOW, HIGH]}"), "{e}");
    }

    #[test]
    fn a_label_code_or_task_that_hides_a_control_or_invisible_character_is_refused() {
        let e = Rubric::parse(
            "task: \"t\\e]0;x\\a\"\nversion: 1\nlabels: [{id: \"a\\e[31m\"}, {id: \"b\\u200b\"}]\nreason_codes: [\" c\"]\n",
        )
        .unwrap_err();
        let keys: Vec<&str> = e.0.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["task", "labels", "labels", "reason_codes"], "{e}");
    }

    #[test]
    fn a_stored_rubric_opens_under_the_checks_it_was_stored_with() {
        let old = format!("{MINIMAL}reason_codes: []\n");
        assert!(Rubric::parse(&old).is_err(), "refused as a new rubric");
        let stored = Rubric::parse_stored(&old, true).expect("opens as stored");
        assert!(stored.reason_codes.is_empty());
        assert_eq!(
            stored.confidence,
            ConfidenceScale::Range {
                low: 1.0,
                high: 5.0
            },
            "the default it was read with"
        );
        let newer = Rubric::parse_stored(MINIMAL, false).expect("stored since");
        assert_eq!(newer.confidence, ConfidenceScale::Probability);
    }
}
