//! Judgment rows (JSONL or CSV): one row per (item, reviewer), grouped into items. An item's
//! rows may be anywhere in the input; its task and gold label must agree across them.
//!
//! Every other column is either an item field (payload) or a reviewer field. A column is an
//! item field when it has one value per item. A column that differs within an item is a
//! reviewer field when every reviewer has one value for it across all their rows and some
//! reviewer has several rows (POPQUORN's annotator demographics); otherwise the difference is
//! an error naming both rows.

use std::collections::HashMap;
use std::io::Read;

use serde_json::{Map, Value};

use super::rows::{FieldMap, Fields, Row};
use super::{Ctx, Issue, Issues, MAX_ISSUES, ParsedItem, SeenItems};
use crate::domain::model::{ItemRecord, Judgment, Panel};
use crate::domain::rubric::Rubric;

/// One judgment as held while its item is assembled: reviewer and label interned, so a
/// million rows stay small.
struct Held {
    reviewer: u32,
    line: u32,
    label: u16,
    /// Reported confidence on the rubric scale (validated); NaN when absent.
    raw: f64,
    evidence: Option<Box<str>>,
}

/// An item being assembled from its rows.
struct Pending {
    item_id: String,
    file: u16,
    line: u32,
    payload: Map<String, Value>,
    gold_label: Option<String>,
    rows: Vec<Held>,
}

/// Whether one column holds a single value per reviewer.
struct ReviewerColumn {
    /// Every reviewer has shown one value so far.
    consistent: bool,
    /// Some reviewer has shown it on more than one row.
    repeated: bool,
    /// The value of each reviewer (cleared once inconsistent).
    values: HashMap<u32, Value>,
}

/// Groups rows by item as they arrive.
#[derive(Default)]
pub struct Grouper {
    items: Vec<Pending>,
    index: HashMap<String, usize>,
    files: Vec<String>,
    reviewers: Vec<String>,
    reviewer_ids: HashMap<String, u32>,
    columns: HashMap<String, ReviewerColumn>,
    /// Columns that differed within some item, with the first few places they did.
    conflicts: HashMap<String, Vec<Issue>>,
}

/// The fields of one judgment row.
struct Parsed {
    item_id: String,
    reviewer: String,
    label: u16,
    raw: Option<f64>,
    evidence: Option<String>,
    gold_label: Option<String>,
}

fn parse_row(ctx: &Ctx<'_>, row: &Row<'_>, line: usize) -> Result<Parsed, Vec<Issue>> {
    let mut errs = Vec::new();
    let item_id = ctx.take(row.id("item_id"), line, &mut errs);
    let reviewer = ctx.take(row.id("reviewer"), line, &mut errs);
    let label = ctx.take(row.id("label"), line, &mut errs);
    let raw = ctx.take(row.opt_number("confidence"), line, &mut errs).flatten();
    let evidence = ctx.take(row.opt_string("evidence"), line, &mut errs).flatten();
    let is_gold = ctx.take(row.opt_bool("is_gold"), line, &mut errs).flatten();
    let gold_label = ctx.take(row.opt_string("gold_label"), line, &mut errs).flatten();
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
                format!("`{l}` is not a label of rubric `{}` ({})", rubric.task, label_ids()),
            ));
        }
        i
    });
    if let Some(g) = &gold_label {
        if rubric.label_index(g).is_none() {
            errs.push(ctx.issue(line, ctx.map.describe("gold_label"), format!("`{g}` is not a label of the rubric ({})", label_ids())));
        }
    }
    if is_gold == Some(true) && gold_label.is_none() {
        errs.push(ctx.issue(line, ctx.map.describe("gold_label"), "is_gold is set but the row has no gold_label"));
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
    fn intern(&mut self, reviewer: String) -> u32 {
        if let Some(&id) = self.reviewer_ids.get(&reviewer) {
            return id;
        }
        let id = u32::try_from(self.reviewers.len()).unwrap_or(u32::MAX);
        self.reviewers.push(reviewer.clone());
        self.reviewer_ids.insert(reviewer, id);
        id
    }

    fn file_index(&mut self, file: &str) -> u16 {
        if self.files.last().is_none_or(|f| f != file) {
            self.files.push(file.to_string());
        }
        u16::try_from(self.files.len() - 1).unwrap_or(u16::MAX)
    }

    /// Adds one row, reporting its problems.
    pub fn add(&mut self, ctx: &Ctx<'_>, row: &Row<'_>, line: usize, issues: &mut Issues) {
        let p = match parse_row(ctx, row, line) {
            Ok(p) => p,
            Err(errs) => {
                errs.into_iter().for_each(|e| issues.push(e));
                return;
            }
        };
        let reviewer = self.intern(p.reviewer);
        self.track_reviewer_columns(reviewer, row);
        let held = Held {
            reviewer,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            label: p.label,
            raw: p.raw.unwrap_or(f64::NAN),
            evidence: p.evidence.map(String::into_boxed_str),
        };
        let Some(&at) = self.index.get(&p.item_id) else {
            let file = self.file_index(ctx.file);
            self.index.insert(p.item_id.clone(), self.items.len());
            self.items.push(Pending {
                item_id: p.item_id,
                file,
                line: held.line,
                payload: row.payload(&[]),
                gold_label: p.gold_label,
                rows: vec![held],
            });
            return;
        };
        let item = &mut self.items[at];
        let first = format!("{}:{}", self.files[usize::from(item.file)], item.line);
        if let Some(k) = item.rows.iter().find(|h| h.reviewer == reviewer) {
            issues.push(ctx.issue(
                line,
                ctx.map.describe("reviewer"),
                format!(
                    "reviewer `{}` already judged item `{}` (line {})",
                    self.reviewers[reviewer as usize], item.item_id, k.line
                ),
            ));
            return;
        }
        if p.gold_label != item.gold_label {
            issues.push(ctx.issue(line, ctx.map.describe("gold_label"), format!("differs from the item's row at {first}")));
            return;
        }
        let mut differing: Vec<&str> = row
            .payload_fields(&[])
            .filter(|(k, v)| item.payload.get(*k).is_none_or(|stored| !v.equals(stored)))
            .map(|(k, _)| k)
            .collect();
        let present: Vec<&str> = row.payload_fields(&[]).map(|(k, _)| k).collect();
        differing.extend(item.payload.keys().map(String::as_str).filter(|k| !present.contains(k)));
        for column in differing {
            let places = self.conflicts.entry(column.to_string()).or_default();
            if places.len() < MAX_ISSUES {
                let message = format!("payload of item `{}` differs from its row at {first}", item.item_id);
                places.push(ctx.issue(line, column, message));
            }
        }
        item.rows.push(held);
    }

    fn track_reviewer_columns(&mut self, reviewer: u32, row: &Row<'_>) {
        for (column, value) in row.payload_fields(&[]) {
            if !self.columns.contains_key(column) {
                let fresh = ReviewerColumn { consistent: true, repeated: false, values: HashMap::new() };
                self.columns.insert(column.to_string(), fresh);
            }
            let Some(track) = self.columns.get_mut(column) else { continue };
            if !track.consistent {
                continue;
            }
            match track.values.get(&reviewer) {
                None => {
                    track.values.insert(reviewer, value.to_value());
                }
                Some(v) if value.equals(v) => track.repeated = true,
                Some(_) => {
                    track.consistent = false;
                    track.values = HashMap::new();
                }
            }
        }
    }

    /// Hands every grouped item to `emit`, after checking ids against the other shapes' items
    /// and sorting each differing column into reviewer field or conflict.
    pub fn finish(mut self, rubric: &Rubric, map: &FieldMap, seen: &mut SeenItems, issues: &mut Issues, emit: &mut dyn FnMut(ParsedItem, &Issues)) {
        let mut reviewer_fields: Vec<String> = Vec::new();
        let mut conflicts: Vec<(String, Vec<Issue>)> = self.conflicts.drain().collect();
        conflicts.sort_by(|a, b| a.0.cmp(&b.0));
        for (column, places) in conflicts {
            match self.columns.get(&column) {
                Some(t) if t.consistent && t.repeated => reviewer_fields.push(column),
                _ => places.into_iter().for_each(|c| issues.push(c)),
            }
        }
        for mut p in std::mem::take(&mut self.items) {
            let ctx = Ctx { file: &self.files[usize::from(p.file)], rubric, map };
            if let Err(e) = ctx.first_sighting(seen, &p.item_id, p.line as usize) {
                issues.push(e);
                continue;
            }
            if !issues.list().is_empty() {
                continue;
            }
            p.payload.retain(|k, _| !reviewer_fields.contains(k));
            let judgments = p
                .rows
                .into_iter()
                .map(|h| {
                    let raw = (!h.raw.is_nan()).then_some(h.raw);
                    let mut attributes = Map::new();
                    for column in &reviewer_fields {
                        if let Some(v) = self.columns.get(column).and_then(|t| t.values.get(&h.reviewer)) {
                            attributes.insert(column.clone(), v.clone());
                        }
                    }
                    Judgment {
                        reviewer: self.reviewers[h.reviewer as usize].clone(),
                        label: rubric.labels[usize::from(h.label)].id.clone(),
                        raw_confidence: raw,
                        confidence: raw.and_then(|c| rubric.confidence.normalize(c).ok()),
                        evidence: h.evidence.map(String::from),
                        attributes,
                    }
                })
                .collect();
            emit(
                ParsedItem {
                    record: ItemRecord {
                        item_id: p.item_id,
                        task: rubric.task.clone(),
                        payload: p.payload,
                        gold_label: p.gold_label,
                        panel: Panel::Judgments(judgments),
                    },
                    decision: None,
                },
                issues,
            );
        }
    }
}

/// Reads judgment rows from CSV (header row first), streaming.
pub fn read_csv(ctx: &Ctx<'_>, reader: impl Read, rows: &mut Grouper, issues: &mut Issues, progress: &mut dyn FnMut(u64)) {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim_start_matches('\u{feff}').to_string()).collect(),
        Err(e) => {
            let field = if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) { "encoding" } else { "header" };
            issues.push(ctx.issue(1, field, format!("unreadable CSV header: {e}")));
            return;
        }
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        issues.push(ctx.issue(1, "file", "the file is empty"));
        return;
    }
    let mut missing = false;
    for field in ["item_id", "reviewer", "label"] {
        let column = ctx.map.column(field);
        if !headers.iter().any(|h| h == column) {
            missing = true;
            issues.push(ctx.issue(
                1,
                ctx.map.describe(field),
                format!("no column `{column}` in the header ({})", headers.join(", ")),
            ));
        }
    }
    if missing {
        return;
    }
    let mut record = csv::StringRecord::new();
    let mut reported = 0u64;
    loop {
        if issues.full() {
            return;
        }
        match reader.read_record(&mut record) {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                let (field, message) = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        ("row", format!("ragged row: {len} fields where the header has {expected_len}"))
                    }
                    csv::ErrorKind::Utf8 { err, .. } => ("encoding", format!("field {} is not UTF-8", err.field() + 1)),
                    _ => ("row", e.to_string()),
                };
                issues.push(ctx.issue(line, field, message));
                continue;
            }
        }
        let (line, byte) = record.position().map_or((0, 0), |p| (usize::try_from(p.line()).unwrap_or(0), p.byte()));
        if byte - reported > 1 << 20 {
            progress(byte - reported);
            reported = byte;
        }
        let row = Row { fields: Fields::Csv { headers: &headers, record: &record }, map: ctx.map };
        rows.add(ctx, &row, line, issues);
    }
}
