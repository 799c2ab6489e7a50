//! Reading stored columns back, one parser per column. Every value was written by dissent, so
//! one that does not read back means the file was changed outside it: that is an error naming
//! the row, never a silent default.

use chrono::{DateTime, Utc};

use super::{Result, StoreError};
use crate::domain::decision::DecisionKind;

/// A stored value that does not read back.
#[derive(Debug, thiserror::Error)]
#[error(
    "{row}: stored {column} `{value}` cannot be read ({why}); was the database changed outside dissent?"
)]
pub struct Corrupt {
    /// Which row, e.g. "item `x`" or "decision 7".
    pub row: String,
    /// Which column.
    pub column: &'static str,
    /// The value, cut to a readable length.
    pub value: String,
    /// What is wrong with it.
    pub why: String,
}

/// The error a row reader returns for `value` of `column` on `row`.
pub(super) fn corrupt(row: String, column: &'static str, value: &str, why: &str) -> StoreError {
    let value: String = value.chars().take(60).collect();
    StoreError::Corrupt(Box::new(Corrupt {
        row,
        column,
        value,
        why: why.into(),
    }))
}

/// The label counts column (`[1,3,1]`), appended to `out`.
pub(super) fn counts(row: impl FnOnce() -> String, text: &str, out: &mut Vec<u64>) -> Result<()> {
    let bad = |row: String| corrupt(row, "counts", text, "not a list of counts");
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return Err(bad(row()));
    };
    let start = out.len();
    for n in inner.split(',').filter(|n| !n.is_empty()) {
        match n.trim().parse() {
            Ok(n) => out.push(n),
            Err(_) => {
                out.truncate(start);
                return Err(bad(row()));
            }
        }
    }
    Ok(())
}

/// A JSON object column (payload, reviewer attributes).
pub(super) fn object(
    row: impl FnOnce() -> String,
    column: &'static str,
    text: &str,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text).map_err(|_| corrupt(row(), column, text, "not a JSON object"))
}

/// A JSON value column (an event's details).
pub(super) fn json(
    row: impl FnOnce() -> String,
    column: &'static str,
    text: &str,
) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|_| corrupt(row(), column, text, "not JSON"))
}

/// The kind of a decision.
pub(super) fn decision_kind(row: impl FnOnce() -> String, text: &str) -> Result<DecisionKind> {
    DecisionKind::parse(text).ok_or_else(|| corrupt(row(), "kind", text, "not a decision kind"))
}

/// The erring reviewers of a decision (a JSON list of ids).
pub(super) fn names(row: impl FnOnce() -> String, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|_| corrupt(row(), "erring", text, "not a list of reviewers"))
}

/// A time, RFC 3339.
pub(super) fn time(row: impl FnOnce() -> String, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt(row(), "at", text, "not an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_back_or_name_their_row() {
        let mut out = vec![9];
        counts(|| "item `a`".into(), "[1,3,0]", &mut out).unwrap();
        assert_eq!(out, [9, 1, 3, 0]);
        counts(|| "item `a`".into(), "[]", &mut out).unwrap();
        assert_eq!(out.len(), 4);
        for bad in ["1,3", "[1,x]", "[-1]", "[1,,2"] {
            let e = counts(|| "item `b`".into(), bad, &mut out).unwrap_err();
            assert!(
                e.to_string().contains("item `b`: stored counts"),
                "{bad}: {e}"
            );
            assert_eq!(out.len(), 4, "nothing half-appended");
        }
    }

    #[test]
    fn an_unknown_kind_or_time_is_an_error_not_a_revert_or_1970() {
        assert!(decision_kind(|| "decision 3".into(), "overrule").is_err());
        assert!(time(|| "decision 3".into(), "yesterday").is_err());
        assert_eq!(
            decision_kind(String::new, "keep_soft").unwrap(),
            DecisionKind::KeepSoft
        );
    }
}
