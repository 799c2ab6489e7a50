//! Judgment rows (JSONL or CSV): one row per (item, reviewer), grouped into items. An item's
//! rows may be anywhere in the input; its task and gold label must agree across them.
//!
//! Every other column is either an item field (payload) or a reviewer field. A column is an
//! item field when it has one value per item. A column that differs within an item is a
//! reviewer field when every reviewer has one value for it across all their rows and some
//! reviewer has several rows (POPQUORN's annotator demographics); otherwise the difference is
//! an error naming both rows.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::rows::{FieldMap, Row};
use super::{Ctx, Issue, Issues, MAX_ISSUES, ParsedItem, SeenItems};
use crate::domain::model::{ItemRecord, Judgment, Panel};
use crate::domain::rubric::Rubric;

/// An item being assembled from its rows.
struct Pending {
    item_id: String,
    file: String,
    line: usize,
    task: String,
    payload: Map<String, Value>,
    gold_label: Option<String>,
    judgments: Vec<Judgment>,
    /// Line of each judgment, to point at a repeated reviewer.
    lines: Vec<usize>,
}

/// Whether one column holds a single value per reviewer.
#[derive(Default)]
struct ReviewerColumn {
    /// Every reviewer has shown one value so far.
    consistent: bool,
    /// Some reviewer has shown it on more than one row.
    repeated: bool,
    /// The value of each reviewer (cleared once inconsistent).
    values: HashMap<String, Value>,
}

/// A payload column that differed within an item: where, for the error if it is an item field.
struct Conflict {
    issue: Issue,
}

/// Groups rows by item as they arrive.
#[derive(Default)]
pub struct Grouper {
    items: Vec<Pending>,
    index: HashMap<String, usize>,
    columns: HashMap<String, ReviewerColumn>,
    /// Columns that differed within some item, with the first few places they did.
    conflicts: HashMap<String, Vec<Conflict>>,
}

/// The fields of one judgment row.
struct Parsed {
    item_id: String,
    task: String,
    judgment: Judgment,
    gold_label: Option<String>,
    payload: Map<String, Value>,
}

fn parse_row(ctx: &Ctx<'_>, row: &Row<'_>, line: usize) -> Result<Parsed, Vec<Issue>> {
    let mut errs = Vec::new();
    let item_id = ctx.take(row.id("item_id"), line, &mut errs);
    let reviewer = ctx.take(row.id("reviewer"), line, &mut errs);
    let label = ctx.take(row.id("label"), line, &mut errs);
    let raw_confidence = ctx.take(row.opt_number("confidence"), line, &mut errs).flatten();
    let evidence = ctx.take(row.opt_string("evidence"), line, &mut errs).flatten();
    let is_gold = ctx.take(row.opt_bool("is_gold"), line, &mut errs).flatten();
    let gold_label = ctx.take(row.opt_string("gold_label"), line, &mut errs).flatten();
    let task = ctx.task(row, line).map_err(|e| errs.push(e)).ok();
    let rubric = ctx.rubric;
    let label_ids = || rubric.label_ids().collect::<Vec<_>>().join(", ");
    if let Some(l) = &label {
        if rubric.label_index(l).is_none() {
            errs.push(ctx.issue(
                line,
                ctx.map.describe("label"),
                format!("`{l}` is not a label of rubric `{}` ({})", rubric.task, label_ids()),
            ));
        }
    }
    if let Some(g) = &gold_label {
        if rubric.label_index(g).is_none() {
            errs.push(ctx.issue(line, ctx.map.describe("gold_label"), format!("`{g}` is not a label of the rubric ({})", label_ids())));
        }
    }
    if is_gold == Some(true) && gold_label.is_none() {
        errs.push(ctx.issue(line, ctx.map.describe("gold_label"), "is_gold is set but the row has no gold_label"));
    }
    let confidence = match raw_confidence.map(|c| rubric.confidence.normalize(c)) {
        Some(Err(m)) => {
            errs.push(ctx.issue(line, ctx.map.describe("confidence"), m));
            None
        }
        Some(Ok(c)) => Some(c),
        None => None,
    };
    match (item_id, reviewer, label, task) {
        (Some(item_id), Some(reviewer), Some(label), Some(task)) if errs.is_empty() => Ok(Parsed {
            item_id,
            task,
            judgment: Judgment {
                reviewer,
                label,
                raw_confidence,
                confidence,
                evidence,
                attributes: Map::new(),
            },
            gold_label,
            payload: row.payload(&[]),
        }),
        _ => Err(errs),
    }
}

/// The payload columns on which `a` and `b` differ.
fn differing(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect();
    out.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    out
}

impl Grouper {
    /// Adds one row, reporting its problems.
    pub fn add(&mut self, ctx: &Ctx<'_>, row: &Row<'_>, line: usize, issues: &mut Issues) {
        let p = match parse_row(ctx, row, line) {
            Ok(p) => p,
            Err(errs) => {
                errs.into_iter().for_each(|e| issues.push(e));
                return;
            }
        };
        self.track_reviewer_columns(&p.judgment.reviewer, &p.payload);
        let Some(&at) = self.index.get(&p.item_id) else {
            self.index.insert(p.item_id.clone(), self.items.len());
            self.items.push(Pending {
                item_id: p.item_id,
                file: ctx.file.to_string(),
                line,
                task: p.task,
                payload: p.payload,
                gold_label: p.gold_label,
                judgments: vec![p.judgment],
                lines: vec![line],
            });
            return;
        };
        let item = &mut self.items[at];
        let first = format!("{}:{}", item.file, item.line);
        if let Some(k) = item.judgments.iter().position(|j| j.reviewer == p.judgment.reviewer) {
            issues.push(ctx.issue(
                line,
                ctx.map.describe("reviewer"),
                format!(
                    "reviewer `{}` already judged item `{}` (line {})",
                    p.judgment.reviewer, item.item_id, item.lines[k]
                ),
            ));
            return;
        }
        if p.task != item.task {
            issues.push(ctx.issue(line, ctx.map.describe("task"), format!("`{}` differs from `{}` at {first}", p.task, item.task)));
            return;
        }
        if p.gold_label != item.gold_label {
            issues.push(ctx.issue(line, ctx.map.describe("gold_label"), format!("differs from the item's row at {first}")));
            return;
        }
        for column in differing(&item.payload, &p.payload) {
            let places = self.conflicts.entry(column.clone()).or_default();
            if places.len() < MAX_ISSUES {
                let message = format!("payload of item `{}` differs from its row at {first}", item.item_id);
                places.push(Conflict { issue: ctx.issue(line, column, message) });
            }
        }
        item.judgments.push(p.judgment);
        item.lines.push(line);
    }

    fn track_reviewer_columns(&mut self, reviewer: &str, payload: &Map<String, Value>) {
        for (column, value) in payload {
            if !self.columns.contains_key(column) {
                let fresh = ReviewerColumn { consistent: true, ..ReviewerColumn::default() };
                self.columns.insert(column.clone(), fresh);
            }
            let Some(track) = self.columns.get_mut(column) else { continue };
            if !track.consistent {
                continue;
            }
            match track.values.get(reviewer) {
                None => {
                    track.values.insert(reviewer.to_string(), value.clone());
                }
                Some(v) if v == value => track.repeated = true,
                Some(_) => {
                    track.consistent = false;
                    track.values = HashMap::new();
                }
            }
        }
    }

    /// Turns the grouped rows into items, checking ids against the other shapes' items.
    pub fn finish(mut self, rubric: &Rubric, map: &FieldMap, out: &mut Vec<ParsedItem>, seen: &mut SeenItems, issues: &mut Issues) {
        let mut reviewer_fields: Vec<String> = Vec::new();
        let mut conflicts: Vec<(String, Vec<Conflict>)> = self.conflicts.drain().collect();
        conflicts.sort_by(|a, b| a.0.cmp(&b.0));
        for (column, places) in conflicts {
            match self.columns.get(&column) {
                Some(t) if t.consistent && t.repeated => {
                    reviewer_fields.push(column);
                }
                _ => places.into_iter().for_each(|c| issues.push(c.issue)),
            }
        }
        for mut p in self.items {
            let ctx = Ctx { file: &p.file, rubric, map };
            if let Err(e) = ctx.first_sighting(seen, &p.item_id, p.line) {
                issues.push(e);
                continue;
            }
            if !reviewer_fields.is_empty() {
                p.payload.retain(|k, _| !reviewer_fields.contains(k));
                for j in &mut p.judgments {
                    for column in &reviewer_fields {
                        if let Some(v) = self.columns.get(column).and_then(|t| t.values.get(&j.reviewer)) {
                            j.attributes.insert(column.clone(), v.clone());
                        }
                    }
                }
            }
            out.push(ParsedItem {
                record: ItemRecord {
                    item_id: p.item_id,
                    task: p.task,
                    payload: p.payload,
                    gold_label: p.gold_label,
                    panel: Panel::Judgments(p.judgments),
                },
                decision: None,
            });
        }
    }
}

/// Reads judgment rows from CSV text (header row first).
pub fn read_csv(ctx: &Ctx<'_>, text: &str, rows: &mut Grouper, issues: &mut Issues) {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            issues.push(ctx.issue(1, "header", format!("unreadable CSV header: {e}")));
            return;
        }
    };
    for field in ["item_id", "reviewer", "label"] {
        let column = ctx.map.column(field);
        if !headers.iter().any(|h| h == column) {
            issues.push(ctx.issue(
                1,
                ctx.map.describe(field),
                format!("no column `{column}` in the header ({})", headers.iter().collect::<Vec<_>>().join(", ")),
            ));
        }
    }
    if issues.full() || !issues.list().is_empty() && issues.list().iter().any(|i| i.file == ctx.file && i.line == 1) {
        return;
    }
    let mut record = csv::StringRecord::new();
    let mut fields = Map::new();
    loop {
        if issues.full() {
            return;
        }
        match reader.read_record(&mut record) {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("ragged row: {len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                issues.push(ctx.issue(line, "row", message));
                continue;
            }
        }
        let line = record.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        fields.clear();
        for (h, v) in headers.iter().zip(record.iter()) {
            fields.insert(h.to_string(), Value::String(v.to_string()));
        }
        let row = Row { fields: &fields, map: ctx.map, csv: true };
        rows.add(ctx, &row, line, issues);
    }
}
