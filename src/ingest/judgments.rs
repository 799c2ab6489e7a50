//! Judgment rows (JSONL or CSV): one row per (item, reviewer), grouped into items. An item's
//! rows may be anywhere in the input; its task and gold label must agree across them.
//!
//! Every other column is either an item field (payload) or a reviewer field. A column is an
//! item field when it has one value per item. A column that differs within an item is a
//! reviewer field when every reviewer has one value for it across all their rows and some
//! reviewer has several rows (POPQUORN's annotator demographics); otherwise the difference is
//! an error naming both rows. The [`Census`] of a first pass says which, and how many rows each
//! item has: an item is handed on as soon as its last row arrives.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::census::Census;
use super::rows::Row;
use super::{Ctx, Issue, Issues, ParsedItem, SeenItems};
use crate::domain::model::{ItemRecord, Judgment, Panel};
use crate::text::shown;

/// One judgment as held while its item is assembled, reviewer and label interned.
struct Held {
    reviewer: u32,
    /// Where the row is: an index into the grouper's files, and the line.
    file: u16,
    line: u32,
    label: u16,
    /// Reported confidence on the rubric scale (validated); NaN when absent.
    raw: f64,
    evidence: Option<Box<str>>,
    /// Reviewer fields of this row, when the input has any.
    attributes: Option<Box<Map<String, Value>>>,
}

/// An item being assembled from its rows (never none: it starts with its first).
struct Pending {
    expected: u32,
    payload: Map<String, Value>,
    gold_label: Option<String>,
    rows: Vec<Held>,
}

/// Groups rows by item and hands each item on when its last row arrives.
pub struct Grouper {
    census: Census,
    reviewer_fields: Vec<String>,
    pending: HashMap<String, Pending>,
    files: Vec<String>,
    reviewers: Vec<String>,
    reviewer_ids: HashMap<String, u32>,
}

/// Where a held row is, as `FILE:LINE`.
fn place(files: &[String], row: &Held) -> String {
    format!("{}:{}", files[usize::from(row.file)], row.line)
}

/// The fields of one judgment row.
struct Parsed<'a> {
    item_id: Cow<'a, str>,
    reviewer: Cow<'a, str>,
    label: u16,
    raw: Option<f64>,
    evidence: Option<String>,
    gold_label: Option<String>,
}

fn parse_row<'a>(ctx: &Ctx<'_>, row: &Row<'a>, line: usize) -> Result<Parsed<'a>, Vec<Issue>> {
    let mut errs = Vec::new();
    let item_id = ctx.take_id(row, "item_id", line, &mut errs);
    let reviewer = ctx.take_id(row, "reviewer", line, &mut errs);
    let label = ctx.take(row.key("label"), line, &mut errs);
    let raw = ctx
        .take(row.opt_number("confidence"), line, &mut errs)
        .flatten();
    let evidence = ctx
        .take(row.opt_string("evidence"), line, &mut errs)
        .flatten();
    let is_gold = ctx.take(row.opt_bool("is_gold"), line, &mut errs).flatten();
    let gold_label = ctx
        .take(row.opt_string("gold_label"), line, &mut errs)
        .flatten();
    if let Err(e) = ctx.task(row, line) {
        errs.push(e);
    }
    let rubric = ctx.rubric;
    let label_ids = || rubric.label_ids().collect::<Vec<_>>().join(", ");
    let label_index = label.as_ref().and_then(|l| {
        let i = rubric.label_index(l);
        if i.is_none() {
            errs.push(ctx.issue(
                line,
                ctx.map.describe("label"),
                format!(
                    "`{}` is not a label of rubric `{}` ({})",
                    shown(l),
                    rubric.task,
                    label_ids()
                ),
            ));
        }
        i
    });
    if let Some(g) = &gold_label
        && rubric.label_index(g).is_none()
    {
        errs.push(ctx.issue(
            line,
            ctx.map.describe("gold_label"),
            format!(
                "`{}` is not a label of the rubric ({})",
                shown(g),
                label_ids()
            ),
        ));
    }
    if is_gold == Some(true) && gold_label.is_none() {
        errs.push(ctx.issue(
            line,
            ctx.map.describe("gold_label"),
            "is_gold is set but the row has no gold_label",
        ));
    }
    if let Some(Err(m)) = raw.map(|c| rubric.confidence.normalize(c)) {
        errs.push(ctx.issue(line, ctx.map.describe("confidence"), m));
    }
    match (item_id, reviewer, label_index) {
        (Some(item_id), Some(reviewer), Some(label)) if errs.is_empty() => Ok(Parsed {
            item_id,
            reviewer,
            label: u16::try_from(label).unwrap_or(u16::MAX),
            raw,
            evidence,
            gold_label,
        }),
        _ => Err(errs),
    }
}

impl Grouper {
    /// A grouper for the rows the census counted.
    #[must_use]
    pub fn new(census: Census) -> Grouper {
        Grouper {
            reviewer_fields: census.reviewer_fields(),
            census,
            pending: HashMap::new(),
            files: Vec::new(),
            reviewers: Vec::new(),
            reviewer_ids: HashMap::new(),
        }
    }

    fn intern(&mut self, reviewer: &str) -> u32 {
        if let Some(&id) = self.reviewer_ids.get(reviewer) {
            return id;
        }
        let id = u32::try_from(self.reviewers.len()).unwrap_or(u32::MAX);
        self.reviewers.push(reviewer.to_string());
        self.reviewer_ids.insert(reviewer.to_string(), id);
        id
    }

    fn file_index(&mut self, file: &str) -> u16 {
        if self.files.last().is_none_or(|f| f != file) {
            self.files.push(file.to_string());
        }
        u16::try_from(self.files.len() - 1).unwrap_or(u16::MAX)
    }

    /// Adds one row, reporting its problems; hands the item to `emit` when it is complete.
    pub fn add(
        &mut self,
        ctx: &Ctx<'_>,
        row: &Row<'_>,
        line: usize,
        issues: &mut Issues,
        seen: &mut SeenItems,
        emit: &mut dyn FnMut(ParsedItem, &Issues),
    ) {
        let p = match parse_row(ctx, row, line) {
            Ok(p) => p,
            Err(errs) => {
                errs.into_iter().for_each(|e| issues.push(e));
                return;
            }
        };
        let reviewer = self.intern(&p.reviewer);
        let attributes = (!self.reviewer_fields.is_empty()).then(|| {
            Box::new(
                self.reviewer_fields
                    .iter()
                    .filter_map(|c| row.fields.get(c).map(|v| (c.clone(), v.to_value())))
                    .collect::<Map<String, Value>>(),
            )
        });
        let held = Held {
            reviewer,
            file: self.file_index(ctx.file),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            label: p.label,
            raw: p.raw.unwrap_or(f64::NAN),
            evidence: p.evidence.map(String::into_boxed_str),
            attributes,
        };
        let complete = if let Some(item) = self.pending.get_mut(p.item_id.as_ref()) {
            let first = || place(&self.files, &item.rows[0]);
            if let Some(k) = item.rows.iter().find(|h| h.reviewer == reviewer) {
                issues.push(ctx.issue(
                    line,
                    ctx.map.describe("reviewer"),
                    format!(
                        "reviewer `{}` already judged item `{}` (at {})",
                        shown(&p.reviewer),
                        shown(&p.item_id),
                        place(&self.files, k)
                    ),
                ));
                return;
            }
            if p.gold_label != item.gold_label {
                issues.push(ctx.issue(
                    line,
                    ctx.map.describe("gold_label"),
                    format!("differs from the item's row at {}", first()),
                ));
                return;
            }
            let mut seen_columns = 0;
            for (k, v) in row.payload_fields(&[]) {
                if self.reviewer_fields.iter().any(|c| c == k) {
                    continue;
                }
                seen_columns += 1;
                if item.payload.get(k).is_none_or(|stored| !v.equals(stored)) {
                    issues.push(ctx.issue(
                        line,
                        k,
                        format!(
                            "payload of item `{}` differs from its row at {}",
                            shown(&p.item_id),
                            first()
                        ),
                    ));
                }
            }
            if seen_columns < item.payload.len() {
                for k in item.payload.keys().filter(|k| row.fields.get(k).is_none()) {
                    issues.push(ctx.issue(
                        line,
                        k.as_str(),
                        format!(
                            "payload of item `{}` differs from its row at {}",
                            shown(&p.item_id),
                            first()
                        ),
                    ));
                }
            }
            item.rows.push(held);
            item.rows.len() as u32 >= item.expected
        } else {
            let expected = self.census.rows(&p.item_id);
            let mut payload = row.payload(&[]);
            payload.retain(|k, _| !self.reviewer_fields.contains(k));
            let pending = Pending {
                expected,
                payload,
                gold_label: p.gold_label,
                rows: vec![held],
            };
            let complete = expected <= 1;
            self.pending.insert(p.item_id.clone().into_owned(), pending);
            complete
        };
        if complete && let Some((item_id, pending)) = self.pending.remove_entry(p.item_id.as_ref())
        {
            self.emit(ctx, item_id, pending, issues, seen, emit);
        }
    }

    fn emit(
        &self,
        ctx: &Ctx<'_>,
        item_id: String,
        p: Pending,
        issues: &mut Issues,
        seen: &mut SeenItems,
        emit: &mut dyn FnMut(ParsedItem, &Issues),
    ) {
        let (file, line) = (p.rows[0].file, p.rows[0].line);
        let at = Ctx {
            file: &self.files[usize::from(file)],
            rubric: ctx.rubric,
            map: ctx.map,
            format: ctx.format,
        };
        if let Err(e) = at.first_sighting(seen, &item_id, line as usize) {
            issues.push(e);
            return;
        }
        if !issues.list().is_empty() {
            return;
        }
        let origin = place(&self.files, &p.rows[0]);
        let rubric = ctx.rubric;
        let judgments = p
            .rows
            .into_iter()
            .map(|h| {
                let raw = (!h.raw.is_nan()).then_some(h.raw);
                Judgment {
                    reviewer: self.reviewers[h.reviewer as usize].clone(),
                    label: rubric.labels[usize::from(h.label)].id.clone(),
                    raw_confidence: raw,
                    confidence: raw.and_then(|c| rubric.confidence.normalize(c).ok()),
                    evidence: h.evidence.map(String::from),
                    attributes: h.attributes.map(|a| *a).unwrap_or_default(),
                }
            })
            .collect();
        let record = ItemRecord {
            item_id,
            task: rubric.task.clone(),
            payload: p.payload,
            gold_label: p.gold_label,
            panel: Panel::Judgments(judgments),
        };
        emit(
            ParsedItem {
                record,
                decision: None,
                rubric_version: None,
                round: 1,
                origin,
            },
            issues,
        );
    }

    /// Hands on the items whose rows did not all arrive (only when rows were refused).
    pub fn finish(
        mut self,
        ctx: &Ctx<'_>,
        issues: &mut Issues,
        seen: &mut SeenItems,
        emit: &mut dyn FnMut(ParsedItem, &Issues),
    ) {
        let mut left: Vec<(String, Pending)> = self.pending.drain().collect();
        left.sort_by_key(|(_, p)| (p.rows[0].file, p.rows[0].line));
        for (item_id, p) in left {
            self.emit(ctx, item_id, p, issues, seen, emit);
        }
    }
}
