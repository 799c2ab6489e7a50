//! Fills a [`Report`] one item at a time. Memory grows with the distinct panel shapes, the
//! reviewers and reviewer pairs, and the listed items, never with the whole batch.

use std::collections::{BTreeMap, HashMap};

use super::axes::Axes;
use super::reviewers::ReviewerAcc;
use super::sheet::Focus;
use super::{
    AgreementSection, Alpha, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, Counts, DecisionCount,
    FlagProgress, GoldMiss, GoldSection, Header, LabelRow, Lists, PairRow, Proportion, Report,
    RereviewItem, RubricHeader, SplitGroup, Tally,
};
use crate::domain::coincidence::{Distance, Panels};
use crate::domain::dawid_skene::Patterns;
use crate::domain::decision::{Decision, DecisionKind, DecisionStatus};
use crate::domain::model::{DisagreementClass, FlagKind, FlagSet};
use crate::domain::rubric::{Level, REVIEWER_ERROR, Rubric};

/// One judgment of an item: who, and the index of their label in rubric order.
#[derive(Debug, Clone, Copy)]
pub struct Vote<'a> {
    /// Reviewer identity.
    pub reviewer: &'a str,
    /// Label index in rubric order.
    pub label: usize,
    /// Stated confidence mapped to [0, 1], when given.
    pub confidence: Option<f64>,
}

/// What the report reads of one item.
#[derive(Debug, Clone, Copy)]
pub struct ItemInput<'a> {
    /// Item id.
    pub item_id: &'a str,
    /// Judgments per label, rubric order.
    pub counts: &'a [u64],
    /// The judgments; empty for an item imported as counts.
    pub votes: &'a [Vote<'a>],
    /// Whether the panel is counts only.
    pub counts_only: bool,
    /// The gold label of a gold item.
    pub gold_label: Option<&'a str>,
    /// Normalized entropy of the label distribution.
    pub norm_entropy: f64,
    /// Mean stated confidence in [0, 1], when some reviewer stated one.
    pub mean_confidence: Option<f64>,
    /// Disagreement class.
    pub class: DisagreementClass,
    /// Flags.
    pub flags: FlagSet,
    /// Decision status.
    pub status: DecisionStatus,
    /// The decision in force.
    pub decision: Option<&'a Decision>,
}

/// What the report says about itself and its batch, besides the items.
#[derive(Debug, Clone)]
pub struct ReportContext {
    /// Batch name.
    pub batch: String,
    /// `open` or `finalized`.
    pub status: String,
    /// When (UTC, RFC 3339), from the caller's clock.
    pub generated_at: String,
    /// `dissent` version.
    pub tool_version: String,
    /// Who.
    pub generated_by: String,
}

/// Accumulates a report over a batch's items.
pub struct ReportBuilder<'r> {
    rubric: &'r Rubric,
    panels: Panels,
    patterns: Patterns,
    axes: Axes,
    focus: Option<Focus>,
    items: u64,
    judgments: u64,
    kinds: Tally,
    classes: [u64; 4],
    flags: [u64; 5],
    flag_decided: [u64; 5],
    statuses: [u64; 4],
    decisions: [(u64, Tally); 3],
    reviewer_ids: HashMap<String, usize>,
    reviewers: Vec<ReviewerAcc>,
    pairs: HashMap<(usize, usize), (u64, u64)>,
    gold_items: (u64, u64),
    gold_judgments: (u64, u64),
    rereview: Vec<RereviewItem>,
    splits: BTreeMap<(usize, usize), Vec<String>>,
    gold_misses: Vec<GoldMiss>,
}

const DECIDED_KINDS: [DecisionKind; 3] = [
    DecisionKind::HardLabel,
    DecisionKind::KeepSoft,
    DecisionKind::Rereview,
];

impl<'r> ReportBuilder<'r> {
    /// An empty report under `rubric`.
    #[must_use]
    pub fn new(rubric: &'r Rubric) -> Self {
        ReportBuilder {
            rubric,
            panels: Panels::new(rubric.labels.len()),
            patterns: Patterns::new(rubric.labels.len()),
            axes: Axes::new(rubric.flags.high_entropy, rubric.flags.low_confidence),
            focus: None,
            items: 0,
            judgments: 0,
            kinds: Tally::default(),
            classes: [0; 4],
            flags: [0; 5],
            flag_decided: [0; 5],
            statuses: [0; 4],
            decisions: Default::default(),
            reviewer_ids: HashMap::new(),
            reviewers: Vec::new(),
            pairs: HashMap::new(),
            gold_items: (0, 0),
            gold_judgments: (0, 0),
            rereview: Vec::new(),
            splits: BTreeMap::new(),
            gold_misses: Vec::new(),
        }
    }

    /// Also gathers the lists of `reviewer`'s feedback sheet ([`Report::sheet`]).
    #[must_use]
    pub fn focus(mut self, reviewer: &str) -> Self {
        self.focus = Some(Focus::new(reviewer));
        self
    }

    /// Adds one item.
    pub fn add(&mut self, item: &ItemInput<'_>) {
        self.items += 1;
        if let Some(f) = &mut self.focus {
            f.add(item, self.rubric);
        }
        self.judgments += item.counts.iter().sum::<u64>();
        self.panels.add(item.counts);
        self.axes.add(item.norm_entropy, item.mean_confidence);
        self.kinds.bump(if item.counts_only {
            "counts"
        } else {
            "judgments"
        });
        self.classes[item.class as usize] += 1;
        let status = DecisionStatus::ALL
            .iter()
            .position(|s| *s == item.status)
            .unwrap_or(0);
        self.statuses[status] += 1;
        for f in item.flags.iter() {
            self.flags[f as usize] += 1;
            if item.status != DecisionStatus::Pending {
                self.flag_decided[f as usize] += 1;
            }
        }
        if let Some(d) = item.decision {
            if let Some(k) = DECIDED_KINDS.iter().position(|k| *k == d.kind) {
                self.decisions[k].0 += 1;
                self.decisions[k]
                    .1
                    .bump(d.reason_code.as_deref().unwrap_or("none"));
            }
            if d.kind == DecisionKind::HardLabel && d.reason_code.as_deref() == Some(REVIEWER_ERROR)
            {
                for name in &d.erring {
                    let r = self.reviewer(name);
                    self.reviewers[r].errors += 1;
                }
            }
            if d.kind == DecisionKind::Rereview {
                self.rereview.push(RereviewItem {
                    item_id: item.item_id.into(),
                    reason_code: d.reason_code.clone(),
                    reason: d.text.clone(),
                    by: d.actor.clone(),
                    at: d.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                });
            }
        }
        self.add_reviewers(item);
        self.add_gold(item);
        if item.flags.contains(FlagKind::RubricProblem) {
            let (a, b) = top_two(item.counts);
            self.splits
                .entry((a.min(b), a.max(b)))
                .or_default()
                .push(item.item_id.into());
        }
    }

    fn reviewer(&mut self, name: &str) -> usize {
        if let Some(&i) = self.reviewer_ids.get(name) {
            return i;
        }
        self.reviewers
            .push(ReviewerAcc::new(self.rubric.labels.len()));
        self.reviewer_ids
            .insert(name.to_string(), self.reviewers.len() - 1);
        self.reviewers.len() - 1
    }

    fn add_reviewers(&mut self, item: &ItemInput<'_>) {
        let gold = item.gold_label.and_then(|g| self.rubric.label_index(g));
        let ids: Vec<usize> = item
            .votes
            .iter()
            .map(|v| self.reviewer(v.reviewer))
            .collect();
        self.patterns
            .add(ids.iter().zip(item.votes).map(|(&r, v)| (r, v.label)), gold);
        for (v, &r) in item.votes.iter().zip(&ids) {
            let acc = &mut self.reviewers[r];
            acc.add(v, item.counts);
            if let Some(g) = gold {
                acc.gold_total += 1;
                acc.gold_passed += u64::from(v.label == g);
            }
        }
        for (i, (vi, &ri)) in item.votes.iter().zip(&ids).enumerate() {
            for (vj, &rj) in item.votes[i + 1..].iter().zip(&ids[i + 1..]) {
                if ri == rj {
                    continue;
                }
                let e = self.pairs.entry((ri.min(rj), ri.max(rj))).or_default();
                e.0 += 1;
                e.1 += u64::from(vi.label == vj.label);
            }
        }
    }

    fn add_gold(&mut self, item: &ItemInput<'_>) {
        let Some(gold) = item.gold_label else {
            return;
        };
        let missed = item.flags.contains(FlagKind::GoldMiss);
        self.gold_items.1 += 1;
        self.gold_items.0 += u64::from(!missed);
        self.gold_judgments.1 += item.counts.iter().sum::<u64>();
        self.gold_judgments.0 += self.rubric.label_index(gold).map_or(0, |g| item.counts[g]);
        if missed {
            let top = item.counts.iter().copied().max().unwrap_or(0);
            self.gold_misses.push(GoldMiss {
                item_id: item.item_id.into(),
                gold_label: gold.into(),
                plurality: item
                    .counts
                    .iter()
                    .zip(self.rubric.label_ids())
                    .filter(|(c, _)| **c == top && top > 0)
                    .map(|(_, l)| l.to_string())
                    .collect(),
            });
        }
    }

    /// The report of every item added.
    #[must_use]
    pub fn finish(self, context: ReportContext) -> Report {
        let rubric = self.rubric;
        let level = Distance::of(rubric.level, rubric.interval_values());
        let mut distances = vec![&Distance::Nominal];
        if rubric.level != Level::Nominal {
            distances.push(&level);
        }
        let mut alphas = distances
            .iter()
            .zip(
                self.panels
                    .alpha_intervals(&distances, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
            )
            .map(|(d, interval)| Alpha {
                figure: self.panels.alpha(d),
                interval,
            });
        let agreement = AgreementSection {
            level: rubric.level.as_str(),
            pairable_items: self.panels.pairable_items(),
            pairable_values: self.panels.coincidence().iter().flatten().sum(),
            alpha_nominal: alphas.next().expect("the nominal α is always asked for"),
            alpha_level: alphas.next(),
            fleiss_kappa: self.panels.fleiss_kappa(),
            percent_agreement: self.panels.percent_agreement(),
            coincidence: self.panels.coincidence(),
        };
        let labels = rubric
            .label_ids()
            .zip(self.panels.label_totals())
            .zip(self.panels.category_kappas())
            .map(|((label, judgments), kappa)| LabelRow {
                label: label.into(),
                judgments: judgments as u64,
                kappa,
            })
            .collect();
        let dawid_skene = self.patterns.fit(self.reviewers.len());
        let mut names: Vec<(&String, &usize)> = self.reviewer_ids.iter().collect();
        names.sort();
        let reviewers = names
            .iter()
            .map(|&(name, &i)| {
                let ds = dawid_skene
                    .as_ref()
                    .map(|ds| (ds.accuracy(i), ds.confusion[i].clone()));
                self.reviewers[i].row(name.clone(), ds)
            })
            .collect();
        let mut name_of = vec![""; self.reviewers.len()];
        for &(name, &i) in &names {
            name_of[i] = name.as_str();
        }
        let mut pairs: Vec<PairRow> = self
            .pairs
            .iter()
            .map(|(&(i, j), &(shared, agreeing))| {
                let (a, b) = if name_of[i] <= name_of[j] {
                    (i, j)
                } else {
                    (j, i)
                };
                PairRow {
                    a: name_of[a].to_string(),
                    b: name_of[b].to_string(),
                    shared,
                    agreeing,
                    agreement: agreeing as f64 / shared as f64,
                }
            })
            .collect();
        pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        let counted_only = self.kinds.0.iter().all(|(k, _)| k == "counts") && self.items > 0;
        let mut rubric_problems: Vec<SplitGroup> = self
            .splits
            .into_iter()
            .map(|((a, b), items)| SplitGroup {
                labels: [rubric.labels[a].id.clone(), rubric.labels[b].id.clone()],
                count: items.len() as u64,
                items,
            })
            .collect();
        rubric_problems.sort_by_key(|g| std::cmp::Reverse(g.count));
        let named = |names: &mut dyn Iterator<Item = &'static str>, values: &[u64]| {
            Tally(
                names
                    .map(str::to_string)
                    .zip(values.iter().copied())
                    .collect(),
            )
        };
        Report {
            header: Header {
                batch: context.batch,
                task: rubric.task.clone(),
                rubric: RubricHeader {
                    title: rubric.title.clone(),
                    version: rubric.version,
                    sha256: rubric.sha256.clone(),
                    level: rubric.level.as_str(),
                },
                status: context.status,
                items: self.items,
                reviewers: self.reviewers.len() as u64,
                judgments: self.judgments,
                panels: self.kinds,
                generated_at: context.generated_at,
                tool_version: context.tool_version,
                generated_by: context.generated_by,
                forced: None,
            },
            counts: Counts {
                classes: named(
                    &mut DisagreementClass::ALL.iter().map(|c| c.as_str()),
                    &self.classes,
                ),
                flags: named(&mut FlagKind::ALL.iter().map(|f| f.as_str()), &self.flags),
                statuses: named(
                    &mut DecisionStatus::ALL.iter().map(|s| s.as_str()),
                    &self.statuses,
                ),
                decisions: DECIDED_KINDS
                    .iter()
                    .zip(self.decisions)
                    .map(|(k, (items, reason_codes))| DecisionCount {
                        kind: k.as_str(),
                        items,
                        reason_codes,
                    })
                    .collect(),
                flag_progress: FlagKind::ALL
                    .iter()
                    .map(|f| FlagProgress {
                        flag: f.as_str(),
                        decided: self.flag_decided[*f as usize],
                        pending: self.flags[*f as usize] - self.flag_decided[*f as usize],
                    })
                    .collect(),
            },
            agreement,
            axes: self.axes,
            labels,
            reviewers,
            reviewers_note: counted_only.then(|| {
                "every item was imported as label counts: there is no per-reviewer record, \
                 so no reviewer or pair figures"
                    .to_string()
            }),
            pairs,
            dawid_skene,
            gold: GoldSection {
                items: Proportion::of(self.gold_items.0, self.gold_items.1),
                judgments: Proportion::of(self.gold_judgments.0, self.gold_judgments.1),
            },
            lists: Lists {
                rereview: self.rereview,
                rubric_problems,
                gold_misses: self.gold_misses,
            },
            focus: self.focus,
            models: Vec::new(),
        }
    }
}

/// The two most chosen labels (ties go to the earlier label in rubric order).
fn top_two(counts: &[u64]) -> (usize, usize) {
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    (order[0], order.get(1).copied().unwrap_or(order[0]))
}
