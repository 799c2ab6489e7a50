//! Soft-label lines: the export schema read back, every derived figure checked against the
//! panel it claims, so that importing then exporting reproduces the file.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::rows::Row;
use super::{Ctx, Issue, ParsedItem, SeenItems, storable_total};
use crate::domain::decision::{
    AWAITING_REREVIEW, DecisionKind, NewDecision, SENT_BACK, SourceDecision, Vote, decision_time,
    default_reason, parse_hard_label_reason,
};
use crate::domain::ids;
use crate::domain::metrics::{entropy_bits, shares};
use crate::domain::model::{ItemRecord, Judgment, Panel};
use crate::domain::triage::classify;
use crate::text::shown;

/// Distributions must sum to 1 within this.
const SUM_TOLERANCE: f64 = 1e-6;
/// `entropy_bits` may be rounded to two decimals.
const ENTROPY_TOLERANCE: f64 = 0.005 + 1e-9;

/// The keys of the export schema; any other key is payload.
const SCHEMA_KEYS: [&str; 15] = [
    "item_id",
    "task",
    "distribution",
    "reviewer_count",
    "entropy_bits",
    "confidence",
    "disagreement_class",
    "rationales",
    "adjudicated_label",
    "adjudication_reason",
    "rubric_version",
    "adjudicated_by",
    "adjudicated_at",
    "rounds",
    "round",
];

/// Parses one soft-label line: its item, preceded by the earlier rounds its `rounds` history
/// gives (round 1 first, each sent back for re-review; the line is the latest round).
pub fn parse(
    ctx: &Ctx<'_>,
    row: &Row<'_>,
    obj: &Map<String, Value>,
    line: usize,
    seen: &mut SeenItems,
) -> Result<Vec<ParsedItem>, Vec<Issue>> {
    let latest = parse_round(ctx, row, obj, line, seen);
    let history = match obj.get("rounds") {
        None | Some(Value::Null) => return latest.map(|item| vec![item]),
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(v) => {
            let mut errs = latest.err().unwrap_or_default();
            errs.push(ctx.issue(
                line,
                "rounds",
                format!(
                    "expected a list of the earlier rounds, got {}",
                    shown(&v.to_string())
                ),
            ));
            return Err(errs);
        }
    };
    let mut errs = Vec::new();
    let mut items = Vec::new();
    for (k, round) in history.iter().enumerate() {
        let field = format!("rounds[{k}]");
        let Some(round) = round.as_object() else {
            errs.push(ctx.issue(line, field, "expected an object"));
            continue;
        };
        if round.get("round").and_then(Value::as_u64) != Some(k as u64 + 1) {
            errs.push(ctx.issue(
                line,
                format!("{field}.round"),
                format!("expected {}", k + 1),
            ));
        }
        if round.contains_key("rounds") {
            errs.push(ctx.issue(line, format!("{field}.rounds"), "a round has no history"));
            continue;
        }
        // the round as a line of its own: the item's id and task, and (round 1, the item's row)
        // its fields
        let mut own = round.clone();
        for (key, value) in obj {
            if key == "item_id" || key == "task" || (k == 0 && !SCHEMA_KEYS.contains(&key.as_str()))
            {
                own.insert(key.clone(), value.clone());
            }
        }
        let own_row = Row {
            fields: super::rows::Fields::Json(&own),
            map: ctx.map,
        };
        match parse_round(ctx, &own_row, &own, line, &mut SeenItems::new()) {
            Ok(mut item) => {
                if item.decision.as_ref().map(|d| d.decision.kind) != Some(DecisionKind::Rereview) {
                    errs.push(ctx.issue(
                        line,
                        format!("{field}.adjudication_reason"),
                        format!("an earlier round was sent back: `{SENT_BACK}REASON`"),
                    ));
                }
                item.round = k as i64 + 1;
                items.push(item);
            }
            Err(inner) => errs.extend(inner.into_iter().map(|mut e| {
                e.field = format!("{field}.{}", e.field);
                e
            })),
        }
    }
    match latest {
        Ok(mut item) if errs.is_empty() => {
            item.round = history.len() as i64 + 1;
            items.push(item);
            Ok(items)
        }
        Ok(_) => Err(errs),
        Err(mut e) => {
            e.extend(errs);
            Err(e)
        }
    }
}

/// Parses one soft-label line, or one round of its history, as an item.
fn parse_round(
    ctx: &Ctx<'_>,
    row: &Row<'_>,
    obj: &Map<String, Value>,
    line: usize,
    seen: &mut SeenItems,
) -> Result<ParsedItem, Vec<Issue>> {
    let mut errs: Vec<Issue> = Vec::new();
    let item_id = ctx
        .take_id(row, "item_id", line, &mut errs)
        .map(Cow::into_owned);
    let mut err = |field: &str, m: String| errs.push(ctx.issue(line, field, m));
    let rubric = ctx.rubric;
    let task = ctx
        .task(row, line)
        .map_err(|e| err(&e.field, e.message))
        .ok();

    // distribution → shares in rubric order
    let mut dist = vec![0.0; rubric.labels.len()];
    match obj.get("distribution") {
        Some(Value::Object(map)) => {
            for (label, v) in map {
                let field = format!("distribution.{label}");
                match (rubric.label_index(label), v.as_f64()) {
                    (None, _) => err(
                        &field,
                        format!(
                            "`{}` is not a label of rubric `{}`",
                            shown(label),
                            rubric.task
                        ),
                    ),
                    (_, None) => err(
                        &field,
                        format!("expected a number, got {}", shown(&v.to_string())),
                    ),
                    (Some(_), Some(p)) if !(0.0..=1.0).contains(&p) => {
                        err(&field, format!("{p} is outside [0, 1]"))
                    }
                    (Some(i), Some(p)) => dist[i] = p,
                }
            }
            let sum: f64 = dist.iter().sum();
            if (sum - 1.0).abs() > SUM_TOLERANCE {
                err("distribution", format!("sums to {sum}, not 1"));
            }
        }
        _ => err(
            "distribution",
            "expected an object of label → probability".into(),
        ),
    }
    let reviewer_count = match obj.get("reviewer_count").and_then(Value::as_u64) {
        Some(n) if n > 0 && storable_total(&[n]).is_some() => n,
        _ => {
            err(
                "reviewer_count",
                format!("expected a whole number from 1 to {}", i64::MAX),
            );
            0
        }
    };

    // confidence map
    let mut confidence: Vec<(String, f64)> = Vec::new();
    match obj.get("confidence") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (reviewer, v) in map {
                match v.as_f64() {
                    Some(c) if (0.0..=1.0).contains(&c) => confidence.push((reviewer.clone(), c)),
                    _ => err(
                        &format!("confidence.{reviewer}"),
                        format!("{} is not a confidence in [0, 1]", shown(&v.to_string())),
                    ),
                }
            }
        }
        Some(v) => err(
            "confidence",
            format!(
                "expected an object of reviewer → confidence, got {}",
                shown(&v.to_string())
            ),
        ),
    }

    // rationales → judgments
    let mut judgments: Vec<Judgment> = Vec::new();
    match obj.get("rationales") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (k, r) in list.iter().enumerate() {
                let field = format!("rationales[{k}]");
                let Some(r) = r.as_object() else {
                    err(&field, "expected an object".into());
                    continue;
                };
                match rationale(r, &confidence) {
                    Ok(j) if rubric.label_index(&j.label).is_none() => {
                        err(
                            &format!("{field}.label"),
                            format!("`{}` is not a label of the rubric", shown(&j.label)),
                        );
                    }
                    Ok(j) if judgments.iter().any(|o| o.reviewer == j.reviewer) => {
                        err(
                            &format!("{field}.reviewer"),
                            format!("reviewer `{}` appears twice", shown(&j.reviewer)),
                        );
                    }
                    Ok(j) => judgments.push(j),
                    Err((f, m)) => err(&format!("{field}.{f}"), m),
                }
            }
        }
        Some(v) => err(
            "rationales",
            format!("expected an array, got {}", shown(&v.to_string())),
        ),
    }

    // the panel the line claims
    let counts: Vec<u64> = if judgments.is_empty() {
        if !confidence.is_empty() {
            err(
                "confidence",
                "confidences without rationales: no reviewer to attach them to".into(),
            );
        }
        let mut whole = true;
        let counts: Vec<u64> = dist
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let c = p * reviewer_count as f64;
                if (c - c.round()).abs() > 1e-6 {
                    whole = false;
                    err(
                        &format!("distribution.{}", rubric.labels[i].id),
                        format!("{p} × reviewer_count {reviewer_count} is not a whole number of reviewers"),
                    );
                }
                c.round() as u64
            })
            .collect();
        let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
        if whole && reviewer_count > 0 && total != u128::from(reviewer_count) {
            err(
                "reviewer_count",
                format!("{reviewer_count}, but the distribution makes {total} reviewers"),
            );
        }
        counts
    } else {
        if judgments.len() as u64 != reviewer_count {
            err(
                "reviewer_count",
                format!(
                    "{reviewer_count}, but there are {} rationales",
                    judgments.len()
                ),
            );
        }
        if let Some((r, _)) = confidence
            .iter()
            .find(|(r, _)| !judgments.iter().any(|j| &j.reviewer == r))
        {
            err(
                &format!("confidence.{r}"),
                format!("reviewer `{}` has no rationale", shown(r)),
            );
        }
        let mut c = vec![0u64; rubric.labels.len()];
        for j in &judgments {
            if let Some(i) = rubric.label_index(&j.label) {
                c[i] += 1;
            }
        }
        let claimed = shares(&c);
        if dist
            .iter()
            .zip(&claimed)
            .any(|(a, b)| (a - b).abs() > SUM_TOLERANCE)
        {
            err(
                "distribution",
                "does not match the labels of the rationales".into(),
            );
        }
        c
    };
    let computed = entropy_bits(&shares(&counts));
    match obj.get("entropy_bits").and_then(Value::as_f64) {
        Some(h) if (h - computed).abs() <= ENTROPY_TOLERANCE => {}
        Some(h) => err(
            "entropy_bits",
            format!("{h} disagrees with the distribution ({computed:.4} bits)"),
        ),
        None => err("entropy_bits", "expected a number".into()),
    }
    let class = classify(&counts, rubric).class;
    match obj.get("disagreement_class").and_then(Value::as_str) {
        Some(c) if c == class.as_str() => {}
        Some(c) => err(
            "disagreement_class",
            format!(
                "`{}` does not follow from the distribution under the rubric (`{}`)",
                shown(c),
                class.as_str()
            ),
        ),
        None => err("disagreement_class", "expected a string".into()),
    }

    // the decision the line records, held to the rules of a decision made here
    // (only a line that records a decision needs the panel's names)
    let reviewers = || -> Vec<String> { judgments.iter().map(|j| j.reviewer.clone()).collect() };
    let reason = obj
        .get("adjudication_reason")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let decision = match obj.get("adjudicated_label") {
        None | Some(Value::Null) => {
            let sent_back = reason
                .strip_prefix(AWAITING_REREVIEW)
                .or_else(|| reason.strip_prefix(SENT_BACK));
            let (kind, text) = match sent_back {
                Some(text) => (DecisionKind::Rereview, text),
                None => (DecisionKind::KeepSoft, reason),
            };
            (!reason.is_empty() && reason != default_reason(class)).then(|| NewDecision {
                kind,
                label: None,
                reason_code: None,
                erring: vec![],
                text: text.to_string(),
            })
        }
        Some(Value::String(label)) if rubric.label_index(label).is_some() => {
            match parse_hard_label_reason(reason, rubric, &reviewers()) {
                Some((code, erring, text)) => Some(NewDecision {
                    kind: DecisionKind::HardLabel,
                    label: Some(label.clone()),
                    reason_code: Some(code),
                    erring,
                    text,
                }),
                None => {
                    err(
                        "adjudication_reason",
                        format!(
                            "a hard label's reason is `CODE: text` or `CODE (REVIEWER, …): text` \
                             with a reason code of the rubric ({}) and reviewers of the panel",
                            rubric.reason_codes.join(", ")
                        ),
                    );
                    None
                }
            }
        }
        Some(v) => {
            err(
                "adjudicated_label",
                format!("{} is not a label of the rubric", shown(&v.to_string())),
            );
            None
        }
    };
    let decision = decision.filter(|d| {
        let votes: Vec<Vote> = judgments
            .iter()
            .map(|j| Vote {
                reviewer: j.reviewer.clone(),
                label: j.label.clone(),
            })
            .collect();
        let panel = (!votes.is_empty()).then_some(votes.as_slice());
        d.validate(rubric, panel)
            .map_err(|m| err("adjudication_reason", m.to_string()))
            .is_ok()
    });
    let credit = credit(obj, decision.is_some()).map_err(|(f, m)| err(f, m));
    let decision = decision.map(|decision| SourceDecision {
        decision,
        credit: credit.ok().flatten(),
    });
    let rubric_version = match obj.get("rubric_version") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) if (1..rubric.version).contains(&v) => Some(v),
            Some(v) if v == rubric.version => None,
            _ => {
                err(
                    "rubric_version",
                    format!(
                        "{} is not a version of rubric `{}` up to the one imported under ({})",
                        shown(&v.to_string()),
                        rubric.task,
                        rubric.version
                    ),
                );
                None
            }
        },
    };
    ctx.line_item(seen, line, item_id, task, errs, |item_id, task| {
        let record = ItemRecord {
            item_id,
            task,
            payload: row.payload(&SCHEMA_KEYS),
            gold_label: None,
            panel: if judgments.is_empty() {
                Panel::Counts(counts)
            } else {
                Panel::Judgments(judgments)
            },
        };
        (record, decision, rubric_version)
    })
}

/// Who recorded the line's decision and when (`adjudicated_by`, `adjudicated_at`, both or
/// neither, only beside a decision); the time as an export writes it.
fn credit(
    obj: &Map<String, Value>,
    decided: bool,
) -> Result<Option<(String, String)>, (&'static str, String)> {
    let text = |key: &'static str| match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(v) => Err((
            key,
            format!("expected a non-empty string, got {}", shown(&v.to_string())),
        )),
    };
    match (text("adjudicated_by")?, text("adjudicated_at")?) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) if !decided => Err((
            "adjudicated_by",
            "names who decided, but the line records no decision".into(),
        )),
        (Some(by), Some(at)) => match chrono::DateTime::parse_from_rfc3339(&at) {
            Ok(t) => Ok(Some((by, decision_time(&t.with_timezone(&chrono::Utc))))),
            Err(_) => Err((
                "adjudicated_at",
                format!("`{}` is not an RFC 3339 time", shown(&at)),
            )),
        },
        (Some(_), None) => Err(("adjudicated_at", "missing beside adjudicated_by".into())),
        (None, Some(_)) => Err(("adjudicated_by", "missing beside adjudicated_at".into())),
    }
}

/// One rationale object as a judgment; its confidence comes from the line's `confidence` map.
fn rationale(
    r: &Map<String, Value>,
    confidence: &[(String, f64)],
) -> Result<Judgment, (String, String)> {
    let text = |k: &str| match r.get(k) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        None | Some(Value::Null) => Ok(None),
        Some(v) => Err((
            k.to_string(),
            format!("expected a string, got {}", shown(&v.to_string())),
        )),
    };
    let reviewer = text("reviewer")?.ok_or(("reviewer".to_string(), "missing".to_string()))?;
    if let Some(m) = ids::problem(&reviewer) {
        return Err(("reviewer".into(), m));
    }
    let label = text("label")?.ok_or(("label".to_string(), "missing".to_string()))?;
    let evidence = text("evidence")?;
    let from_map = confidence
        .iter()
        .find(|(n, _)| *n == reviewer)
        .map(|(_, c)| *c);
    let own = match r.get("confidence") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_f64().ok_or((
            "confidence".to_string(),
            format!("expected a number, got {}", shown(&v.to_string())),
        ))?),
    };
    if own.is_some() && own != from_map {
        return Err((
            "confidence".into(),
            "differs from the line's confidence map".into(),
        ));
    }
    let c = own.or(from_map);
    Ok(Judgment {
        reviewer,
        label,
        raw_confidence: c,
        confidence: c,
        evidence,
        attributes: Map::new(),
    })
}
