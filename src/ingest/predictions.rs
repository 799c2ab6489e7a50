//! Model predictions: JSONL, one line per item, `item_id` and one of `distribution` (label →
//! probability), `probs` (an array in `--labels` order) or `logits` (the same, through a
//! softmax). Other keys are ignored. The file is read once, line by line (a stream is fine), and
//! written as it is read inside one transaction, which any problem rolls back.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::rows::{FieldMap, Row, type_name};
use super::{Ctx, Format, ImportError, Issue, Issues, json, source};
use crate::domain::divergence::{compare, softmax};
use crate::domain::metrics::shares;
use crate::domain::rubric::Rubric;
use crate::store::{Batch, Model, Store, StoreError};
use crate::text::shown;

/// The fields of a prediction line that `--map` can rename.
pub const PREDICTION_FIELDS: [&str; 4] = ["item_id", "distribution", "probs", "logits"];

/// How far from 1 a distribution may sum (rounding in the model's output).
pub const SUM_TOLERANCE: f64 = 1e-6;

/// The rubric index of each position of a `probs` or `logits` array: `--labels` as given
/// (every rubric label, each once), or the rubric's order.
pub fn label_order(rubric: &Rubric, given: Option<&[String]>) -> Result<Vec<usize>, String> {
    let Some(given) = given else {
        return Ok((0..rubric.labels.len()).collect());
    };
    let mut order = Vec::with_capacity(given.len());
    for label in given {
        let i = rubric.label_index(label).ok_or_else(|| {
            format!(
                "--labels: `{}` is not a label of rubric `{}` ({})",
                shown(label),
                rubric.task,
                rubric.label_ids().collect::<Vec<_>>().join(", ")
            )
        })?;
        if order.contains(&i) {
            return Err(format!("--labels: `{}` is given twice", shown(label)));
        }
        order.push(i);
    }
    if order.len() < rubric.labels.len() {
        let left: Vec<_> = (0..rubric.labels.len())
            .filter(|i| !order.contains(i))
            .map(|i| format!("`{}`", rubric.labels[i].id))
            .collect();
        return Err(format!(
            "--labels: names {} of the {} labels of rubric `{}`; missing {} (a probs or logits array gives every label a value)",
            order.len(),
            rubric.labels.len(),
            rubric.task,
            left.join(", ")
        ));
    }
    Ok(order)
}

/// The keys shown of a line keyed otherwise than the import expects.
const KEYS_SHOWN: usize = 12;

/// A first line that has no `item_id`, or none of the predictions, under the names `map`
/// reads: every line is read the same way, so the file is refused once, with the keys the line
/// has and the `--map` that would read them.
fn keyed_otherwise(
    file: &str,
    number: usize,
    obj: &Map<String, Value>,
    map: &FieldMap,
) -> Option<Issue> {
    let has = |field: &str| obj.contains_key(map.column(field));
    let mut keys: Vec<_> = obj
        .keys()
        .take(KEYS_SHOWN)
        .map(|k| format!("`{}`", shown(k)))
        .collect();
    if obj.len() > KEYS_SHOWN {
        keys.push("…".into());
    }
    let keys = keys.join(", ");
    if !has("item_id") {
        let like = obj.keys().find(|k| {
            let k = k.to_lowercase();
            k.ends_with("id") || k == "item"
        });
        let fix = like.map_or_else(
            || "--map item_id=KEY".to_string(),
            |k| format!("--map item_id={}", shown(k)),
        );
        return Some(Issue::new(
            file,
            number,
            map.describe("item_id"),
            format!("missing: this line's keys are {keys}; name the item's key with {fix}"),
        ));
    }
    if !["distribution", "probs", "logits"].into_iter().any(has) {
        return Some(Issue::new(
            file,
            number,
            "line",
            format!(
                "no prediction: this line's keys are {keys}; give distribution, probs or logits, or name yours with --map (--map probs=KEY)"
            ),
        ));
    }
    None
}

/// What to import, where, and on whose behalf.
#[derive(Debug, Clone, Copy)]
pub struct PredictionJob<'a> {
    /// The input file (`-` for stdin).
    pub path: &'a Path,
    /// The batch predicted.
    pub batch: &'a Batch,
    /// The model's name.
    pub model: &'a str,
    /// The rubric index of each array position (see [`label_order`]).
    pub labels: &'a [usize],
    /// `--map` renames of [`PREDICTION_FIELDS`].
    pub map: &'a FieldMap,
    /// Skip (and count) lines whose item is not in the batch, rather than refuse them.
    pub skip_unknown: bool,
    /// Add a new version of a model the batch already has.
    pub replace: bool,
    /// Who imports.
    pub actor: &'a str,
    /// When, RFC 3339 UTC.
    pub at: &'a str,
}

/// What an import of predictions wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionsImported {
    /// The model version written.
    pub model: Model,
    /// Items of the batch the file has no prediction for.
    pub missing: u64,
    /// Lines skipped for an item not in the batch (`--skip-unknown`).
    pub skipped: u64,
}

/// One parsed line: the item id and the distribution in rubric order.
struct Prediction {
    item_id: String,
    distribution: Vec<f64>,
}

/// Parses one prediction line, or lists its problems.
fn parse_line(
    file: &str,
    number: usize,
    obj: &Map<String, Value>,
    rubric: &Rubric,
    labels: &[usize],
    map: &FieldMap,
) -> Result<Prediction, Vec<Issue>> {
    let issue = |field: &str, message: String| Issue::new(file, number, field, message);
    let mut errs = Vec::new();
    let row = Row {
        fields: super::rows::Fields::Json(obj),
        map,
    };
    let item_id = row
        .key("item_id")
        .map_err(|(f, m)| errs.push(issue(&f, m)))
        .ok();
    let given: Vec<&str> = ["distribution", "probs", "logits"]
        .into_iter()
        .filter(|f| obj.get(map.column(f)).is_some_and(|v| !v.is_null()))
        .collect();
    let mut distribution = vec![0.0; rubric.labels.len()];
    let number_of = |field: &str, v: &Value, errs: &mut Vec<Issue>| -> Option<f64> {
        match v.as_f64() {
            Some(x) if x.is_finite() => Some(x),
            Some(x) => {
                errs.push(issue(field, format!("{x} is not a finite number")));
                None
            }
            None => {
                errs.push(issue(
                    field,
                    format!("expected a number, got {}", type_name(v)),
                ));
                None
            }
        }
    };
    match given.as_slice() {
        ["distribution"] => {
            let field = map.describe("distribution");
            match obj.get(map.column("distribution")) {
                Some(Value::Object(m)) => {
                    for (label, v) in m {
                        let at = format!("{field}.{label}");
                        let Some(i) = rubric.label_index(label) else {
                            errs.push(issue(
                                &at,
                                format!(
                                    "`{}` is not a label of rubric `{}`",
                                    shown(label),
                                    rubric.task
                                ),
                            ));
                            continue;
                        };
                        if let Some(p) = number_of(&at, v, &mut errs) {
                            distribution[i] = p;
                        }
                    }
                    check_probabilities(&field, &distribution, &mut errs, &issue);
                }
                Some(v) => errs.push(issue(
                    &field,
                    format!(
                        "expected an object of label → probability, got {}",
                        type_name(v)
                    ),
                )),
                None => {}
            }
        }
        [array] => {
            let field = map.describe(array);
            match obj.get(map.column(array)) {
                Some(Value::Array(values)) if values.len() == labels.len() => {
                    let mut read = Vec::with_capacity(values.len());
                    for (n, v) in values.iter().enumerate() {
                        if let Some(x) = number_of(&format!("{field}[{n}]"), v, &mut errs) {
                            read.push(x);
                        }
                    }
                    if read.len() == labels.len() {
                        let probs = if *array == "logits" {
                            softmax(&read)
                        } else {
                            read
                        };
                        for (&i, p) in labels.iter().zip(probs) {
                            distribution[i] = p;
                        }
                        if *array == "probs" {
                            check_probabilities(&field, &distribution, &mut errs, &issue);
                        }
                    }
                }
                Some(Value::Array(values)) => errs.push(issue(
                    &field,
                    format!(
                        "{} values where --labels has {} ({})",
                        values.len(),
                        labels.len(),
                        labels
                            .iter()
                            .map(|&i| rubric.labels[i].id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                Some(v) => errs.push(issue(
                    &field,
                    format!("expected an array of numbers, got {}", type_name(v)),
                )),
                None => {}
            }
        }
        [] => errs.push(issue(
            "line",
            format!(
                "no prediction: give one of {}, {} (in --labels order) or {}",
                map.describe("distribution"),
                map.describe("probs"),
                map.describe("logits")
            ),
        )),
        many => errs.push(issue(
            "line",
            format!("give one prediction, not {}", many.join(" and ")),
        )),
    }
    match item_id {
        Some(id) if errs.is_empty() => Ok(Prediction {
            item_id: id.into_owned(),
            distribution,
        }),
        _ => Err(errs),
    }
}

/// Probabilities must each lie in [0, 1] and sum to 1 within [`SUM_TOLERANCE`].
fn check_probabilities(
    field: &str,
    distribution: &[f64],
    errs: &mut Vec<Issue>,
    issue: &dyn Fn(&str, String) -> Issue,
) {
    if let Some(p) = distribution.iter().find(|&&p| p < 0.0) {
        errs.push(issue(field, format!("holds a negative probability, {p}")));
    } else if let Some(p) = distribution.iter().find(|&&p| p > 1.0) {
        errs.push(issue(field, format!("holds a probability above 1, {p}")));
    }
    let sum: f64 = distribution.iter().sum();
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        errs.push(issue(
            field,
            format!("sums to {sum}, not 1 (within {SUM_TOLERANCE:e})"),
        ));
    }
}

/// Reads the job's file and writes its predictions as a new model (or version) of the batch,
/// in one transaction: on any problem the database is unchanged. `on_progress` is told the
/// bytes read.
pub fn import_predictions(
    store: &mut Store,
    job: &PredictionJob<'_>,
    mut on_progress: impl FnMut(u64),
) -> Result<PredictionsImported, ImportError> {
    let rubric = &job.batch.rubric;
    let mut input = source::Input::open(job.path, source::OtherExtension::Refused("use .jsonl"))
        .map_err(one)?;
    let file = input.name.clone();
    let (csv, reader) = input.pass().map_err(one)?;
    if csv {
        return Err(one(Issue::new(
            &file,
            1,
            "file",
            "predictions are JSONL (one object per line), not CSV",
        )));
    }
    let mut writer =
        store.prediction_writer(job.batch, job.model, job.replace, job.actor, job.at)?;
    let mut issues = Issues::default();
    // The line of each item's prediction, by rowid: duplicates are named with both lines.
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut skipped = 0u64;
    let mut failed: Option<StoreError> = None;
    let mut first = true;
    let ctx = Ctx {
        file: &file,
        rubric,
        map: job.map,
        format: Format::Auto,
    };
    source::for_each_line(
        reader,
        &file,
        &mut issues,
        &mut on_progress,
        |line, issues| {
            let obj = match json::parse(line.text) {
                Ok(Value::Object(o)) => o,
                other => {
                    issues.push(super::not_an_object(&ctx, &line, other));
                    return true;
                }
            };
            if std::mem::take(&mut first)
                && let Some(issue) = keyed_otherwise(&file, line.number, &obj, job.map)
            {
                issues.push(issue);
                return false;
            }
            let p = match parse_line(&file, line.number, &obj, rubric, job.labels, job.map) {
                Ok(p) => p,
                Err(errs) => {
                    errs.into_iter().for_each(|e| issues.push(e));
                    return true;
                }
            };
            let item = match writer.item(&p.item_id) {
                Ok(item) => item,
                Err(e) => {
                    failed = Some(e);
                    return false;
                }
            };
            let field = job.map.describe("item_id");
            let Some(item) = item else {
                if job.skip_unknown {
                    skipped += 1;
                } else {
                    issues.push(Issue::new(
                        &file,
                        line.number,
                        field,
                        format!(
                            "item `{}` is not in batch `{}` (--skip-unknown skips such lines)",
                            shown(&p.item_id),
                            job.batch.name
                        ),
                    ));
                }
                return true;
            };
            if let Some(first) = seen.insert(item.id, line.number) {
                issues.push(Issue::new(
                    &file,
                    line.number,
                    field,
                    format!(
                        "item `{}` already has a prediction at line {first}",
                        shown(&p.item_id)
                    ),
                ));
                return true;
            }
            if issues.list().is_empty() {
                let d = compare(&shares(&item.counts), &p.distribution);
                if let Err(e) =
                    writer.add(item.id, &p.distribution, d.kl_nats, d.model_entropy_bits)
                {
                    failed = Some(e);
                    return false;
                }
            }
            true
        },
    );
    if let Some(e) = failed {
        return Err(e.into());
    }
    if !issues.list().is_empty() {
        return Err(ImportError::Input(issues));
    }
    let written = seen.len() as u64;
    if written == 0 {
        return Err(one(Issue::new(
            &file,
            0,
            "file",
            format!(
                "no prediction for an item of batch `{}` (lines skipped for unknown items: {skipped})",
                job.batch.name
            ),
        )));
    }
    let missing = job.batch.items.saturating_sub(written);
    let details = serde_json::json!({"file": file, "missing": missing, "skipped_unknown": skipped});
    let model = writer.commit(&file, details)?;
    Ok(PredictionsImported {
        model,
        missing,
        skipped,
    })
}

/// One issue as the whole of an import's problems.
fn one(issue: Issue) -> ImportError {
    let mut issues = Issues::default();
    issues.push(issue);
    ImportError::Input(issues)
}
