//! Label-counts lines: `item_id` and `counts` (label → count); other fields are payload.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::rows::Row;
use super::{Ctx, Issue, ParsedItem, SeenItems, storable_total};
use crate::domain::model::{ItemRecord, Panel};
use crate::text::shown;

/// Parses one label-counts line.
pub fn parse(
    ctx: &Ctx<'_>,
    row: &Row<'_>,
    obj: &Map<String, Value>,
    line: usize,
    seen: &mut SeenItems,
) -> Result<ParsedItem, Vec<Issue>> {
    let mut errs = Vec::new();
    let item_id = ctx
        .take_id(row, "item_id", line, &mut errs)
        .map(Cow::into_owned);
    for field in ["reviewer", "label", "confidence", "evidence"] {
        if obj.contains_key(ctx.map.column(field)) {
            errs.push(ctx.issue(
                line,
                ctx.map.describe(field),
                "a label-counts line has no per-reviewer record: give judgment rows instead",
            ));
        }
    }
    let task = ctx.task(row, line).map_err(|e| errs.push(e)).ok();
    let gold_label = ctx
        .take(row.opt_string("gold_label"), line, &mut errs)
        .flatten();
    let rubric = ctx.rubric;
    if let Some(g) = &gold_label
        && rubric.label_index(g).is_none()
    {
        errs.push(ctx.issue(
            line,
            "gold_label",
            format!("`{}` is not a label of the rubric", shown(g)),
        ));
    }
    let mut counts = vec![0u64; rubric.labels.len()];
    match obj.get("counts") {
        Some(Value::Object(map)) => {
            for (label, v) in map {
                let field = format!("counts.{label}");
                let Some(i) = rubric.label_index(label) else {
                    errs.push(ctx.issue(
                        line,
                        field,
                        format!(
                            "`{}` is not a label of rubric `{}`",
                            shown(label),
                            rubric.task
                        ),
                    ));
                    continue;
                };
                match v.as_u64() {
                    Some(n) => counts[i] = n,
                    None if v.as_i64().is_some_and(|n| n < 0) => {
                        errs.push(ctx.issue(
                            line,
                            field,
                            format!("negative count {}", shown(&v.to_string())),
                        ));
                    }
                    None => errs.push(ctx.issue(
                        line,
                        field,
                        format!("expected a whole number, got {}", shown(&v.to_string())),
                    )),
                }
            }
        }
        _ => errs.push(ctx.issue(line, "counts", "expected an object of label → count")),
    }
    if storable_total(&counts).is_none() {
        errs.push(ctx.issue(
            line,
            "counts",
            format!("add up to more than {} judgments", i64::MAX),
        ));
    } else if errs.is_empty() && counts.iter().all(|&c| c == 0) {
        errs.push(ctx.issue(line, "counts", "no judgments: every count is 0"));
    }
    ctx.line_item(seen, line, item_id, task, errs, |item_id, task| {
        let record = ItemRecord {
            item_id,
            task,
            payload: row.payload(&["counts"]),
            gold_label,
            panel: Panel::Counts(counts),
        };
        (record, None, None)
    })
}
